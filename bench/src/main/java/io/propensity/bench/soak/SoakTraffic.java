package io.propensity.bench.soak;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.propensity.bench.inference.BenchModel;
import io.propensity.client.ModelRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import propensity.events.v1.Event;
import propensity.events.v1.EventRejection;
import propensity.events.v1.EventType;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.FeatureVector;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.InlineEvents;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.RollbackRequest;
import propensity.registry.v1.SetAliasRequest;

/**
 * The calls of a soak: good traffic (ingest with every acknowledged event recorded, Predict by user
 * and inline, promotions), and bad traffic (invalid events, requests the services must refuse,
 * oversized fields, streams the client cancels). Every call's status goes to a {@link StatusTally}.
 */
final class SoakTraffic {
  static final String MODEL = "purchase-7d";
  static final String ALIAS = "production";
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final EventType[] GOOD_TYPES = {
    EventType.EVENT_TYPE_PAGE_VIEW,
    EventType.EVENT_TYPE_PRODUCT_VIEW,
    EventType.EVENT_TYPE_ADD_TO_CART,
    EventType.EVENT_TYPE_PURCHASE
  };

  private final ManagedChannel features;
  private final ManagedChannel inference;
  private final ManagedChannel registry;
  private final StatusTally tally;
  private final int users;
  private final FeatureVector[] vectors;
  private final long[] versions;
  private final AtomicLong nextEvent = new AtomicLong();
  private final ConcurrentMap<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong acknowledgedCount = new AtomicLong();
  private final AtomicLong promotions = new AtomicLong();

  SoakTraffic(
      ManagedChannel features,
      ManagedChannel inference,
      ManagedChannel registry,
      StatusTally tally,
      int users,
      FeatureVector[] vectors,
      long[] versions) {
    this.features = features;
    this.inference = inference;
    this.registry = registry;
    this.tally = tally;
    this.users = users;
    this.vectors = vectors;
    this.versions = versions.clone();
  }

  static String user(int i) {
    return "soak-u" + i;
  }

  /** Every acknowledged event id, by user. */
  Map<String, Set<String>> acknowledged() {
    return acknowledged;
  }

  long acknowledgedCount() {
    return acknowledgedCount.get();
  }

  long promotions() {
    return promotions.get();
  }

