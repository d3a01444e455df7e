package io.propensity.runtime.calibration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Fits a {@link Calibration} to raw scores (log-odds) and true labels of held-out rows: in
 * training, out-of-fold scores of the rows a refitted model is trained on, or the validation rows
 * scored by the model fitted on the training rows only.
 *
 * <p>Written by hand on purpose: both fits are short, numerically simple and must give the same
 * numbers on every machine, and no maintained, Apache-licensed Java library offers them (Tribuo has
 * no calibration; Smile's PlattScaling and IsotonicRegressionScaling are GPL since Smile 3).
 *
 * <ul>
 *   <li><b>Platt scaling</b>: maximum likelihood of {@code p = sigmoid(a · raw + b)} by Newton's
 *       method with a backtracking line search (Lin, Lin and Weng, "A note on Platt's probabilistic
 *       outputs for support vector machines", 2007), with Platt's smoothed targets {@code (N₊ + 1)
 *       / (N₊ + 2)} for positives and {@code 1 / (N₋ + 2)} for negatives, so no fit is ever
 *       certain.
 *   <li><b>Isotonic</b>: the pool-adjacent-violators fit of the labels on the raw score (rows with
 *       equal raw scores pooled first), then one point per block at the block's mean raw score with
 *       the block's positive rate: the centred isotonic regression of Oron and Flournoy (2017). The
 *       map interpolates linearly between the points, so it is strictly increasing between the
 *       first and the last block and rows the model ranks apart stay apart (a plain step function
 *       would tie every row of a block, and lower ROC-AUC); it is flat beyond the extreme blocks.
 * </ul>
 *
 * <p>Neither fit may reverse the model's ranking: when the held-out rows show no rising relation
 * between raw score and outcome (a Platt slope ≤ 0, a single isotonic block), or hold a single
 * class, the result is no calibration, with the reason.
 */
public final class Calibrator {

  /** {@link CalibrationMethod#AUTO} picks isotonic at this many positives and negatives each. */
  public static final int MIN_CLASS_ROWS_FOR_ISOTONIC = 100;

  private static final int MAX_NEWTON_STEPS = 100;
  private static final double MIN_STEP = 1e-10;
  private static final double HESSIAN_RIDGE = 1e-12;
  private static final double GRADIENT_TOLERANCE = 1e-5;

  private Calibrator() {}

  /**
   * Fits the calibration {@code requested} asks for.
   *
   * @param requested the method, or {@link CalibrationMethod#AUTO}
   * @param rawScores the model's raw score of each held-out row, finite
   * @param labels each row's true label, same length
   * @throws IllegalArgumentException for mismatched lengths or a non-finite raw score
   */
  public static CalibrationFit fit(
      CalibrationMethod requested, double[] rawScores, boolean[] labels) {
    Objects.requireNonNull(requested, "requested");
    check(rawScores, labels);
    long rows = rawScores.length;
    long positives = positives(labels);
    long negatives = rows - positives;
    if (requested == CalibrationMethod.NONE) {
      return new CalibrationFit(Calibration.none(), "calibration off (none was asked for)", 0, 0);
    }
    if (positives == 0 || negatives == 0) {
      return new CalibrationFit(
          Calibration.none(),
          "left uncalibrated: the "
              + rows
              + " held-out rows hold "
              + (positives == 0 ? "no positive" : "no negative")
              + ", so there is nothing to calibrate against",
          rows,
          positives);
    }
    CalibrationMethod method = requested;
    String why = "";
    if (requested == CalibrationMethod.AUTO) {
      boolean enough =
          positives >= MIN_CLASS_ROWS_FOR_ISOTONIC && negatives >= MIN_CLASS_ROWS_FOR_ISOTONIC;
      method = enough ? CalibrationMethod.ISOTONIC : CalibrationMethod.PLATT;
      why =
          String.format(
              Locale.ROOT,
              "auto chose %s: the held-out rows hold %d positives and %d negatives (isotonic"
                  + " needs at least %d of each)",
              enough ? "isotonic" : "Platt scaling",
              positives,
              negatives,
              MIN_CLASS_ROWS_FOR_ISOTONIC);
    } else {
      why = (method == CalibrationMethod.PLATT ? "Platt scaling" : "isotonic") + " as asked";
    }
    String on = String.format(Locale.ROOT, "%d held-out rows, %d positive", rows, positives);
    if (method == CalibrationMethod.PLATT) {
      Calibration.Platt platt = platt(rawScores, labels);
      if (!(platt.slope() > 0)) {
        return new CalibrationFit(
            Calibration.none(),
            why
                + "; left uncalibrated: on the "
                + on
                + " the outcome does not rise with the raw score (Platt slope "
                + String.format(Locale.ROOT, "%.4g", platt.slope())
                + "), and a calibration must keep the model's ranking",
            rows,
            positives);
      }
      return new CalibrationFit(platt, why + "; fitted on " + on, rows, positives);
    }
    Calibration.Isotonic isotonic = isotonic(rawScores, labels);
    if (isotonic.size() < 2) {
      return new CalibrationFit(
          Calibration.none(),
          why
              + "; left uncalibrated: on the "
              + on
              + " the outcome does not rise with the raw score (one isotonic block), and a"
              + " calibration must keep the model's ranking",
          rows,
          positives);
    }
    return new CalibrationFit(
        isotonic, why + "; fitted on " + on + ", " + isotonic.size() + " points", rows, positives);
  }

  /**
   * Platt scaling by maximum likelihood with smoothed targets. When the raw score does not predict
   * the labels the best slope is ≤ 0; it is then returned as 0, and {@link #fit} refuses it.
   */
  public static Calibration.Platt platt(double[] rawScores, boolean[] labels) {
    check(rawScores, labels);
    int n = rawScores.length;
    long positives = positives(labels);
    long negatives = n - positives;
    double hiTarget = (positives + 1.0) / (positives + 2.0);
    double loTarget = 1.0 / (negatives + 2.0);
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = labels[i] ? hiTarget : loTarget;
    }
    double a = 0;
    double b = Math.log((positives + 1.0) / (negatives + 1.0));
    double loss = plattLoss(rawScores, t, a, b);
    for (int step = 0; step < MAX_NEWTON_STEPS; step++) {
      double ga = 0;
      double gb = 0;
      double haa = HESSIAN_RIDGE;
      double hbb = HESSIAN_RIDGE;
      double hab = 0;
      for (int i = 0; i < n; i++) {
        double f = rawScores[i];
        double p = Calibration.sigmoid(a * f + b);
        double d = p - t[i];
        double w = p * (1 - p);
        ga += d * f;
        gb += d;
        haa += w * f * f;
        hbb += w;
        hab += w * f;
      }
      if (Math.abs(ga) < GRADIENT_TOLERANCE && Math.abs(gb) < GRADIENT_TOLERANCE) {
        break;
      }
      double det = haa * hbb - hab * hab;
      double da = -(hbb * ga - hab * gb) / det;
      double db = -(-hab * ga + haa * gb) / det;
      double slope = ga * da + gb * db; // directional derivative, < 0 for a descent direction
      double stepSize = 1;
      boolean moved = false;
      while (stepSize >= MIN_STEP) {
        double na = a + stepSize * da;
        double nb = b + stepSize * db;
        double nl = plattLoss(rawScores, t, na, nb);
        if (nl < loss + 1e-4 * stepSize * slope) {
          a = na;
          b = nb;
          loss = nl;
          moved = true;
          break;
        }
        stepSize /= 2;
      }
      if (!moved) {
        break; // no further decrease within floating-point precision
      }
    }
    return new Calibration.Platt(Math.max(0, a), b);
  }

  /** Negative log-likelihood of targets {@code t} under {@code sigmoid(a·f + b)}, overflow-free. */
  private static double plattLoss(double[] f, double[] t, double a, double b) {
    double sum = 0;
    for (int i = 0; i < f.length; i++) {
      double z = a * f[i] + b;
      // -[t·log p + (1-t)·log(1-p)] = log(1 + e^z) - t·z
      double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      sum += softplus - t[i] * z;
    }
    return sum;
  }

  /**
   * The centred isotonic fit: one point per pool-adjacent-violators block, at the block's mean raw
   * score, with its positive rate clamped into [{@link Calibration#MIN_PROBABILITY}, 1 − {@link
   * Calibration#MIN_PROBABILITY}].
   */
  public static Calibration.Isotonic isotonic(double[] rawScores, boolean[] labels) {
    List<Block> blocks = poolAdjacentViolators(rawScores, labels);
    double[] x = new double[blocks.size()];
    double[] y = new double[blocks.size()];
    for (int i = 0; i < x.length; i++) {
      Block b = blocks.get(i);
      x[i] = b.rawSum / b.rows;
      y[i] = Calibration.clamp(b.positives / b.rows);
    }
    return new Calibration.Isotonic(x, y);
  }

  /**
   * One block of the isotonic fit: consecutive rows (by raw score) that share one fitted value.
   *
   * @param minRaw lowest raw score in the block
   * @param maxRaw highest raw score in the block
   * @param rows rows in the block
   * @param rate positive rate of the block, the fitted value
   */
  public record IsotonicBlock(double minRaw, double maxRaw, long rows, double rate) {}

  /**
   * The pool-adjacent-violators solution: the non-decreasing step function of the raw score closest
   * to the labels in squared error, as blocks in raw-score order. Rows with equal raw scores always
   * share a block; the blocks' rates strictly increase (equal neighbours are pooled).
   */
  public static List<IsotonicBlock> isotonicBlocks(double[] rawScores, boolean[] labels) {
    return poolAdjacentViolators(rawScores, labels).stream()
        .map(b -> new IsotonicBlock(b.minRaw, b.maxRaw, (long) b.rows, b.positives / b.rows))
        .toList();
  }

  /** A block under construction: sums over its rows. */
  private static final class Block {
    double minRaw;
    double maxRaw;
    double rows;
    double positives;
    double rawSum;

    double rate() {
      return positives / rows;
    }
  }

  private static List<Block> poolAdjacentViolators(double[] rawScores, boolean[] labels) {
    check(rawScores, labels);
    int n = rawScores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (i, j) -> Double.compare(rawScores[i], rawScores[j]));
    List<Block> stack = new ArrayList<>();
    int k = 0;
    while (k < n) {
      // rows with the same raw score form one starting block
      Block b = new Block();
      double raw = rawScores[order[k]];
      b.minRaw = raw;
      b.maxRaw = raw;
      while (k < n && rawScores[order[k]] == raw) {
        b.rows++;
        b.rawSum += raw;
        if (labels[order[k]]) {
          b.positives++;
        }
        k++;
      }
      stack.add(b);
      while (stack.size() > 1
          && stack.get(stack.size() - 2).rate() >= stack.get(stack.size() - 1).rate()) {
        Block top = stack.remove(stack.size() - 1);
        Block below = stack.get(stack.size() - 1);
        below.maxRaw = top.maxRaw;
        below.rows += top.rows;
        below.positives += top.positives;
        below.rawSum += top.rawSum;
      }
    }
    return stack;
  }

  private static void check(double[] rawScores, boolean[] labels) {
    if (rawScores.length != labels.length) {
      throw new IllegalArgumentException(
          rawScores.length + " raw scores but " + labels.length + " labels");
    }
    for (int i = 0; i < rawScores.length; i++) {
      if (!Double.isFinite(rawScores[i])) {
        throw new IllegalArgumentException("raw score " + i + " is " + rawScores[i]);
      }
    }
  }

  private static long positives(boolean[] labels) {
    long p = 0;
    for (boolean l : labels) {
      if (l) {
        p++;
      }
    }
    return p;
  }
}
