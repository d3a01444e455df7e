package io.propensity.inference.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.LabeledPredictions;
import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.inference.testing.MovableClock;
import io.propensity.inference.testing.TestModels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A simulated week of demo traffic, three times over: real LightGBM models, production answers and
 * shadow answers logged as served predictions, outcomes drawn from a planted behaviour (buyers are
 * the users who recently added to cart), and the promotion policy deciding on them.
 */
class SimulatedWeekPromotionTest {
  private static final long SEED = 20261207L;
  private static final FeatureSchema SCHEMA = TestModels.SCHEMA;
  private static final LoggedSchema LOGGED = new LoggedSchema(SCHEMA.versionHash(), List.of());
  private static final String MODEL = "purchase";
  private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
  private static final int REQUESTS_PER_DAY = 300;
  private static final double THRESHOLD = 0.3;
  private static final String DETERMINISTIC =
      "num_threads=1 deterministic=true force_row_wise=true verbose=-1";

  @Test
  void betterChallengerIsPromotedWorseIsNotAndALiveRegressionIsRolledBack() {
    System.out.println("simulated week seed " + SEED);
    Random random = new Random(SEED);
    int cartAdds7d = SCHEMA.indexOf("cart_adds_7d");
    Predicate<String> cart = n -> n.contains("cart");

    Users train =
        Users.generate("train", 2_000, START.minus(Duration.ofDays(30)), random, cartAdds7d);
    // v1 production: never sees the informative cart features; v2 sees everything (the planted
    // better challenger); v3 learns from labels shuffled among users (the planted worse one)
    Model v1 = Model.train(train, cart, 1);
    Model v2 = Model.train(train, n -> false, 2);
    Model v3 = Model.train(train.shuffledLabels(new Random(SEED + 3)), n -> false, 3);

    MovableClock clock = new MovableClock(START);
    InMemoryOutcomes outcomes = new InMemoryOutcomes(clock);
    InMemoryAliases aliases = new InMemoryAliases();
    aliases.set("production", 1);
    aliases.set("challenger", 3);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PromotionPolicy policy =
        new PromotionPolicy(
            outcomes,
            aliases,
            new PromotionSettings(
                "production",
                "challenger",
                "previous",
                "rejected",
                Duration.ofDays(7),
                500,
                50,
                ComparisonMetric.ROC_AUC,
                0.0,
                0.05,
                300,
                SEED),
            clock,
            meters);

    // day 1 of week 1: too little evidence yet
    Instant week1 = START;
    serveDays(
        week1,
        1,
        random,
        cartAdds7d,
        outcomes,
        Map.of("production", v1, "challenger", v3),
        Map.of(),
        0);
    clock.set(week1.plus(Duration.ofDays(2)));
    assertThat(policy.decide(MODEL).kind()).isEqualTo(DecisionKind.NOT_ENOUGH_DATA);

    // week 1: the worse challenger v3 in the shadow of v1 → not promoted
    serveDays(
        week1,
        7,
        random,
        cartAdds7d,
        outcomes,
        Map.of("production", v1, "challenger", v3),
        Map.of(),
        1);
    clock.set(week1.plus(Duration.ofDays(8)));
    PromotionDecision worse = policy.decide(MODEL);
    System.out.println("week 1: " + worse.reason());
    assertThat(worse.kind()).isEqualTo(DecisionKind.HOLD);
    assertThat(worse.promotion().orElseThrow().rocAuc().difference()).isLessThan(0);
    assertThat(aliases.get("production")).isEqualTo(1);

    // week 2: the better challenger v2 in the shadow of v1 → promoted, v1 kept as `previous`
    aliases.set("challenger", 2);
    Instant week2 = week1.plus(Duration.ofDays(8));
    serveDays(
        week2,
        7,
        random,
        cartAdds7d,
        outcomes,
        Map.of("production", v1, "challenger", v2),
        Map.of(),
        0);
    clock.set(week2.plus(Duration.ofDays(8)));
    PromotionDecision better = policy.decide(MODEL);
    System.out.println("week 2: " + better.reason());
    assertThat(better.kind()).isEqualTo(DecisionKind.PROMOTE);
    PairedComparison won = better.promotion().orElseThrow();
    assertThat(won.rocAuc().lower()).isGreaterThan(0);
    assertThat(won.rocAuc().pValue()).isLessThan(0.05);
    assertThat(aliases.get("production")).isEqualTo(2);
    assertThat(aliases.get("previous")).isEqualTo(1);
    // deciding again changes nothing
    assertThat(policy.decide(MODEL).kind()).isEqualTo(DecisionKind.HOLD);

    // week 3: v2 answers, v1 in the shadow as `previous`; the cart features break live (read as
    // 0) for v2's answers → production is significantly worse than v1 → rolled back
    Instant week3 = week2.plus(Duration.ofDays(8));
    serveDays(
        week3,
        7,
        random,
        cartAdds7d,
        outcomes,
        Map.of("production", v2, "previous", v1),
        Map.of("production", cart),
        0);
    clock.set(week3.plus(Duration.ofDays(8)));
    PromotionDecision regression = policy.decide(MODEL);
    System.out.println("week 3: " + regression.reason());
    assertThat(regression.kind()).isEqualTo(DecisionKind.ROLLBACK);
    assertThat(regression.regression().orElseThrow().rocAuc().upper()).isLessThan(0);
    assertThat(aliases.get("production")).isEqualTo(1);
    assertThat(aliases.get("rejected")).isEqualTo(2);
    // the rolled-back version, still the challenger, is not promoted again
    PromotionDecision after = policy.decide(MODEL);
    assertThat(after.kind()).isEqualTo(DecisionKind.HOLD);
    assertThat(after.reason()).contains("rolled back before");
    assertThat(aliases.get("production")).isEqualTo(1);

    assertThat(count(meters, "promote")).isEqualTo(1.0);
    assertThat(count(meters, "rollback")).isEqualTo(1.0);
    assertThat(count(meters, "not_enough_data")).isEqualTo(1.0);
    assertThat(count(meters, "hold")).isEqualTo(3.0);
    assertThat(policy.latest(MODEL)).contains(after);
  }

