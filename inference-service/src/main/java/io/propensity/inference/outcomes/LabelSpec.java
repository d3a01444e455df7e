package io.propensity.inference.outcomes;

import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.util.Objects;

/**
 * How a model version's served predictions are labelled: its target and horizon, as its training
 * set was labelled (the registry's lineage).
 *
 * @param target purchase or churn
 * @param horizon label window after the moment a prediction was served, positive
 */
public record LabelSpec(Target target, Duration horizon) {
  public LabelSpec {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(horizon, "horizon");
    if (!target.usesHorizon() || horizon.isZero() || horizon.isNegative()) {
      throw new IllegalArgumentException("not a horizon label: " + target + " " + horizon);
    }
  }
}
