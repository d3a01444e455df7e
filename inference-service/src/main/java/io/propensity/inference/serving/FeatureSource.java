package io.propensity.inference.serving;

/** Where a model's input values come from. */
public enum FeatureSource {
  /** feature-engine's schema, computed from events: scored by user id, events, streams. */
  ENGINE,
  /** A team's own feature table: scored only on values the caller sends, by name. */
  PROVIDED
}
