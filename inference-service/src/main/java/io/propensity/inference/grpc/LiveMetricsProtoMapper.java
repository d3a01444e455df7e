package io.propensity.inference.grpc;

import com.google.protobuf.Timestamp;
import io.propensity.common.grpc.ClientTimes;
import io.propensity.inference.outcomes.metrics.LiveMetric;
import io.propensity.inference.outcomes.metrics.LiveMetricsQuery;
import io.propensity.inference.outcomes.metrics.LiveMetricsReport;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import propensity.inference.v1.GetLiveMetricsRequest;
import propensity.inference.v1.GetLiveMetricsResponse;
import propensity.inference.v1.LiveInterval;
import propensity.inference.v1.LiveMetrics;

/**
 * GetLiveMetrics protobuf ↔ {@link io.propensity.inference.outcomes.metrics.LiveMetricsService}.
 */
final class LiveMetricsProtoMapper {
  private LiveMetricsProtoMapper() {}

  static LiveMetricsQuery toQuery(GetLiveMetricsRequest req) {
    return new LiveMetricsQuery(
        req.getModelName(),
        req.getModelVersion() == 0 ? OptionalLong.empty() : OptionalLong.of(req.getModelVersion()),
        req.getModelAlias().isEmpty() ? Optional.empty() : Optional.of(req.getModelAlias()),
        req.hasStartDay()
            ? Optional.of(day(ClientTimes.instant(req.getStartDay(), "start_day")))
            : Optional.empty(),
        req.hasEndDay()
            ? Optional.of(day(ClientTimes.instant(req.getEndDay(), "end_day")))
            : Optional.empty());
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  static GetLiveMetricsResponse toProto(LiveMetricsReport r) {
    GetLiveMetricsResponse.Builder b =
        GetLiveMetricsResponse.newBuilder().setModelName(r.modelName());
    r.daily().forEach(m -> b.addDaily(toProto(m)));
    r.overall().forEach(m -> b.addOverall(toProto(m)));
    r.joinedUntil().ifPresent(t -> b.setJoinedUntil(ts(t)));
    return b.build();
  }

  static LiveMetrics toProto(LiveMetric m) {
    LiveMetrics.Builder b =
        LiveMetrics.newBuilder()
            .setModelVersion(m.modelVersion())
            .setModelAlias(m.modelAlias())
            .setCount(m.count())
            .setPositives(m.positives())
            .setThreshold(m.threshold())
            .setPrecision(m.precision())
            .setPrecisionInterval(interval(m.precisionInterval()))
            .setRecall(m.recall())
            .setRecallInterval(interval(m.recallInterval()))
            .setF1(m.f1())
            .setMeanPredicted(m.meanPredicted())
            .setObservedRate(m.observedRate())
            .setObservedRateInterval(interval(m.observedRateInterval()))
            .setEce(m.ece())
            .setBrier(m.brier());
    m.day().ifPresent(d -> b.setDay(ts(d.atStartOfDay(ZoneOffset.UTC).toInstant())));
    m.rocAuc().ifPresent(a -> b.setRocAuc(a).setRocAucInterval(interval(m.rocAucInterval())));
    m.prAuc().ifPresent(a -> b.setPrAuc(a).setPrAucInterval(interval(m.prAucInterval())));
    return b.build();
  }

  private static LiveInterval interval(LiveMetric.Interval i) {
    return LiveInterval.newBuilder().setLow(i.low()).setHigh(i.high()).build();
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
