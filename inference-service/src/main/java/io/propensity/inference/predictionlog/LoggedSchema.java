package io.propensity.inference.predictionlog;

import io.propensity.engine.features.FeatureType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The names of a feature vector's values, recorded once per schema hash so that a logged vector can
 * be read back as a table.
 *
 * @param hash the schema's version hash
 * @param features the features in vector order
 */
public record LoggedSchema(String hash, List<Feature> features) {
  public LoggedSchema {
    Objects.requireNonNull(hash, "hash");
    features = List.copyOf(features);
  }

  /**
   * One feature.
   *
   * @param name its name
   * @param type its type, when known
   * @param categories a categorical feature's level names, index = code; empty for others
   */
  public record Feature(String name, Optional<FeatureType> type, List<String> categories) {
    public Feature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      categories = List.copyOf(categories);
    }
  }

  /** Feature names in vector order. */
  public List<String> names() {
    return features.stream().map(Feature::name).toList();
  }
}
