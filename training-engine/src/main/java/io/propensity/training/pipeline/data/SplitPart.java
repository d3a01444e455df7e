package io.propensity.training.pipeline.data;

import java.util.Locale;
import java.util.Optional;

/** The part of a predefined split a row belongs to (e.g. from a CSV split column). */
public enum SplitPart {
  TRAIN,
  VALIDATION,
  TEST;

  /** The part a cell names: {@code train}, {@code validation} or {@code test}, any case. */
  public static Optional<SplitPart> parse(String raw) {
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "train" -> Optional.of(TRAIN);
      case "validation" -> Optional.of(VALIDATION);
      case "test" -> Optional.of(TEST);
      default -> Optional.empty();
    };
  }
}
