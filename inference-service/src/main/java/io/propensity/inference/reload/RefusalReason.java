package io.propensity.inference.reload;

/** Why a model version was refused (also the {@code reason} tag of the refusal metric). */
public enum RefusalReason {
  /** The artifact format is not LightGBM text. */
  FORMAT,
  /** The artifact is larger than the service accepts. */
  TOO_LARGE,
  /** The bytes do not match the registered or announced SHA-256 or size. */
  CHECKSUM,
  /** Trained on a feature schema other than the one this service computes. */
  SCHEMA,
  /** LightGBM cannot load the artifact, or it is not a binary classifier. */
  CORRUPT,
  /** The loaded model does not reproduce its golden rows. */
  GOLDEN_ROWS,
  /** The loaded model fails while scoring its warm-up rows. */
  WARM_UP,
  /** The registered metadata is unusable (e.g. a threshold outside 0 to 1). */
  METADATA,
  /**
   * The registered calibration is corrupt, or missing although the version was evaluated on
   * calibrated probabilities: serving the artifact's own probabilities instead would be wrong
   * without anyone noticing.
   */
  CALIBRATION,
  /**
   * Model signatures are verified ({@code propensity.inference.trusted-model-keys}) and the version
   * is unsigned, signed by a key not trusted, or its signature does not match the bytes received,
   * its name or its schema. Checked before the artifact is parsed.
   */
  SIGNATURE;

  /** Lower-case tag value. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
