package io.propensity.inference.it;

import static io.propensity.inference.testing.Protos.event;
import static io.propensity.inference.testing.Protos.ts;
import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.StreamCalls;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.UserActivity;
import propensity.inference.v1.Factor;
import propensity.inference.v1.HistorySeed;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.InlineEvents;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.RankedTarget;
import propensity.inference.v1.SegmentFilter;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * inference-service against a real feature-service process holding 30 days of history: a user new
 * on a stream starts from their stored events, RankTargets without ids ranks every stored user, and
 * with the feature service gone streams still answer while ranking says UNAVAILABLE.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveHistoryFromFeatureServiceIT implements TestPropertyProvider {
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static final int USERS = 40;

  ServiceProcess featureService;
  FakeModelRegistry registry;
  FeatureServiceClient features;
  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    Path jar = ServiceProcess.builtJarOf("feature-service").orElse(null);
    Assumptions.assumeTrue(
        jar != null,
        "feature-service jar not built: run `mvn package -pl feature-service -am` first");
    try {
      Path dir = Files.createTempDirectory(Path.of("target"), "live-history-it");
      featureService =
          ServiceProcess.of(
              jar,
              Map.of("PROPENSITY_DATA_DIR", dir.resolve("data").toString()),
              List.of("-Xmx256m", "-Djava.io.tmpdir=" + dir),
              dir.resolve("feature-service.log"));
      featureService.start(Duration.ofSeconds(60));
      features =
          FeatureServiceClient.connect(
              "127.0.0.1:" + featureService.grpcPort(), Duration.ofSeconds(30));
      var summary = features.ingest(history().iterator(), 500, Duration.ofMinutes(2), n -> {});
      assertThat(summary.getRejectedCount()).isZero();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    registry = FakeModelRegistry.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(7)));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.feature-service.target", "127.0.0.1:" + featureService.grpcPort(),
        "propensity.inference.feature-service.deadline", "5s",
        // small pages and chunks, so that ranking every user takes several ListUsers pages and
        // several GetOnlineFeatures calls per page, some in flight at once
        "propensity.inference.feature-service.max-users-per-call", "3",
        "propensity.inference.ranking.page-size", "7",
        "propensity.inference.scorers-per-model", "1");
  }

  /**
   * User {@code it-NN} is active every day from 30 days ago until {@code NN % 10} days ago; some
   * add to cart, some buy, so that their probabilities differ.
   */
  static List<Event> history() {
    List<Event> out = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      String user = String.format("it-%02d", u);
      for (int d = 30; d >= u % 10; d--) {
        Instant day = NOW.minus(Duration.ofDays(d)).minus(Duration.ofHours(2));
        out.add(
            Event.builder(user + "-" + d + "-pv", user, day, EventType.PAGE_VIEW)
                .device("mobile")
                .build());
        out.add(
            Event.builder(
                    user + "-" + d + "-view", user, day.plusSeconds(40), EventType.PRODUCT_VIEW)
                .itemId("sku-" + d)
                .price(10 + u)
                .build());
        if ((u + d) % 3 == 0) {
          out.add(
              Event.builder(
                      user + "-" + d + "-cart", user, day.plusSeconds(90), EventType.ADD_TO_CART)
                  .itemId("sku-" + d)
                  .price(10 + u)
                  .build());
        }
        if (u % 4 == 0 && d % 7 == 0) {
          out.add(
              Event.builder(user + "-" + d + "-buy", user, day.plusSeconds(200), EventType.PURCHASE)
                  .itemId("sku-" + d)
                  .price(10 + u)
                  .build());
        }
      }
    }
    return out;
  }

  @BeforeAll
  void connect() {
    channel = ServingChannels.openWhenServing(server.getPort(), 1);
  }

  @AfterAll
  void close() throws Exception {
    ServingChannels.close(channel);
    if (features != null) {
      features.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (featureService != null) {
      featureService.stop();
    }
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  double probabilityOf(double[] values) {
    return stub()
        .predict(PredictRequest.newBuilder().setInput(vector(values)).build())
        .getPrediction()
        .getProbability();
  }

  List<Event> stored(String user) {
    List<Event> out = new ArrayList<>();
    for (propensity.events.v1.Event p :
        features.userHistory(user, Optional.empty(), 0).getEventsList()) {
      out.add(((ReceivedEvent.Parsed) EventProtoMapper.fromProto(p)).event());
    }
    return out;
  }

  @Test
  @Order(1)
  void aUserWithThirtyDaysOfHistoryStartsFromItOnAStreamNotFromAnEmptyState() throws Exception {
    String user = "it-04";
    int storedBefore = stored(user).size();
    propensity.events.v1.Event live =
        event(
            "it-04-live-cart",
            user,
            NOW.minusSeconds(30),
            propensity.events.v1.EventType.EVENT_TYPE_ADD_TO_CART);

    StreamPredictResponse answer = stream(List.of(live), 50).get(0);
    // The client sends the event to the feature service too; the batch computation over everything
    // stored, as of the same instant, is what the stream must have computed.
    features.ingest(
        List.of(((ReceivedEvent.Parsed) EventProtoMapper.fromProto(live)).event()).iterator(),
        1,
        Duration.ofSeconds(10),
        n -> {});
    List<Event> all = stored(user);
    Instant asOf = EventProtoMapper.instant(answer.getPrediction().getFeaturesAsOf());
    double[] batch = BatchFeatureComputer.compute(all, asOf).values();

    assertThat(answer.getHistorySeed()).isEqualTo(HistorySeed.HISTORY_SEED_STORED);
    assertThat(answer.getHistoryEventCount()).isEqualTo(storedBefore).isGreaterThan(60);
    assertThat(all).hasSize(storedBefore + 1);
    assertThat(answer.getPrediction().getColdStart()).isFalse();
    assertThat(answer.getPrediction().getProbability()).isEqualTo(probabilityOf(batch));
    assertThat(answer.getPrediction().getFactorsList())
        .isNotEmpty()
        .allSatisfy(
            (Factor f) ->
                assertThat(f.getValue())
                    .as(f.getFeature())
                    .isEqualTo(batch[FeatureCatalog.schema().indexOf(f.getFeature())]));
    assertThat(batch[FeatureCatalog.schema().indexOf("days_since_first_event")]).isGreaterThan(29);
    double emptyStart =
        stub()
            .predict(
                PredictRequest.newBuilder()
                    .setInput(
                        PredictionInput.newBuilder()
                            .setEvents(InlineEvents.newBuilder().addEvents(live).setAsOf(ts(asOf))))
                    .build())
            .getPrediction()
            .getProbability();
    assertThat(answer.getPrediction().getProbability())
        .as("not the empty-state prediction")
        .isNotEqualTo(emptyStart);
    System.out.printf(
        "it-04 on a stream: p=%.6f seeded from %d stored events (empty state would give p=%.6f)%n",
        answer.getPrediction().getProbability(), answer.getHistoryEventCount(), emptyStart);
  }

  @Test
  @Order(2)
  void aStreamedUserScoresExactlyAsPredictByUserIdOnceTheSameEventIsIngested() throws Exception {
    // An hour ahead (tracker clock skew is allowed up to a day): the feature service then computes
    // the user's online vector as of that event too, so both sides see the same instant.
    String user = "it-08";
    propensity.events.v1.Event live =
        event(
            "it-08-live-checkout",
            user,
            NOW.plus(Duration.ofHours(1)),
            propensity.events.v1.EventType.EVENT_TYPE_BEGIN_CHECKOUT);

    StreamPredictResponse answer = stream(List.of(live), 0).get(0);
    features.ingest(
        List.of(((ReceivedEvent.Parsed) EventProtoMapper.fromProto(live)).event()).iterator(),
        1,
        Duration.ofSeconds(10),
        n -> {});
    var byUser =
        stub()
            .predict(
                PredictRequest.newBuilder()
                    .setInput(io.propensity.inference.testing.Protos.user(user))
                    .build())
            .getPrediction();

    assertThat(answer.getHistorySeed()).isEqualTo(HistorySeed.HISTORY_SEED_STORED);
    assertThat(byUser.getColdStart()).isFalse();
    assertThat(answer.getPrediction().getProbability()).isEqualTo(byUser.getProbability());
  }

  @Test
  @Order(3)
  void anEventAlreadyStoredIsCountedOnceWhenItComesAgainOnTheStream() throws Exception {
    String user = "it-13";
    List<Event> history = stored(user);
    Event newest = history.get(history.size() - 1);

    StreamPredictResponse answer = stream(List.of(EventProtoMapper.toProto(newest)), 0).get(0);

    assertThat(answer.getHistorySeed()).isEqualTo(HistorySeed.HISTORY_SEED_STORED);
    Instant asOf = EventProtoMapper.instant(answer.getPrediction().getFeaturesAsOf());
    assertThat(asOf).isEqualTo(newest.occurredAt());
    assertThat(answer.getPrediction().getProbability())
        .isEqualTo(probabilityOf(BatchFeatureComputer.compute(history, asOf).values()));
  }

  @Test
  @Order(4)
  void rankingWithoutUserIdsRanksEveryStoredUserIncludingThoseNeverSeenOnAStream() {
    List<RankTargetsResponse> all =
        rank(RankTargetsRequest.newBuilder().setTopK(10).setExplainTopK(1).build());
    List<RankedTarget> targets = targets(all);
    var summary = all.get(all.size() - 1).getSummary();

    assertThat(summary.getScoredCount()).isEqualTo(USERS);
    assertThat(targets).hasSize(10);
    assertThat(targets)
        .extracting(RankedTarget::getRank)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(targets)
        .extracting(RankedTarget::getProbability)
        .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(targets)
        .extracting(RankedTarget::getUserId)
        .anyMatch(u -> !u.equals("it-04") && !u.equals("it-13"));
    assertThat(targets).allSatisfy(t -> assertThat(t.getColdStart()).isFalse());

    // no count limit, only a probability: everyone at or above it, and only them
    double floor = targets.get(4).getProbability();
    List<RankedTarget> above =
        targets(rank(RankTargetsRequest.newBuilder().setMinProbability(floor).build()));
    assertThat(above)
        .extracting(RankedTarget::getProbability)
        .allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(floor));
    assertThat(above)
        .extracting(RankedTarget::getUserId)
        .containsAll(targets.subList(0, 5).stream().map(RankedTarget::getUserId).toList());
  }

  @Test
  @Order(5)
  void rankingWithoutUserIdsHonoursTheActivityBoundsAsTheFeatureServiceListsThem() {
    Instant since = NOW.minus(Duration.ofDays(3)).minus(Duration.ofHours(6));
    Instant before = NOW.minus(Duration.ofDays(1)).minus(Duration.ofHours(6));
    Set<String> expected = new HashSet<>();
    String token = "";
    do {
      ListUsersResponse page =
          features.listUsers(3, token, Optional.of(since), Optional.of(before));
      page.getUsersList().stream().map(UserActivity::getUserId).forEach(expected::add);
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    List<RankTargetsResponse> all =
        rank(
            RankTargetsRequest.newBuilder()
                .setSegment(
                    SegmentFilter.newBuilder()
                        .setActiveSince(ts(since))
                        .setActiveBefore(ts(before)))
                .setTopK(1_000)
                .build());

    // last active 2 or 3 days ago (2 hours before the day's mark): it-02, it-03, it-12, it-13, ...
    assertThat(expected).hasSize(8).contains("it-02", "it-33");
    assertThat(targets(all))
        .extracting(RankedTarget::getUserId)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(all.get(all.size() - 1).getSummary().getScoredCount()).isEqualTo(8);
  }

  @Test
  @Order(6)
  void oneMessageOfManyNewUsersSeedsEachFromTheirOwnHistory() throws Exception {
    List<propensity.events.v1.Event> events = new ArrayList<>();
    List<Integer> storedCounts = new ArrayList<>();
    long fetchStarted = System.nanoTime();
    for (int u = 22; u < USERS; u++) {
      String user = String.format("it-%02d", u);
      events.add(
          event(
              user + "-live",
              user,
              NOW.minusSeconds(1),
              propensity.events.v1.EventType.EVENT_TYPE_PAGE_VIEW));
      storedCounts.add(stored(user).size());
    }
    long fetchMicros = (System.nanoTime() - fetchStarted) / 1_000;

    long started = System.nanoTime();
    List<StreamPredictResponse> answers = stream(events, 0);
    long micros = (System.nanoTime() - started) / 1_000;

    assertThat(answers)
        .extracting(StreamPredictResponse::getHistorySeed)
        .containsOnly(HistorySeed.HISTORY_SEED_STORED);
    assertThat(answers)
        .extracting(r -> (int) r.getHistoryEventCount())
        .containsExactlyElementsOf(storedCounts);
    System.out.printf(
        "one StreamPredict message of %d new users (%d stored events in all): %d ms, %.2f ms per user seeded"
            + " (the same histories fetched by the test's own client: %.2f ms per user)%n",
        events.size(),
        storedCounts.stream().mapToInt(Integer::intValue).sum(),
        micros / 1_000,
        micros / 1_000.0 / events.size(),
        fetchMicros / 1_000.0 / events.size());
  }

  @Test
  @Order(7)
  void withTheFeatureServiceGoneStreamsStillAnswerUnseededAndRankingIsUnavailable()
      throws Exception {
    featureService.stop();

    StreamPredictResponse answer =
        stream(
                List.of(
                    event(
                        "it-21-live",
                        "it-21",
                        NOW.minusSeconds(5),
                        propensity.events.v1.EventType.EVENT_TYPE_PAGE_VIEW)),
                0)
            .get(0);
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> rank(RankTargetsRequest.newBuilder().setTopK(3).build()));

    assertThat(answer.hasPrediction()).isTrue();
    assertThat(answer.getHistorySeed()).isEqualTo(HistorySeed.HISTORY_SEED_UNAVAILABLE);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  List<RankTargetsResponse> rank(RankTargetsRequest req) {
    List<RankTargetsResponse> all = new ArrayList<>();
    stub().rankTargets(req).forEachRemaining(all::add);
    return all;
  }

  static List<RankedTarget> targets(List<RankTargetsResponse> all) {
    return all.stream()
        .filter(RankTargetsResponse::hasTarget)
        .map(RankTargetsResponse::getTarget)
        .toList();
  }

  List<StreamPredictResponse> stream(List<propensity.events.v1.Event> events, int topK)
      throws Exception {
    return StreamCalls.sendAndCollect(
        channel,
        StreamPredictRequest.newBuilder().addAllEvents(events).setExplainTopK(topK).build(),
        Duration.ofSeconds(20));
  }
}
