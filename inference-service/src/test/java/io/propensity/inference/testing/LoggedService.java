package io.propensity.inference.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Properties of an inference-service under test with the served-prediction log on, in a fresh
 * SQLite file flushed every 10 ms, against the fakes' addresses.
 */
public final class LoggedService {
  private LoggedService() {}

  /** A fresh directory for one test class's log. */
  public static Path newLogDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDBC URL of the log in {@code dir}. */
  public static String logUrl(Path dir) {
    return "jdbc:sqlite:" + dir.resolve("predictions.db");
  }

  /**
   * The registry's address, the feature service's (or none: {@code features} null turns it off),
   * the log in {@code dir}, then {@code extra} name/value pairs, which win.
   */
  public static Map<String, String> properties(
      FakeModelRegistry registry, FakeFeatureService features, Path dir, String... extra) {
    if (extra.length % 2 != 0) {
      throw new IllegalArgumentException("extra properties come in name/value pairs");
    }
    Map<String, String> p = new HashMap<>();
    p.put("propensity.inference.registry.target", registry.target());
    if (features == null) {
      p.put("propensity.inference.feature-service.enabled", "false");
    } else {
      p.put("propensity.inference.feature-service.target", features.target());
    }
    p.put("propensity.inference.prediction-log.enabled", "true");
    p.put("propensity.inference.prediction-log.jdbc-url", logUrl(dir));
    p.put("propensity.inference.prediction-log.flush-interval", "10ms");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }
}
