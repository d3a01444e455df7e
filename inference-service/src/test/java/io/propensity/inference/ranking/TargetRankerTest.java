package io.propensity.inference.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.explain.FactorDescriber;
import io.propensity.inference.scoring.OnlineFeatureSource;
import io.propensity.inference.scoring.RowScorer;
import io.propensity.inference.scoring.ScoringMetrics;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeScoringModel;
import io.propensity.runtime.calibration.CalibratedModel;
import io.propensity.runtime.calibration.Calibration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TargetRankerTest {
  static final int N = FeatureCatalog.schema().size();
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");

  /** Users whose probability is their first feature value (see FakeScoringModel). */
  final Map<String, Double> probability = new HashMap<>();

  final Map<String, Instant> lastEvent = new HashMap<>();
  final List<Integer> chunks = new ArrayList<>();
  final OnlineFeatureSource source =
      ids -> {
        chunks.add(ids.size());
        List<OnlineFeatureSource.UserFeatures> users = new ArrayList<>();
        for (String id : ids) {
          double[] v = new double[N];
          v[0] = probability.getOrDefault(id, 0.05);
          users.add(
              new OnlineFeatureSource.UserFeatures(
                  id, v, !probability.containsKey(id), Optional.ofNullable(lastEvent.get(id))));
        }
        return new OnlineFeatureSource.OnlineFeatures(
            FeatureCatalog.schema().versionHash(), NOW, users);
      };
  final ServedModels served = new ServedModels("m");
  final TargetRanker ranker =
      new TargetRanker(
          served,
          source,
          new RowScorer(new FactorDescriber(FeatureCatalog.schema())),
          Optional.empty(),
          () -> List.of("seen-1", "seen-2"),
          new ScoringMetrics(new SimpleMeterRegistry()),
          7);

  /** 20 users d00..d19 in id order, paged by token; records each page request. */
  final List<String> pageRequests = new ArrayList<>();

  final UserDirectory directory =
      (token, since, before, size) -> {
        pageRequests.add(
            token.orElse("-") + "|" + since.isPresent() + "|" + before.isPresent() + "|" + size);
        int from = token.map(Integer::parseInt).orElse(0);
        List<String> ids = new ArrayList<>();
        for (int i = from; i < Math.min(20, from + size); i++) {
          ids.add(String.format("d%02d", i));
        }
        int next = from + size;
        return new UserDirectory.Page(
            ids, next < 20 ? Optional.of(Integer.toString(next)) : Optional.empty());
      };
  final TargetRanker rankerWithDirectory =
      new TargetRanker(
          served,
          source,
          new RowScorer(new FactorDescriber(FeatureCatalog.schema())),
          Optional.of(directory),
          () -> List.of("seen-1", "seen-2"),
          new ScoringMetrics(new SimpleMeterRegistry()),
          7);

  TargetRankerTest() {
    ModelDescriptor d =
        new ModelDescriptor(
            "m",
            4,
            FeatureCatalog.schema().versionHash(),
            List.of(),
            Optional.empty(),
            0.3,
            ArtifactFormat.LIGHTGBM_TEXT,
            "sha",
            1,
            List.of(),
            Optional.empty());
    served.swapIn(
        new ServedModel(
            d, new FakeScoringModel(N), FeatureCatalog.schema(), "production", "sha", NOW));
  }

  List<RankedTarget> rank(RankRequest r, RankingSummary[] summary) {
    List<RankedTarget> out = new ArrayList<>();
    summary[0] = ranker.rank(r, out::add, () -> false);
    return out;
  }

  static RankRequest request(List<String> ids, int topK, OptionalDouble min) {
    return new RankRequest(Optional.empty(), ids, Optional.empty(), Optional.empty(), topK, min, 0);
  }

  @Test
  void anyCandidatesComeOutAsTheFullSortTruncatedWithTiesByUserId() {
    Random r = new Random(3);
    for (int round = 0; round < 50; round++) {
      probability.clear();
      List<String> ids = new ArrayList<>();
      int n = 1 + r.nextInt(60);
      for (int i = 0; i < n; i++) {
        String id = "u" + r.nextInt(1000);
        ids.add(id);
        probability.put(id, r.nextInt(10) / 10.0);
      }
      int topK = r.nextInt(n + 3);
      OptionalDouble min =
          r.nextBoolean() || topK == 0
              ? OptionalDouble.of(r.nextInt(10) / 10.0)
              : OptionalDouble.empty();
      RankingSummary[] summary = new RankingSummary[1];
      List<RankedTarget> got = rank(request(ids, topK, min), summary);

      List<String> distinct = ids.stream().distinct().toList();
      List<String> expected =
          distinct.stream()
              .filter(id -> min.isEmpty() || probability.get(id) >= min.getAsDouble())
              .sorted(
                  Comparator.comparing((String id) -> -probability.get(id)).thenComparing(id -> id))
              .limit(topK == 0 ? Long.MAX_VALUE : topK)
              .toList();
      assertThat(got).extracting(RankedTarget::userId).containsExactlyElementsOf(expected);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).rank()).isEqualTo(i + 1);
      }
      double mean = distinct.stream().mapToDouble(probability::get).average().orElse(0);
      double selected = got.stream().mapToDouble(RankedTarget::probability).sum();
      assertThat(summary[0].scored()).isEqualTo(distinct.size());
      assertThat(summary[0].selected()).isEqualTo(got.size());
      assertThat(summary[0].expectedConversions()).isCloseTo(selected, within(1e-12));
      assertThat(summary[0].baseRate()).isCloseTo(mean, within(1e-12));
      assertThat(summary[0].lift())
          .isCloseTo(
              got.isEmpty() || mean == 0 ? 0 : (selected / got.size()) / mean, within(1e-12));
      assertThat(summary[0].modelVersion()).isEqualTo(4);
    }
  }

  @Test
  void aCalibratedVersionRanksByItsServedProbabilityAndSeparatesIsotonicStepsByRawScore() {
    // one isotonic step: every raw score up to 0 serves 0.1, from 1 on 0.6
    Calibration steps = Calibration.isotonic(new double[] {0, 1}, new double[] {0.1, 0.6});
    ModelDescriptor d =
        new ModelDescriptor(
            "m",
            5,
            ModelSchema.ofNames(FeatureCatalog.schema().versionHash(), List.of()),
            Optional.empty(),
            0.3,
            ArtifactFormat.LIGHTGBM_TEXT,
            "sha",
            1,
            List.of(),
            Optional.empty(),
            steps,
            Optional.empty());
    served.swapIn(
        new ServedModel(
            d,
            CalibratedModel.of(new FakeScoringModel(N), steps),
            FeatureCatalog.schema(),
            "production",
            "sha",
            NOW));
    // raw scores: a -2.2, b 2.2, c -0.4, z 1.4 (the logit of the fake's probability)
    probability.put("a", 0.1);
    probability.put("b", 0.9);
    probability.put("c", 0.4);
    probability.put("z", 0.8);
    RankingSummary[] summary = new RankingSummary[1];
    List<RankedTarget> got =
        rank(request(List.of("a", "b", "c", "z"), 10, OptionalDouble.empty()), summary);

    assertThat(got).extracting(RankedTarget::userId).containsExactly("b", "z", "c", "a");
    assertThat(got).extracting(RankedTarget::probability).containsExactly(0.6, 0.6, 0.1, 0.1);
    assertThat(summary[0].modelVersion()).isEqualTo(5);
    assertThat(summary[0].expectedConversions()).isCloseTo(1.4, within(1e-12));
  }

  @Test
  void activityFiltersUseTheNewestEventAndExcludeUsersWithoutAny() {
    probability.put("recent", 0.9);
    probability.put("lapsed", 0.8);
    lastEvent.put("recent", NOW.minusSeconds(3_600));
    lastEvent.put("lapsed", NOW.minusSeconds(90 * 86_400));
    List<String> ids = List.of("recent", "lapsed", "never");
    RankingSummary[] summary = new RankingSummary[1];

    List<RankedTarget> lapsed = new ArrayList<>();
    summary[0] =
        ranker.rank(
            new RankRequest(
                Optional.empty(),
                ids,
                Optional.empty(),
                Optional.of(NOW.minusSeconds(30 * 86_400)),
                10,
                OptionalDouble.empty(),
                0),
            lapsed::add,
            () -> false);
    assertThat(lapsed).extracting(RankedTarget::userId).containsExactly("lapsed");
    assertThat(summary[0].scored()).isEqualTo(1);

    List<RankedTarget> active =
        rank(
            new RankRequest(
                Optional.empty(),
                ids,
                Optional.of(NOW.minusSeconds(86_400)),
                Optional.empty(),
                10,
                OptionalDouble.empty(),
                2),
            summary);
    assertThat(active).extracting(RankedTarget::userId).containsExactly("recent");
    assertThat(active.get(0).factors()).hasSizeLessThanOrEqualTo(2).isNotEmpty();
  }

  @Test
  void withoutUserIdsEveryUserOfTheDirectoryIsRankedPageByPageNotTheStreamUsers() {
    for (int i = 0; i < 20; i++) {
      probability.put(String.format("d%02d", i), 0.01 * i);
      lastEvent.put(String.format("d%02d", i), NOW);
    }
    probability.put("seen-1", 0.99);
    List<RankedTarget> out = new ArrayList<>();
    RankingSummary summary =
        rankerWithDirectory.rank(
            new RankRequest(
                Optional.empty(),
                List.of(),
                Optional.of(NOW),
                Optional.empty(),
                3,
                OptionalDouble.empty(),
                0),
            out::add,
            () -> false);

    assertThat(out).extracting(RankedTarget::userId).containsExactly("d19", "d18", "d17");
    assertThat(pageRequests).containsExactly("-|true|false|7", "7|true|false|7", "14|true|false|7");
    assertThat(chunks).containsExactly(7, 7, 6);
    assertThat(summary.scored()).isEqualTo(20);
  }

  @Test
  void withoutUserIdsTheUsersSeenOnStreamsAreRankedInChunks() {
    probability.put("seen-1", 0.2);
    probability.put("seen-2", 0.7);
    RankingSummary[] summary = new RankingSummary[1];
    assertThat(rank(request(List.of(), 5, OptionalDouble.empty()), summary))
        .extracting(RankedTarget::userId)
        .containsExactly("seen-2", "seen-1");

    List<String> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add("x" + i);
    }
    chunks.clear();
    rank(request(many, 3, OptionalDouble.empty()), summary);
    assertThat(chunks).containsExactly(7, 7, 6);
  }

  @Test
  void aCancelledRankingStopsFetching() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add("x" + i);
    }
    chunks.clear();
    ranker.rank(request(many, 3, OptionalDouble.empty()), t -> {}, () -> chunks.size() >= 2);
    assertThat(chunks).hasSize(2);
  }
}
