package io.propensity.inference.serving;

import java.util.Optional;

/** Hears about swaps and freed versions, e.g. to report health and metrics. */
public interface ServingListener {
  /** {@code current} now serves its name; {@code previous} is draining. */
  default void swapped(ServedModel current, Optional<ServedModel> previous) {}

  /** A retired version has drained and its native memory is freed. */
  default void freed(ServedModel model) {}
}