  private FeatureServiceGrpc.FeatureServiceBlockingStub featureStub() {
    return FeatureServiceGrpc.newBlockingStub(features)
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub inferenceStub() {
    return InferenceServiceGrpc.newBlockingStub(inference)
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registryStub() {
    return ModelRegistryServiceGrpc.newBlockingStub(registry)
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Timestamp at(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** A valid event of {@code user} within the last hour, with a new id. */
  private Event goodEvent(SplittableRandom random, String user) {
    Instant when = Instant.now().minusSeconds(random.nextInt(3_600));
    Event.Builder e =
        Event.newBuilder()
            .setEventId("soak-e" + nextEvent.incrementAndGet())
            .setUserId(user)
            .setSessionId(user + "-s" + random.nextInt(5))
            .setOccurredAt(at(when))
            .setType(GOOD_TYPES[random.nextInt(GOOD_TYPES.length)])
            .setItemId("item-" + random.nextInt(300))
            .setCategory("cat-" + random.nextInt(12));
    if (e.getType() != EventType.EVENT_TYPE_PAGE_VIEW) {
      e.setPrice(1 + random.nextInt(20_000) / 100.0);
    }
    return e.build();
  }

  /** One IngestEvents batch of valid events; records what the service acknowledged. */
  void ingestBatch(SplittableRandom random, int size) {
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    for (int i = 0; i < size; i++) {
      req.addEvents(goodEvent(random, user(random.nextInt(users))));
    }
    IngestEventsRequest request = req.build();
    IngestEventsResponse r = tally.call("ingest", () -> featureStub().ingestEvents(request));
    if (r == null) {
      return; // nothing acknowledged
    }
    Set<Long> notStored = new HashSet<>();
    for (EventRejection rej : r.getRejectionsList()) {
      notStored.add(rej.getIndex());
    }
    r.getConflictsList().forEach(c -> notStored.add(c.getIndex()));
    for (int i = 0; i < request.getEventsCount(); i++) {
      if (!notStored.contains((long) i)) {
        Event e = request.getEvents(i);
        acknowledged
            .computeIfAbsent(e.getUserId(), u -> ConcurrentHashMap.newKeySet())
            .add(e.getEventId());
        acknowledgedCount.incrementAndGet();
      }
    }
  }

  /** Predict by a known (or unknown) user id, or inline (a vector, or a few events). */
  void predict(SplittableRandom random) {
    int kind = random.nextInt(4);
    int explain = random.nextBoolean() ? 0 : 3;
    PredictRequest.Builder req =
        PredictRequest.newBuilder().setModelName(MODEL).setExplainTopK(explain);
    String name;
    switch (kind) {
      case 0, 1 -> {
        name = "predict by user";
        req.setInput(PredictionInput.newBuilder().setUserId(user(random.nextInt(users + 20))));
      }
      case 2 -> {
        name = "predict inline vector";
        req.setInput(
            PredictionInput.newBuilder().setFeatures(vectors[random.nextInt(vectors.length)]));
      }
      default -> {
        name = "predict inline events";
        InlineEvents.Builder ev = InlineEvents.newBuilder();
        String u = "soak-inline-" + random.nextInt(1_000);
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          ev.addEvents(goodEvent(random, u));
        }
        req.setInput(PredictionInput.newBuilder().setEvents(ev));
      }
    }
    PredictRequest request = req.build();
    tally.call(name, () -> inferenceStub().predict(request));
  }

  /** Moves {@code production} to another version, or rolls it back. */
  void promote(SplittableRandom random) {
    long n = promotions.incrementAndGet();
    if (n % 4 == 0) {
      tally.call(
          "promotion Rollback",
          () ->
              registryStub()
                  .rollback(RollbackRequest.newBuilder().setName(MODEL).setAlias(ALIAS).build()));
    } else {
      long version = versions[(int) (n % versions.length)];
      tally.call(
          "promotion SetAlias",
          () ->
              registryStub()
                  .setAlias(
                      SetAliasRequest.newBuilder()
                          .setName(MODEL)
                          .setAlias(ALIAS)
                          .setVersion(version)
                          .build()));
    }
  }

  /** One bad call, picked at random among the kinds below. */
  void bad(SplittableRandom random) throws InterruptedException {
    switch (random.nextInt(10)) {
      case 0 -> invalidEvents(random);
      case 1 -> oversizedFields(random);
      case 2 -> tooManyEvents(random);
      case 3 -> badPredict(random);
      case 4 -> badQueries(random);
      case 5 -> badRegistryCalls(random);
      case 6 -> garbageArtifact(random);
      case 7 -> cancelledIngestStream(random);
      case 8 -> cancelledPredictStream(random);
      default -> badInlineEvents(random);
    }
  }

  private void invalidEvents(SplittableRandom random) {
    Event good = goodEvent(random, "soak-bad");
    IngestEventsRequest request =
        IngestEventsRequest.newBuilder()
            .addEvents(good.toBuilder().setPrice(-5))
            .addEvents(good.toBuilder().setType(EventType.EVENT_TYPE_UNSPECIFIED))
            .addEvents(good.toBuilder().setUserId(""))
            .addEvents(
                good.toBuilder().setOccurredAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)))
            .addEvents(good.toBuilder().setOccurredAt(at(Instant.now().plus(Duration.ofDays(30)))))
            .addEvents(good.toBuilder().setUserId("bad\nuser<script>"))
            .addEvents(good.toBuilder().setPrice(1e308))
            .addEvents(good.toBuilder().setQuantity(-1))
            .build();
    tally.call("bad: invalid events", () -> featureStub().ingestEvents(request));
  }

  private void oversizedFields(SplittableRandom random) {
    Event good = goodEvent(random, "soak-bad");
    String huge = "x".repeat(100_000 + random.nextInt(100_000));
    IngestEventsRequest request =
        IngestEventsRequest.newBuilder()
            .addEvents(good.toBuilder().setUserId(huge))
            .addEvents(good.toBuilder().setItemId(huge))
            .addEvents(good.toBuilder().putAttributes("k", huge).putAttributes(huge, "v"))
            .build();
    tally.call("bad: oversized fields", () -> featureStub().ingestEvents(request));
    PredictRequest predict =
        PredictRequest.newBuilder()
            .setModelName(huge)
            .setInput(PredictionInput.newBuilder().setUserId(huge))
            .build();
    tally.call("bad: oversized fields", () -> inferenceStub().predict(predict));
  }

  private void tooManyEvents(SplittableRandom random) {
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    Event good = goodEvent(random, "soak-bad");
    for (int i = 0; i < 20_000; i++) {
      req.addEvents(good.toBuilder().setEventId("soak-too-many-" + i).setUserId(""));
    }
    IngestEventsRequest request = req.build();
    tally.call("bad: too many events", () -> featureStub().ingestEvents(request));
  }

  private void badPredict(SplittableRandom random) {
    List<PredictRequest> requests =
        List.of(
            PredictRequest.newBuilder().setModelName("no-such-model").build(),
            PredictRequest.newBuilder().setModelName(MODEL).build(),
            PredictRequest.newBuilder()
                .setModelName(MODEL)
                .setExplainTopK(-1)
                .setInput(PredictionInput.newBuilder().setUserId(user(0)))
                .build(),
            PredictRequest.newBuilder()
                .setModelName(MODEL)
                .setExplainTopK(1_000_000)
                .setInput(PredictionInput.newBuilder().setFeatures(vectors[0]))
                .build(),
            PredictRequest.newBuilder()
                .setModelName(MODEL)
                .setInput(
                    PredictionInput.newBuilder()
                        .setFeatures(
                            FeatureVector.newBuilder().setSchemaVersionHash("nope").addValues(1)))
                .build(),
            PredictRequest.newBuilder()
                .setModelName(MODEL)
                .setInput(
                    PredictionInput.newBuilder()
                        .setFeatures(
                            vectors[0].toBuilder()
                                .setValues(0, Double.NaN)
                                .addValues(Double.POSITIVE_INFINITY)))
                .build());
    PredictRequest request = requests.get(random.nextInt(requests.size()));
    tally.call("bad: predict", () -> inferenceStub().predict(request));
  }

  private void badInlineEvents(SplittableRandom random) {
    Event good = goodEvent(random, "soak-inline-bad");
    InlineEvents events =
        InlineEvents.newBuilder()
            .addEvents(
                good.toBuilder().setOccurredAt(Timestamp.newBuilder().setSeconds(-99_999_999_999L)))
            .addEvents(good.toBuilder().setUserId("another-user"))
            .addEvents(good.toBuilder().setType(EventType.EVENT_TYPE_UNSPECIFIED))
            .setAsOf(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE))
            .build();
    PredictRequest request =
        PredictRequest.newBuilder()
            .setModelName(MODEL)
            .setInput(PredictionInput.newBuilder().setEvents(events))
            .build();
    tally.call("bad: inline events", () -> inferenceStub().predict(request));
  }

