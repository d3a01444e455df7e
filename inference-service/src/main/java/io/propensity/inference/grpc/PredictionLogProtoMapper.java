package io.propensity.inference.grpc;

import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.InvalidInputException;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.PredictionPage;
import io.propensity.inference.predictionlog.PredictionQuery;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import propensity.inference.v1.Factor;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.LoggedFeature;
import propensity.inference.v1.LoggedFeatureSchema;
import propensity.inference.v1.ServedEndpoint;

/** Maps the served-prediction log's queries and pages to and from protobuf. */
final class PredictionLogProtoMapper {
  /** Most predictions of one page. */
  static final int MAX_PAGE_SIZE = 10_000;

  private PredictionLogProtoMapper() {}

  static PredictionQuery toQuery(ListServedPredictionsRequest r) {
    if (r.getPageSize() < 0 || r.getPageSize() > MAX_PAGE_SIZE) {
      throw InvalidInputException.of(
          "page_size", r.getPageSize() + " is outside 0 to " + MAX_PAGE_SIZE);
    }
    if (r.getModelVersion() < 0) {
      throw InvalidInputException.of(
          "model_version", r.getModelVersion() + " is negative; 0 means every version");
    }
    long after = 0;
    if (!r.getPageToken().isEmpty()) {
      try {
        after = Long.parseLong(r.getPageToken());
      } catch (NumberFormatException e) {
        after = -1;
      }
      if (after < 0) {
        throw InvalidInputException.of(
            "page_token", "'" + r.getPageToken() + "' is not a token this service handed out");
      }
    }
    Optional<Instant> from =
        r.hasStartTime() ? Optional.of(instant(r.getStartTime(), "start_time")) : Optional.empty();
    Optional<Instant> to =
        r.hasEndTime() ? Optional.of(instant(r.getEndTime(), "end_time")) : Optional.empty();
    return new PredictionQuery(
        r.getModelName().isEmpty() ? Optional.empty() : Optional.of(r.getModelName()),
        r.getModelVersion() == 0 ? OptionalLong.empty() : OptionalLong.of(r.getModelVersion()),
        from,
        to,
        r.getUserId().isEmpty() ? Optional.empty() : Optional.of(r.getUserId()),
        after,
        r.getPageSize() == 0 ? 1_000 : r.getPageSize());
  }

  /** The alias a listing is limited to; empty means every alias. */
  static Optional<String> toAlias(ListServedPredictionsRequest r) {
    String a = r.getModelAlias();
    if (a.isEmpty()) {
      return Optional.empty();
    }
    if (a.length() > 64) {
      throw InvalidInputException.of(
          "model_alias", a.length() + " characters, at most 64 are allowed");
    }
    return Optional.of(a);
  }

  private static Instant instant(com.google.protobuf.Timestamp t, String field) {
    EventProtoMapper.timestampProblem(t)
        .ifPresent(
            why -> {
              throw InvalidInputException.of(field, why);
            });
    return EventProtoMapper.instant(t);
  }

  static ListServedPredictionsResponse toProto(PredictionPage page) {
    ListServedPredictionsResponse.Builder b = ListServedPredictionsResponse.newBuilder();
    for (ServedPrediction p : page.predictions()) {
      propensity.inference.v1.ServedPrediction.Builder s =
          propensity.inference.v1.ServedPrediction.newBuilder()
              .setRequestId(p.requestId())
              .setRowIndex(p.rowIndex())
              .setServedAt(EventProtoMapper.timestamp(p.servedAt()))
              .setEndpoint(ServedEndpoint.valueOf("SERVED_ENDPOINT_" + p.endpoint().name()))
              .setUserId(p.userId().orElse(""))
              .setModelName(p.modelName())
              .setModelVersion(p.modelVersion())
              .setModelAlias(p.modelAlias())
              .setFeatureSchemaHash(p.schema().hash())
              .setProbability(p.probability())
              .setDecision(p.decision())
              .setThreshold(p.threshold())
              .setColdStart(p.coldStart());
      if (p.hasFeatures()) {
        for (double v : p.features()) {
          s.addFeatureValues(v);
        }
        s.setFeatureValuesSha256(JdbcPredictionLogStore.valuesSha256(p.features()));
      }
      for (ServedPrediction.LoggedFactor f : p.factors()) {
        s.addFactors(
            Factor.newBuilder()
                .setFeature(f.feature())
                .setValue(f.value())
                .setContribution(f.contribution()));
      }
      b.addPredictions(s);
    }
    for (LoggedSchema schema : page.schemas().values()) {
      LoggedFeatureSchema.Builder s =
          LoggedFeatureSchema.newBuilder().setFeatureSchemaHash(schema.hash());
      for (LoggedSchema.Feature f : schema.features()) {
        LoggedFeature.Builder lf =
            LoggedFeature.newBuilder().setName(f.name()).addAllCategories(f.categories());
        f.type().ifPresent(t -> lf.setType(InferenceProtoMapper.toProto(t)));
        s.addFeatures(lf);
      }
      b.addSchemas(s);
    }
    page.next().ifPresent(n -> b.setNextPageToken(Long.toString(n)));
    return b.build();
  }
}
