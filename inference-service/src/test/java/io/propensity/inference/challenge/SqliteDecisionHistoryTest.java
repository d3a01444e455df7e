package io.propensity.inference.challenge;

import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared promotion history on the embedded SQLite log (two pools on one file). */
class SqliteDecisionHistoryTest extends DecisionHistoryContract {
  private Path file;

  @Override
  protected JdbcPredictionLogStore openEmpty() {
    try {
      file = Files.createTempDirectory("decisions").resolve("predictions.db");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return openAgain();
  }

  @Override
  protected JdbcPredictionLogStore openAgain() {
    return JdbcPredictionLogStore.open("jdbc:sqlite:" + file, "", "");
  }
}
