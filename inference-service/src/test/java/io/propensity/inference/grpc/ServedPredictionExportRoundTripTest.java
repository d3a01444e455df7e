package io.propensity.inference.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.client.ServedPredictionExport;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.ProvidedModels;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.training.pipeline.data.CsvDatasetLoader;
import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import jakarta.inject.Inject;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictionInput;

/**
 * "Train on what was served": rows of a team's own table scored through PredictBatch, read back
 * from the served-prediction log and exported, load with training's own CSV loader into the same
 * columns, kinds and cells as the table they came from.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServedPredictionExportRoundTripTest implements TestPropertyProvider {
  static final String SESSIONS = "sessions";
  static final int ROWS = 120;

  FakeModelRegistry registry;
  FakeFeatureService features;
  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    registry.promote(
        SESSIONS, ProvidedModels.register(registry, SESSIONS, ProvidedModels.train(1)));
    Path dir = LoggedService.newLogDirectory("prediction-export");
    return LoggedService.properties(
        registry, features, dir, "propensity.inference.default-model", SESSIONS);
  }

  @BeforeAll
  void connect() {
    channel = ServingChannels.openWhenServing(server.getPort(), 1);
  }

  @AfterAll
  void close() throws Exception {
    ServingChannels.close(channel);
    registry.close();
    features.close();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void exportedServedRowsLoadAsTheTableTheyCameFrom() {
    PredictBatchRequest.Builder batch = PredictBatchRequest.newBuilder().setModelName(SESSIONS);
    for (int i = 0; i < ROWS; i++) {
      batch.addInputs(
          PredictionInput.newBuilder()
              .setProvided(ProvidedFeaturesGrpcTest.providedRow(i, "row-" + i)));
    }
    assertThat(stub().predictBatch(batch.build()).getResultsList())
        .allSatisfy(r -> assertThat(r.hasPrediction()).isTrue());

    // every page, as `propensity predictions export` reads them
    StringWriter csv = new StringWriter();
    ServedPredictionExport export =
        new ServedPredictionExport(csv, ServedPredictionExport.Format.CSV);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                stub()
                        .listServedPredictions(
                            ListServedPredictionsRequest.newBuilder()
                                .setModelName(SESSIONS)
                                .setPageSize(10_000)
                                .build())
                        .getPredictionsCount()
                    == ROWS);
    String token = "";
    int pages = 0;
    do {
      ListServedPredictionsResponse page =
          stub()
              .listServedPredictions(
                  ListServedPredictionsRequest.newBuilder()
                      .setModelName(SESSIONS)
                      .setPageSize(50)
                      .setPageToken(token)
                      .build());
      export.write(page);
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(export.written()).isEqualTo(ROWS);

    // the outcomes work joins labels later; here the table's own label, by row id
    Dataset original = ProvidedModels.table().dataset();
    String[] lines = csv.toString().split("\n");
    StringBuilder labelled = new StringBuilder(lines[0]).append(",Revenue\n");
    List<String[]> exportedCells = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",", -1);
      exportedCells.add(cells);
      int row = Integer.parseInt(cells[4].substring("row-".length()));
      labelled.append(lines[i]).append(',').append(original.label(row)).append('\n');
    }
    List<String> metadata = new ArrayList<>(ServedPredictionExport.METADATA);
    metadata.remove("user_id");
    Dataset served =
        CsvDatasetLoader.load(
            () -> new StringReader(labelled.toString()),
            CsvOptions.label("Revenue").userId("user_id").ignore(metadata.toArray(String[]::new)));

    assertThat(served.featureNames()).isEqualTo(original.featureNames());
    assertThat(served.kinds()).isEqualTo(original.kinds());
    assertThat(served.rowCount()).isEqualTo(ROWS);
    int first = ServedPredictionExport.METADATA.size();
    for (String[] cells : exportedCells) {
      int row = Integer.parseInt(cells[4].substring("row-".length()));
      String[] source = ProvidedModels.table().cells(row);
      for (int f = 0; f < original.featureCount(); f++) {
        String got = cells[first + f];
        String want = source[f];
        if (original.kind(f) == FeatureKind.NUMERIC && !want.isEmpty()) {
          assertThat(Double.parseDouble(got)).as(row + "/" + f).isEqualTo(Double.parseDouble(want));
        } else {
          assertThat(got.toLowerCase(Locale.ROOT))
              .as(row + "/" + f)
              .isEqualTo(want.toLowerCase(Locale.ROOT));
        }
      }
    }
  }
}
