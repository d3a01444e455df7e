package io.propensity.inference.outcomes;

import io.propensity.inference.predictionlog.jdbc.JdbcPredictionLogStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The outcome join on the embedded SQLite log. */
class SqliteOutcomeJoinTest extends OutcomeJoinContract {
  private Path file;

  @Override
  protected JdbcPredictionLogStore openEmpty() {
    try {
      file = Files.createTempDirectory("outcomes").resolve("predictions.db");
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
