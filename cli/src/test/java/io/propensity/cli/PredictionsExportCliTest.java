package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import propensity.features.v1.FeatureType;
import propensity.inference.v1.Factor;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.LoggedFeature;
import propensity.inference.v1.LoggedFeatureSchema;
import propensity.inference.v1.ServedEndpoint;
import propensity.inference.v1.ServedPrediction;

/** {@code propensity predictions export} against a fake inference-service serving two pages. */
class PredictionsExportCliTest {
  @TempDir Path dir;
  Server server;
  final List<ListServedPredictionsRequest> asked = new CopyOnWriteArrayList<>();

  static final LoggedFeatureSchema SCHEMA =
      LoggedFeatureSchema.newBuilder()
          .setFeatureSchemaHash("h1")
          .addFeatures(
              LoggedFeature.newBuilder()
                  .setName("Month")
                  .setType(FeatureType.FEATURE_TYPE_CATEGORICAL)
                  .addCategories("(missing)")
                  .addCategories("Feb")
                  .addCategories("Nov, late"))
          .addFeatures(
              LoggedFeature.newBuilder()
                  .setName("Weekend")
                  .setType(FeatureType.FEATURE_TYPE_BOOLEAN))
          .addFeatures(
              LoggedFeature.newBuilder()
                  .setName("PageValues")
                  .setType(FeatureType.FEATURE_TYPE_NUMERIC))
          .build();

  static ServedPrediction served(String id, double... values) {
    ServedPrediction.Builder b =
        ServedPrediction.newBuilder()
            .setRequestId(id)
            .setServedAt(Timestamp.newBuilder().setSeconds(1_796_000_000L))
            .setEndpoint(ServedEndpoint.SERVED_ENDPOINT_PREDICT)
            .setUserId("user-" + id)
            .setModelName("sessions")
            .setModelVersion(2)
            .setModelAlias("production")
            .setFeatureSchemaHash("h1")
            .setProbability(0.125)
            .setDecision(false)
            .setThreshold(0.5)
            .addFactors(Factor.newBuilder().setFeature("Month").setValue(2).setContribution(0.5));
    for (double v : values) {
      b.addFeatureValues(v);
    }
    return b.build();
  }

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new InferenceServiceGrpc.InferenceServiceImplBase() {
                  @Override
                  public void listServedPredictions(
                      ListServedPredictionsRequest r,
                      StreamObserver<ListServedPredictionsResponse> out) {
                    asked.add(r);
                    ListServedPredictionsResponse.Builder page =
                        ListServedPredictionsResponse.newBuilder().addSchemas(SCHEMA);
                    if (r.getPageToken().isEmpty()) {
                      page.addPredictions(served("a", 1, 1, 12.5))
                          .addPredictions(served("ranked"))
                          .setNextPageToken("2");
                    } else {
                      page.addPredictions(served("b", 2, 0, Double.NaN))
                          .addPredictions(served("c", 0, 1, 0.1));
                    }
                    out.onNext(page.build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  String[] args(String out, String... more) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "predictions",
                "export",
                "--insecure",
                "--inference-service",
                "127.0.0.1:" + server.getPort(),
                "--out",
                dir.resolve(out).toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void exportsEveryPageAsATrainingTableAndSkipsRowsWithoutValues() throws IOException {
    CliRun.Run run = CliRun.run(args("served.csv", "--model", "sessions", "--since", "7d"));

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("wrote 3 predictions").contains("skipped 1 without feature");
    assertThat(Files.readAllLines(dir.resolve("served.csv")))
        .containsExactly(
            "request_id,row_index,served_at,endpoint,user_id,model_name,model_version,model_alias,"
                + "probability,decision,threshold,cold_start,Month,Weekend,PageValues",
            "a,0,2026-11-30T00:53:20Z,predict,user-a,sessions,2,production,0.125,false,0.5,false,"
                + "Feb,true,12.5",
            "b,0,2026-11-30T00:53:20Z,predict,user-b,sessions,2,production,0.125,false,0.5,false,"
                + "\"Nov, late\",false,",
            "c,0,2026-11-30T00:53:20Z,predict,user-c,sessions,2,production,0.125,false,0.5,false,"
                + ",true,0.1");
    assertThat(asked).hasSize(2);
    assertThat(asked.get(0).getModelName()).isEqualTo("sessions");
    assertThat(asked.get(0).hasStartTime()).isTrue();
    assertThat(asked.get(1).getPageToken()).isEqualTo("2");
  }

  @Test
  void jsonLinesCarryFeaturesByNameAndFactors() throws IOException {
    CliRun.Run run = CliRun.run(args("served.jsonl"));

    assertThat(run.exit()).as(run.all()).isZero();
    List<String> lines = Files.readAllLines(dir.resolve("served.jsonl"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1))
        .contains("\"request_id\":\"b\"")
        .contains("\"features\":{\"Month\":\"Nov, late\",\"Weekend\":false,\"PageValues\":null}")
        .contains("\"factors\":[{\"feature\":\"Month\",\"value\":2,\"contribution\":0.5}]");
  }

  @Test
  void anAliasFiltersEveryPage() {
    CliRun.Run run = CliRun.run(args("challenger.jsonl", "--alias", "challenger"));

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(asked).hasSize(2).allMatch(r -> r.getModelAlias().equals("challenger"));
  }

  @Test
  void withoutAnAliasEveryAliasIsAsked() {
    CliRun.Run run = CliRun.run(args("all.jsonl"));

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(asked).hasSize(2).allMatch(r -> r.getModelAlias().isEmpty());
  }

  @Test
  void aBadSinceIsAUsageError() {
    CliRun.Run run = CliRun.run(args("x.csv", "--since", "yesterday-ish"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.all()).contains("--since yesterday-ish is neither an instant");
  }
}
