package io.propensity.inference.serving;

/** File format of a model artifact; only LightGBM's text format can be served. */
public enum ArtifactFormat {
  /** LightGBM's text model ({@code saveModelToString}). */
  LIGHTGBM_TEXT,
  /** Anything else, including an unset format: refused. */
  UNSUPPORTED
}
