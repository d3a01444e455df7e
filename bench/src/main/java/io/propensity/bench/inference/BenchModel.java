package io.propensity.bench.inference;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.Target;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.GoldenRow;
import propensity.registry.v1.Lineage;
import propensity.registry.v1.ModelVersion;

/**
 * One real LightGBM binary model over the feature engine's schema, trained in the bench JVM with
 * LightGBM4j on vectors the feature engine computes from synthetic histories (the same recipe as
 * inference-service's test models), plus those vectors as inline inputs and golden rows.
 */
public final class BenchModel {
  public static final FeatureSchema SCHEMA = FeatureCatalog.schema();
  private static final Instant CUTOFF = Instant.parse("2026-01-01T00:00:00Z");
  private static final String DETERMINISTIC =
      "num_threads=1 deterministic=true force_row_wise=true verbose=-1";

  /** The model text and the feature rows it was trained on (valid inline vectors). */
  public record Trained(String modelText, double[][] rows, int trees, int leaves) {}

  private BenchModel() {}

  public static Trained train(int users, int trees, int leaves, long seed) {
    Random r = new Random(seed);
    double[][] rows = new double[users][];
    float[] labels = new float[users];
    int cartAdds7d = SCHEMA.indexOf("cart_adds_7d");
    int purchases = SCHEMA.indexOf("purchases_lifetime");
    int hours = SCHEMA.indexOf("hours_since_last_event");
    int sessionActive = SCHEMA.indexOf("session_active");
    for (int u = 0; u < users; u++) {
      rows[u] = BatchFeatureComputer.compute(history("bench-" + u, r, CUTOFF), CUTOFF).values();
      double logit =
          -2.0
              + 1.4 * Math.min(rows[u][cartAdds7d], 3)
              + 0.7 * Math.min(rows[u][purchases], 3)
              + 0.8 * rows[u][sessionActive]
              - rows[u][hours] / 400.0;
      labels[u] = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f;
    }
    int cols = SCHEMA.size();
    double[] flat = new double[users * cols];
    for (int i = 0; i < users; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
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
        LGBMDataset.createFromMat(flat, users, cols, true, "max_bin=63 " + params, null)) {
      ds.setField("label", labels);
      ds.setFeatureNames(SCHEMA.names().toArray(String[]::new));
      try (LGBMBooster booster = LGBMBooster.create(ds, params)) {
        for (int i = 0; i < trees; i++) {
          booster.updateOneIter();
        }
        return new Trained(
            booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT),
            rows,
            trees,
            leaves);
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  /** LightGBM4j's own probability for one row (the golden rows' expected value). */
  public static double reference(String modelText, double[] row) {
    try (LGBMBooster booster = LGBMBooster.loadModelFromString(modelText)) {
      return booster
          .predictForMat(row, 1, row.length, true, PredictionType.C_API_PREDICT_NORMAL)[0];
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The registry's description of {@code model} as version {@code version} of {@code name}:
   * LightGBM text, the engine's schema, threshold 0.5, and the first {@code goldenRows} training
   * rows with LightGBM4j's probabilities as golden rows.
   */
  public static ModelVersion registryVersion(
      String name, long version, Trained model, int goldenRows) {
    byte[] artifact = model.modelText().getBytes(StandardCharsets.UTF_8);
    propensity.features.v1.FeatureSchema.Builder schema =
        propensity.features.v1.FeatureSchema.newBuilder().setVersionHash(SCHEMA.versionHash());
    for (FeatureSpec f : SCHEMA.features()) {
      schema.addFeatures(
          FeatureDefinition.newBuilder().setName(f.name()).setDescription(f.description()));
    }
    ModelVersion.Builder b =
        ModelVersion.newBuilder()
            .setName(name)
            .setVersion(version)
            .setThreshold(0.5)
            .setFeatureSchema(schema)
            .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT)
            .setArtifactSha256(sha256(artifact))
            .setArtifactSizeBytes(artifact.length)
            .setLineage(Lineage.newBuilder().setTarget(Target.TARGET_PURCHASE))
            .setEvaluation(
                Evaluation.newBuilder()
                    .setModelKind("lightgbm")
                    .setRowCount(model.rows().length)
                    .setThreshold(0.5));
    try (LGBMBooster booster = LGBMBooster.loadModelFromString(model.modelText())) {
      for (int i = 0; i < Math.min(goldenRows, model.rows().length); i++) {
        double[] row = model.rows()[i];
        GoldenRow.Builder g =
            GoldenRow.newBuilder()
                .setExpectedProbability(
                    booster
                        .predictForMat(
                            row, 1, row.length, true, PredictionType.C_API_PREDICT_NORMAL)[0]);
        for (double v : row) {
          g.addValues(v);
        }
        b.addGoldenRows(g);
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
    return b.build();
  }

  /** Lower-case hex SHA-256. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The type of a generated shop event for a uniform draw {@code x}: a third page views, a third
   * product views, a tenth searches; the rest are carts and purchases for a keen user and product
   * views otherwise.
   */
  public static EventType eventType(double x, boolean keen) {
    return x < 0.35
        ? EventType.PAGE_VIEW
        : x < 0.7
            ? EventType.PRODUCT_VIEW
            : x < 0.8
                ? EventType.SEARCH
                : keen && x < 0.93
                    ? EventType.ADD_TO_CART
                    : keen ? EventType.PURCHASE : EventType.PRODUCT_VIEW;
  }

  private static List<Event> history(String user, Random r, Instant cutoff) {
    List<Event> events = new ArrayList<>();
    int sessions = r.nextInt(7);
    boolean keen = r.nextDouble() < 0.35;
    for (int s = 0; s < sessions; s++) {
      Instant t = cutoff.minus(Duration.ofMinutes(5 + r.nextInt(40 * 24 * 60)));
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n && !t.isAfter(cutoff); i++) {
        EventType type = eventType(r.nextDouble(), keen);
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
}
