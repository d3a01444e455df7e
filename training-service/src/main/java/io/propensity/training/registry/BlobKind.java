package io.propensity.training.registry;

/** The files a model version carries. */
public enum BlobKind {
  /** The model artifact (e.g. LightGBM's text model); every version has one. */
  ARTIFACT,
  /** The HTML evaluation report; optional. */
  REPORT
}
