package io.propensity.inference.outcomes;

import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import java.io.IOException;
import java.nio.file.Files;

/** Incremental live metrics on the embedded SQLite log. */
class SqliteLiveMetricsRefreshTest extends LiveMetricsRefreshContract {
  @Override
  protected JdbcPredictionLogStore openEmpty() {
    try {
      return JdbcPredictionLogStore.open(
          "jdbc:sqlite:" + Files.createTempDirectory("refresh").resolve("predictions.db"), "", "");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