  private void badQueries(SplittableRandom random) {
    FeatureServiceGrpc.FeatureServiceBlockingStub stub = featureStub();
    Supplier<Object> call =
        switch (random.nextInt(3)) {
          case 0 ->
              () ->
                  stub.getUserHistory(
                      GetUserHistoryRequest.newBuilder()
                          .setUserId(user(1))
                          .setMaxEvents(-5)
                          .build());
          case 1 ->
              () ->
                  stub.listUsers(
                      ListUsersRequest.newBuilder()
                          .setPageSize(10)
                          .setPageToken("%%not-a-token%%" + random.nextInt())
                          .build());
          default ->
              () ->
                  stub.getUserHistory(
                      GetUserHistoryRequest.newBuilder()
                          .setUserId(user(2))
                          .setSince(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                          .build());
        };
    tally.call("bad: queries", call);
  }

  private void badRegistryCalls(SplittableRandom random) {
    ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub stub = registryStub();
    Supplier<Object> call =
        switch (random.nextInt(3)) {
          case 0 ->
              () ->
                  stub.setAlias(
                      SetAliasRequest.newBuilder()
                          .setName(MODEL)
                          .setAlias(ALIAS)
                          .setVersion(1_000_000 + random.nextInt(1_000))
                          .build());
          case 1 ->
              () ->
                  stub.rollback(
                      RollbackRequest.newBuilder()
                          .setName("no-such-model")
                          .setAlias(ALIAS)
                          .build());
          default ->
              () ->
                  stub.getModelVersion(
                      GetModelVersionRequest.newBuilder().setName(MODEL).setVersion(-7).build());
        };
    tally.call("bad: registry", call);
  }

  /** A model version whose artifact is not a model: the registry refuses it at registration. */
  private void garbageArtifact(SplittableRandom random) {
    byte[] artifact = new byte[1 + random.nextInt(64 * 1024)];
    for (int i = 0; i < artifact.length; i++) {
      artifact[i] = (byte) random.nextInt(256);
    }
    if (random.nextBoolean()) {
      artifact =
          ("tree\nversion=v4\nnum_class=1\n" + "Tree=0\nnum_leaves=3\n")
              .getBytes(StandardCharsets.UTF_8);
    }
    ModelVersion meta =
        ModelVersion.newBuilder().setName(MODEL).setDescription("soak: not a model").build();
    byte[] bytes = artifact;
    tally.call(
        "bad: garbage artifact",
        () ->
            new ModelRegistryClient(registry, DEADLINE)
                .registerModelVersion(meta, bytes, 16 * 1024));
  }

  /**
   * The end of a client's stream call: the status it closed with (OK when completed), awaited by
   * the sending thread; an optional action on each response.
   */
  private static final class Closing<Q, R> implements ClientResponseObserver<Q, R> {
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Status status;
    private volatile ClientCallStreamObserver<Q> requests;
    private final boolean cancelOnFirstResponse;
    private boolean cancelled;

    Closing(boolean cancelOnFirstResponse) {
      this.cancelOnFirstResponse = cancelOnFirstResponse;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(R value) {
      if (cancelOnFirstResponse) {
        cancel("soak: client gave up after the first answer");
      }
    }

    /**
     * Sends one request unless the call was already cancelled (a response may cancel it while the
     * sending thread is still sending: gRPC refuses a message on a cancelled call); whether sent.
     */
    synchronized boolean send(Q request) {
      if (cancelled) {
        return false;
      }
      requests.onNext(request);
      return true;
    }

    @Override
    public void onError(Throwable t) {
      status = Status.fromThrowable(t);
      closed.countDown();
    }

    @Override
    public void onCompleted() {
      status = Status.OK;
      closed.countDown();
    }

    boolean await(long millis) throws InterruptedException {
      return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    synchronized void cancel(String why) {
      if (!cancelled) {
        cancelled = true;
        requests.cancel(why, null);
      }
    }

    /** The status; the client's own cancellation is CANCELLED by definition. */
    Status status() {
      Status s = status;
      return s == null ? Status.CANCELLED : s;
    }
  }

  /** A stream of valid events for throw-away users, cancelled by the client mid-way. */
  private void cancelledIngestStream(SplittableRandom random) throws InterruptedException {
    Closing<StreamIngestEventsRequest, StreamIngestEventsResponse> end = new Closing<>(false);
    StreamObserver<StreamIngestEventsRequest> out =
        FeatureServiceGrpc.newStub(features)
            .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .streamIngestEvents(end);
    StreamIngestEventsRequest.Builder batch = StreamIngestEventsRequest.newBuilder();
    for (int i = 0; i < 50; i++) {
      // never-checked users: a cancelled stream acknowledges nothing, stored or not
      batch.addEvents(goodEvent(random, "soak-cancelled-" + random.nextInt(100)));
    }
    out.onNext(batch.build());
    out.onError(Status.CANCELLED.withDescription("soak: client gave up").asRuntimeException());
    end.await(DEADLINE.toMillis());
    // anything but CANCELLED came from the server
    tally.record("bad: cancelled ingest stream", end.status(), null);
  }

  /** A StreamPredict that sends a few events and is cancelled before it ends. */
  private void cancelledPredictStream(SplittableRandom random) throws InterruptedException {
    Closing<StreamPredictRequest, StreamPredictResponse> end = new Closing<>(true);
    // requests go through end.send: a response cancels the call, maybe while this thread sends
    InferenceServiceGrpc.newStub(inference)
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .streamPredict(end);
    String u = user(random.nextInt(users));
    for (int i = 0; i < 3; i++) {
      end.send(
          StreamPredictRequest.newBuilder()
              .setModelName(MODEL)
              .addEvents(
                  goodEvent(random, u).toBuilder()
                      .setEventId("soak-stream-" + nextEvent.incrementAndGet()))
              .build());
    }
    if (!end.await(2_000)) {
      end.cancel("soak: client gave up");
      end.await(DEADLINE.toMillis());
    }
    tally.record("bad: cancelled predict stream", end.status(), null);
  }

  /** Registers a trained model version; its number. */
  static long register(ManagedChannel registry, BenchModel.Trained model) {
    ModelVersion meta = BenchModel.registryVersion(MODEL, 0, model, 3);
    return new ModelRegistryClient(registry, Duration.ofSeconds(60))
        .registerModelVersion(meta, model.modelText().getBytes(StandardCharsets.UTF_8), 256 * 1024)
        .getModelVersion()
        .getVersion();
  }
}
