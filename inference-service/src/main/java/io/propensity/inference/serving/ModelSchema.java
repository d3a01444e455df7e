package io.propensity.inference.serving;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureType;
import io.propensity.runtime.table.CategoryLevels;
import io.propensity.runtime.table.ColumnKind;
import io.propensity.runtime.table.TableColumn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The feature schema a model version was trained on, as registered: where its values come from, its
 * hash, and each feature in vector order.
 *
 * @param source ENGINE (feature-engine's schema) or PROVIDED (a team's own table)
 * @param versionHash the schema's version hash
 * @param features the features in vector order; may be empty for an ENGINE version registered
 *     without its definitions
 */
public record ModelSchema(FeatureSource source, String versionHash, List<Feature> features) {

  /**
   * One registered feature.
   *
   * @param name name as in the training table (or feature-engine's name)
   * @param type its type, when registered
   * @param description what it is; may be empty
   * @param categories a categorical feature's level names, index = code (index 0 is {@link
   *     CategoryLevels#MISSING_LABEL}); empty for other types
   */
  public record Feature(
      String name, Optional<FeatureType> type, String description, List<String> categories) {
    public Feature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(description, "description");
      categories = List.copyOf(categories);
    }
  }

  public ModelSchema {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(versionHash, "versionHash");
    features = List.copyOf(features);
  }

  /**
   * The source of a version: the registered one, or for a version registered before sources were
   * recorded, ENGINE when its hash is feature-engine's schema hash and PROVIDED otherwise.
   */
  public static FeatureSource sourceOf(Optional<FeatureSource> registered, String versionHash) {
    return registered.orElseGet(
        () ->
            FeatureCatalog.schema().versionHash().equals(versionHash)
                ? FeatureSource.ENGINE
                : FeatureSource.PROVIDED);
  }

  /** A schema known by hash and names only, its source by {@link #sourceOf} with none recorded. */
  public static ModelSchema ofNames(String versionHash, List<String> names) {
    return new ModelSchema(
        sourceOf(Optional.empty(), versionHash),
        versionHash,
        names.stream().map(n -> new Feature(n, Optional.empty(), "", List.of())).toList());
  }

  /** Whether the caller sends this model's values. */
  public boolean provided() {
    return source == FeatureSource.PROVIDED;
  }

  /** Feature names in vector order. */
  public List<String> names() {
    return features.stream().map(Feature::name).toList();
  }

  /** Number of features. */
  public int size() {
    return features.size();
  }

  /**
   * The table columns of a PROVIDED schema, which encode provided values exactly as training read
   * the table.
   *
   * @throws IllegalArgumentException when a feature has no type, a categorical one no valid levels
   *     or a name appears twice; the message says which
   */
  public List<TableColumn> columns() {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      Integer before = seen.put(features.get(i).name(), i);
      if (before != null) {
        throw new IllegalArgumentException(
            "feature '"
                + features.get(i).name()
                + "' appears twice ("
                + before
                + " and "
                + i
                + ")");
      }
    }
    return features.stream().map(ModelSchema::column).toList();
  }

  private static TableColumn column(Feature f) {
    FeatureType type =
        f.type()
            .orElseThrow(
                () -> new IllegalArgumentException("feature '" + f.name() + "' has no type"));
    return switch (type) {
      case CATEGORICAL -> {
        try {
          yield TableColumn.categorical(f.name(), new CategoryLevels(f.categories()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "categorical feature '"
                  + f.name()
                  + "' has no usable levels (categories must start with '"
                  + CategoryLevels.MISSING_LABEL
                  + "', the code of a missing value)",
              e);
        }
      }
      case BOOLEAN -> TableColumn.of(f.name(), ColumnKind.BOOLEAN);
      case NUMERIC, COUNT, RATIO -> TableColumn.of(f.name(), ColumnKind.NUMERIC);
    };
  }
}
