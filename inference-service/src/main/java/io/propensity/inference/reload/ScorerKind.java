package io.propensity.inference.reload;

import java.util.Locale;

/** Which model-runtime implementation scores and explains the versions this service loads. */
public enum ScorerKind {
  /**
   * {@code LightGbmJavaModel}: the trees and TreeSHAP tables as flat Java arrays; no native library
   * is loaded, nothing is extracted to a temp directory, no memory outside the heap (the default).
   */
  JAVA,
  /** {@code LightGbmModel}: LightGBM's own native library through JNI, a pool of boosters. */
  NATIVE;

  /**
   * Parses {@code java} or {@code native}, in any case.
   *
   * @throws IllegalArgumentException naming the property and the accepted values
   */
  public static ScorerKind parse(String text) {
    for (ScorerKind kind : values()) {
      if (text != null && kind.value().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "propensity.inference.scorer must be 'java' or 'native', got '" + text + "'");
  }

  /** The value as configured: {@code java} or {@code native}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
