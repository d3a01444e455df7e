package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.StatusProto;
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
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.FeatureType;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.GetModelInfoResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictBatchResult;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ProvidedFeatureValue;
import propensity.inference.v1.ProvidedFeatures;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.RankedTarget;
import propensity.inference.v1.RankingSummary;
import propensity.inference.v1.ServedModel;

/**
 * {@code predict}, {@code explain} and {@code targets} with {@code --features-file} against a fake
 * inference-service on a loopback port serving a model trained on a table (PROVIDED): the requests
 * the CLI builds, and how it prints the service's refusals.
 */
class ProvidedFeaturesCliTest {
  private static final String LEVEL_UNSEEN = "'Dec' is not a level the model was trained on";

  /** The options that read {@link #table}: rows named by session, the label column left out. */
  private static final String[] SESSION_COLUMNS = {
    "--id-column", "session", "--ignore-columns", "Revenue"
  };

  @TempDir Path dir;

  private final List<PredictBatchRequest> batches = new CopyOnWriteArrayList<>();
  private final List<ExplainRequest> explains = new CopyOnWriteArrayList<>();
  private final List<RankTargetsRequest> rankings = new CopyOnWriteArrayList<>();
  private volatile FeatureSource source = FeatureSource.FEATURE_SOURCE_PROVIDED;
  private Server server;

  static FeatureDefinition feature(String name, FeatureType type, String... levels) {
    return FeatureDefinition.newBuilder()
        .setName(name)
        .setType(type)
        .addAllCategories(List.of(levels))
        .build();
  }

  FeatureSchema schema() {
    return FeatureSchema.newBuilder()
        .setVersionHash("881ad4b26b08ba4f")
        .setSource(source)
        .addFeatures(feature("Administrative", FeatureType.FEATURE_TYPE_NUMERIC))
        .addFeatures(
            feature("Month", FeatureType.FEATURE_TYPE_CATEGORICAL, "(missing)", "Feb", "Nov"))
        .addFeatures(
            feature(
                "VisitorType",
                FeatureType.FEATURE_TYPE_CATEGORICAL,
                "(missing)",
                "New_Visitor",
                "Returning_Visitor"))
        .addFeatures(feature("Weekend", FeatureType.FEATURE_TYPE_BOOLEAN))
        .build();
  }

  /** A refusal of a Month the model never saw, at {@code field}. */
  static com.google.rpc.Status unseenMonth(String field) {
    return com.google.rpc.Status.newBuilder()
        .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
        .setMessage(field + ": " + LEVEL_UNSEEN)
        .addDetails(
            Any.pack(
                BadRequest.newBuilder()
                    .addFieldViolations(
                        BadRequest.FieldViolation.newBuilder()
                            .setField(field)
                            .setDescription(LEVEL_UNSEEN))
                    .build()))
        .build();
  }

  static boolean unseen(ProvidedFeatures f) {
    return f.getValuesOrThrow("Month").getCategory().equals("Dec");
  }

