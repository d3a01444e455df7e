package io.propensity.feature.trainingset;

import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What training set to build, as the request asked for it (validated by {@link TrainingSets}).
 *
 * @param target the label
 * @param horizon label window after each cutoff (purchase, churn)
 * @param explicitCutoffs cutoffs given one by one, or empty
 * @param rolling evenly spaced cutoffs, or empty
 * @param userIds only these users, or every user when empty
 * @param sampleLimit most rows (0 = all), a seeded uniform sample when exceeded
 * @param seed sampling seed
 */
public record TrainingSetSpec(
    Optional<Target> target,
    Optional<Duration> horizon,
    List<Instant> explicitCutoffs,
    Optional<Rolling> rolling,
    List<String> userIds,
    long sampleLimit,
    long seed) {

  public TrainingSetSpec {
    explicitCutoffs = List.copyOf(explicitCutoffs);
    userIds = List.copyOf(userIds);
  }

  /** start, start + step, … up to end. */
  public record Rolling(Instant start, Instant end, Duration step) {}
}
