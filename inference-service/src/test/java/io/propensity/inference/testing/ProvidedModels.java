package io.propensity.inference.testing;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import io.propensity.runtime.LightGbmFeatures;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import io.propensity.training.pipeline.data.CsvDatasetLoader;
import io.propensity.training.pipeline.data.CsvOptions;
import io.propensity.training.pipeline.data.Dataset;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.FeatureType;
import propensity.features.v1.MissingValues;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.ModelVersion;

/**
 * Models of a team's own feature table (a small shop-sessions table with string categoricals, a
 * boolean and missing cells), read and encoded by training's own CSV loader and trained with
 * LightGBM4j on exactly those encoded rows, as {@code propensity train --csv} does.
 */
public final class ProvidedModels {
  /**
   * The schema hash the registry would give this table's schema (any hash not feature-engine's).
   */
  public static final String HASH = "a1b2c3d4e5f60718";

  private static final String HEADER =
      "Month,VisitorType,Weekend,PageValues,ProductDuration,Revenue";
  private static final String[] MONTHS = {"Feb", "Mar", "May", "Nov", "Dec"};
  private static final String[] VISITORS = {"Returning_Visitor", "New_Visitor", "Other"};
  private static Table cached;

  private ProvidedModels() {}

  /**
   * The table as training read it.
   *
   * @param csv the file's text
   * @param dataset the loader's dataset: encoded rows, kinds, vocabularies
   */
  public record Table(String csv, Dataset dataset) {
    /** The CSV cells of one data row (0-based), by column, label included. */
    public String[] cells(int row) {
      return csv.split("\n")[row + 1].split(",", -1);
    }
  }

  /** 600 rows; the same on every call. */
  public static synchronized Table table() {
    if (cached == null) {
      Random r = new Random(5);
      StringBuilder sb = new StringBuilder(HEADER).append('\n');
      for (int i = 0; i < 600; i++) {
        String month = MONTHS[r.nextInt(MONTHS.length)];
        String visitor = r.nextDouble() < 0.05 ? "" : VISITORS[r.nextInt(VISITORS.length)];
        boolean weekend = r.nextBoolean();
        double pageValues =
            r.nextDouble() < 0.1 ? Double.NaN : Math.round(r.nextDouble() * 4000) / 100.0;
        double duration = Math.round(r.nextDouble() * 300000) / 100.0;
        double logit =
            -1.5
                + (month.equals("Nov") ? 1.2 : 0)
                + (visitor.equals("New_Visitor") ? 0.8 : 0)
                + (Double.isNaN(pageValues) ? 0 : pageValues / 15)
                + (weekend ? 0.3 : 0);
        boolean revenue = r.nextDouble() < 1 / (1 + Math.exp(-logit));
        sb.append(month)
            .append(',')
            .append(visitor)
            .append(',')
            .append(weekend ? "TRUE" : "FALSE")
            .append(',')
            .append(Double.isNaN(pageValues) ? "" : Double.toString(pageValues))
            .append(',')
            .append(duration)
            .append(',')
            .append(revenue)
            .append('\n');
      }
      String csv = sb.toString();
      Dataset d = CsvDatasetLoader.load(() -> new StringReader(csv), CsvOptions.label("Revenue"));
      cached = new Table(csv, d);
    }
    return cached;
  }

  /**
   * A model trained on the table's encoded rows; different seeds give different models (bagged
   * rows, and 15 + seed trees).
   */
  public static String train(long seed) {
    Dataset d = table().dataset();
    int cols = d.featureCount();
    int rows = d.rowCount();
    double[] flat = new double[rows * cols];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(d.row(i), 0, flat, i * cols, cols);
      labels[i] = d.label(i) ? 1f : 0f;
    }
    String categorical =
        Arrays.stream(d.categoricalIndices())
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
    String params =
        "objective=binary num_leaves=8 min_data_in_leaf=5 min_data_per_group=5 cat_smooth=1"
            + " learning_rate=0.1 bagging_fraction=0.8 bagging_freq=1 num_threads=1 deterministic=true force_row_wise=true"
            + " verbose=-1 seed="
            + seed
            + " categorical_feature="
            + categorical;
    try (LGBMDataset ds =
        LGBMDataset.createFromMat(flat, rows, cols, true, "max_bin=63 " + params, null)) {
      ds.setField("label", labels);
      ds.setFeatureNames(LightGbmFeatures.lightGbmNames(d.featureNames()).toArray(String[]::new));
      try (LGBMBooster booster = LGBMBooster.create(ds, params)) {
        for (int i = 0; i < 15 + seed; i++) {
          booster.updateOneIter();
        }
        return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
      }
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The table's schema as the registry stores it (source left unset when {@code source} is). */
  public static FeatureSchema schema(FeatureSource source) {
    Dataset d = table().dataset();
    FeatureSchema.Builder b = FeatureSchema.newBuilder().setVersionHash(HASH).setSource(source);
    for (int i = 0; i < d.featureCount(); i++) {
      String name = d.featureNames().get(i);
      FeatureDefinition.Builder f =
          FeatureDefinition.newBuilder()
              .setName(name)
              .setMissingValues(MissingValues.MISSING_VALUES_NATIVE)
              .setType(
                  switch (d.kind(i)) {
                    case NUMERIC -> FeatureType.FEATURE_TYPE_NUMERIC;
                    case BOOLEAN -> FeatureType.FEATURE_TYPE_BOOLEAN;
                    case CATEGORICAL -> FeatureType.FEATURE_TYPE_CATEGORICAL;
                  });
      CategoricalVocabulary v = d.vocabularies().get(name);
      if (v != null) {
        f.addAllCategories(v.values());
      }
      b.addFeatures(f);
    }
    return b.build();
  }

  /** A registrable version of {@code modelText} over the table's schema, with golden rows. */
  public static ModelVersion.Builder meta(String name, String modelText, FeatureSchema schema) {
    ModelVersion.Builder b =
        ModelVersion.newBuilder()
            .setName(name)
            .setThreshold(0.5)
            .setFeatureSchema(schema)
            .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT);
    for (int i = 0; i < 3; i++) {
      b.addGoldenRows(FakeModelRegistry.goldenRow(modelText, table().dataset().row(i)));
    }
    return b;
  }

  /** Registers a PROVIDED version of {@code modelText}; returns its number. */
  public static long register(FakeModelRegistry registry, String name, String modelText) {
    return registry.register(
        meta(name, modelText, schema(FeatureSource.FEATURE_SOURCE_PROVIDED)),
        modelText.getBytes(StandardCharsets.UTF_8),
        null);
  }

  /** Column names of the table's features, in order. */
  public static List<String> featureNames() {
    return new ArrayList<>(table().dataset().featureNames());
  }
}
