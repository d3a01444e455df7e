package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.user;
import static io.propensity.inference.testing.Protos.vector;
import static io.propensity.inference.testing.Protos.violations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.ProvidedModels;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ScoringModel;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.events.v1.EventType;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.MissingValues;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.Factor;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.InlineEvents;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ProvidedFeatureValue;
import propensity.inference.v1.ProvidedFeatures;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.SegmentFilter;
import propensity.inference.v1.ServedModel;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * A model of a team's own feature table (PROVIDED) served beside an ENGINE model: provided rows
 * score exactly as their training-encoded vectors, every bad row is named, inputs the model cannot
 * take are FAILED_PRECONDITION, a new version is hot-reloaded, and a version whose schema does not
 * describe its artifact is refused without blocking the others.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidedFeaturesGrpcTest implements TestPropertyProvider {
  static final String SESSIONS = "sessions-model";
  static final String LEGACY = "legacy-sessions";
  static final String RELOADED = "sessions-reloaded";
  static final String MISMATCHED = "sessions-mismatched";
  static final String ENGINE = "purchase-7d";
  static final String TEXT = ProvidedModels.train(1);
  static final String TEXT_2 = ProvidedModels.train(2);
  static final String ENGINE_TEXT = TestModels.small(1);

  FakeModelRegistry registry;
  FakeFeatureService features;
  @Inject GrpcEmbeddedServer server;
  @Inject ServedModels served;
  @Inject MeterRegistry meters;
  ManagedChannel channel;
  InferenceServiceGrpc.InferenceServiceBlockingStub stub;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    registry.promote(ENGINE, registry.register(ENGINE, ENGINE_TEXT));
    registry.promote(SESSIONS, ProvidedModels.register(registry, SESSIONS, TEXT));
    // registered before schemas recorded their source: PROVIDED because its hash is not the
    // engine's
    registry.promote(
        LEGACY,
        registry.register(
            ProvidedModels.meta(
                LEGACY, TEXT, ProvidedModels.schema(FeatureSource.FEATURE_SOURCE_UNSPECIFIED)),
            TEXT.getBytes(StandardCharsets.UTF_8),
            null));
    registry.promote(RELOADED, ProvidedModels.register(registry, RELOADED, TEXT));
    registry.promote(
        MISMATCHED,
        registry.register(
            ProvidedModels.meta(MISMATCHED, TEXT, swappedFirstTwo()),
            TEXT.getBytes(StandardCharsets.UTF_8),
            null));
    return Map.of(
        "propensity.inference.registry.target",
        registry.target(),
        "propensity.inference.feature-service.target",
        features.target(),
        "propensity.inference.registry.poll-interval",
        "1h",
        "propensity.inference.default-model",
        ENGINE);
  }

  /** The table's schema with its first two features in the wrong order: it does not describe it. */
  static FeatureSchema swappedFirstTwo() {
    FeatureSchema s = ProvidedModels.schema(FeatureSource.FEATURE_SOURCE_PROVIDED);
    List<FeatureDefinition> f = new ArrayList<>(s.getFeaturesList());
    FeatureDefinition first = f.get(0);
    f.set(0, f.get(1));
    f.set(1, first);
    return s.toBuilder().clearFeatures().addAllFeatures(f).build();
  }

  @BeforeAll
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = InferenceServiceGrpc.newBlockingStub(channel);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                served.currentVersion(ENGINE).isPresent()
                    && served.currentVersion(SESSIONS).isPresent()
                    && served.currentVersion(LEGACY).isPresent()
                    && served.currentVersion(RELOADED).isPresent()
                    && refused(MISMATCHED, "schema") == 1);
  }

  @AfterAll
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    registry.close();
    features.close();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return stub.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  double refused(String model, String reason) {
    return HotReloadGrpcTest.refused(meters, model, reason);
  }

  /** Row {@code i} of the table as a caller sends it: each CSV cell by column name. */
  static ProvidedFeatures providedRow(int i, String rowId) {
    Dataset d = ProvidedModels.table().dataset();
    String[] cells = ProvidedModels.table().cells(i);
    ProvidedFeatures.Builder b = ProvidedFeatures.newBuilder().setRowId(rowId);
    for (int f = 0; f < d.featureCount(); f++) {
      String cell = cells[f];
      ProvidedFeatureValue.Builder v = ProvidedFeatureValue.newBuilder();
      if (cell.isEmpty()) {
        v.setMissing(true);
      } else if (d.kind(f) == FeatureKind.NUMERIC) {
        v.setNumber(Double.parseDouble(cell));
      } else if (d.kind(f) == FeatureKind.BOOLEAN && i % 2 == 0) {
        v.setFlag(Boolean.parseBoolean(cell.toLowerCase(java.util.Locale.ROOT)));
      } else {
        v.setCategory(cell); // a level name, or TRUE/FALSE as the CSV holds it
      }
      b.putValues(d.featureNames().get(f), v.build());
    }
    return b.build();
  }

  static PredictionInput provided(ProvidedFeatures row) {
    return PredictionInput.newBuilder().setProvided(row).build();
  }

  static PredictionInput withValue(String feature, ProvidedFeatureValue value) {
    return provided(providedRow(0, "r0").toBuilder().putValues(feature, value).build());
  }

  Prediction predict(String model, PredictionInput input) {
    return stub()
        .predict(PredictRequest.newBuilder().setModelName(model).setInput(input).build())
        .getPrediction();
  }

  StatusRuntimeException predictFails(String model, PredictionInput input) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            stub()
                .predict(PredictRequest.newBuilder().setModelName(model).setInput(input).build()));
  }

  /** model-runtime's probability for a training-encoded row: what serving must give. */
  static double runtimeProbability(String text, double[] row) throws Exception {
    try (ScoringModel m = LightGbmModel.fromModelText(text, LightGbmModel.LoadOptions.defaults())) {
      return m.predictProbability(row);
    }
  }

  @Test
  void providedRowsScoreExactlyAsTheirTrainingEncodedVectors() throws Exception {
    Dataset d = ProvidedModels.table().dataset();
    int withMissing = 0;
    for (int i = 0; i < 40; i++) {
      Prediction p = predict(SESSIONS, provided(providedRow(i, "session-" + i)));
      assertThat(p.getProbability())
          .as("row %d", i)
          .isCloseTo(runtimeProbability(TEXT, d.row(i)), within(1e-12));
      assertThat(p.getUserId()).isEqualTo("session-" + i);
      assertThat(p.getModelName()).isEqualTo(SESSIONS);
      withMissing += String.join(",", ProvidedModels.table().cells(i)).contains(",,") ? 1 : 0;
    }
    assertThat(withMissing).as("rows with a missing cell among those scored").isPositive();
    Counter counted =
        meters
            .find("propensity.inference.predictions")
            .tag("model", SESSIONS)
            .tag("input", "provided")
            .counter();
    assertThat(counted).isNotNull();
    assertThat(counted.count()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void aVersionWithoutARecordedSourceIsServedAsProvidedByItsHash() throws Exception {
    Prediction p = predict(LEGACY, provided(providedRow(3, "r3")));
    assertThat(p.getProbability())
        .isCloseTo(
            runtimeProbability(TEXT, ProvidedModels.table().dataset().row(3)), within(1e-12));
  }

  @Test
  void aFeatureVectorOfTheModelsOwnHashScoresTheSame() throws Exception {
    double[] row = ProvidedModels.table().dataset().row(5);
    assertThat(predict(SESSIONS, vector(ProvidedModels.HASH, row)).getProbability())
        .isCloseTo(runtimeProbability(TEXT, row), within(1e-12));
    StatusRuntimeException e = predictFails(SESSIONS, vector(row));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void theEngineModelKeepsServingSideBySide() {
    double[] row = TestModels.rows(3).get(2);
    assertThat(predict(ENGINE, vector(row)).getProbability())
        .isCloseTo(TestModels.reference(ENGINE_TEXT, row), within(1e-12));
  }

  @Test
  void aBatchScoresEachRowAndFailsOnlyTheBadOne() throws Exception {
    PredictBatchRequest.Builder req = PredictBatchRequest.newBuilder().setModelName(SESSIONS);
    for (int i = 0; i < 5; i++) {
      req.addInputs(provided(providedRow(i, "b" + i)));
    }
    req.setInputs(
        2, withValue("Month", ProvidedFeatureValue.newBuilder().setCategory("Jan").build()));
    req.addInputs(user("u-1"));
    PredictBatchResponse r = stub().predictBatch(req.setExplainTopK(2).build());

    assertThat(r.getResultsCount()).isEqualTo(6);
    for (int i : new int[] {0, 1, 3, 4}) {
      assertThat(r.getResults(i).getPrediction().getProbability())
          .isCloseTo(
              runtimeProbability(TEXT, ProvidedModels.table().dataset().row(i)), within(1e-12));
      assertThat(r.getResults(i).getPrediction().getUserId()).isEqualTo("b" + i);
      assertThat(r.getResults(i).getPrediction().getFactorsCount()).isEqualTo(2);
    }
    assertThat(r.getResults(2).getError().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(violations(r.getResults(2).getError()))
        .singleElement()
        .asString()
        .startsWith("provided.values[Month]: ")
        .contains("\"Jan\" is not a level")
        .contains("Dec, Feb, Mar, May, Nov");
    assertThat(r.getResults(5).getError().getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION.value());
  }

  @Test
  void explainNamesTheTablesColumnsAndAddsUpToTheRawScore() {
    ExplainResponse e =
        stub()
            .explain(
                ExplainRequest.newBuilder()
                    .setModelName(SESSIONS)
                    .setInput(provided(providedRow(1, "x1")))
                    .build());
    assertThat(e.getContributionsList().stream().map(Factor::getFeature).toList())
        .containsExactlyElementsOf(ProvidedModels.featureNames());
    double sum = e.getBias();
    for (Factor f : e.getContributionsList()) {
      sum += f.getContribution();
    }
    assertThat(sum).isCloseTo(e.getRawScore(), within(1e-9));
    String month = ProvidedModels.table().cells(1)[0];
    assertThat(e.getContributions(0).getDescription()).startsWith("Month: " + month + " (");
    assertThat(e.getPrediction().getUserId()).isEqualTo("x1");
  }

  @Test
  void badProvidedValuesAreInvalidArgumentNamingTheFeature() {
    record Case(PredictionInput input, String violation) {}
    ProvidedFeatures row = providedRow(0, "r0");
    List<Case> cases =
        List.of(
            new Case(
                withValue("Colour", ProvidedFeatureValue.newBuilder().setCategory("red").build()),
                "input.provided.values[Colour]: 'Colour' is not a feature of model "
                    + SESSIONS
                    + "@1; its 5 features are: Month, VisitorType, Weekend, PageValues,"
                    + " ProductDuration"),
            new Case(
                provided(row.toBuilder().removeValues("PageValues").build()),
                "input.provided.values[PageValues]: is missing"),
            new Case(
                withValue(
                    "PageValues", ProvidedFeatureValue.newBuilder().setCategory("high").build()),
                "input.provided.values[PageValues]: PageValues is numeric: send a number"),
            new Case(
                withValue("Month", ProvidedFeatureValue.newBuilder().setCategory("Jan").build()),
                "input.provided.values[Month]: Month: \"Jan\" is not a level the model was trained"
                    + " on; 5 levels: Dec, Feb, Mar, May, Nov"),
            new Case(
                withValue("Month", ProvidedFeatureValue.newBuilder().setNumber(2).build()),
                "input.provided.values[Month]: Month is categorical: send the level's name"),
            new Case(
                withValue(
                    "ProductDuration",
                    ProvidedFeatureValue.newBuilder().setNumber(Double.POSITIVE_INFINITY).build()),
                "input.provided.values[ProductDuration]: ProductDuration: Infinity is not a finite"
                    + " number"),
            new Case(
                withValue(
                    "Weekend", ProvidedFeatureValue.newBuilder().setCategory("maybe").build()),
                "input.provided.values[Weekend]: Weekend is boolean: \"maybe\" is not true/false"),
            new Case(
                withValue("Weekend", ProvidedFeatureValue.getDefaultInstance()),
                "input.provided.values[Weekend]: Weekend is unset: set one of number, category, flag"),
            new Case(
                provided(row.toBuilder().setRowId("r".repeat(129)).build()),
                "input.provided.row_id: 129 characters, at most 128 allowed"));
    for (Case c : cases) {
      StatusRuntimeException e = predictFails(SESSIONS, c.input());
      assertThat(e.getStatus().getCode()).as(c.violation()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(violations(e))
          .as(c.violation())
          .singleElement()
          .asString()
          .startsWith(c.violation());
    }
  }

  @Test
  void inputsAProvidedModelCannotComputeAreFailedPrecondition() throws Exception {
    StatusRuntimeException byUser = predictFails(SESSIONS, user("u-1"));
    assertThat(byUser.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(byUser.getStatus().getDescription())
        .contains("model " + SESSIONS + "@1 takes provided features")
        .contains("a user id")
        .contains("PredictionInput.provided");

    PredictionInput events =
        PredictionInput.newBuilder()
            .setEvents(
                InlineEvents.newBuilder()
                    .addEvents(
                        event(
                            "e1",
                            "u-1",
                            Instant.now().minusSeconds(60),
                            EventType.EVENT_TYPE_PAGE_VIEW)))
            .build();
    StatusRuntimeException byEvents = predictFails(SESSIONS, events);
    assertThat(byEvents.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(byEvents.getStatus().getDescription()).contains("inline events");

    StatusRuntimeException toEngine = predictFails(ENGINE, provided(providedRow(0, "r0")));
    assertThat(toEngine.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(toEngine.getStatus().getDescription())
        .startsWith("input.provided: model " + ENGINE + "@1 computes its features from events");

    CompletableFuture<Throwable> streamEnd = new CompletableFuture<>();
    StreamObserver<StreamPredictRequest> stream =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .streamPredict(
                new StreamObserver<StreamPredictResponse>() {
                  @Override
                  public void onNext(StreamPredictResponse value) {
                    streamEnd.complete(new AssertionError("answered " + value));
                  }

                  @Override
                  public void onError(Throwable t) {
                    streamEnd.complete(t);
                  }

                  @Override
                  public void onCompleted() {
                    streamEnd.complete(new AssertionError("completed"));
                  }
                });
    stream.onNext(
        StreamPredictRequest.newBuilder()
            .setModelName(SESSIONS)
            .addEvents(
                event("e2", "u-2", Instant.now().minusSeconds(5), EventType.EVENT_TYPE_PAGE_VIEW))
            .build());
    Throwable t = streamEnd.get(20, TimeUnit.SECONDS);
    stream.onCompleted();
    assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(Status.fromThrowable(t).getDescription()).contains("an event stream");
  }

  List<RankTargetsResponse> rank(RankTargetsRequest req) {
    List<RankTargetsResponse> out = new ArrayList<>();
    Iterator<RankTargetsResponse> it = stub().rankTargets(req);
    it.forEachRemaining(out::add);
    return out;
  }

  /** The refusal of a ranking of {@code segment}'s top 5 by {@code model}. */
  StatusRuntimeException rankFails(String model, SegmentFilter.Builder segment) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            rank(
                RankTargetsRequest.newBuilder()
                    .setModelName(model)
                    .setSegment(segment)
                    .setTopK(5)
                    .build()));
  }

  @Test
  void rowsAreRankedAsSentByRowIdWithASummary() throws Exception {
    SegmentFilter.Builder segment = SegmentFilter.newBuilder();
    for (int i = 0; i < 30; i++) {
      segment.addRows(providedRow(i, "row-" + i));
    }
    List<RankTargetsResponse> out =
        rank(
            RankTargetsRequest.newBuilder()
                .setModelName(SESSIONS)
                .setSegment(segment)
                .setTopK(10)
                .setExplainTopK(1)
                .build());

    assertThat(out).hasSize(11);
    double previous = 1;
    for (int k = 0; k < 10; k++) {
      var t = out.get(k).getTarget();
      int row = Integer.parseInt(t.getUserId().substring("row-".length()));
      assertThat(t.getProbability())
          .isCloseTo(
              runtimeProbability(TEXT, ProvidedModels.table().dataset().row(row)), within(1e-12));
      assertThat(t.getProbability()).isLessThanOrEqualTo(previous);
      assertThat(t.getFactorsCount()).isEqualTo(1);
      assertThat(ProvidedModels.featureNames()).contains(t.getFactors(0).getFeature());
      previous = t.getProbability();
    }
    var summary = out.get(10).getSummary();
    assertThat(summary.getModelName()).isEqualTo(SESSIONS);
    assertThat(summary.getScoredCount()).isEqualTo(30);
    assertThat(summary.getSelectedCount()).isEqualTo(10);
  }

  @Test
  void badRankingRowsAndSegmentsAreRefused() {
    SegmentFilter.Builder dup =
        SegmentFilter.newBuilder()
            .addRows(providedRow(0, "a"))
            .addRows(providedRow(1, "b"))
            .addRows(providedRow(2, "a"));
    StatusRuntimeException duplicate = rankFails(SESSIONS, dup);
    assertThat(duplicate.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(duplicate))
        .containsExactly(
            "segment.rows[2].row_id: 'a' is also segment.rows[0].row_id: row ids must be unique"
                + " in a request");

    SegmentFilter.Builder unseen =
        SegmentFilter.newBuilder()
            .addRows(providedRow(0, "a"))
            .addRows(
                providedRow(1, "b").toBuilder()
                    .putValues(
                        "VisitorType",
                        ProvidedFeatureValue.newBuilder().setCategory("Robot").build()));
    StatusRuntimeException badValue = rankFails(SESSIONS, unseen);
    assertThat(badValue.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(badValue))
        .singleElement()
        .asString()
        .startsWith("segment.rows[1].values[VisitorType]: VisitorType: \"Robot\" is not a level");

    StatusRuntimeException noRows =
        rankFails(SESSIONS, SegmentFilter.newBuilder().addUserIds("u-1"));
    assertThat(noRows.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(noRows.getStatus().getDescription()).contains("SegmentFilter.rows");

    StatusRuntimeException rowsToEngine =
        rankFails(ENGINE, SegmentFilter.newBuilder().addRows(providedRow(0, "a")));
    assertThat(rowsToEngine.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void modelInfoShowsEachModelsSourceAndSchema() {
    List<ServedModel> models =
        stub().getModelInfo(GetModelInfoRequest.getDefaultInstance()).getModelsList();
    ServedModel sessions =
        models.stream().filter(m -> m.getName().equals(SESSIONS)).findFirst().orElseThrow();
    ServedModel engine =
        models.stream().filter(m -> m.getName().equals(ENGINE)).findFirst().orElseThrow();
    ServedModel legacy =
        models.stream().filter(m -> m.getName().equals(LEGACY)).findFirst().orElseThrow();

    assertThat(sessions.getFeatureSchema().getSource())
        .isEqualTo(FeatureSource.FEATURE_SOURCE_PROVIDED);
    assertThat(sessions.getFeatureSchema().getVersionHash()).isEqualTo(ProvidedModels.HASH);
    assertThat(
            sessions.getFeatureSchema().getFeaturesList().stream()
                .map(FeatureDefinition::getName)
                .toList())
        .containsExactlyElementsOf(ProvidedModels.featureNames());
    FeatureDefinition month = sessions.getFeatureSchema().getFeatures(0);
    assertThat(month.getCategoriesList())
        .containsExactly("(missing)", "Dec", "Feb", "Mar", "May", "Nov");
    assertThat(month.getMissingValues()).isEqualTo(MissingValues.MISSING_VALUES_NATIVE);
    assertThat(legacy.getFeatureSchema().getSource())
        .isEqualTo(FeatureSource.FEATURE_SOURCE_PROVIDED);
    assertThat(engine.getFeatureSchema().getSource())
        .isEqualTo(FeatureSource.FEATURE_SOURCE_ENGINE);
    assertThat(engine.getFeatureSchema().getFeaturesCount()).isEqualTo(TestModels.SCHEMA.size());
    assertThat(models.stream().map(ServedModel::getName)).doesNotContain(MISMATCHED);
  }

  @Test
  void aNewProvidedVersionIsHotReloadedAndAMismatchedOneNeverServed() throws Exception {
    double[] row = ProvidedModels.table().dataset().row(7);
    PredictionInput input = provided(providedRow(7, "r7"));
    assertThat(predict(RELOADED, input).getProbability())
        .isCloseTo(runtimeProbability(TEXT, row), within(1e-12));

    registry.promote(RELOADED, ProvidedModels.register(registry, RELOADED, TEXT_2));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> served.currentVersion(RELOADED).orElse(0) == 2);
    Prediction p = predict(RELOADED, input);
    assertThat(p.getModelVersion()).isEqualTo(2);
    assertThat(p.getProbability()).isCloseTo(runtimeProbability(TEXT_2, row), within(1e-12));
    assertThat(runtimeProbability(TEXT_2, row)).isNotEqualTo(runtimeProbability(TEXT, row));

    long bad =
        registry.register(
            ProvidedModels.meta(RELOADED, TEXT_2, swappedFirstTwo()),
            TEXT_2.getBytes(StandardCharsets.UTF_8),
            null);
    registry.promote(RELOADED, bad);
    await().atMost(Duration.ofSeconds(30)).until(() -> refused(RELOADED, "schema") == 1);
    assertThat(predict(RELOADED, input).getModelVersion()).isEqualTo(2);
  }
}
