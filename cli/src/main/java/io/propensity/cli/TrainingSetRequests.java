package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;

/**
 * The training-set request of the options {@code train} and {@code training-set} share, with the
 * cutoffs the user left out chosen where the stored events are dense ({@link DefaultCutoffs}), and
 * what was chosen printed with the reason.
 */
final class TrainingSetRequests {
  /** The horizon of purchase and churn when none is given. */
  static final Duration DEFAULT_HORIZON = Duration.ofDays(7);

  private TrainingSetRequests() {}

  /**
   * The spec of these options.
   *
   * @param horizon --horizon, or null for the default (ignored, with a note, for session
   *     conversion)
   * @param from --from, or null
   * @param to --to, or null
   * @param step --step, or null to choose one for the range
   */
  static TrainingSetSpec.Builder spec(
      Endpoints endpoints,
      Target target,
      Duration horizon,
      String from,
      String to,
      Duration step,
      PrintWriter out) {
    io.propensity.engine.labels.Target engineTarget = engineTarget(target);
    if (!engineTarget.usesHorizon() && horizon != null) {
      out.println(
          "note: --horizon is ignored for session-conversion: a row's label is whether the rest of"
              + " its session converts");
    }
    Duration h = horizonOrDefault(horizon);
    Instant now = Instant.now();
    Optional<Instant> start =
        Optional.ofNullable(from).map(f -> Args.instantOrAge("--from", f, now));
    Optional<Instant> end = Optional.ofNullable(to).map(t -> Args.instantOrAge("--to", t, now));
    Optional<DefaultCutoffs.EventTimes> times = Optional.empty();
    if (start.isEmpty() || end.isEmpty()) {
      times = Optional.of(eventTimes(endpoints));
    }
    DefaultCutoffs.Choice c =
        DefaultCutoffs.choose(engineTarget, h, start, end, Optional.ofNullable(step), times);
    if (!c.why().isEmpty() || step == null) {
      out.println(c.summary());
      if (!c.why().isEmpty()) {
        out.println("  chosen where the events are dense: " + c.why());
      }
    }
    TrainingSetSpec.Builder spec =
        TrainingSetSpec.newBuilder()
            .setTarget(target)
            .setRollingCutoffs(
                CutoffRange.newBuilder()
                    .setStart(EventProtoMapper.timestamp(c.start()))
                    .setEnd(EventProtoMapper.timestamp(c.end()))
                    .setStep(EventProtoMapper.duration(c.step())));
    if (engineTarget.usesHorizon()) {
      spec.setHorizon(EventProtoMapper.duration(h));
    }
    return spec;
  }

  /** The horizon a request uses: the given one, else {@link #DEFAULT_HORIZON}. */
  static Duration horizonOrDefault(Duration given) {
    return given != null ? given : DEFAULT_HORIZON;
  }

  static io.propensity.engine.labels.Target engineTarget(Target target) {
    return switch (target) {
      case TARGET_CHURN -> io.propensity.engine.labels.Target.CHURN;
      case TARGET_SESSION_CONVERSION -> io.propensity.engine.labels.Target.SESSION_CONVERSION;
      default -> io.propensity.engine.labels.Target.PURCHASE;
    };
  }

  private static DefaultCutoffs.EventTimes eventTimes(Endpoints endpoints) {
    try (FeatureServiceClient features = endpoints.featureClient()) {
      GetDataOverviewResponse o = features.overview(1, "UTC");
      if (!o.hasLastEventAt()) {
        throw new CliException(
            "feature-service at "
                + endpoints.feature()
                + " holds no events: import some first (propensity import)",
            1);
      }
      if (!o.hasEventTimeQuantiles()) {
        throw new CliException(
            "feature-service at "
                + endpoints.feature()
                + " does not say where its events lie in time (an older version): give --from"
                + " and --to",
            2);
      }
      return new DefaultCutoffs.EventTimes(
          o.getEventCount(),
          o.getEventTimeQuantiles().getPermillesList().stream()
              .map(EventProtoMapper::instant)
              .toList());
    }
  }
}
