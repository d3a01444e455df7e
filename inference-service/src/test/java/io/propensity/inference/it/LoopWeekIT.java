package io.propensity.inference.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.inference.challenge.DecisionKind;
import io.propensity.inference.challenge.PairedComparison;
import io.propensity.inference.challenge.PromotionDecision;
import io.propensity.inference.challenge.PromotionPolicy;
import io.propensity.inference.outcomes.LiveOutcomes;
import io.propensity.inference.outcomes.OutcomeJoiner;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.MovableClock;
import io.propensity.inference.testing.Protos;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.InlineEvents;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.PredictionInput;
import propensity.registry.v1.Lineage;

/**
 * The closed loop over three simulated weeks of demo traffic, every part real but the registry (the
 * in-memory gRPC fake the other inference tests use): demo-like users whose hidden propensity
 * drives their cart adds and purchases are ingested day by day into a real feature-service process
 * (embedded SQLite); Predict answers them from their events as of a simulated clock (the service's
 * {@code inference} clock, replaced by a test clock) with a challenger scored in the shadow. (The
 * events go inline rather than by user id: the feature-service computes online features as of its
 * own, real, clock, which a test in another process cannot move.) Every answer lands in the
 * served-prediction log; the outcome joiner asks the feature-service for each answer's outcome (a
 * purchase within the one-day horizon) once the events have arrived; and the promotion policy, as
 * configured by {@code propensity.inference.promotion-policy.*}, decides on the joined answers and
 * moves the registry's aliases.
 *
 * <p>Week 1: a planted worse challenger (trained on shuffled labels) is held. Week 2: a planted
 * better challenger (the only one that sees the cart features, which carry the hidden propensity)
 * is promoted, with its ROC-AUC lead's interval above 0, and production moves in the registry. Week
 * 3: the tracker breaks (each user's cart adds arrive filed under another user), production v2
 * becomes significantly worse than v1 scored beside it as {@code previous}, and is rolled back.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoopWeekIT implements TestPropertyProvider {
  static final long SEED = 20261208L;
  static final String MODEL = "purchase-1d";
  static final FeatureSchema SCHEMA = TestModels.SCHEMA;
  static final Duration HORIZON = Duration.ofDays(1);

  /**
   * The simulated weeks lie in the recent past: the feature-service refuses events more than a day
   * ahead of its (real) clock, and the outcomes of the last day need the day after it stored.
   */
  static final Instant START =
      Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(28));

  static final Instant WEEK1 = START;
  static final Instant WEEK2 = START.plus(Duration.ofDays(8));
  static final Instant WEEK3 = START.plus(Duration.ofDays(16));
  static final int USERS = 400;
  static final int REQUESTS_PER_DAY = 120;
  static final String DETERMINISTIC =
      "num_threads=1 deterministic=true force_row_wise=true verbose=-1";

  static final MovableClock CLOCK = new MovableClock(START);

  ServiceProcess featureService;
  FeatureServiceClient features;
  FakeModelRegistry registry;
  Population population;
  Instant ingestedUntil;
  long v1;
  long v2;
  long v3;
  ManagedChannel channel;

  @Inject GrpcEmbeddedServer server;
  @Inject MeterRegistry meters;
  @Inject PromotionPolicy policy;
  @Inject LiveOutcomes live;

  /** The service's {@code inference} clock: the simulated one. */
  @MockBean(Clock.class)
  @Named("inference")
  Clock inferenceClock() {
    return CLOCK;
  }

  @Override
  public Map<String, String> getProperties() {
    Path jar = ServiceProcess.builtJarOf("feature-service").orElse(null);
    Assumptions.assumeTrue(
        jar != null,
        "feature-service jar not built: run `mvn package -pl feature-service -am` first");
    long t0 = System.nanoTime();
    Path dir;
    try {
      dir = Files.createTempDirectory(Path.of("target"), "loop-week-it");
      featureService =
          ServiceProcess.of(
              jar,
              Map.of("PROPENSITY_DATA_DIR", dir.resolve("data").toString()),
              List.of("-Xmx256m", "-Djava.io.tmpdir=" + dir),
              dir.resolve("feature-service.log"));
      featureService.start(Duration.ofSeconds(60));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    features =
        FeatureServiceClient.connect(
            "127.0.0.1:" + featureService.grpcPort(), Duration.ofSeconds(30));

    // models trained offline on an earlier population of the same behaviour
    Random random = new Random(SEED);
    Population train =
        Population.generate("train", 1_200, START.minus(Duration.ofDays(40)), 30, random);
    Rows rows = train.rows(new int[] {12, 17, 22, 26}, random);
    Predicate<String> cart = n -> n.contains("cart");
    String m1 = train(rows, cart, 1);
    String m2 = train(rows, n -> false, 2);
    String m3 = train(rows.shuffledLabels(new Random(SEED + 3)), n -> false, 3);

    registry = FakeModelRegistry.start();
    v1 = register(m1);
    v2 = register(m2);
    v3 = register(m3);
    registry.promote(MODEL, v1);
    registry.setAlias(MODEL, "challenger", v3);

    // the live population: 14 days of history before the first week, then two weeks and a day
    population = Population.generate("demo", USERS, START.minus(Duration.ofDays(14)), 39, random);
    ingest(START);
    System.out.printf(
        Locale.ROOT,
        "loop week: %d training rows (%d positive), %d live users with %d events; setup %d ms%n",
        rows.labels().length,
        rows.positives(),
        USERS,
        population.events().size(),
        (System.nanoTime() - t0) / 1_000_000);

    Map<String, String> p = new HashMap<>();
    p.put("propensity.inference.registry.target", registry.target());
    p.put("propensity.inference.default-model", MODEL);
    p.put("propensity.inference.feature-service.target", "127.0.0.1:" + featureService.grpcPort());
    p.put("propensity.inference.scorers-per-model", "1");
    p.put("propensity.inference.prediction-log.enabled", "true");
    p.put(
        "propensity.inference.prediction-log.jdbc-url",
        "jdbc:sqlite:" + dir.toAbsolutePath().resolve("predictions.db"));
    p.put("propensity.inference.prediction-log.flush-interval", "10ms");
    p.put("propensity.inference.shadow.enabled", "true");
    // the version a promotion replaced is scored too, so that a live regression is seen
    p.put("propensity.inference.shadow.aliases", "challenger,previous");
    // the test runs the joiner and the policy itself, at the simulated times it chooses
    p.put("propensity.inference.outcomes.interval", "1000h");
    p.put("propensity.inference.outcomes.lag", "10m");
    p.put("propensity.inference.promotion-policy.enabled", "true");
    p.put("propensity.inference.promotion-policy.interval", "1000h");
    p.put("propensity.inference.promotion-policy.window", "8d");
    p.put("propensity.inference.promotion-policy.min-paired-outcomes", "400");
    p.put("propensity.inference.promotion-policy.min-positives", "40");
    p.put("propensity.inference.promotion-policy.metric", "roc_auc");
    p.put("propensity.inference.promotion-policy.significance", "0.05");
    return p;
  }

  long register(String text) {
    return registry.register(
        FakeModelRegistry.meta(MODEL, text, 0.3, 3)
            .setLineage(
                Lineage.newBuilder()
                    .setTarget(propensity.features.v1.Target.TARGET_PURCHASE)
                    .setHorizon(EventProtoMapper.duration(HORIZON))),
        text.getBytes(StandardCharsets.UTF_8),
        null);
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

  @Test
  @Order(1)
  void aWorseChallengerIsHeldOnLiveOutcomes() {
    awaitServing("production", v1);
    awaitServing("challenger", v3);
    serveWeek(WEEK1, new Random(SEED + 11), population::historyOf);

    PromotionDecision d = joinAndDecide(WEEK1.plus(Duration.ofDays(8)), 2);
    assertThat(d.kind()).isEqualTo(DecisionKind.HOLD);
    assertThat(d.productionVersion()).isEqualTo(v1);
    assertThat(d.challengerVersion()).isEqualTo(v3);
    PairedComparison c = d.promotion().orElseThrow();
    assertThat(c.pairs()).isEqualTo(7 * REQUESTS_PER_DAY);
    assertThat(c.rocAuc().difference()).isNegative();
    assertThat(c.rocAuc().lower()).isLessThan(0);
    assertThat(registry.alias(MODEL, "production")).isEqualTo(v1);
    assertThat(registry.alias(MODEL, "previous")).isZero();
  }

  @Test
  @Order(2)
  void aBetterChallengerIsPromotedOnLiveOutcomes() {
    registry.setAlias(MODEL, "challenger", v2);
    awaitServing("challenger", v2);
    serveWeek(WEEK2, new Random(SEED + 12), population::historyOf);

    PromotionDecision d = joinAndDecide(WEEK2.plus(Duration.ofDays(8)), 4);
    assertThat(d.kind()).isEqualTo(DecisionKind.PROMOTE);
    assertThat(d.productionVersion()).isEqualTo(v1);
    assertThat(d.resultingProductionVersion()).isEqualTo(v2);
    PairedComparison c = d.promotion().orElseThrow();
    assertThat(c.pairs()).isEqualTo(7 * REQUESTS_PER_DAY);
    assertThat(c.rocAuc().lower()).isGreaterThan(0);
    assertThat(c.rocAuc().pValue()).isLessThan(0.05);
    assertThat(c.prAucDifference().estimate()).isPositive();
    assertThat(registry.alias(MODEL, "production")).isEqualTo(v2);
    assertThat(registry.alias(MODEL, "previous")).isEqualTo(v1);
    assertThat(registry.aliasHistory(MODEL))
        .containsExactly(
            "production=" + v1,
            "challenger=" + v3,
            "challenger=" + v2,
            "production=" + v2,
            "previous=" + v1);
    // the service follows the registry: production now answers with v2, v1 in its shadow
    awaitServing("production", v2);
    awaitServing("previous", v1);
  }

  @Test
  @Order(3)
  void aLiveRegressionIsRolledBack() {
    // (two answers per request from now on: the challenger alias still points at v2, now
    // production, and is not scored again — counted as skipped — while previous = v1 is)
    // week 3: the tracker breaks and files each user's cart adds under another user; v2, which
    // reads the cart features, is now worse than v1 it replaced, which never looked at them
    serveWeek(WEEK3, new Random(SEED + 13), this::cartsOfTheWrongUser);

    PromotionDecision d = joinAndDecide(WEEK3.plus(Duration.ofDays(8)), 6);
    // every week-3 request (and the few probes awaitServing sends) skipped challenger = production
    assertThat(counter("propensity.shadow.skipped"))
        .isBetween(7.0 * REQUESTS_PER_DAY, 7.0 * REQUESTS_PER_DAY + 20);
    assertThat(d.kind()).isEqualTo(DecisionKind.ROLLBACK);
    assertThat(d.productionVersion()).isEqualTo(v2);
    assertThat(d.resultingProductionVersion()).isEqualTo(v1);
    PairedComparison c = d.regression().orElseThrow();
    assertThat(c.pairs()).isEqualTo(7 * REQUESTS_PER_DAY);
    assertThat(c.rocAuc().upper()).isLessThan(0);
    assertThat(c.rocAuc().pValue()).isLessThan(0.05);
    assertThat(registry.alias(MODEL, "production")).isEqualTo(v1);
    assertThat(registry.alias(MODEL, "rejected")).isEqualTo(v2);
    assertThat(registry.aliasHistory(MODEL)).endsWith("production=" + v1, "rejected=" + v2);
    // the rolled-back version, still the challenger, is not promoted again
    PromotionDecision again = policy.decide(MODEL);
    assertThat(again.kind()).isEqualTo(DecisionKind.HOLD);
    assertThat(again.reason()).contains("rolled back before");
    assertThat(registry.alias(MODEL, "production")).isEqualTo(v1);
  }

  @Test
  @Order(4)
  void nothingWasDroppedOnTheWay() {
    assertThat(counter("propensity.prediction.log.dropped")).isZero();
    assertThat(counter("propensity.shadow.dropped")).isZero();
    // each week's answers and their shadows: all logged, all joined to a final outcome
    assertThat(counter("propensity.live.outcomes")).isEqualTo(6.0 * 7 * REQUESTS_PER_DAY);
    assertThat(counter("propensity.prediction.log.written"))
        .isGreaterThanOrEqualTo(3.0 * 2 * 7 * REQUESTS_PER_DAY);
  }

  /**
   * Serves seven simulated days from {@code week}, ingesting each day's events after it; Predict
   * gets each user's events as {@code tracker} sends them (the feature-service gets them as they
   * were).
   */
  void serveWeek(Instant week, Random random, BiFunction<String, Instant, List<Event>> tracker) {
    long t0 = System.nanoTime();
    double written = counter("propensity.prediction.log.written");
    for (int d = 0; d < 7; d++) {
      Instant day = week.plus(Duration.ofDays(d));
      ingest(day);
      List<String> users = new ArrayList<>(population.users());
      java.util.Collections.shuffle(users, random);
      for (int i = 0; i < REQUESTS_PER_DAY; i++) {
        Instant at = day.plus(Duration.ofHours(8)).plus(Duration.ofMinutes(7L * i));
        CLOCK.set(at);
        String user = users.get(i);
        PredictResponse r =
            stub()
                .predict(
                    PredictRequest.newBuilder()
                        .setRequestId("loop-" + at.getEpochSecond() + "-" + user)
                        .setInput(
                            PredictionInput.newBuilder()
                                .setEvents(
                                    InlineEvents.newBuilder()
                                        .addAllEvents(
                                            tracker.apply(user, at).stream()
                                                .map(EventProtoMapper::toProto)
                                                .toList())))
                        .build());
        assertThat(r.getPrediction().getUserId()).isEqualTo(user);
      }
    }
    // the day after the week's last: its events make the last outcomes final
    ingest(week.plus(Duration.ofDays(8)));
    double expected = written + 2.0 * 7 * REQUESTS_PER_DAY;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> counter("propensity.prediction.log.written") >= expected);
    System.out.printf(
        Locale.ROOT,
        "loop week from %s: %d Predict calls (and their shadows) in %d ms%n",
        week,
        7 * REQUESTS_PER_DAY,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** A broken tracker: {@code user}'s own events but the next user's cart adds. */
  List<Event> cartsOfTheWrongUser(String user, Instant at) {
    List<String> users = population.users();
    String other = users.get((users.indexOf(user) + 1) % users.size());
    List<Event> out = new ArrayList<>();
    for (Event e : population.historyOf(user, at)) {
      if (e.type() != EventType.ADD_TO_CART) {
        out.add(e);
      }
    }
    for (Event e : population.historyOf(other, at)) {
      if (e.type() == EventType.ADD_TO_CART) {
        out.add(e.toBuilder().eventId(e.eventId() + "-misfiled").userId(user).build());
      }
    }
    return out;
  }

  /**
   * Joins outcomes at {@code at} and decides; {@code sides} is the number of answers per request
   * served so far, all weeks together.
   */
  PromotionDecision joinAndDecide(Instant at, int sides) {
    CLOCK.set(at);
    OutcomeJoiner.Pass pass = live.job().orElseThrow().runOnce();
    System.out.println(
        "loop week join at " + at + ": " + pass.joined() + " joined, " + pass.positives() + " +");
    assertThat(pass.skipped()).isEmpty();
    // every answer served so far, production's and the shadows', is joined to a final outcome
    // (by this pass or the joiner's own timer, which ran once 10 s after start)
    assertThat(counter("propensity.live.outcomes"))
        .isEqualTo((double) sides * 7 * REQUESTS_PER_DAY);
    PromotionDecision d = policy.decide(MODEL);
    System.out.println("loop week decision at " + at + ": " + d.kind() + ": " + d.reason());
    d.promotion().ifPresent(LoopWeekIT::print);
    d.regression().ifPresent(LoopWeekIT::print);
    return d;
  }

  static void print(PairedComparison c) {
    System.out.printf(
        Locale.ROOT,
        "  %d pairs, %d positive; roc_auc %s %.4f %s %.4f difference %.4f [%.4f, %.4f] p=%.2g;"
            + " pr_auc %.4f %.4f difference %.4f [%.4f, %.4f]%n",
        c.pairs(),
        c.positives(),
        "v" + c.production().side().version(),
        c.production().rocAuc(),
        "v" + c.challenger().side().version(),
        c.challenger().rocAuc(),
        c.rocAuc().difference(),
        c.rocAuc().lower(),
        c.rocAuc().upper(),
        c.rocAuc().pValue(),
        c.production().prAuc(),
        c.challenger().prAuc(),
        c.prAucDifference().estimate(),
        c.prAucDifference().lower(),
        c.prAucDifference().upper());
  }

  /** Sends the feature-service every event up to {@code until} not sent yet. */
  void ingest(Instant until) {
    Instant from = ingestedUntil;
    List<Event> batch =
        population.events().stream()
            .filter(e -> from == null || e.occurredAt().isAfter(from))
            .filter(e -> !e.occurredAt().isAfter(until))
            .toList();
    try {
      var summary = features.ingest(batch.iterator(), 1_000, Duration.ofMinutes(2), n -> {});
      assertThat(summary.getRejectedCount()).isZero();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    ingestedUntil = until;
  }

  /**
   * Waits until {@code alias}'s answers come from {@code version}, probing with a feature vector
   * (no user: the outcome join leaves probes out).
   */
  void awaitServing(String alias, long version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PredictResponse r =
                  stub()
                      .predict(
                          PredictRequest.newBuilder()
                              .setInput(Protos.vector(TestModels.rows(1).get(0)))
                              .build());
              if (alias.equals("production")) {
                return r.getPrediction().getModelVersion() == version;
              }
              return !stub()
                  .listServedPredictions(
                      ListServedPredictionsRequest.newBuilder()
                          .setModelName(MODEL)
                          .setModelAlias(alias)
                          .setModelVersion(version)
                          .setPageSize(1)
                          .build())
                  .getPredictionsList()
                  .isEmpty();
            });
  }

  double counter(String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  // ---- the planted behaviour ----

  /**
   * Users with a hidden propensity: now and then a user comes "in market" (a third of them, the
   * keen ones, on one day in four; the others on one day in sixteen), adds to cart that day and
   * buys within about a day two times in three. Everyone browses (page and product views, searches)
   * the same way, so a recent cart add is what tells an in-market user, and past purchases tell
   * only how keen a user is.
   */
  record Population(List<String> users, List<Event> events, Map<String, List<Event>> byUser) {
    static Population generate(String prefix, int n, Instant from, int days, Random random) {
      List<String> users = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      Map<String, List<Event>> byUser = new HashMap<>();
      for (int u = 0; u < n; u++) {
        String user = String.format(Locale.ROOT, "%s-u%03d", prefix, u);
        users.add(user);
        double inMarket = random.nextDouble() < 0.35 ? 0.25 : 0.06;
        List<Event> own = new ArrayList<>();
        for (int d = 0; d < days; d++) {
          Instant day = from.plus(Duration.ofDays(d));
          if (random.nextDouble() < 0.7) {
            Instant t = day.plusSeconds(random.nextInt(22 * 3600));
            int k = 2 + random.nextInt(5);
            for (int i = 0; i < k; i++) {
              double x = random.nextDouble();
              EventType type =
                  x < 0.4
                      ? EventType.PAGE_VIEW
                      : x < 0.8 ? EventType.PRODUCT_VIEW : EventType.SEARCH;
              if (random.nextDouble() < 0.01) {
                type = EventType.ADD_TO_CART;
              }
              own.add(event(user, d + "-" + i, t, type, random));
              t = t.plusSeconds(20 + random.nextInt(200));
            }
          }
          if (random.nextDouble() < inMarket) {
            Instant c = day.plusSeconds(random.nextInt(22 * 3600));
            own.add(event(user, d + "-pv", c, EventType.PRODUCT_VIEW, random));
            own.add(event(user, d + "-cart", c.plusSeconds(60), EventType.ADD_TO_CART, random));
            if (random.nextDouble() < 0.67) {
              Instant buy = c.plusSeconds(3600 + random.nextInt(29 * 3600));
              own.add(event(user, d + "-buy", buy, EventType.PURCHASE, random));
            }
          }
        }
        own.sort(Comparator.comparing(Event::occurredAt));
        events.addAll(own);
        byUser.put(user, own);
      }
      events.sort(Comparator.comparing(Event::occurredAt));
      return new Population(users, events, byUser);
    }

    static Event event(String user, String suffix, Instant t, EventType type, Random random) {
      return Event.builder(user + "-" + suffix, user, t, type)
          .itemId("sku-" + random.nextInt(40))
          .category("c" + random.nextInt(5))
          .price(5 + random.nextInt(100))
          .device(random.nextBoolean() ? "mobile" : "desktop")
          .build();
    }

    /** The user's events up to {@code at}: what a tracker would have sent by then. */
    List<Event> historyOf(String user, Instant at) {
      return byUser.get(user).stream().filter(e -> !e.occurredAt().isAfter(at)).toList();
    }

    /**
     * Training rows: each user's features at a random time of each of {@code days} (counted from
     * the population's first day), labelled by a purchase within the horizon.
     */
    Rows rows(int[] days, Random random) {
      List<double[]> rows = new ArrayList<>();
      List<Boolean> labels = new ArrayList<>();
      Instant first = events.get(0).occurredAt().truncatedTo(ChronoUnit.DAYS);
      for (int day : days) {
        for (String user : users) {
          Instant cutoff =
              first.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(480 + random.nextInt(840)));
          List<Event> before = historyOf(user, cutoff);
          if (before.isEmpty()) {
            continue;
          }
          rows.add(BatchFeatureComputer.compute(before, cutoff).values());
          labels.add(
              byUser.get(user).stream()
                  .anyMatch(
                      e ->
                          e.type() == EventType.PURCHASE
                              && e.occurredAt().isAfter(cutoff)
                              && !e.occurredAt().isAfter(cutoff.plus(HORIZON))));
        }
      }
      boolean[] l = new boolean[labels.size()];
      for (int i = 0; i < l.length; i++) {
        l[i] = labels.get(i);
      }
      return new Rows(rows.toArray(double[][]::new), l);
    }
  }

  record Rows(double[][] rows, boolean[] labels) {
    int positives() {
      int n = 0;
      for (boolean b : labels) {
        n += b ? 1 : 0;
      }
      return n;
    }

    /** The same rows with their labels shuffled among them: nothing left to learn. */
    Rows shuffledLabels(Random random) {
      boolean[] shuffled = labels.clone();
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        boolean t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
      return new Rows(rows, shuffled);
    }
  }

  /**
   * A LightGBM model text trained on {@code rows}, blind to the features {@code hidden} matches.
   */
  static String train(Rows data, Predicate<String> hidden, long version) {
    int cols = SCHEMA.size();
    List<String> names = SCHEMA.names();
    int n = data.rows().length;
    double[] flat = new double[n * cols];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < cols; c++) {
        flat[i * cols + c] = hidden.test(names.get(c)) ? Double.NaN : data.rows()[i][c];
      }
      labels[i] = data.labels()[i] ? 1f : 0f;
    }
    String params =
        "objective=binary num_leaves=15 min_data_in_leaf=20 learning_rate=0.1 seed="
            + (SEED + version)
            + " "
            + DETERMINISTIC;
    try (LGBMDataset ds =
        LGBMDataset.createFromMat(flat, n, cols, true, "max_bin=63 " + params, null)) {
      ds.setField("label", labels);
      ds.setFeatureNames(names.toArray(String[]::new));
      try (LGBMBooster booster = LGBMBooster.create(ds, params)) {
        for (int i = 0; i < 40; i++) {
          booster.updateOneIter();
        }
        String text = booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
        // touch the native scorer once, so that a broken text fails here, not in the service
        booster.predictForMat(new double[cols], 1, cols, true, PredictionType.C_API_PREDICT_NORMAL);
        return text;
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }
}