  static Prediction prediction(String id) {
    return Prediction.newBuilder()
        .setUserId(id)
        .setProbability(0.25)
        .setThreshold(0.4)
        .setModelName("sessions")
        .setModelVersion(1)
        .build();
  }

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new InferenceServiceGrpc.InferenceServiceImplBase() {
                  @Override
                  public void getModelInfo(
                      GetModelInfoRequest request, StreamObserver<GetModelInfoResponse> out) {
                    out.onNext(
                        GetModelInfoResponse.newBuilder()
                            .setDefaultModelName("sessions")
                            .addModels(
                                ServedModel.newBuilder()
                                    .setName("sessions")
                                    .setVersion(1)
                                    .setFeatureSchema(schema()))
                            .build());
                    out.onCompleted();
                  }

                  @Override
                  public void predictBatch(
                      PredictBatchRequest request, StreamObserver<PredictBatchResponse> out) {
                    batches.add(request);
                    PredictBatchResponse.Builder b = PredictBatchResponse.newBuilder();
                    for (PredictionInput in : request.getInputsList()) {
                      if (in.hasProvided() && unseen(in.getProvided())) {
                        b.addResults(
                            PredictBatchResult.newBuilder()
                                .setError(unseenMonth("provided.values[Month]")));
                      } else {
                        b.addResults(
                            PredictBatchResult.newBuilder()
                                .setPrediction(prediction(in.getProvided().getRowId())));
                      }
                    }
                    out.onNext(b.build());
                    out.onCompleted();
                  }

                  @Override
                  public void explain(ExplainRequest request, StreamObserver<ExplainResponse> out) {
                    explains.add(request);
                    if (unseen(request.getInput().getProvided())) {
                      out.onError(
                          StatusProto.toStatusRuntimeException(
                              unseenMonth("input.provided.values[Month]")));
                      return;
                    }
                    out.onNext(
                        ExplainResponse.newBuilder()
                            .setPrediction(prediction(request.getInput().getProvided().getRowId()))
                            .setBias(-1)
                            .build());
                    out.onCompleted();
                  }

                  @Override
                  public void rankTargets(
                      RankTargetsRequest request, StreamObserver<RankTargetsResponse> out) {
                    rankings.add(request);
                    List<ProvidedFeatures> rows = request.getSegment().getRowsList();
                    for (int i = 0; i < rows.size(); i++) {
                      if (unseen(rows.get(i))) {
                        out.onError(
                            StatusProto.toStatusRuntimeException(
                                unseenMonth("segment.rows[" + i + "].values[Month]")));
                        return;
                      }
                    }
                    for (int i = 0; i < rows.size(); i++) {
                      out.onNext(
                          RankTargetsResponse.newBuilder()
                              .setTarget(
                                  RankedTarget.newBuilder()
                                      .setRank(i + 1)
                                      .setUserId(rows.get(i).getRowId())
                                      .setProbability(0.5))
                              .build());
                    }
                    out.onNext(
                        RankTargetsResponse.newBuilder()
                            .setSummary(
                                RankingSummary.newBuilder()
                                    .setModelName("sessions")
                                    .setModelVersion(1)
                                    .setScoredCount(rows.size())
                                    .setSelectedCount(rows.size()))
                            .build());
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

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** {@code predict} of {@code csv} against the fake service, with {@code options}. */
  CliRun.Run predict(Path csv, String... options) {
    return CliRun.run(
        concat(
            new String[] {
              "predict",
              "--insecure",
              "--inference-service",
              address(),
              "--features-file",
              csv.toString()
            },
            options));
  }

  /** A session table as a team exports it: an id, the features, and the label column Revenue. */
  Path table(String... rows) throws IOException {
    Path csv = dir.resolve("rows.csv");
    StringBuilder s =
        new StringBuilder("session,Administrative,Month,VisitorType,Weekend,Revenue\n");
    for (String r : rows) {
      s.append(r).append('\n');
    }
    Files.writeString(csv, s.toString());
    return csv;
  }

  static ProvidedFeatureValue number(double v) {
    return ProvidedFeatureValue.newBuilder().setNumber(v).build();
  }

  static ProvidedFeatureValue category(String c) {
    return ProvidedFeatureValue.newBuilder().setCategory(c).build();
  }

  static ProvidedFeatureValue missing() {
    return ProvidedFeatureValue.newBuilder().setMissing(true).build();
  }

  @Test
  void predictSendsEachRowByNameWithCategoriesMissingValuesAndIdsInBatchesOfAThousand()
      throws IOException {
    String[] rows = new String[1001];
    rows[0] = "s1,3,Nov,Returning_Visitor,FALSE,TRUE";
    rows[1] = "s2,,Feb, New_Visitor ,true,FALSE";
    for (int i = 2; i < rows.length; i++) {
      rows[i] = "s" + (i + 1) + ",0.5,NA,Returning_Visitor,1,FALSE";
    }
    Path csv = table(rows);

    CliRun.Run run =
        predict(csv, concat(SESSION_COLUMNS, "--model", "sessions", "--limit", "5000"));

    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0).getInputsCount()).isEqualTo(1000);
    assertThat(batches.get(1).getInputsCount()).isEqualTo(1);
    assertThat(batches.get(0).getModelName()).isEqualTo("sessions");
    ProvidedFeatures first = batches.get(0).getInputs(0).getProvided();
    assertThat(first.getRowId()).isEqualTo("s1");
    assertThat(first.getValuesMap())
        .containsOnlyKeys("Administrative", "Month", "VisitorType", "Weekend")
        .containsEntry("Administrative", number(3))
        .containsEntry("Month", category("Nov"))
        .containsEntry("VisitorType", category("Returning_Visitor"))
        .containsEntry("Weekend", category("FALSE"));
    ProvidedFeatures second = batches.get(0).getInputs(1).getProvided();
    assertThat(second.getRowId()).isEqualTo("s2");
    assertThat(second.getValuesMap())
        .containsEntry("Administrative", missing())
        .containsEntry("VisitorType", category("New_Visitor"))
        .containsEntry("Weekend", category("true"));
    ProvidedFeatures third = batches.get(0).getInputs(2).getProvided();
    assertThat(third.getValuesMap())
        .containsEntry("Month", missing())
        .containsEntry("Weekend", number(1));
    assertThat(batches.get(1).getInputs(0).getProvided().getRowId()).isEqualTo("s1001");
    assertThat(run.out().lines().filter(l -> l.contains("p=0.2500"))).hasSize(1001);
    assertThat(run.out()).contains("s1 ").contains("not target");

    batches.clear();
    CliRun.Run limited = predict(csv, "--ignore-columns", "Revenue,session", "--limit", "2");
    assertThat(limited.out()).contains("scoring the first 2 rows");
    assertThat(batches).hasSize(1);
    // without --id-column a row is named by its number
    assertThat(batches.get(0).getInputsList())
        .extracting(in -> in.getProvided().getRowId())
        .containsExactly("row 1", "row 2");
  }

