package io.propensity.inference.reload;

import io.propensity.inference.serving.ServedModel;
import java.time.Duration;

/** Hears the outcome of every load attempt, e.g. to count them. */
public interface ReloadListener {
  /** A version was loaded, validated and swapped in. */
  default void loaded(ServedModel model, Duration took) {}

  /** A version was refused for good. */
  default void refused(String name, long version, RefusalReason reason, String message) {}

  /** A version could not be fetched; it is tried again later. */
  default void failed(String name, long version, String message) {}
}
