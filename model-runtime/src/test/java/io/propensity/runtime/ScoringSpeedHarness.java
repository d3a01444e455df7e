package io.propensity.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Manual tool, not a test: times the Java scorer ({@code predictRaw}), the native fast path ({@code
 * LightGbmModel.predictProbability}) and Java top-5 SHAP interleaved in one JVM, so that their
 * ratios hold on a shared machine; times are the thread's CPU time. Run with the test classpath:
 * {@code java -cp ... io.propensity.runtime.ScoringSpeedHarness [trees...]}.
 */
final class ScoringSpeedHarness {

  private static final int FEATURES = 107;
  private static final int ROWS = 2000;

  private ScoringSpeedHarness() {}

  public static void main(String[] args) throws Exception {
    int[] treeCounts = args.length == 0 ? new int[] {100, 500} : parse(args);
    for (int trees : treeCounts) {
      run(trees);
    }
  }

  private static int[] parse(String[] args) {
    return Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
  }

  private static void run(int treeCount) throws Exception {
    TrainedModels.Data data = data(ROWS, FEATURES, 11);
    String text =
        TrainedModels.binary(
            data,
            treeCount,
            "num_leaves=31 min_data_in_leaf=5 learning_rate=0.1 bagging_fraction=0.8 bagging_freq=1"
                + " feature_fraction=0.9 "
                + TrainedModels.DETERMINISTIC);
    LightGbmTrees java = LightGbmTrees.fromModelText(text);
    double[][] rows = data.rows();
    int[] features = new int[5];
    double[] values = new double[5];
    try (LightGbmModel nativeModel =
        LightGbmModel.fromModelText(
            text, LightGbmModel.LoadOptions.defaults().withMaxConcurrentScorers(1))) {
      int rounds = 15;
      double[] raw = new double[rounds];
      double[] nat = new double[rounds];
      double[] top = new double[rounds];
      double sink = 0;
      // thread CPU time, not wall time: the machine is shared, and a descheduled slice is no cost
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      for (int round = -5; round < rounds; round++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        for (double[] row : rows) {
          sink += java.predictRaw(row);
        }
        long t1 = cpu.getCurrentThreadCpuTime();
        for (double[] row : rows) {
          sink += nativeModel.predictProbability(row);
        }
        long t2 = cpu.getCurrentThreadCpuTime();
        for (double[] row : rows) {
          sink += java.topContributions(row, 5, features, values);
        }
        long t3 = cpu.getCurrentThreadCpuTime();
        if (round >= 0) {
          raw[round] = (t1 - t0) / (double) rows.length;
          nat[round] = (t2 - t1) / (double) rows.length;
          top[round] = (t3 - t2) / (double) rows.length;
        }
      }
      double[] rawOverNative = new double[rounds];
      double[] topOverRaw = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        rawOverNative[i] = raw[i] / nat[i];
        topOverRaw[i] = top[i] / raw[i];
      }
      System.out.printf(
          "%d trees: java %.0f ns, native %.0f ns, top5 %.0f ns; java/native %.3f, top5/java %.1f"
              + " (medians; sink %s)%n",
          treeCount,
          median(raw),
          median(nat),
          median(top),
          median(rawOverNative),
          median(topOverRaw),
          sink != 0);
    }
  }

  /** Gaussian, count-like and mostly-zero columns, some missing, as serving rows look. */
  private static TrainedModels.Data data(int count, int features, long seed) {
    TrainedModels.Data base = TrainedModels.data(count, features, seed);
    Random random = new Random(seed + 1);
    for (double[] row : base.rows()) {
      for (int f = 4; f < features; f++) {
        switch (f % 4) {
          case 0 -> row[f] = random.nextInt(6);
          case 1 -> row[f] = random.nextDouble() < 0.7 ? 0.0 : random.nextDouble() * 100;
          case 2 -> row[f] = random.nextDouble() < 0.1 ? Double.NaN : row[f];
          default -> {}
        }
      }
    }
    return base;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
