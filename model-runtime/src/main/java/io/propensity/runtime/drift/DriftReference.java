package io.propensity.runtime.drift;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model version's inputs and scores looked like at training time: a binned distribution per
 * feature (from the training rows) and of the score (from the held-out test rows), recorded with
 * the version so that live traffic can be compared with it (population stability index).
 *
 * @param rows training rows the feature distributions were taken from
 * @param scoreRows rows the score distribution was taken from
 * @param features one reference per feature, in the model's feature order
 * @param score the reference of the served probability
 */
public record DriftReference(
    long rows, long scoreRows, List<FeatureReference> features, FeatureReference score) {
  public DriftReference {
    features = List.copyOf(features);
    Objects.requireNonNull(score, "score");
  }

  /** The reference of the named feature, when the version has that feature. */
  public Optional<FeatureReference> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
