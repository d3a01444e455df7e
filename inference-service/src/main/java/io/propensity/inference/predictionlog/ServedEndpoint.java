package io.propensity.inference.predictionlog;

import java.util.Locale;

/** The RPCs whose answers the served-prediction log records. */
public enum ServedEndpoint {
  PREDICT,
  PREDICT_BATCH,
  STREAM_PREDICT,
  RANK_TARGETS;

  /** The name in configuration keys and metric tags, e.g. {@code predict-batch}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
