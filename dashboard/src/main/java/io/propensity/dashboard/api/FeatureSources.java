package io.propensity.dashboard.api;

import io.propensity.engine.features.FeatureCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureSource;

/**
 * Where a model version's features come from, as the pages show it: {@code ENGINE} (computed from
 * events by feature-service) or {@code PROVIDED} (the caller sends them, a model of a team's own
 * table).
 */
final class FeatureSources {
  private FeatureSources() {}

  /**
   * The schema's source; a version registered before sources were recorded reads as ENGINE when its
   * hash is feature-engine's and PROVIDED otherwise, as inference-service reads it.
   */
  static FeatureSource of(FeatureSchema schema) {
    return switch (schema.getSource()) {
      case FEATURE_SOURCE_ENGINE, FEATURE_SOURCE_PROVIDED -> schema.getSource();
      default ->
          FeatureCatalog.schema().versionHash().equals(schema.getVersionHash())
              ? FeatureSource.FEATURE_SOURCE_ENGINE
              : FeatureSource.FEATURE_SOURCE_PROVIDED;
    };
  }

  /** Whether the model scores rows its caller sends. */
  static boolean provided(FeatureSchema schema) {
    return of(schema) == FeatureSource.FEATURE_SOURCE_PROVIDED;
  }

  /**
   * The schema as a page reads it, its source resolved ({@code ENGINE} or {@code PROVIDED}): hash,
   * feature count and, when {@code withFeatures}, each feature's name, type, description,
   * categorical levels and missing-value handling.
   */
  static Map<String, Object> describe(FeatureSchema schema, boolean withFeatures) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", of(schema).name().substring("FEATURE_SOURCE_".length()));
    out.put("versionHash", schema.getVersionHash());
    out.put("featureCount", schema.getFeaturesCount());
    if (withFeatures) {
      out.put("features", ProtoJson.toMaps(schema.getFeaturesList()));
    }
    return out;
  }
}
