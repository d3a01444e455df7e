package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.inference.v1.ChallengerServiceGrpc;
import propensity.inference.v1.ComparedSideMetrics;
import propensity.inference.v1.GetChallengerReportRequest;
import propensity.inference.v1.GetChallengerReportResponse;
import propensity.inference.v1.PairedComparison;
import propensity.inference.v1.PromotionDecision;
import propensity.inference.v1.PromotionDecisionKind;

/** {@code propensity challenger report MODEL} against a fake inference-service. */
class ChallengerReportCliTest {
  Server server;

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new ChallengerServiceGrpc.ChallengerServiceImplBase() {
                  @Override
                  public void getChallengerReport(
                      GetChallengerReportRequest r,
                      StreamObserver<GetChallengerReportResponse> out) {
                    if (!r.getModelName().equals("purchase-7d")) {
                      out.onError(
                          Status.NOT_FOUND.withDescription("no decision").asRuntimeException());
                      return;
                    }
                    GetChallengerReportResponse.Builder b = report().toBuilder();
                    for (int i = 0; i < Math.min(2, r.getHistoryLimit()); i++) {
                      b.addHistory(historyEntry(i));
                    }
                    out.onNext(b.build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static GetChallengerReportResponse report() {
    return GetChallengerReportResponse.newBuilder()
        .setDecision(
            PromotionDecision.newBuilder()
                .setModelName("purchase-7d")
                .setKind(PromotionDecisionKind.PROMOTION_DECISION_KIND_PROMOTE)
                .setDecidedAt(Timestamp.newBuilder().setSeconds(1_796_000_000L))
                .setProductionVersion(1)
                .setChallengerVersion(2)
                .setResultingProductionVersion(2)
                .setReason("challenger v2 wins"))
        .setPromotion(
            PairedComparison.newBuilder()
                .setPairs(1800)
                .setPositives(420)
                .setA(side("production", 1, 0.71))
                .setB(side("challenger", 2, 0.78))
                .setRocAucDifference(0.0692)
                .setRocAucDifferenceLower(0.0461)
                .setRocAucDifferenceUpper(0.0924)
                .setRocAucPValue(4e-9)
                .setLevel(0.95)
                .setBootstrap("300 resamples")
                .setSpearman(0.61)
                .setKendall(0.45))
        .build();
  }

  static PromotionDecision historyEntry(int i) {
    PromotionDecision.Builder d =
        PromotionDecision.newBuilder()
            .setModelName("purchase-7d")
            .setDecidedAt(Timestamp.newBuilder().setSeconds(1_796_000_000L - 3600L * i))
            .setProductionVersion(1)
            .setChallengerVersion(2)
            .setResultingProductionVersion(i == 0 ? 2 : 1)
            .setMetric("roc_auc")
            .setDecidedBy(i == 0 ? "replica-a" : "replica-b");
    if (i == 0) {
      d.setKind(PromotionDecisionKind.PROMOTION_DECISION_KIND_PROMOTE)
          .setHasDifference(true)
          .setDifference(0.0692)
          .setDifferenceLower(0.0461)
          .setDifferenceUpper(0.0924);
    } else {
      d.setKind(PromotionDecisionKind.PROMOTION_DECISION_KIND_NOT_ENOUGH_DATA);
    }
    return d.build();
  }

  @Test
  void listsTheSharedHistoryWhenAsked() {
    String[] plain = args("purchase-7d");
    String[] withHistory = new String[plain.length + 2];
    System.arraycopy(plain, 0, withHistory, 0, plain.length - 1);
    withHistory[plain.length - 1] = "--history";
    withHistory[plain.length] = "5";
    withHistory[plain.length + 1] = "purchase-7d";

    CliRun.Run run = CliRun.run(withHistory);
    CliRun.Run without = CliRun.run(plain);

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out())
        .contains("history, newest first:")
        .containsPattern(
            "promote +v1 +v2 +v2 +roc_auc +\\+0\\.0692 \\[\\+0\\.0461, \\+0\\.0924\\] +replica-a")
        .containsPattern("not_enough_data +v1 +v2 +v1 +roc_auc +- +replica-b");
    assertThat(without.out()).doesNotContain("history, newest first:");
  }

  static ComparedSideMetrics side(String alias, long version, double auc) {
    return ComparedSideMetrics.newBuilder()
        .setAlias(alias)
        .setVersion(version)
        .setRocAuc(auc)
        .setPrAuc(0.5)
        .setThreshold(0.3)
        .setPrecision(0.4)
        .setRecall(0.6)
        .build();
  }

  String[] args(String model) {
    return new String[] {
      "challenger",
      "report",
      "--insecure",
      "--inference-service",
      "127.0.0.1:" + server.getPort(),
      model
    };
  }

  @Test
  void printsTheDecisionAndTheComparisonBehindIt() {
    CliRun.Run run = CliRun.run(args("purchase-7d"));

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out())
        .contains("purchase-7d: promote")
        .contains("production v1, challenger v2 → production v2")
        .contains("challenger v2 wins")
        .contains("1,800 pairs, 420 positive")
        .contains("ROC-AUC difference +0.0692, 95% CI [+0.0461, +0.0924]")
        .contains("challenger v2")
        .contains("Kendall 0.450");
  }

  @Test
  void aModelWithoutDecisionIsRefused() {
    CliRun.Run run = CliRun.run(args("other"));
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
  }
}
