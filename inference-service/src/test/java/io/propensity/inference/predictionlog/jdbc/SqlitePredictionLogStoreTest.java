package io.propensity.inference.predictionlog.jdbc;

import io.propensity.inference.predictionlog.PredictionLogStore;
import io.propensity.inference.predictionlog.PredictionLogStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The served-prediction log contract on the embedded SQLite file. */
class SqlitePredictionLogStoreTest extends PredictionLogStoreContract {
  @TempDir Path dir;

  @Override
  protected PredictionLogStore openEmpty() {
    return JdbcPredictionLogStore.open(
        "jdbc:sqlite:" + dir.resolve("data/inference-service/predictions.db"), "", "");
  }
}
