package io.propensity.training.pipeline.model;

import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.imbalance.FitData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGradRDA;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The baseline every model must beat: L2-regularised logistic regression (Tribuo's linear SGD with
 * log loss and AdaGrad-RDA) on standardised features.
 *
 * <p>Encoding, learnt on the fitting rows only: numeric and boolean features are standardised (mean
 * 0, sd 1) with missing values set to the mean plus a missing indicator; categorical features are
 * one-hot encoded over their {@link Settings#maxLevels()} most frequent codes, the rest sharing an
 * "other" column. Positive examples carry the class weight of the fitting data.
 */
public final class LogisticBaseline {
  private static final String POSITIVE = "1";
  private static final String NEGATIVE = "0";

  // Tribuo reports every epoch through java.util.logging; the pipeline reports progress itself.
  // Held in a field: JUL keeps loggers weakly, and a collected logger forgets its level.
  private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

  static {
    TRIBUO_LOG.setLevel(Level.WARNING);
  }

  /**
   * @param epochs passes over the data, ≥ 1
   * @param l2 L2 penalty (per pass over the data), ≥ 0
   * @param learningRate AdaGrad's initial learning rate, > 0
   * @param maxRows fit on a seeded sample of at most this many rows (it is a reference, not the
   *     model)
   * @param maxLevels one-hot columns per categorical feature at most
   * @param seed shuffling and sampling seed
   */
  public record Settings(
      int epochs, double l2, double learningRate, int maxRows, int maxLevels, long seed) {
    public Settings {
      if (epochs < 1 || maxRows < 2 || maxLevels < 1 || l2 < 0 || !(learningRate > 0)) {
        throw new IllegalArgumentException("invalid baseline settings");
      }
    }

    /**
     * 8 epochs, L2 1.0, learning rate 0.1, at most 100,000 rows, 50 levels per categorical feature.
     */
    public static Settings defaults(long seed) {
      return new Settings(8, 1.0, 0.1, 100_000, 50, seed);
    }
  }

  private final Model<Label> model;
  private final Encoder encoder;
  private final String description;

  private LogisticBaseline(Model<Label> model, Encoder encoder, String description) {
    this.model = model;
    this.encoder = encoder;
    this.description = description;
  }

  /** Fits the baseline on {@code fit}, on every column. */
  public static LogisticBaseline fit(
      FitData fit, List<FeatureKind> kinds, Settings settings, CancellationToken cancel) {
    return fit(fit, kinds, settings, Set.of(), cancel);
  }

  /**
   * Fits the baseline on {@code fit}, leaving out the columns {@code leftOut} (e.g. the constant
   * ones: a linear model gains nothing from them but a useless input).
   */
  public static LogisticBaseline fit(
      FitData fit,
      List<FeatureKind> kinds,
      Settings settings,
      Set<Integer> leftOut,
      CancellationToken cancel) {
    cancel.throwIfCancelled();
    int[] rows = sample(fit.rows(), settings.maxRows(), settings.seed());
    Encoder encoder = Encoder.learn(fit, rows, kinds, settings.maxLevels(), leftOut);
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("propensity baseline", factory), factory);
    float positiveWeight = (float) fit.positiveWeight();
    for (int r : rows) {
      boolean positive = fit.label(r);
      ArrayExample<Label> ex =
          new ArrayExample<>(
              new Label(positive ? POSITIVE : NEGATIVE), positive ? positiveWeight : 1f);
      encoder.encode(fit, r, ex);
      data.add(ex);
    }
    cancel.throwIfCancelled();
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(),
            new AdaGradRDA(settings.learningRate(), 1e-6, 0.0, settings.l2(), rows.length),
            settings.epochs(),
            Integer.MAX_VALUE, // logging interval: never
            1,
            settings.seed());
    Model<Label> model = trainer.train(data);
    cancel.throwIfCancelled();
    String description =
        "Logistic regression (Tribuo LinearSGDTrainer, LogMulticlass, AdaGradRDA lr="
            + settings.learningRate()
            + ", L2="
            + settings.l2()
            + ", "
            + settings.epochs()
            + " epochs) on "
            + rows.length
            + " standardised rows, "
            + encoder.width()
            + " inputs"
            + (leftOut.isEmpty() ? "" : ", " + leftOut.size() + " constant columns left out");
    return new LogisticBaseline(model, encoder, description);
  }

  /** P(positive) for every row of {@code rows}. */
  public double[] predictProbabilities(FitData rows) {
    List<Example<Label>> examples = new ArrayList<>(rows.rows());
    for (int r = 0; r < rows.rows(); r++) {
      ArrayExample<Label> ex = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL);
      encoder.encode(rows, r, ex);
      examples.add(ex);
    }
    List<Prediction<Label>> predictions = model.predict(examples);
    double[] out = new double[predictions.size()];
    for (int i = 0; i < out.length; i++) {
      Label p = predictions.get(i).getOutputScores().get(POSITIVE);
      double v = p == null ? 0.0 : p.getScore();
      out[i] = Math.min(1.0, Math.max(0.0, v));
    }
    return out;
  }

  /** What was trained, for reports. */
  public String description() {
    return description;
  }

  private static int[] sample(int n, int max, long seed) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    if (n <= max) {
      return all;
    }
    Random rnd = new Random(seed);
    for (int i = 0; i < max; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] out = java.util.Arrays.copyOf(all, max);
    java.util.Arrays.sort(out);
    return out;
  }

  /** Standardisation and one-hot encoding learnt from the fitting rows. */
  private static final class Encoder {
    private final List<FeatureKind> kinds;
    private final boolean[] leftOut;
    private final double[] mean;
    private final double[] sd;
    private final boolean[] hasMissing;
    private final List<Map<Integer, String>> levels; // per categorical column: code → feature name
    // names built once, not per row: Tribuo keeps a reference per value, so shared strings save
    // memory
    private final String[] numericName;
    private final String[] missingName;
    private final String[] otherName;

    private Encoder(
        List<FeatureKind> kinds,
        boolean[] leftOut,
        double[] mean,
        double[] sd,
        boolean[] hasMissing,
        List<Map<Integer, String>> levels) {
      this.kinds = kinds;
      this.leftOut = leftOut;
      this.mean = mean;
      this.sd = sd;
      this.hasMissing = hasMissing;
      this.levels = levels;
      int n = kinds.size();
      this.numericName = new String[n];
      this.missingName = new String[n];
      this.otherName = new String[n];
      for (int f = 0; f < n; f++) {
        numericName[f] = "f" + f;
        missingName[f] = "f" + f + "_missing";
        otherName[f] = "f" + f + "=other";
      }
    }

    static Encoder learn(
        FitData fit, int[] rows, List<FeatureKind> kinds, int maxLevels, Set<Integer> skip) {
      int cols = fit.cols();
      boolean[] leftOut = new boolean[cols];
      double[] mean = new double[cols];
      double[] sd = new double[cols];
      boolean[] hasMissing = new boolean[cols];
      List<Map<Integer, String>> levels = new ArrayList<>();
      for (int f = 0; f < cols; f++) {
        Map<Integer, String> lv = new HashMap<>();
        if (skip.contains(f)) {
          leftOut[f] = true;
        } else if (kinds.get(f) == FeatureKind.CATEGORICAL) {
          Map<Integer, Integer> freq = new HashMap<>();
          for (int r : rows) {
            double v = fit.value(r, f);
            if (Double.isNaN(v)) {
              hasMissing[f] = true;
            } else {
              freq.merge((int) v, 1, Integer::sum);
            }
          }
          int ff = f;
          freq.entrySet().stream()
              .sorted(
                  Map.Entry.<Integer, Integer>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.comparingByKey()))
              .limit(maxLevels)
              .forEach(e -> lv.put(e.getKey(), "f" + ff + "=" + e.getKey()));
        } else {
          double s = 0;
          double s2 = 0;
          int n = 0;
          for (int r : rows) {
            double v = fit.value(r, f);
            if (Double.isNaN(v)) {
              hasMissing[f] = true;
            } else {
              s += v;
              s2 += v * v;
              n++;
            }
          }
          mean[f] = n == 0 ? 0 : s / n;
          double var = n == 0 ? 0 : s2 / n - mean[f] * mean[f];
          sd[f] = var > 1e-24 ? Math.sqrt(var) : 0;
        }
        levels.add(lv);
      }
      return new Encoder(kinds, leftOut, mean, sd, hasMissing, levels);
    }

    int width() {
      int w = 0;
      for (int f = 0; f < kinds.size(); f++) {
        if (leftOut[f]) {
          continue;
        }
        if (kinds.get(f) == FeatureKind.CATEGORICAL) {
          w += levels.get(f).size() + 1;
        } else if (sd[f] > 0) {
          w++;
        }
        if (hasMissing[f]) {
          w++;
        }
      }
      return w;
    }

    void encode(FitData data, int row, ArrayExample<Label> ex) {
      ex.add("const", 1.0); // never an empty example, even when every value is missing
      for (int f = 0; f < kinds.size(); f++) {
        if (leftOut[f]) {
          continue;
        }
        double v = data.value(row, f);
        if (Double.isNaN(v)) {
          if (hasMissing[f]) {
            ex.add(missingName[f], 1.0);
          }
          continue; // standardised mean = 0; categorical: no level
        }
        if (kinds.get(f) == FeatureKind.CATEGORICAL) {
          String name = levels.get(f).get((int) v);
          ex.add(name != null ? name : otherName[f], 1.0);
        } else if (sd[f] > 0) {
          ex.add(numericName[f], (v - mean[f]) / sd[f]);
        }
      }
    }
  }
}
