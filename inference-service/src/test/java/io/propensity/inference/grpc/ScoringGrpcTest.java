package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.ts;
import static io.propensity.inference.testing.Protos.user;
import static io.propensity.inference.testing.Protos.vector;
import static io.propensity.inference.testing.Protos.violations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.client.EventProtoMapper;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.reload.ModelLoader;
import io.propensity.inference.testing.FakeFeatureService;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.Protos;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.events.v1.EventType;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.Factor;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.GetModelInfoResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.InlineEvents;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.SegmentFilter;
import propensity.inference.v1.ServedModel;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * The inference contract through a real gRPC channel, against a fake registry and feature service.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoringGrpcTest implements TestPropertyProvider {
  static final String MODEL = TestModels.small(1);
  static final String CHURN = TestModels.small(2);
  static final Instant NOW = Instant.now();
  static final List<String> CROWD = new ArrayList<>();
  static final Map<String, List<io.propensity.engine.event.Event>> STORED =
      new java.util.HashMap<>();

  FakeModelRegistry registry;
  FakeFeatureService features;
  @Inject GrpcEmbeddedServer server;

  @Inject
  @Client("/")
  HttpClient http;

  ManagedChannel channel;
  InferenceServiceGrpc.InferenceServiceBlockingStub stub;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    features = FakeFeatureService.start();
    // every online vector as of NOW: the rank-then-batch checks compare calls made seconds apart
    features.fixClock(NOW);
    registry.promote("purchase-7d", registry.register("purchase-7d", MODEL));
    registry.promote("churn-30d", registry.register("churn-30d", CHURN));
    Random r = new Random(11);
    for (int i = 0; i < 30; i++) {
      String id = "crowd-" + i;
      CROWD.add(id);
      List<io.propensity.engine.event.Event> history =
          new ArrayList<>(TestModels.history(id, r, NOW.minusSeconds(60)));
      history.add(
          io.propensity.engine.event.Event.builder(
                  id + "-seen",
                  id,
                  NOW.minus(Duration.ofDays(3)),
                  io.propensity.engine.event.EventType.PAGE_VIEW)
              .build());
      features.add(history);
      STORED.put(id, history);
    }
    features.slow("slow-user", Duration.ofSeconds(3));
    return Map.of(
        "propensity.inference.registry.target",
        registry.target(),
        "propensity.inference.feature-service.target",
        features.target(),
        // long, so that a test can show the caller's shorter deadline wins
        "propensity.inference.feature-service.deadline",
        "10s",
        "propensity.inference.scorers-per-model",
        "2");
  }

  @BeforeAll
  void connect() {
    channel = ServingChannels.openWhenServing(server.getPort(), 2);
    stub = InferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void close() throws Exception {
    ServingChannels.close(channel);
    registry.close();
    features.close();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return stub.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  Prediction predict(PredictionInput input, int topK) {
    return stub()
        .predict(PredictRequest.newBuilder().setInput(input).setExplainTopK(topK).build())
        .getPrediction();
  }

  StatusRuntimeException failure(PredictRequest req) {
    return catchThrowableOfType(StatusRuntimeException.class, () -> stub().predict(req));
  }

  @Test
  void inlineVectorScoresExactlyAsLightGbmWithVersionThresholdAndLabel() {
    double[] row = TestModels.rows(5).get(4);
    Prediction p = predict(vector(row), 0);

    assertThat(p.getProbability()).isCloseTo(TestModels.reference(MODEL, row), within(1e-12));
    assertThat(p.getModelName()).isEqualTo("purchase-7d");
    assertThat(p.getModelVersion()).isEqualTo(1);
    assertThat(p.getThreshold()).isEqualTo(0.5);
    assertThat(p.getLabel()).isEqualTo(p.getProbability() >= 0.5);
    assertThat(p.getUserId()).isEmpty();
    assertThat(p.hasFeaturesAsOf()).isFalse();
    assertThat(p.getFactorsCount()).isZero();
  }

  @Test
  void eachNamedModelServesItsOwnVersion() {
    double[] row = TestModels.rows(1).get(0);
    Prediction p =
        stub()
            .predict(
                PredictRequest.newBuilder().setModelName("churn-30d").setInput(vector(row)).build())
            .getPrediction();
    assertThat(p.getModelName()).isEqualTo("churn-30d");
    assertThat(p.getProbability()).isCloseTo(TestModels.reference(CHURN, row), within(1e-12));
  }

  @Test
  void byUserScoresTheOnlineFeaturesAndFlagsUnknownUsersAsColdStart() {
    Prediction known = predict(user("crowd-3"), 0);
    Prediction unknown = predict(user("nobody-at-all"), 0);

    assertThat(known.getUserId()).isEqualTo("crowd-3");
    assertThat(known.getColdStart()).isFalse();
    assertThat(known.hasFeaturesAsOf()).isTrue();
    assertThat(unknown.getColdStart()).isTrue();
    assertThat(unknown.getProbability())
        .isCloseTo(
            TestModels.reference(MODEL, BatchFeatureComputer.coldStart().values()), within(1e-12));
  }

  @Test
  void inlineEventsAreComputedByTheFeatureEngineAsOfTheGivenInstant() {
    Instant t = NOW.minus(Duration.ofHours(2));
    List<propensity.events.v1.Event> events =
        List.of(
            event("ie-1", "inline-u", t, EventType.EVENT_TYPE_PRODUCT_VIEW),
            event("ie-2", "inline-u", t.plusSeconds(60), EventType.EVENT_TYPE_ADD_TO_CART),
            event("ie-3", "inline-u", t.plusSeconds(120), EventType.EVENT_TYPE_ADD_TO_CART));
    Instant asOf = t.plusSeconds(600);
    Prediction p =
        predict(
            PredictionInput.newBuilder()
                .setEvents(InlineEvents.newBuilder().addAllEvents(events).setAsOf(ts(asOf)))
                .build(),
            0);

    List<io.propensity.engine.event.Event> engine =
        events.stream()
            .map(e -> ((ReceivedEvent.Parsed) EventProtoMapper.fromProto(e)).event())
            .toList();
    double[] expected = BatchFeatureComputer.compute(engine, asOf).values();
    assertThat(p.getProbability()).isCloseTo(TestModels.reference(MODEL, expected), within(1e-12));
    assertThat(p.getUserId()).isEqualTo("inline-u");
    assertThat(p.getColdStart()).isFalse();
    assertThat(EventProtoMapper.instant(p.getFeaturesAsOf())).isEqualTo(asOf);
  }

  @Test
  void topFactorsAreTheLargestContributionsDescribedForPeople() {
    double[] row = TestModels.rows(3).get(2);
    Prediction p = predict(vector(row), 5);
    ExplainResponse full =
        stub().explain(ExplainRequest.newBuilder().setInput(vector(row)).build());

    assertThat(p.getFactorsCount()).isBetween(1, 5);
    List<Double> magnitudes =
        p.getFactorsList().stream().map(f -> Math.abs(f.getContribution())).toList();
    assertThat(magnitudes).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    double largest =
        full.getContributionsList().stream()
            .mapToDouble(f -> Math.abs(f.getContribution()))
            .max()
            .orElseThrow();
    assertThat(magnitudes.get(0)).isEqualTo(largest);
    for (Factor f : p.getFactorsList()) {
      int i = FeatureCatalog.schema().indexOf(f.getFeature());
      assertThat(f.getValue()).isEqualTo(row[i]);
      assertThat(f.getDescription())
          .endsWith(f.getContribution() > 0 ? "(raises)" : "(lowers)")
          .contains(": ");
    }
  }

  @Test
  void explainGivesEveryFeatureInSchemaOrderAndSumsToTheLogit() {
    double[] row = TestModels.rows(8).get(7);
    ExplainResponse e = stub().explain(ExplainRequest.newBuilder().setInput(vector(row)).build());

    assertThat(e.getContributionsList().stream().map(Factor::getFeature).toList())
        .isEqualTo(FeatureCatalog.schema().names());
    double p = e.getPrediction().getProbability();
    double sum =
        e.getBias() + e.getContributionsList().stream().mapToDouble(Factor::getContribution).sum();
    assertThat(sum).isCloseTo(Math.log(p / (1 - p)), within(1e-9));
    assertThat(e.getRawScore()).isCloseTo(sum, within(1e-9));
    assertThat(e.getPrediction().getFactorsCount()).isZero();
  }

  @Test
  void wrongFeatureCountIsInvalidArgumentNamingTheField() {
    StatusRuntimeException e =
        failure(PredictRequest.newBuilder().setInput(vector(new double[70])).build());

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(e))
        .containsExactly(
            "input.features.values: 70 values, the schema has "
                + FeatureCatalog.schema().size()
                + " features");
  }

  @Test
  void infinitiesAndValuesForeignToTheirTypeAreInvalidArgumentPerValueWhileNanMeansMissing() {
    double[] row = TestModels.rows(1).get(0);
    row[0] = Double.POSITIVE_INFINITY;
    row[FeatureCatalog.schema().indexOf("session_active")] = 0.5;
    row[FeatureCatalog.schema().indexOf("events_7d")] = Double.NaN;
    StatusRuntimeException e = failure(PredictRequest.newBuilder().setInput(vector(row)).build());

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(e))
        .containsExactly(
            "input.features.values[0]: hours_since_last_event: Infinity is not allowed (NaN means missing)",
            "input.features.values["
                + FeatureCatalog.schema().indexOf("session_active")
                + "]: session_active is boolean: 0.5 is neither 0 nor 1");

    double[] missing = TestModels.rows(1).get(0);
    missing[3] = Double.NaN;
    assertThat(predict(vector(missing), 0).getProbability())
        .isCloseTo(TestModels.reference(MODEL, missing), within(1e-12));
  }

  @Test
  void aVectorOfAnotherSchemaIsFailedPrecondition() {
    StatusRuntimeException e =
        failure(
            PredictRequest.newBuilder()
                .setInput(vector("0123456789abcdef", new double[FeatureCatalog.schema().size()]))
                .build());

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription())
        .contains("0123456789abcdef")
        .contains("purchase-7d@1");
  }

  @Test
  void badInputsAndOptionsAreInvalidArgumentWithFieldViolations() {
    assertThat(violations(failure(PredictRequest.newBuilder().build())))
        .containsExactly("input: one of user_id, features or events is required");
    assertThat(
            violations(
                failure(PredictRequest.newBuilder().setInput(user("x".repeat(129))).build())))
        .containsExactly("input.user_id: 129 characters, at most 128 allowed");
    assertThat(
            violations(
                failure(
                    PredictRequest.newBuilder().setInput(user("u")).setExplainTopK(51).build())))
        .containsExactly("explain_top_k: 51 is outside 0 to 50");

    Instant t = NOW.minusSeconds(3600);
    PredictionInput twoUsers =
        PredictionInput.newBuilder()
            .setEvents(
                InlineEvents.newBuilder()
                    .addEvents(event("a", "ua", t, EventType.EVENT_TYPE_PAGE_VIEW))
                    .addEvents(event("b", "ub", t, EventType.EVENT_TYPE_PAGE_VIEW))
                    .addEvents(event("c", "ua", t, EventType.EVENT_TYPE_UNSPECIFIED)))
            .build();
    assertThat(violations(failure(PredictRequest.newBuilder().setInput(twoUsers).build())))
        .containsExactly(
            "input.events.events[1].user_id: 'ub' differs from 'ua' of events[0]: inline events must all be of one user",
            "input.events.events[2].type: is required");
  }

  @Test
  void inlineTimestampsOutsideTheirRangeAreInvalidArgumentNeverInternal() {
    Instant t = NOW.minusSeconds(3600);
    com.google.protobuf.Timestamp farFuture =
        com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
    PredictionInput badEvent =
        PredictionInput.newBuilder()
            .setEvents(
                InlineEvents.newBuilder()
                    .addEvents(event("a", "ua", t, EventType.EVENT_TYPE_PAGE_VIEW))
                    .addEvents(
                        event("b", "ua", t, EventType.EVENT_TYPE_PAGE_VIEW).toBuilder()
                            .setOccurredAt(farFuture)
                            .setDwell(
                                com.google.protobuf.Duration.newBuilder()
                                    .setSeconds(Long.MIN_VALUE)
                                    .setNanos(-999_999_999))))
            .build();
    StatusRuntimeException e = failure(PredictRequest.newBuilder().setInput(badEvent).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(e))
        .extracting(v -> v.substring(0, v.indexOf(':')))
        .containsExactly("input.events.events[1].occurred_at", "input.events.events[1].dwell");

    PredictionInput badAsOf =
        PredictionInput.newBuilder()
            .setEvents(
                InlineEvents.newBuilder()
                    .addEvents(event("a", "ua", t, EventType.EVENT_TYPE_PAGE_VIEW))
                    .setAsOf(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)))
            .build();
    StatusRuntimeException asOf = failure(PredictRequest.newBuilder().setInput(badAsOf).build());
    assertThat(asOf.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(asOf)).singleElement().asString().startsWith("input.events.as_of: ");
    StatusRuntimeException inBatch =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .predictBatch(
                        PredictBatchRequest.newBuilder()
                            .addInputs(user("u"))
                            .addInputs(badAsOf)
                            .build()));
    assertThat(inBatch.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(inBatch))
        .singleElement()
        .asString()
        .startsWith("inputs[1].events.as_of: ");
  }

  @Test
  void aStreamedEventWithAnOutOfRangeTimestampIsRejectedNotAnInternalError() throws Exception {
    List<StreamPredictResponse> answers =
        stream(
            List.of(
                event("far", "far-user", NOW, EventType.EVENT_TYPE_PAGE_VIEW).toBuilder()
                    .setOccurredAt(
                        com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                    .build()));
    assertThat(answers).singleElement().satisfies(a -> assertThat(a.hasRejection()).isTrue());
    assertThat(answers.get(0).getRejection().getViolations(0).getField()).isEqualTo("occurred_at");
  }

  @Test
  void oneClientCancellingItsStreamNeitherCutsTheHistoryCallNorPausesSeedingForOthers()
      throws Exception {
    Instant t = NOW.minus(Duration.ofMinutes(10));
    features.add(
        List.of(
            io.propensity.engine.event.Event.builder(
                    "slow-seed-old",
                    "slow-seed",
                    t.minusSeconds(3600),
                    io.propensity.engine.event.EventType.PAGE_VIEW)
                .build()));
    features.add(
        List.of(
            io.propensity.engine.event.Event.builder(
                    "after-cancel-old",
                    "after-cancel",
                    t.minusSeconds(3600),
                    io.propensity.engine.event.EventType.PAGE_VIEW)
                .build()));
    features.slowHistory("slow-seed", Duration.ofMillis(1500));
    StreamObserver<StreamPredictRequest> leaving =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .streamPredict(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamPredictResponse value) {}

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    leaving.onNext(
        StreamPredictRequest.newBuilder()
            .addEvents(event("slow-seed-live", "slow-seed", t, EventType.EVENT_TYPE_PAGE_VIEW))
            .build());
    assertThat(features.awaitHistoryAsked("slow-seed", Duration.ofSeconds(10))).isTrue();
    ((io.grpc.stub.ClientCallStreamObserver<StreamPredictRequest>) leaving)
        .cancel("the client leaves", null);
    List<StreamPredictResponse> other =
        stream(
            List.of(event("after-cancel-live", "after-cancel", t, EventType.EVENT_TYPE_PAGE_VIEW)));
    assertThat(other.get(0).getHistorySeed())
        .as("another client's new user is seeded from stored history")
        .isEqualTo(propensity.inference.v1.HistorySeed.HISTORY_SEED_STORED);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> features.slowHistoryCancelled("slow-seed").isPresent());
    assertThat(features.slowHistoryCancelled("slow-seed"))
        .as("the service's own history call ran to its answer")
        .contains(false);

    // The cancelled stream's user was seeded all the same: a later stream finds them seeded.
    List<StreamPredictResponse> back =
        stream(
            List.of(
                event(
                    "slow-seed-back",
                    "slow-seed",
                    t.plusSeconds(1),
                    EventType.EVENT_TYPE_PAGE_VIEW)));
    assertThat(back.get(0).getHistorySeed())
        .isEqualTo(propensity.inference.v1.HistorySeed.HISTORY_SEED_STORED);
  }

  @Test
  void anUnknownModelIsNotFound() {
    StatusRuntimeException e =
        failure(PredictRequest.newBuilder().setModelName("nope-1d").setInput(user("u")).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains("nope-1d").contains("purchase-7d");
  }

  @Test
  void aCallerDeadlineShorterThanTheFeatureServiceIsHonoured() {
    long started = System.nanoTime();
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .predict(PredictRequest.newBuilder().setInput(user("slow-user")).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aBatchAnswersInInputOrderAndFailsOnlyItsBadRows() {
    double[] row = TestModels.rows(2).get(1);
    PredictBatchResponse r =
        stub()
            .predictBatch(
                PredictBatchRequest.newBuilder()
                    .addInputs(vector(row))
                    .addInputs(user("crowd-1"))
                    .addInputs(vector(new double[3]))
                    .addInputs(PredictionInput.getDefaultInstance())
                    .addInputs(user("crowd-1"))
                    .setExplainTopK(2)
                    .build());

    assertThat(r.getResultsCount()).isEqualTo(5);
    assertThat(r.getResults(0).getPrediction().getProbability())
        .isCloseTo(TestModels.reference(MODEL, row), within(1e-12));
    assertThat(r.getResults(0).getPrediction().getFactorsCount()).isEqualTo(2);
    assertThat(r.getResults(1).getPrediction().getUserId()).isEqualTo("crowd-1");
    assertThat(r.getResults(2).getError().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(violations(r.getResults(2).getError()))
        .containsExactly(
            "features.values: 3 values, the schema has "
                + FeatureCatalog.schema().size()
                + " features");
    assertThat(violations(r.getResults(3).getError()))
        .containsExactly("input: one of user_id, features or events is required");
    assertThat(r.getResults(4).getPrediction()).isEqualTo(r.getResults(1).getPrediction());
  }

  @Test
  void anEmptyOrOversizedBatchIsInvalidArgument() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().predictBatch(PredictBatchRequest.getDefaultInstance()));
    assertThat(violations(e)).containsExactly("inputs: at least 1 input is required");
  }

  @Test
  void streamPredictAnswersEveryEventWithItsUsersUpdatedPrediction() throws Exception {
    InferenceServiceGrpc.InferenceServiceStub async =
        InferenceServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<StreamPredictRequest> requests =
        async.streamPredict(
            new StreamObserver<>() {
              @Override
              public void onNext(StreamPredictResponse value) {
                answers.add(value);
              }

              @Override
              public void onError(Throwable t) {
                answers.add(t);
              }

              @Override
              public void onCompleted() {
                answers.add("done");
              }
            });
    Instant t = NOW.minus(Duration.ofMinutes(20));
    requests.onNext(
        StreamPredictRequest.newBuilder()
            .setExplainTopK(3)
            .addEvents(event("live-1", "live-u", t, EventType.EVENT_TYPE_PAGE_VIEW))
            .addEvents(event("live-2", "live-v", t, EventType.EVENT_TYPE_PAGE_VIEW))
            .addEvents(event("live-bad", "live-u", t, EventType.EVENT_TYPE_UNSPECIFIED))
            .build());
    List<StreamPredictResponse> first = take(answers, 3);
    assertThat(first)
        .extracting(StreamPredictResponse::getEventId)
        .containsExactly("live-1", "live-2", "live-bad");
    assertThat(first.get(0).getPrediction().getUserId()).isEqualTo("live-u");
    assertThat(first.get(0).getHistorySeed())
        .isEqualTo(propensity.inference.v1.HistorySeed.HISTORY_SEED_NONE_STORED);
    assertThat(first.get(2).getHistorySeed())
        .isEqualTo(propensity.inference.v1.HistorySeed.HISTORY_SEED_UNSPECIFIED);
    assertThat(first.get(0).getPrediction().getFactorsCount()).isBetween(1, 3);
    assertThat(first.get(2).getRejection().getIndex()).isEqualTo(2);
    assertThat(first.get(2).getRejection().getViolations(0).getField()).isEqualTo("type");

    List<propensity.events.v1.Event> carts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      carts.add(
          event(
              "live-cart-" + i,
              "live-u",
              t.plusSeconds(60 * (i + 1)),
              EventType.EVENT_TYPE_ADD_TO_CART));
    }
    requests.onNext(
        StreamPredictRequest.newBuilder()
            .setModelName("ignored-later")
            .addAllEvents(carts)
            .build());
    List<StreamPredictResponse> second = take(answers, 3);
    requests.onCompleted();
    assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("done");

    double before = first.get(0).getPrediction().getProbability();
    double after = second.get(2).getPrediction().getProbability();
    assertThat(after).isGreaterThan(before);
    // The same events scored inline, as of the newest, give the same prediction.
    List<propensity.events.v1.Event> all = new ArrayList<>();
    all.add(event("live-1", "live-u", t, EventType.EVENT_TYPE_PAGE_VIEW));
    all.addAll(carts);
    Prediction inline =
        predict(
            PredictionInput.newBuilder()
                .setEvents(
                    InlineEvents.newBuilder().addAllEvents(all).setAsOf(ts(t.plusSeconds(180))))
                .build(),
            0);
    assertThat(after).isEqualTo(inline.getProbability());
    assertThat(EventProtoMapper.instant(second.get(2).getPrediction().getFeaturesAsOf()))
        .isEqualTo(t.plusSeconds(180));
  }

  @Test
  void streamPredictStartsAUserWithStoredHistoryFromItAndCountsARepeatedStoredEventOnce()
      throws Exception {
    String id = "crowd-5";
    List<io.propensity.engine.event.Event> stored = STORED.get(id);
    io.propensity.engine.event.Event storedNewest =
        stored.stream()
            .max(java.util.Comparator.comparing(io.propensity.engine.event.Event::occurredAt))
            .orElseThrow();
    Instant t = NOW.minus(Duration.ofMinutes(10));
    List<StreamPredictResponse> answers =
        stream(
            List.of(
                event("crowd-5-live", id, t, EventType.EVENT_TYPE_ADD_TO_CART),
                // the client sends every event to the feature service too: a stored one may come
                // again
                EventProtoMapper.toProto(storedNewest)));

    assertThat(answers)
        .extracting(StreamPredictResponse::getHistorySeed)
        .containsOnly(propensity.inference.v1.HistorySeed.HISTORY_SEED_STORED);
    assertThat(answers.get(0).getHistoryEventCount()).isEqualTo(stored.size());
    List<io.propensity.engine.event.Event> all = new ArrayList<>(stored);
    all.add(
        ((ReceivedEvent.Parsed)
                EventProtoMapper.fromProto(
                    event("crowd-5-live", id, t, EventType.EVENT_TYPE_ADD_TO_CART)))
            .event());
    Instant asOf = EventProtoMapper.instant(answers.get(1).getPrediction().getFeaturesAsOf());
    double[] batch = BatchFeatureComputer.compute(all, asOf).values();
    assertThat(answers.get(1).getPrediction().getProbability())
        .as("the stored history plus the live event, the repeated stored event counted once")
        .isEqualTo(predict(Protos.vector(batch), 0).getProbability());
    double emptyStart =
        predict(
                PredictionInput.newBuilder()
                    .setEvents(
                        InlineEvents.newBuilder()
                            .addEvents(
                                event("crowd-5-live", id, t, EventType.EVENT_TYPE_ADD_TO_CART))
                            .setAsOf(ts(asOf)))
                    .build(),
                0)
            .getProbability();
    int lifetime = FeatureCatalog.schema().indexOf("events_lifetime");
    assertThat(batch[lifetime]).isEqualTo(stored.size() + 1);
    assertThat(answers.get(1).getPrediction().getProbability()).isNotEqualTo(emptyStart);
  }

  List<StreamPredictResponse> stream(List<propensity.events.v1.Event> events) throws Exception {
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<StreamPredictRequest> requests =
        InferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .streamPredict(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamPredictResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answers.add(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(StreamPredictRequest.newBuilder().addAllEvents(events).build());
    List<StreamPredictResponse> out = take(answers, events.size());
    requests.onCompleted();
    return out;
  }

  @Test
  void rankTargetsWithoutUserIdsRanksEveryUserOfTheFeatureServiceWithinTheActivityBounds() {
    List<RankTargetsResponse> all = new ArrayList<>();
    stub()
        .rankTargets(
            RankTargetsRequest.newBuilder()
                .setSegment(
                    SegmentFilter.newBuilder()
                        .setActiveSince(ts(NOW.minus(Duration.ofDays(4))))
                        .setActiveBefore(ts(NOW.minus(Duration.ofDays(2)))))
                .setTopK(5)
                .build())
        .forEachRemaining(all::add);

    // Crowd users whose newest stored event is between 4 and 2 days old: the "-seen" page view of
    // 3 days ago, when their random history holds nothing newer.
    long inRange =
        STORED.values().stream()
            .map(
                h ->
                    h.stream()
                        .map(io.propensity.engine.event.Event::occurredAt)
                        .max(Instant::compareTo)
                        .orElseThrow())
            .filter(
                last ->
                    !last.isBefore(NOW.minus(Duration.ofDays(4)))
                        && !last.isAfter(NOW.minus(Duration.ofDays(2))))
            .count();
    var summary = all.get(all.size() - 1).getSummary();
    assertThat(inRange).isPositive();
    assertThat(summary.getScoredCount()).isEqualTo(inRange);
    assertThat(all.subList(0, all.size() - 1))
        .extracting(r -> r.getTarget().getProbability())
        .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(summary.getSelectedCount()).isEqualTo(Math.min(5, inRange));
  }

  private static List<StreamPredictResponse> take(LinkedBlockingQueue<Object> q, int n)
      throws InterruptedException {
    List<StreamPredictResponse> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object o = q.poll(10, TimeUnit.SECONDS);
      assertThat(o).isInstanceOf(StreamPredictResponse.class);
      out.add((StreamPredictResponse) o);
    }
    return out;
  }

  @Test
  void rankTargetsStreamsTheTopUsersSortedDescendingThenTotals() {
    List<RankTargetsResponse> all = new ArrayList<>();
    stub()
        .rankTargets(
            RankTargetsRequest.newBuilder()
                .setSegment(SegmentFilter.newBuilder().addAllUserIds(CROWD).addUserIds("cold-one"))
                .setTopK(10)
                .setExplainTopK(2)
                .build())
        .forEachRemaining(all::add);

    assertThat(all).hasSize(11);
    List<propensity.inference.v1.RankedTarget> targets =
        all.subList(0, 10).stream().map(RankTargetsResponse::getTarget).toList();
    assertThat(targets)
        .extracting(propensity.inference.v1.RankedTarget::getRank)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(targets)
        .extracting(propensity.inference.v1.RankedTarget::getProbability)
        .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(targets).allSatisfy(t -> assertThat(t.getFactorsCount()).isBetween(1, 2));
    var summary = all.get(10).getSummary();
    assertThat(summary.getScoredCount()).isEqualTo(31);
    assertThat(summary.getSelectedCount()).isEqualTo(10);
    assertThat(summary.getModelVersion()).isEqualTo(1);
    double selected =
        targets.stream().mapToDouble(propensity.inference.v1.RankedTarget::getProbability).sum();
    assertThat(summary.getExpectedConversions()).isCloseTo(selected, within(1e-12));

    PredictBatchRequest.Builder batch = PredictBatchRequest.newBuilder();
    CROWD.forEach(u -> batch.addInputs(user(u)));
    batch.addInputs(user("cold-one"));
    List<Prediction> everyone =
        stub().predictBatch(batch.build()).getResultsList().stream()
            .map(propensity.inference.v1.PredictBatchResult::getPrediction)
            .toList();
    double mean = everyone.stream().mapToDouble(Prediction::getProbability).average().orElseThrow();
    assertThat(summary.getBaseRate()).isCloseTo(mean, within(1e-9));
    assertThat(summary.getLift())
        .isCloseTo((selected / 10) / mean, within(1e-9))
        .isGreaterThanOrEqualTo(1.0);
    // the selection is exactly the ten most likely users
    List<String> expectedTop =
        everyone.stream()
            .sorted(
                (a, b) ->
                    a.getProbability() != b.getProbability()
                        ? Double.compare(b.getProbability(), a.getProbability())
                        : a.getUserId().compareTo(b.getUserId()))
            .limit(10)
            .map(Prediction::getUserId)
            .toList();
    assertThat(targets)
        .extracting(propensity.inference.v1.RankedTarget::getUserId)
        .containsExactlyElementsOf(expectedTop);
  }

  @Test
  void rankTargetsAboveAProbabilityReturnsExactlyThoseUsers() {
    List<RankTargetsResponse> all = new ArrayList<>();
    stub()
        .rankTargets(
            RankTargetsRequest.newBuilder()
                .setSegment(SegmentFilter.newBuilder().addAllUserIds(CROWD))
                .setMinProbability(0.3)
                .build())
        .forEachRemaining(all::add);
    var summary = all.get(all.size() - 1).getSummary();
    assertThat(all.subList(0, all.size() - 1))
        .allSatisfy(r -> assertThat(r.getTarget().getProbability()).isGreaterThanOrEqualTo(0.3));
    assertThat(summary.getSelectedCount()).isEqualTo(all.size() - 1);
    assertThat(summary.getScoredCount()).isEqualTo(CROWD.size());
  }

  @Test
  void rankTargetsWithoutALimitIsInvalidArgument() {
    Iterator<RankTargetsResponse> it =
        stub()
            .rankTargets(
                RankTargetsRequest.newBuilder()
                    .setSegment(SegmentFilter.newBuilder().addUserIds("a"))
                    .build());
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, it::next);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(e)).containsExactly("top_k: set top_k, min_probability or both");
  }

  @Test
  void modelInfoDescribesEveryServedVersion() {
    GetModelInfoResponse info = stub().getModelInfo(GetModelInfoRequest.getDefaultInstance());

    assertThat(info.getDefaultModelName()).isEqualTo("purchase-7d");
    assertThat(info.getModelsList())
        .extracting(ServedModel::getName)
        .containsExactly("churn-30d", "purchase-7d");
    ServedModel m = info.getModels(1);
    assertThat(m.getVersion()).isEqualTo(1);
    assertThat(m.getAlias()).isEqualTo("production");
    assertThat(m.getThreshold()).isEqualTo(0.5);
    assertThat(m.getFeatureSchema().getVersionHash())
        .isEqualTo(FeatureCatalog.schema().versionHash());
    assertThat(m.getFeatureSchema().getFeaturesCount()).isEqualTo(FeatureCatalog.schema().size());
    assertThat(m.getArtifactSha256())
        .isEqualTo(ModelLoader.sha256(MODEL.getBytes(StandardCharsets.UTF_8)));
    assertThat(m.getEvaluation().getRocAuc()).isEqualTo(0.81);
    assertThat(m.getTarget()).isEqualTo(propensity.features.v1.Target.TARGET_PURCHASE);
    assertThat(m.hasLoadedAt()).isTrue();
    assertThat(
            stub()
                .getModelInfo(GetModelInfoRequest.newBuilder().setModelName("churn-30d").build())
                .getModelsCount())
        .isEqualTo(1);
  }

  @Test
  void prometheusShowsPredictionsByVersionLatencyAndTheServedVersion() {
    predict(vector(TestModels.rows(1).get(0)), 0);
    String body = http.toBlocking().retrieve("/prometheus");
    assertThat(body)
        .contains(
            "propensity_inference_predictions_total{input=\"features\",model=\"purchase-7d\",version=\"1\"}")
        .contains("propensity_inference_latency_seconds_bucket")
        .contains("propensity_inference_model_version{model=\"purchase-7d\"} 1.0")
        .contains(
            "propensity_inference_model_reloads_total{model=\"purchase-7d\",outcome=\"loaded\"} 1.0");
  }
}