  private static double count(SimpleMeterRegistry meters, String decision) {
    return meters.get("propensity.promotion.decisions").tag("decision", decision).counter().count();
  }

  /**
   * Serves {@code days} days of requests from {@code first}: each request scored by every alias of
   * {@code served} (the first, production, answers; the others are shadow answers with the same
   * request id and row), its outcome drawn from the planted behaviour.
   */
  private static void serveDays(
      Instant first,
      int days,
      Random random,
      int cartAdds7d,
      InMemoryOutcomes outcomes,
      Map<String, Model> served,
      Map<String, Predicate<String>> brokenLive,
      int fromDay) {
    for (int d = fromDay; d < days; d++) {
      Instant day = first.plus(Duration.ofDays(d));
      Users users =
          Users.generate("d" + day.getEpochSecond(), REQUESTS_PER_DAY, day, random, cartAdds7d);
      for (String alias : List.of("production", "challenger", "previous")) {
        Model model = served.get(alias);
        if (model == null) {
          continue;
        }
        double[] p = model.score(users.rows(), brokenLive.getOrDefault(alias, n -> false));
        for (int i = 0; i < users.size(); i++) {
          Instant at = day.plusSeconds(60L * i);
          ServedPrediction s =
              new ServedPrediction(
                  "req-" + day.getEpochSecond() + "-" + i,
                  0,
                  at,
                  ServedEndpoint.PREDICT,
                  Optional.of(users.ids().get(i)),
                  MODEL,
                  model.version(),
                  alias,
                  LOGGED,
                  new double[0],
                  p[i],
                  p[i] >= THRESHOLD,
                  THRESHOLD,
                  false,
                  List.of());
          outcomes.add(new LabeledPrediction(s, users.labels()[i], at.plus(Duration.ofDays(1))));
        }
      }
    }
  }

  /** Users' feature vectors at one moment, from event histories, and their planted outcomes. */
  record Users(List<String> ids, double[][] rows, boolean[] labels) {
    int size() {
      return ids.size();
    }

    /** The same users with their outcomes shuffled among them: nothing left to learn. */
    Users shuffledLabels(Random random) {
      boolean[] shuffled = labels.clone();
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        boolean t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
      return new Users(ids, rows, shuffled);
    }

    static Users generate(String prefix, int n, Instant at, Random random, int cartAdds7d) {
      List<String> ids = new ArrayList<>();
      double[][] rows = new double[n][];
      boolean[] labels = new boolean[n];
      for (int u = 0; u < n; u++) {
        String id = prefix + "-u" + u;
        ids.add(id);
        rows[u] = BatchFeatureComputer.compute(history(id, random, at), at).values();
        // the planted behaviour: buying follows recent cart adds
        double logit = -2.0 + 1.5 * Math.min(rows[u][cartAdds7d], 3);
        labels[u] = random.nextDouble() < 1 / (1 + Math.exp(-logit));
      }
      return new Users(ids, rows, labels);
    }
  }

