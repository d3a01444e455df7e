package io.propensity.inference.testing;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.LabeledPredictions;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The outcome join's contract over a list a test fills (environment {@code labeled-list}), in place
 * of the service's own join over its served-prediction log.
 */
@Singleton
@Requires(env = "labeled-list")
@Replaces(LabeledPredictions.class)
public final class ListLabeledPredictions implements LabeledPredictions {
  private final List<LabeledPrediction> all = new CopyOnWriteArrayList<>();

  public void add(LabeledPrediction l) {
    all.add(l);
  }

  @Override
  public List<LabeledPrediction> servedBetween(String modelName, Instant from, Instant to) {
    return all.stream()
        .filter(l -> l.served().modelName().equals(modelName))
        .filter(l -> !l.served().servedAt().isBefore(from) && l.served().servedAt().isBefore(to))
        .toList();
  }
}