  @Test
  void aColumnThatIsNotAFeatureIsRefusedNamingItUnlessIgnoredAndAMissingFeatureColumnToo()
      throws IOException {
    Path csv = table("s1,3,Nov,Returning_Visitor,FALSE,TRUE");
    Path noMonth = dir.resolve("no-month.csv");
    Files.writeString(noMonth, "Administrative,VisitorType,Weekend\n1,New_Visitor,true\n");

    CliRun.Run extra = predict(csv, "--id-column", "session");
    CliRun.Run absent = predict(noMonth);

    assertThat(extra.exit()).isEqualTo(2);
    assertThat(extra.err())
        .contains("rows.csv has column(s) that are not features of the model: Revenue")
        .contains("--ignore-columns Revenue");
    assertThat(absent.exit()).isEqualTo(2);
    assertThat(absent.err())
        .contains("no-month.csv has no column for 1 feature(s) of the model: Month");
    assertThat(batches).isEmpty();
  }

  @Test
  void aRowTheServiceRefusesIsPrintedWithItsCsvLineAndColumn() throws IOException {
    Path csv =
        table(
            "s1,3,Nov,Returning_Visitor,FALSE,TRUE",
            "s2,1,Dec,Returning_Visitor,FALSE,FALSE",
            "s3,2,Feb,New_Visitor,TRUE,FALSE");

    CliRun.Run run = predict(csv, SESSION_COLUMNS);

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out())
        .contains("s2           error: rows.csv line 3, column Month: " + LEVEL_UNSEEN)
        .contains("s1 ")
        .contains("s3 ");
    assertThat(run.err()).contains("1 of 3 rows could not be scored");
  }

  @Test
  void aCellThatIsNotANumberIsRefusedBeforeAnyCallWithItsLineAndColumn() throws IOException {
    Path csv = table("s1,3,Nov,Returning_Visitor,FALSE,TRUE", "s2,many,Nov,New_Visitor,no,TRUE");

    CliRun.Run run = predict(csv, SESSION_COLUMNS);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("rows.csv line 3, column Administrative: 'many' is not a number");
    assertThat(batches).isEmpty();
  }

  @Test
  void explainSendsTheChosenRowAndPointsARefusalAtItsCell() throws IOException {
    Path csv =
        table("s1,3,Nov,Returning_Visitor,FALSE,TRUE", "s2,7,Dec,Returning_Visitor,FALSE,FALSE");
    String[] common =
        concat(
            new String[] {
              "explain",
              "--insecure",
              "--inference-service",
              address(),
              "--features-file",
              csv.toString()
            },
            SESSION_COLUMNS);

    CliRun.Run first = CliRun.run(concat(common, "--row", "1"));
    CliRun.Run second = CliRun.run(concat(common, "--row", "2"));
    CliRun.Run third = CliRun.run(concat(common, "--row", "3"));

    assertThat(first.exit()).as(first.all()).isZero();
    assertThat(explains.get(0).getInput().getProvided().getRowId()).isEqualTo("s1");
    assertThat(explains.get(0).getInput().getProvided().getValuesMap())
        .containsEntry("Administrative", number(3));
    assertThat(first.out()).contains("s1 ").contains("bias -1.0000");
    assertThat(second.exit()).isEqualTo(3);
    assertThat(second.err())
        .contains("INVALID_ARGUMENT: rows.csv line 3, column Month: " + LEVEL_UNSEEN);
    assertThat(third.exit()).isEqualTo(2);
    assertThat(third.err()).contains("--row 3").contains("has only 2 rows");
  }

  @Test
  void targetsRanksTheFilesRowsAndPointsARefusedRowAtItsLine() throws IOException {
    Path good =
        table("s1,3,Nov,Returning_Visitor,FALSE,TRUE", "s2,7,Feb,Returning_Visitor,TRUE,FALSE");
    String[] common =
        concat(
            new String[] {
              "targets", "--insecure", "--inference-service", address(), "--top-k", "2"
            },
            SESSION_COLUMNS);

    CliRun.Run ranked = CliRun.run(concat(common, "--features-file", good.toString()));
    Path bad =
        table(
            "s1,3,Nov,Returning_Visitor,FALSE,TRUE",
            "s2,7,Dec,Returning_Visitor,TRUE,FALSE",
            "s3,1,Feb,New_Visitor,TRUE,FALSE");
    CliRun.Run refused = CliRun.run(concat(common, "--features-file", bad.toString()));

    assertThat(ranked.exit()).as(ranked.all()).isZero();
    RankTargetsRequest sent = rankings.get(0);
    assertThat(sent.getTopK()).isEqualTo(2);
    assertThat(sent.getSegment().getUserIdsList()).isEmpty();
    assertThat(sent.getSegment().getRowsList())
        .extracting(ProvidedFeatures::getRowId)
        .containsExactly("s1", "s2");
    assertThat(sent.getSegment().getRows(1).getValuesMap())
        .containsEntry("Month", category("Feb"))
        .containsEntry("Weekend", category("TRUE"));
    assertThat(ranked.out()).contains("s1").contains("scored 2 candidates");
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.err())
        .contains("INVALID_ARGUMENT: rows.csv line 3, column Month: " + LEVEL_UNSEEN);
  }

  @Test
  void anEventsModelKeepsScoringAFeaturesFileAsVectorsAndRefusesToRankIt() throws IOException {
    source = FeatureSource.FEATURE_SOURCE_ENGINE;
    Path csv = dir.resolve("vectors.csv");
    Files.writeString(csv, "user_id,Administrative,Weekend\nu1,3,true\nu2,4,false\n");

    CliRun.Run predicted = predict(csv);
    CliRun.Run ranked =
        CliRun.run(
            "targets",
            "--insecure",
            "--inference-service",
            address(),
            "--top",
            "2",
            "--features-file",
            csv.toString());

    assertThat(batches).hasSize(1);
    PredictionInput in = batches.get(0).getInputs(0);
    assertThat(in.hasFeatures()).isTrue();
    assertThat(in.getFeatures().getValuesList().subList(0, 1)).containsExactly(3.0);
    assertThat(predicted.out()).contains("u1");
    assertThat(ranked.exit()).isEqualTo(2);
    assertThat(ranked.err()).contains("computes its features from events");
    assertThat(rankings).isEmpty();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