  /**
   * A week-long browsing history: sessions of views and searches; a third of the users also add to
   * cart now and then, independently of everything else they do (so only the cart features tell who
   * they are); purchases follow at random.
   */
  static List<Event> history(String user, Random random, Instant at) {
    List<Event> events = new ArrayList<>();
    boolean carts = random.nextDouble() < 0.35;
    int sessions = 1 + random.nextInt(6);
    for (int s = 0; s < sessions; s++) {
      Instant t = at.minus(Duration.ofMinutes(5 + random.nextInt(14 * 24 * 60)));
      int n = 2 + random.nextInt(8);
      for (int i = 0; i < n && !t.isAfter(at); i++) {
        double x = random.nextDouble();
        EventType type =
            carts && x < 0.2
                ? EventType.ADD_TO_CART
                : x < 0.5
                    ? EventType.PAGE_VIEW
                    : x < 0.85
                        ? EventType.PRODUCT_VIEW
                        : x < 0.97 ? EventType.SEARCH : EventType.PURCHASE;
        events.add(
            Event.builder(user + "-" + s + "-" + i, user, t, type)
                .itemId("sku-" + random.nextInt(50))
                .category("c" + random.nextInt(5))
                .price(5 + random.nextInt(100))
                .device(random.nextBoolean() ? "mobile" : "desktop")
                .build());
        t = t.plusSeconds(30 + random.nextInt(300));
      }
    }
    return events;
  }

  /** A LightGBM model that sees the features {@code hidden} does not match. */
  record Model(long version, String text, Predicate<String> hidden) {
    static Model train(Users users, Predicate<String> hidden, long version) {
      int cols = SCHEMA.size();
      double[] flat = flatten(users.rows(), hidden, n -> false);
      float[] labels = new float[users.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = users.labels()[i] ? 1f : 0f;
      }
      String params =
          "objective=binary num_leaves=15 min_data_in_leaf=20 learning_rate=0.1 seed="
              + (SEED + version)
              + " "
              + DETERMINISTIC;
      try (LGBMDataset ds =
          LGBMDataset.createFromMat(flat, users.size(), cols, true, "max_bin=63 " + params, null)) {
        ds.setField("label", labels);
        ds.setFeatureNames(SCHEMA.names().toArray(String[]::new));
        try (LGBMBooster booster = LGBMBooster.create(ds, params)) {
          for (int i = 0; i < 60; i++) {
            booster.updateOneIter();
          }
          return new Model(
              version,
              booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT),
              hidden);
        }
      } catch (LGBMException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Probabilities; features {@code broken} matches are read as 0, as a broken live pipeline. */
    double[] score(double[][] rows, Predicate<String> broken) {
      double[] flat = flatten(rows, hidden, broken);
      try (LGBMBooster booster = LGBMBooster.loadModelFromString(text)) {
        return booster.predictForMat(
            flat, rows.length, SCHEMA.size(), true, PredictionType.C_API_PREDICT_NORMAL);
      } catch (LGBMException e) {
        throw new IllegalStateException(e);
      }
    }

    private static double[] flatten(
        double[][] rows, Predicate<String> hidden, Predicate<String> zeroed) {
      int cols = SCHEMA.size();
      List<String> names = SCHEMA.names();
      double[] flat = new double[rows.length * cols];
      for (int i = 0; i < rows.length; i++) {
        for (int c = 0; c < cols; c++) {
          double v = rows[i][c];
          if (hidden.test(names.get(c))) {
            v = Double.NaN;
          } else if (zeroed.test(names.get(c))) {
            v = 0;
          }
          flat[i * cols + c] = v;
        }
      }
      return flat;
    }
  }

  /** The outcome join's contract over a list: answers served in the window, outcomes final. */
  static final class InMemoryOutcomes implements LabeledPredictions {
    private final List<LabeledPrediction> all = new ArrayList<>();
    private final Clock clock;

    InMemoryOutcomes(Clock clock) {
      this.clock = clock;
    }

    void add(LabeledPrediction l) {
      all.add(l);
    }

    @Override
    public List<LabeledPrediction> servedBetween(String modelName, Instant from, Instant to) {
      Instant now = clock.instant();
      return all.stream()
          .filter(l -> l.served().modelName().equals(modelName))
          .filter(l -> !l.served().servedAt().isBefore(from) && l.served().servedAt().isBefore(to))
          .filter(l -> !l.knownAt().isAfter(now))
          .sorted((a, b) -> a.served().servedAt().compareTo(b.served().servedAt()))
          .toList();
    }
  }

  /** The registry's aliases with its compare-and-set. */
  static final class InMemoryAliases implements ModelAliases {
    private final Map<String, Long> aliases = new HashMap<>();

    void set(String alias, long version) {
      aliases.put(alias, version);
    }

    long get(String alias) {
      return aliases.getOrDefault(alias, 0L);
    }

    @Override
    public synchronized OptionalLong version(String model, String alias) {
      Long v = aliases.get(alias);
      return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public synchronized void move(String model, String alias, long version, long expected) {
      long current = get(alias);
      if (expected > 0 && current != expected) {
        throw new AliasConflictException(
            alias + " points at v" + current + ", not v" + expected + " as expected");
      }
      aliases.put(alias, version);
    }
  }
}
