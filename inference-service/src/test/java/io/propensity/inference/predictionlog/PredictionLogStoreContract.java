package io.propensity.inference.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.features.FeatureType;
import io.propensity.inference.predictionlog.ServedPrediction.LoggedFactor;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every served-prediction log store promises; one subclass per backend. */
public abstract class PredictionLogStoreContract {
  protected static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456Z");
  protected static final LoggedSchema ENGINE =
      new LoggedSchema(
          "hash-engine",
          List.of(
              new LoggedSchema.Feature("sessions_7d", Optional.of(FeatureType.COUNT), List.of()),
              new LoggedSchema.Feature("carts_30d", Optional.empty(), List.of())));
  protected static final LoggedSchema TABLE =
      new LoggedSchema(
          "hash-table",
          List.of(
              new LoggedSchema.Feature(
                  "Month",
                  Optional.of(FeatureType.CATEGORICAL),
                  List.of("(missing)", "Feb", "Nov")),
              new LoggedSchema.Feature(
                  "Page Values", Optional.of(FeatureType.NUMERIC), List.of())));

  private PredictionLogStore store;

  /** An empty store. */
  protected abstract PredictionLogStore openEmpty();

  @BeforeEach
  void open() {
    store = openEmpty();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static ServedPrediction prediction(
      String requestId,
      int row,
      Instant at,
      String user,
      String model,
      long version,
      LoggedSchema schema,
      double[] values) {
    return new ServedPrediction(
        requestId,
        row,
        at,
        ServedEndpoint.PREDICT_BATCH,
        Optional.ofNullable(user),
        model,
        version,
        "production",
        schema,
        values,
        0.25 + row / 100.0,
        row % 2 == 0,
        0.3,
        user == null,
        List.of(new LoggedFactor("sessions_7d", 3, 0.4), new LoggedFactor("a b,c%\n", 1, -0.1)));
  }

  @Test
  void appendedPredictionsReadBackExactly() {
    ServedPrediction p =
        prediction("req-1", 0, T0, "u1", "purchase-7d", 3, ENGINE, new double[] {3, Double.NaN});
    ServedPrediction q =
        prediction("req-1", 1, T0, null, "purchase-7d", 3, ENGINE, new double[] {0.1, -2.5e-7});
    store.append(List.of(p, q));

    PredictionPage page = store.list(PredictionQuery.all(10));

    assertThat(page.next()).isEmpty();
    assertThat(page.predictions()).hasSize(2);
    ServedPrediction back = page.predictions().get(0);
    assertThat(back.requestId()).isEqualTo("req-1");
    assertThat(back.rowIndex()).isZero();
    assertThat(back.servedAt()).isEqualTo(T0.truncatedTo(ChronoUnit.MICROS));
    assertThat(back.endpoint()).isEqualTo(ServedEndpoint.PREDICT_BATCH);
    assertThat(back.userId()).contains("u1");
    assertThat(back.modelName()).isEqualTo("purchase-7d");
    assertThat(back.modelVersion()).isEqualTo(3);
    assertThat(back.modelAlias()).isEqualTo("production");
    assertThat(back.schema()).isEqualTo(ENGINE);
    assertThat(back.features()).containsExactly(3, Double.NaN);
    assertThat(back.probability()).isEqualTo(p.probability());
    assertThat(back.decision()).isTrue();
    assertThat(back.threshold()).isEqualTo(0.3);
    assertThat(back.coldStart()).isFalse();
    assertThat(back.factors()).isEqualTo(p.factors());
    ServedPrediction second = page.predictions().get(1);
    assertThat(second.userId()).isEmpty();
    assertThat(second.coldStart()).isTrue();
    assertThat(second.decision()).isFalse();
    assertThat(second.features()).containsExactly(0.1, -2.5e-7);
    assertThat(page.schemas()).containsOnlyKeys("hash-engine");
  }

  @Test
  void aRankingRowWithoutValuesKeepsItsSchemaAndNoFactors() {
    ServedPrediction r =
        new ServedPrediction(
            "rank-1",
            41,
            T0,
            ServedEndpoint.RANK_TARGETS,
            Optional.of("u42"),
            "purchase-7d",
            2,
            "production",
            ENGINE,
            new double[0],
            0.9,
            true,
            0.5,
            false,
            List.of());
    store.append(List.of(r));

    ServedPrediction back = store.list(PredictionQuery.all(1)).predictions().get(0);

    assertThat(back.hasFeatures()).isFalse();
    assertThat(back.factors()).isEmpty();
    assertThat(back.rowIndex()).isEqualTo(41);
    assertThat(back.endpoint()).isEqualTo(ServedEndpoint.RANK_TARGETS);
  }

  @Test
  void schemasKeepNamesAndCategoricalLevelsOnceEach() {
    store.append(
        List.of(
            prediction("a", 0, T0, "r1", "shoppers", 1, TABLE, new double[] {2, 0.5}),
            prediction("a", 1, T0, "r2", "shoppers", 1, TABLE, new double[] {1, 0})));
    store.append(List.of(prediction("b", 0, T0, "r3", "shoppers", 1, TABLE, new double[] {0, 1})));

    PredictionPage page = store.list(PredictionQuery.all(10));

    assertThat(page.predictions()).hasSize(3);
    assertThat(page.schemas().get("hash-table")).isEqualTo(TABLE);
  }

  @Test
  void filtersByModelVersionTimeRangeAndUser() {
    store.append(
        List.of(
            prediction("a", 0, T0, "u1", "purchase-7d", 1, ENGINE, new double[] {1, 1}),
            prediction("b", 0, T0.plusSeconds(60), "u2", "purchase-7d", 2, ENGINE, new double[2]),
            prediction("c", 0, T0.plusSeconds(120), "u1", "churn-30d", 1, ENGINE, new double[2]),
            prediction(
                "d", 0, T0.plusSeconds(180), "u1", "purchase-7d", 2, ENGINE, new double[2])));

    assertThat(requests(query(Optional.of("purchase-7d"), OptionalLong.empty(), null, null, null)))
        .containsExactly("a", "b", "d");
    assertThat(requests(query(Optional.of("purchase-7d"), OptionalLong.of(2), null, null, null)))
        .containsExactly("b", "d");
    assertThat(
            requests(
                query(
                    Optional.empty(),
                    OptionalLong.empty(),
                    T0.plusSeconds(60),
                    T0.plusSeconds(180),
                    null)))
        .as("from inclusive, to exclusive")
        .containsExactly("b", "c");
    assertThat(requests(query(Optional.empty(), OptionalLong.empty(), null, null, "u1")))
        .containsExactly("a", "c", "d");
  }

  @Test
  void filtersByAliasSoShadowAnswersCanBeKeptApart() {
    ServedPrediction served = prediction("r", 0, T0, "u1", "purchase-7d", 1, ENGINE, new double[2]);
    ServedPrediction shadow =
        new ServedPrediction(
            "r",
            0,
            T0,
            ServedEndpoint.PREDICT,
            Optional.of("u1"),
            "purchase-7d",
            2,
            "challenger",
            ENGINE,
            new double[2],
            0.75,
            true,
            0.5,
            false,
            List.of());
    store.append(List.of(served, shadow));

    PredictionQuery all = PredictionQuery.all(10);
    assertThat(store.list(all, Optional.of("challenger")).predictions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.modelVersion()).isEqualTo(2);
              assertThat(p.probability()).isEqualTo(0.75);
            });
    assertThat(store.list(all, Optional.of("production")).predictions())
        .singleElement()
        .extracting(ServedPrediction::modelVersion)
        .isEqualTo(1L);
    assertThat(store.list(all, Optional.empty()).predictions()).hasSize(2);
    assertThat(store.list(all, Optional.of("staging")).predictions()).isEmpty();
  }

  @Test
  void pagesCoverEveryRecordOnceInOrder() {
    List<ServedPrediction> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add(
          prediction("r" + i, 0, T0.plusMillis(i), "u" + i, "m", 1, ENGINE, new double[] {i, 0}));
    }
    store.append(all.subList(0, 10));
    store.append(all.subList(10, 25));

    List<String> seen = new ArrayList<>();
    PredictionQuery q = PredictionQuery.all(7);
    int pages = 0;
    while (true) {
      PredictionPage page = store.list(q);
      pages++;
      page.predictions().forEach(p -> seen.add(p.requestId()));
      if (page.next().isEmpty()) {
        break;
      }
      q = q.after(page.next().getAsLong());
    }

    assertThat(pages).isEqualTo(4);
    assertThat(seen)
        .containsExactlyElementsOf(all.stream().map(ServedPrediction::requestId).toList());
  }

  @Test
  void retentionDeletesOnlyWhatWasServedBeforeTheCutoff() {
    store.append(
        List.of(
            prediction("old", 0, T0, "u", "m", 1, ENGINE, new double[2]),
            prediction("new", 0, T0.plusSeconds(10), "u", "m", 1, ENGINE, new double[2])));

    assertThat(store.deleteServedBefore(T0.plusSeconds(10))).isEqualTo(1);

    assertThat(requests(PredictionQuery.all(10))).containsExactly("new");
  }

  private PredictionQuery query(
      Optional<String> model, OptionalLong version, Instant from, Instant to, String user) {
    return new PredictionQuery(
        model,
        version,
        Optional.ofNullable(from),
        Optional.ofNullable(to),
        Optional.ofNullable(user),
        0,
        100);
  }

  private List<String> requests(PredictionQuery q) {
    return store.list(q).predictions().stream().map(ServedPrediction::requestId).toList();
  }
}
