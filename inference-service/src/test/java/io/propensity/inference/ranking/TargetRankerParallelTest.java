package io.propensity.inference.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.common.error.UnavailableException;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.explain.FactorDescriber;
import io.propensity.inference.scoring.OnlineFeatureSource;
import io.propensity.inference.scoring.RowScorer;
import io.propensity.inference.scoring.ScoringMetrics;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.LightGbmJavaModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RankTargets over many users with the features read several chunks at a time on a pool, answers
 * arriving out of order: the ranking must be exactly that of scoring every user with the same real
 * LightGBM model and sorting them all.
 */
class TargetRankerParallelTest {
  static final int USERS = 40_000;
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");

  final ExecutorService pool = Executors.newFixedThreadPool(4);
  final LightGbmJavaModel model;
  final ServedModels served = new ServedModels("m");
  final Map<String, double[]> vectors = new HashMap<>();
  final List<String> ids = new ArrayList<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger mostInFlight = new AtomicInteger();
  final AtomicInteger reads = new AtomicInteger();
  volatile int failAtRead = -1;

  TargetRankerParallelTest() throws Exception {
    model = LightGbmJavaModel.fromModelText(TestModels.small(11));
    ModelDescriptor d =
        new ModelDescriptor(
            "m",
            2,
            FeatureCatalog.schema().versionHash(),
            List.of(),
            Optional.empty(),
            0.5,
            ArtifactFormat.LIGHTGBM_TEXT,
            "sha",
            1,
            List.of(),
            Optional.empty());
    served.swapIn(new ServedModel(d, model, FeatureCatalog.schema(), "production", "sha", NOW));
    // training rows cycled over many users: many exact ties, broken by user id
    List<double[]> rows = TestModels.rows(1_500);
    for (int i = 0; i < USERS; i++) {
      String id = String.format("u%06d", i);
      ids.add(id);
      vectors.put(id, rows.get((i * 7919) % rows.size()));
    }
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Online features with a random delay per read, so that reads complete out of order. */
  final OnlineFeatureSource source =
      chunk -> {
        int n = reads.incrementAndGet();
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        try {
          Thread.sleep(ThreadLocalRandom.current().nextInt(3));
          if (n == failAtRead) {
            throw new UnavailableException("feature service down", Optional.empty(), null);
          }
          List<OnlineFeatureSource.UserFeatures> users = new ArrayList<>();
          for (String id : chunk) {
            users.add(
                new OnlineFeatureSource.UserFeatures(id, vectors.get(id), false, Optional.of(NOW)));
          }
          return new OnlineFeatureSource.OnlineFeatures(
              FeatureCatalog.schema().versionHash(), NOW, users);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } finally {
          inFlight.decrementAndGet();
        }
      };

  /** Every user in id order, pages of the size asked. */
  final UserDirectory directory =
      (token, since, before, size) -> {
        int from = token.map(Integer::parseInt).orElse(0);
        int to = Math.min(ids.size(), from + size);
        return new UserDirectory.Page(
            ids.subList(from, to),
            to < ids.size() ? Optional.of(Integer.toString(to)) : Optional.empty());
      };

  TargetRanker ranker(int parallelism) {
    return new TargetRanker(
        served,
        source,
        new RowScorer(new FactorDescriber(FeatureCatalog.schema())),
        Optional.of(directory),
        List::of,
        new ScoringMetrics(new SimpleMeterRegistry()),
        new TargetRanker.Fetching(3_000, 250, parallelism),
        pool);
  }

  static RankRequest all(int topK, OptionalDouble min) {
    return new RankRequest(
        Optional.empty(), List.of(), Optional.empty(), Optional.empty(), topK, min, 0);
  }

  List<String> expected(int topK, OptionalDouble min) {
    Map<String, Double> p = new HashMap<>();
    for (String id : ids) {
      p.put(id, model.predictProbability(vectors.get(id)));
    }
    return ids.stream()
        .filter(id -> min.isEmpty() || p.get(id) >= min.getAsDouble())
        .sorted(Comparator.comparing((String id) -> -p.get(id)).thenComparing(id -> id))
        .limit(topK == 0 ? Long.MAX_VALUE : topK)
        .toList();
  }

  @Test
  void manyUsersReadInParallelRankExactlyAsScoringAllAndSorting() {
    List<String> want = expected(1_000, OptionalDouble.empty());
    List<String> cutWant = expected(0, OptionalDouble.of(0.6));
    assertThat(cutWant).isNotEmpty().hasSizeLessThan(USERS);
    for (int parallelism : new int[] {1, 4, 16}) {
      TargetRanker ranker = ranker(parallelism);
      List<RankedTarget> got = new ArrayList<>();
      RankingSummary summary =
          ranker.rank(all(1_000, OptionalDouble.empty()), got::add, () -> false);
      assertThat(got).extracting(RankedTarget::userId).containsExactlyElementsOf(want);
      assertThat(got.get(999).rank()).isEqualTo(1_000);
      assertThat(summary.scored()).isEqualTo(USERS);

      List<RankedTarget> cut = new ArrayList<>();
      ranker.rank(all(0, OptionalDouble.of(0.6)), cut::add, () -> false);
      assertThat(cut).extracting(RankedTarget::userId).containsExactlyElementsOf(cutWant);
    }
    // the reads did overlap
    assertThat(mostInFlight.get()).isGreaterThan(1);
  }

  @Test
  void aFailedReadFailsTheRankingWithItsOwnErrorAndNoReadIsLeftRunning() throws Exception {
    failAtRead = 37;
    TargetRanker ranker = ranker(8);
    assertThatThrownBy(() -> ranker.rank(all(10, OptionalDouble.empty()), t -> {}, () -> false))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("feature service down");
    // no read is started beyond the ones already asked for when it failed (at most 8 ahead)
    Thread.sleep(100);
    assertThat(reads.get()).isLessThanOrEqualTo(37 + 8);
  }
}
