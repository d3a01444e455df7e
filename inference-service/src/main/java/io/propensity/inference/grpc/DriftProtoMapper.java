package io.propensity.inference.grpc;

import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.inference.drift.DriftReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import propensity.inference.v1.DriftBin;
import propensity.inference.v1.DriftDistribution;
import propensity.inference.v1.DriftStatus;
import propensity.inference.v1.GetDriftRequest;
import propensity.inference.v1.GetDriftResponse;

/** Maps GetDrift's request and the domain's {@link DriftReport} to and from protobuf. */
final class DriftProtoMapper {
  private DriftProtoMapper() {}

  /** A validated GetDrift request. */
  record Query(
      String model, OptionalLong version, Optional<String> alias, Optional<Duration> window) {}

  static Query toQuery(GetDriftRequest r) {
    List<FieldError> errors = new ArrayList<>();
    if (r.getModelName().isEmpty() || r.getModelName().length() > 128) {
      errors.add(
          new FieldError(
              "model_name",
              r.getModelName().isEmpty()
                  ? "is required"
                  : "is " + r.getModelName().length() + " characters, at most 128"));
    }
    if (r.getModelVersion() < 0) {
      errors.add(
          new FieldError(
              "model_version",
              r.getModelVersion() + " is negative; 0 means the version the alias points at"));
    }
    if (r.getModelVersion() > 0 && !r.getAlias().isEmpty()) {
      errors.add(new FieldError("alias", "set together with model_version; give one of them"));
    }
    Optional<Duration> window = Optional.empty();
    if (r.hasWindow()) {
      var w = r.getWindow();
      if (w.getSeconds() < 0 || w.getNanos() < 0 || w.getNanos() > 999_999_999) {
        errors.add(new FieldError("window", "is not a valid positive duration"));
      } else {
        window = Optional.of(Duration.ofSeconds(w.getSeconds(), w.getNanos()));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid GetDrift request", errors);
    }
    return new Query(
        r.getModelName(),
        r.getModelVersion() == 0 ? OptionalLong.empty() : OptionalLong.of(r.getModelVersion()),
        r.getAlias().isEmpty() ? Optional.empty() : Optional.of(r.getAlias()),
        window);
  }

  static GetDriftResponse toProto(DriftReport r) {
    GetDriftResponse.Builder b =
        GetDriftResponse.newBuilder()
            .setModelName(r.modelName())
            .setModelVersion(r.modelVersion())
            .setStatus(
                switch (r.status()) {
                  case AVAILABLE -> DriftStatus.DRIFT_STATUS_AVAILABLE;
                  case UNAVAILABLE -> DriftStatus.DRIFT_STATUS_UNAVAILABLE;
                  case TOO_FEW_ROWS -> DriftStatus.DRIFT_STATUS_TOO_FEW_ROWS;
                })
            .setReason(r.reason())
            .setWindowStart(EventProtoMapper.timestamp(r.windowStart()))
            .setWindowEnd(EventProtoMapper.timestamp(r.windowEnd()))
            .setRowsUsed(r.rowsUsed())
            .setRowsWithoutValues(r.rowsWithoutValues())
            .setReferenceRows(r.referenceRows())
            .setMinRows(r.minRows());
    r.score().ifPresent(s -> b.setScore(distribution(s)));
    for (DriftReport.Distribution d : r.features()) {
      b.addFeatures(distribution(d));
    }
    return b.build();
  }

  private static DriftDistribution distribution(DriftReport.Distribution d) {
    DriftDistribution.Builder b =
        DriftDistribution.newBuilder()
            .setName(d.name())
            .setPsi(d.psi())
            .setAbsentLive(d.absentLive());
    for (int i = 0; i < d.labels().size(); i++) {
      b.addBins(
          DriftBin.newBuilder()
              .setLabel(d.labels().get(i))
              .setReferenceShare(d.referenceShares()[i])
              .setLiveShare(d.liveShares()[i])
              .setLiveCount(d.liveCounts()[i]));
    }
    return b.build();
  }
}
