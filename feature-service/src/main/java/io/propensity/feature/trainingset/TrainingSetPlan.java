package io.propensity.feature.trainingset;

import io.propensity.engine.labels.LabelDefinition;
import java.time.Instant;
import java.util.List;

/**
 * A validated, resolved training-set request: the label definition, the ascending cutoffs, the user
 * restriction and the sample limit.
 */
public record TrainingSetPlan(
    LabelDefinition definition,
    List<Instant> cutoffs,
    List<String> userIds,
    long sampleLimit,
    long seed) {
  public TrainingSetPlan {
    cutoffs = List.copyOf(cutoffs);
    userIds = List.copyOf(userIds);
  }
}
