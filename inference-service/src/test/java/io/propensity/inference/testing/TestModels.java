package io.propensity.inference.testing;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small real LightGBM models over the service's feature schema (107 features), trained in-process
 * with LightGBM4j on vectors computed by the feature engine from synthetic histories. The label
 * follows a learnable signal (recent cart adds, past purchases, recency), so events move
 * predictions.
 */
public final class TestModels {
  public static final FeatureSchema SCHEMA = FeatureCatalog.schema();
  static final Instant CUTOFF = Instant.parse("2026-01-01T00:00:00Z");
  private static final String DETERMINISTIC =
      "num_threads=1 deterministic=true force_row_wise=true verbose=-1";
  private static Data cached;

  private TestModels() {}

  /** Feature rows and labels. */
  public record Data(double[][] rows, float[] labels) {}

  /** 1,500 synthetic users' vectors at one cutoff, with labels; the same on every call. */
  public static synchronized Data data() {
    if (cached == null) {
      cached = generate(1_500, 7);
    }
    return cached;
  }

  static Data generate(int users, long seed) {
    Random r = new Random(seed);
    double[][] rows = new double[users][];
    float[] labels = new float[users];
    int cartAdds7d = SCHEMA.indexOf("cart_adds_7d");
    int purchases = SCHEMA.indexOf("purchases_lifetime");
    int hours = SCHEMA.indexOf("hours_since_last_event");
    int sessionActive = SCHEMA.indexOf("session_active");
    for (int u = 0; u < users; u++) {
      rows[u] = BatchFeatureComputer.compute(history("train-" + u, r, CUTOFF), CUTOFF).values();
      double logit =
          -2.0
              + 1.4 * Math.min(rows[u][cartAdds7d], 3)
              + 0.7 * Math.min(rows[u][purchases], 3)
              + 0.8 * rows[u][sessionActive]
              - rows[u][hours] / 400.0;
      labels[u] = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f;
    }
    return new Data(rows, labels);
  }

  /** A random browsing history of one user up to {@code cutoff}. */
  public static List<Event> history(String user, Random r, Instant cutoff) {
    List<Event> events = new ArrayList<>();
    int sessions = r.nextInt(7);
    boolean keen = r.nextDouble() < 0.35;
    for (int s = 0; s < sessions; s++) {
      Instant t = cutoff.minus(Duration.ofMinutes(5 + r.nextInt(40 * 24 * 60)));
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n && !t.isAfter(cutoff); i++) {
        double x = r.nextDouble();
        EventType type =
            x < 0.35
                ? EventType.PAGE_VIEW
                : x < 0.7
                    ? EventType.PRODUCT_VIEW
                    : x < 0.8
                        ? EventType.SEARCH
                        : keen && x < 0.93
                            ? EventType.ADD_TO_CART
                            : keen ? EventType.PURCHASE : EventType.PRODUCT_VIEW;
        events.add(
            Event.builder(user + "-" + s + "-" + i, user, t, type)
                .itemId("sku-" + r.nextInt(50))
                .category("c" + r.nextInt(5))
                .price(5 + r.nextInt(100))
                .device(r.nextBoolean() ? "mobile" : "desktop")
                .build());
        t = t.plusSeconds(30 + r.nextInt(300));
      }
    }
    return events;
  }

  /** A binary model of {@code trees} trees; different seeds give different models. */
  public static String train(int trees, int leaves, long seed) {
    Data d = data();
    int cols = SCHEMA.size();
    double[] flat = new double[d.rows().length * cols];
    for (int i = 0; i < d.rows().length; i++) {
      System.arraycopy(d.rows()[i], 0, flat, i * cols, cols);
    }
    String params =
        "objective=binary num_leaves="
            + leaves
            + " min_data_in_leaf=5 learning_rate=0.1 bagging_fraction=0.8"
            + " bagging_freq=1 feature_fraction=0.9 seed="
            + seed
            + " "
            + DETERMINISTIC;
    try (LGBMDataset ds =
        LGBMDataset.createFromMat(
            flat, d.rows().length, cols, true, "max_bin=63 " + params, null)) {
      ds.setField("label", d.labels());
      ds.setFeatureNames(SCHEMA.names().toArray(String[]::new));
      try (LGBMBooster booster = LGBMBooster.create(ds, params)) {
        for (int i = 0; i < trees; i++) {
          booster.updateOneIter();
        }
        return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A 30-tree model. */
  public static String small(long seed) {
    return train(30, 15, seed);
  }

  /** LightGBM4j's own probability for one row: the reference the service must match. */
  public static double reference(String modelText, double[] row) {
    try (LGBMBooster booster = LGBMBooster.loadModelFromString(modelText)) {
      return booster
          .predictForMat(row, 1, row.length, true, PredictionType.C_API_PREDICT_NORMAL)[0];
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first {@code n} training rows, for golden rows and inline vectors. */
  public static List<double[]> rows(int n) {
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(data().rows()[i].clone());
    }
    return out;
  }
}
