package io.propensity.inference.scoring;

/** One provided feature value as the caller sent it, before it is encoded for the model. */
public sealed interface ProvidedValue {
  /** A number: for numeric features, or a boolean as 0 or 1. */
  record OfNumber(double value) implements ProvidedValue {}

  /** A text: a categorical level's name, or a boolean word. */
  record OfText(String value) implements ProvidedValue {}

  /** A boolean flag. */
  record OfFlag(boolean value) implements ProvidedValue {}

  /** Explicitly missing. */
  record Missing() implements ProvidedValue {}

  /** The value's field was sent without any of its alternatives set. */
  record Unset() implements ProvidedValue {}
}
