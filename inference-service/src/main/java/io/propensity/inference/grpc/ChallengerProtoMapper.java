package io.propensity.inference.grpc;

import com.google.protobuf.Timestamp;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.inference.challenge.DecisionHistory;
import io.propensity.inference.challenge.PairedComparison;
import io.propensity.inference.challenge.PromotionDecision;
import io.propensity.inference.challenge.SideMetrics;
import java.util.List;
import java.util.Locale;
import propensity.inference.v1.ComparedSideMetrics;
import propensity.inference.v1.GetChallengerReportRequest;
import propensity.inference.v1.GetChallengerReportResponse;
import propensity.inference.v1.PromotionDecisionKind;

/** Maps the promotion policy's decisions and comparisons to the challenger contract. */
final class ChallengerProtoMapper {
  private ChallengerProtoMapper() {}

  static String modelName(GetChallengerReportRequest req) {
    String name = req.getModelName();
    if (name.isEmpty() || name.length() > 128) {
      throw new InvalidInputException(
          "model_name is required",
          List.of(
              new FieldError("model_name", "expected 1 to 128 characters, got " + name.length())));
    }
    return name;
  }

  static int historyLimit(GetChallengerReportRequest req) {
    int n = req.getHistoryLimit();
    if (n < 0 || n > 1000) {
      throw new InvalidInputException(
          "history_limit is out of range",
          List.of(new FieldError("history_limit", "expected 0 to 1000, got " + n)));
    }
    return n;
  }

  /** A recorded decision, with who decided and the lead it was decided on. */
  static propensity.inference.v1.PromotionDecision toProto(DecisionHistory.RecordedDecision r) {
    propensity.inference.v1.PromotionDecision.Builder b =
        toProto(r.decision()).getDecision().toBuilder()
            .setDecidedBy(r.decidedBy())
            .setMetric(r.metric().name().toLowerCase(Locale.ROOT));
    if (r.difference().isPresent()) {
      b.setHasDifference(true)
          .setDifference(r.difference().getAsDouble())
          .setDifferenceLower(r.lower().orElse(Double.NaN))
          .setDifferenceUpper(r.upper().orElse(Double.NaN));
    }
    return b.build();
  }

  static GetChallengerReportResponse toProto(PromotionDecision d) {
    GetChallengerReportResponse.Builder b =
        GetChallengerReportResponse.newBuilder()
            .setDecision(
                propensity.inference.v1.PromotionDecision.newBuilder()
                    .setModelName(d.model())
                    .setKind(
                        PromotionDecisionKind.valueOf("PROMOTION_DECISION_KIND_" + d.kind().name()))
                    .setDecidedAt(
                        Timestamp.newBuilder()
                            .setSeconds(d.decidedAt().getEpochSecond())
                            .setNanos(d.decidedAt().getNano()))
                    .setProductionVersion(d.productionVersion())
                    .setChallengerVersion(d.challengerVersion())
                    .setResultingProductionVersion(d.resultingProductionVersion())
                    .setReason(d.reason()));
    d.promotion().ifPresent(c -> b.setPromotion(toProto(c)));
    d.regression().ifPresent(c -> b.setRegression(toProto(c)));
    return b.build();
  }

  static propensity.inference.v1.PairedComparison toProto(PairedComparison c) {
    return propensity.inference.v1.PairedComparison.newBuilder()
        .setPairs(c.pairs())
        .setPositives(c.positives())
        .setA(toProto(c.production()))
        .setB(toProto(c.challenger()))
        .setRocAucDifference(c.rocAuc().difference())
        .setRocAucDifferenceLower(c.rocAuc().lower())
        .setRocAucDifferenceUpper(c.rocAuc().upper())
        .setRocAucPValue(c.rocAuc().pValue())
        .setPrAucDifference(c.prAucDifference().estimate())
        .setPrAucDifferenceLower(c.prAucDifference().lower())
        .setPrAucDifferenceUpper(c.prAucDifference().upper())
        .setLevel(c.rocAuc().level())
        .setMeanScoreDifference(c.meanScoreDifference())
        .setSpearman(c.spearman())
        .setKendall(c.kendall())
        .setBootstrap(c.bootstrap())
        .build();
  }

  private static ComparedSideMetrics toProto(SideMetrics s) {
    return ComparedSideMetrics.newBuilder()
        .setAlias(s.side().alias())
        .setVersion(s.side().version())
        .setRocAuc(s.rocAuc())
        .setPrAuc(s.prAuc())
        .setThreshold(s.threshold())
        .setPrecision(s.precision())
        .setRecall(s.recall())
        .setMeanScore(s.meanScore())
        .build();
  }
}
