package io.propensity.bench.training;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Table;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.FeatureSpec;
import io.propensity.engine.labels.Cutoffs;
import io.propensity.engine.labels.LabelDefinition;
import io.propensity.engine.labels.TrainingRow;
import io.propensity.engine.labels.TrainingSetBuilder;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.sources.demo.DemoDataGenerator;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.Stage;
import io.propensity.training.pipeline.TrainingPipeline;
import io.propensity.training.pipeline.TrainingRequest;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import io.propensity.training.pipeline.imbalance.FitData;
import io.propensity.training.pipeline.imbalance.ImbalanceHandler;
import io.propensity.training.pipeline.imbalance.ImbalanceStrategy;
import io.propensity.training.pipeline.model.BoostingSettings;
import io.propensity.training.pipeline.model.EarlyStoppingMetric;
import io.propensity.training.pipeline.model.Hyperparameters;
import io.propensity.training.pipeline.model.LightGbmTrainer;
import io.propensity.training.pipeline.split.DataSplit;
import io.propensity.training.pipeline.split.SplitConfig;
import io.propensity.training.pipeline.split.Splitter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Overhead of the training pipeline's final LightGBM fit against LightGBM4j driven directly on the
 * same rows with the same parameters, plus test metrics of the baseline and LightGBM per imbalance
 * strategy, and the JVM's peak RSS. All in-process, on the demo data turned into a purchase-7d
 * training set by feature-engine's {@code TrainingSetBuilder} (no service, no store).
 */
public final class TrainingOverheadBench {
  private static final String USAGE =
      """
      TrainingOverheadBench: TrainingPipeline.run (tuning off, fixed iterations) vs bare LightGBM4j on the same rows.
        --users N         demo users simulated (default 2000, ~40k rows; window ends 2024-03-01, fixed)
        --weeks N         weeks of daily cutoffs, ending horizon+1 day before the data ends (default 4)
        --horizon-days N  purchase horizon (default 7)
        --iterations N    boosting rounds on both sides, early stopping disabled (default 200)
        --rounds N        timing rounds, alternating which side goes first (default 3)
        --quality true|false  also run the pipeline with CLASS_WEIGHTS and SMOTE for the metrics table (default true)
        --threads N       LightGBM threads on both sides (default: available processors)
        --seed N          seed of split, SMOTE, baseline and LightGBM (default 42)
      """;

  private TrainingOverheadBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    int users = args.intValue("users", 2_000, 100, 200_000);
    int weeks = args.intValue("weeks", 4, 1, 12);
    int horizonDays = args.intValue("horizon-days", 7, 1, 30);
    int iterations = args.intValue("iterations", 200, 1, 5_000);
    int rounds = args.intValue("rounds", 3, 1, 20);
    boolean quality = args.bool("quality", true);
    long seed = args.longValue("seed", 42, 0, Long.MAX_VALUE);
    int threads =
        args.intValue("threads", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 256);
    args.done();
    System.out.println(Machine.describe());
    System.out.println("java.io.tmpdir = " + System.getProperty("java.io.tmpdir"));

    // ---- data ----
    long t0 = System.nanoTime();
    Dataset data = buildDataset(users, weeks, horizonDays);
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "training set: %s built in-process in %.1f s (%d users, %d daily cutoffs, purchase %dd)%n",
        data,
        buildSeconds,
        users,
        weeks * 7,
        horizonDays);

    Hyperparameters hp = Hyperparameters.defaults();
    // patience > iterations: early stopping can never trigger, both sides boost exactly
    // `iterations` rounds
    BoostingSettings boosting =
        new BoostingSettings(
            iterations, iterations + 1, EarlyStoppingMetric.BINARY_LOGLOSS, threads, seed);
    SplitConfig split =
        new SplitConfig(SplitConfig.SplitMode.TIME, 0.2, 0.15, Duration.ofDays(horizonDays), seed);
    TrainingSource source =
        new TrainingSource.InMemory(
            data, "demo purchase_" + horizonDays + "d (bench, in-process)", "purchase");

    // the rows the pipeline fits on: same split, same (NONE) preparation
    DataSplit ds = Splitter.split(data, split);
    FitData fitTrain =
        ImbalanceHandler.prepareFit(data, ds.train(), ImbalanceStrategy.none(), seed);
    FitData fitValid = FitData.of(data, ds.validation());
    int[] categorical = data.categoricalIndices();
    System.out.printf(
        Locale.ROOT,
        "split (time, purge %dd): train %,d, validation %,d, test %,d rows; fit matrix %,d x %d; %d LightGBM threads%n",
        horizonDays,
        ds.train().length,
        ds.validation().length,
        ds.test().length,
        fitTrain.rows(),
        fitTrain.cols(),
        threads);

    // ---- warm-up: one of each, untimed (class loading, native library extraction, JIT) ----
    System.out.println("warm-up: one bare fit and one pipeline run (untimed)...");
    bareFit(fitTrain, data.featureNames(), categorical, hp, boosting, Math.min(iterations, 20));
    runPipeline(
        source,
        split,
        ImbalanceStrategy.none(),
        hp,
        boosting.withMaxIterations(Math.min(iterations, 20)),
        seed);

    // ---- timing rounds ----
    List<Bare> bares = new ArrayList<>();
    List<Bare> baresValid = new ArrayList<>();
    List<TrainingResult> pipes = new ArrayList<>();
    List<Double> pipeWall = new ArrayList<>();
    List<Double> pipeCpu = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      boolean bareFirst = r % 2 == 0;
      System.out.printf(
          Locale.ROOT,
          "round %d/%d (%s first)...%n",
          r + 1,
          rounds,
          bareFirst ? "bare" : "pipeline");
      for (int step = 0; step < 3; step++) {
        int side = bareFirst ? step : 2 - step; // 0 bare, 1 bare + validation eval, 2 pipeline
        if (side == 0) {
          bares.add(bareFit(fitTrain, data.featureNames(), categorical, hp, boosting, iterations));
        } else if (side == 1) {
          baresValid.add(
              bareFit(
                  fitTrain, fitValid, data.featureNames(), categorical, hp, boosting, iterations));
        } else {
          long s = System.nanoTime();
          double c = processCpuSeconds();
          pipes.add(runPipeline(source, split, ImbalanceStrategy.none(), hp, boosting, seed));
          pipeCpu.add(processCpuSeconds() - c);
          pipeWall.add((System.nanoTime() - s) / 1e9);
        }
      }
    }
    reportTiming(bares, baresValid, pipes, pipeWall, pipeCpu, iterations, threads);

    // ---- quality per imbalance strategy ----
    Map<String, TrainingResult> byStrategy = new LinkedHashMap<>();
    byStrategy.put("NONE", pipes.get(pipes.size() - 1));
    if (quality) {
      for (ImbalanceStrategy s :
          List.of(ImbalanceStrategy.classWeights(), ImbalanceStrategy.smote())) {
        System.out.println("pipeline with " + s.describe() + "...");
        byStrategy.put(s.describe(), runPipeline(source, split, s, hp, boosting, seed));
      }
    }
    reportQuality(byStrategy, iterations, horizonDays);

    reportMemory(bares, baresValid);
    System.out.println("at the end, " + Machine.describe());
  }

  // ------------------------------------------------------------------ data

  static Dataset buildDataset(int users, int weeks, int horizonDays) {
    Instant end = DemoSets.FIXED_END;
    Instant lastCutoff = end.minus(Duration.ofDays(horizonDays + 1));
    Instant firstCutoff = lastCutoff.minus(Duration.ofDays(weeks * 7L - 1));
    List<Instant> cutoffs = Cutoffs.rolling(firstCutoff, lastCutoff, Duration.ofDays(1));
    DemoDataGenerator g = DemoSets.generator(users, end);
    TrainingSetBuilder builder =
        new TrainingSetBuilder(LabelDefinition.purchase(Duration.ofDays(horizonDays)));
    Dataset.Builder rows = null;
    for (int u = 0; u < users; u++) {
      List<Event> history = g.userEvents(u);
      for (TrainingRow row : builder.build(history, cutoffs)) {
        if (rows == null) {
          List<String> names = new ArrayList<>();
          List<FeatureKind> kinds = new ArrayList<>();
          for (FeatureSpec f : row.features().schema().features()) {
            names.add(f.name());
            kinds.add(
                switch (f.type()) {
                  case BOOLEAN -> FeatureKind.BOOLEAN;
                  case CATEGORICAL -> FeatureKind.CATEGORICAL;
                  default -> FeatureKind.NUMERIC;
                });
          }
          rows = Dataset.builder(names, kinds, 65_536);
        }
        rows.add(row.features().values(), row.label(), row.cutoff(), row.userId());
      }
    }
    if (rows == null) {
      throw new IllegalStateException("no training rows: too few users");
    }
    return rows.build();
  }

  // ------------------------------------------------------------------ the two sides

  static TrainingResult runPipeline(
      TrainingSource source,
      SplitConfig split,
      ImbalanceStrategy imbalance,
      Hyperparameters hp,
      BoostingSettings boosting,
      long seed) {
    TrainingRequest req =
        TrainingRequest.builder(source)
            .target("purchase_7d")
            .seed(seed)
            .split(split)
            .imbalance(imbalance)
            .hyperparameters(hp)
            .boosting(boosting)
            .refitOnTrainAndValidation(false) // one fit, as on the bare side
            .build();
    return new TrainingPipeline().run(req, ProgressListener.none(), CancellationToken.none());
  }

  /** What the bare LightGBM4j fit measured (seconds) and RSS around it (bytes). */
  record Bare(
      double construct, double boost, double save, double cpu, long rssBefore, long rssPeakInFit) {
    double fit() {
      return construct + boost;
    }

    double total() {
      return construct + boost + save;
    }
  }

  /**
   * LightGBM4j directly: the pipeline's own booster parameters and the same dataset parameters,
   * createFromMat + label + LGBMBooster.create + updateOneIter × n, then saveModelToString (timed
   * apart). No validation set, no listener, no cancellation checks.
   */
  static Bare bareFit(
      FitData fit,
      List<String> names,
      int[] categorical,
      Hyperparameters hp,
      BoostingSettings s,
      int n)
      throws Exception {
    return bareFit(fit, null, names, categorical, hp, s, n);
  }

  /**
   * As above; with {@code validation} non-null, also what early stopping needs: the validation rows
   * as a LightGBM dataset binned like the training one, added to the booster, and its metrics read
   * after every round ({@code getEval(1)}), as {@code LightGbmTrainer} does.
   */
  static Bare bareFit(
      FitData fit,
      FitData validation,
      List<String> names,
      int[] categorical,
      Hyperparameters hp,
      BoostingSettings s,
      int n)
      throws Exception {
    Map<String, String> params = LightGbmTrainer.boosterParams(fit, categorical, hp, s);
    Map<String, String> dsParams = new LinkedHashMap<>();
    for (String k :
        List.of(
            "max_bin",
            "feature_pre_filter",
            "categorical_feature",
            "num_threads",
            "seed",
            "verbosity")) {
      if (params.containsKey(k)) {
        dsParams.put(k, params.get(k));
      }
    }
    long rssBefore = rss();
    double cpu0 = processCpuSeconds();
    long a = System.nanoTime();
    LGBMDataset train =
        LGBMDataset.createFromMat(fit.values(), fit.rows(), fit.cols(), true, join(dsParams), null);
    LGBMBooster booster = null;
    LGBMDataset valid = null;
    double sink = 0;
    try {
      train.setField("label", fit.labelsAsFloats());
      train.setFeatureNames(LightGbmTrainer.lightGbmFeatureNames(names).toArray(String[]::new));
      booster = LGBMBooster.create(train, join(params));
      if (validation != null) {
        valid =
            LGBMDataset.createFromMat(
                validation.values(),
                validation.rows(),
                validation.cols(),
                true,
                join(dsParams),
                train);
        valid.setField("label", validation.labelsAsFloats());
        booster.addValidData(valid);
      }
      long b = System.nanoTime();
      long peak = rss();
      for (int it = 1; it <= n; it++) {
        if (booster.updateOneIter()) {
          throw new IllegalStateException(
              "LightGBM stopped at iteration " + it + " (no split improves)");
        }
        if (valid != null) {
          sink += booster.getEval(1)[0];
        }
        if (it % 50 == 0) {
          peak = Math.max(peak, rss());
        }
      }
      long c = System.nanoTime();
      peak = Math.max(peak, rss());
      String text = booster.saveModelToString(0, n, LGBMBooster.FeatureImportanceType.GAIN);
      long d = System.nanoTime();
      if (text.isEmpty() || Double.isNaN(sink)) {
        throw new IllegalStateException("empty model");
      }
      return new Bare(
          (b - a) / 1e9, (c - b) / 1e9, (d - c) / 1e9, processCpuSeconds() - cpu0, rssBefore, peak);
    } finally {
      if (booster != null) {
        booster.close();
      }
      if (valid != null) {
        valid.close();
      }
      train.close();
    }
  }

  private static String join(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  // ------------------------------------------------------------------ reports

  private static double seconds(TrainingResult r, Stage s) {
    Duration d = r.timings().get(s);
    return d == null ? 0 : d.toNanos() / 1e9;
  }

  private static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private static void reportTiming(
      List<Bare> bares,
      List<Bare> baresValid,
      List<TrainingResult> pipes,
      List<Double> wall,
      List<Double> cpu,
      int iterations,
      int threads) {
    Table t =
        new Table(
            "Final fit: TrainingPipeline.run (tuning off, NONE, "
                + iterations
                + " rounds, no early stop, no refit) vs bare LightGBM4j, same rows/params, "
                + threads
                + " threads",
            "round",
            "bare fit",
            "bare +save",
            "bare +valid eval +save",
            "pipeline TRAINING",
            "ratio TRAINING/bare+save",
            "pipeline total",
            "ratio total/bare+save",
            "baseline stage",
            "explain stage",
            "iterations",
            "CPU bare",
            "CPU pipeline run");
    List<Double> ratioTraining = new ArrayList<>();
    List<Double> ratioTrainingFit = new ArrayList<>();
    List<Double> ratioTotal = new ArrayList<>();
    List<Double> ratioValid = new ArrayList<>();
    List<Double> ratioValidToBare = new ArrayList<>();
    for (int i = 0; i < bares.size(); i++) {
      Bare b = bares.get(i);
      TrainingResult p = pipes.get(i);
      double tr = seconds(p, Stage.TRAINING);
      double total = p.totalTime().toNanos() / 1e9;
      ratioTraining.add(tr / b.total());
      ratioTrainingFit.add(tr / b.fit());
      ratioTotal.add(total / b.total());
      Bare bv = baresValid.get(i);
      ratioValid.add(tr / bv.total());
      ratioValidToBare.add(bv.total() / b.total());
      t.row(
          (i + 1) + (i % 2 == 0 ? " (bare first)" : " (pipeline first)"),
          Table.seconds(b.fit()),
          Table.seconds(b.total()),
          Table.seconds(bv.total()),
          Table.seconds(tr),
          String.format(Locale.ROOT, "%.3fx", tr / b.total()),
          Table.seconds(total),
          String.format(Locale.ROOT, "%.3fx", total / b.total()),
          Table.seconds(seconds(p, Stage.BASELINE)),
          Table.seconds(seconds(p, Stage.EXPLAINING)),
          Integer.toString(p.iterations()),
          Table.seconds(b.cpu()),
          Table.seconds(cpu.get(i)));
    }
    t.print(System.out);

    TrainingResult last = pipes.get(pipes.size() - 1);
    Table st =
        new Table(
            "Pipeline stage timings, last timed round (TrainingResult.timings())",
            "stage",
            "wall time",
            "share of total");
    double total = last.totalTime().toNanos() / 1e9;
    for (Map.Entry<Stage, Duration> e : last.timings().entrySet()) {
      double s = e.getValue().toNanos() / 1e9;
      st.row(e.getKey().name(), Table.seconds(s), Table.percent(s / total));
    }
    st.row("total (TrainingResult.totalTime)", Table.seconds(total), "100.0%");
    st.row("wall time around run()", Table.seconds(wall.get(wall.size() - 1)), "-");
    st.print(System.out);

    Bare lb = bares.get(bares.size() - 1);
    Table bt = new Table("Bare LightGBM4j fit, last round, breakdown", "part", "wall time");
    bt.row(
        "createFromMat + setField(label) + setFeatureNames + LGBMBooster.create",
        Table.seconds(lb.construct()));
    bt.row("updateOneIter x " + iterations, Table.seconds(lb.boost()));
    bt.row("saveModelToString", Table.seconds(lb.save()));
    bt.print(System.out);

    double med = median(ratioTraining);
    Table r =
        new Table(
            "Overhead (median over " + bares.size() + " alternating rounds)", "figure", "value");
    r.row(
        "pipeline TRAINING stage / bare fit incl. save (goal <= 1.20)",
        String.format(Locale.ROOT, "%.3fx (%s)", med, med <= 1.20 ? "met" : "NOT met"));
    r.row(
        "pipeline TRAINING stage / bare fit excl. save",
        String.format(Locale.ROOT, "%.3fx", median(ratioTrainingFit)));
    r.row(
        "bare fit with validation set + per-round getEval / bare fit (the cost of early stopping's bookkeeping)",
        String.format(Locale.ROOT, "%.3fx", median(ratioValidToBare)));
    r.row(
        "pipeline TRAINING stage / bare fit with validation eval (pipeline's own overhead)",
        String.format(Locale.ROOT, "%.3fx", median(ratioValid)));
    r.row(
        "pipeline total / bare fit incl. save",
        String.format(Locale.ROOT, "%.3fx", median(ratioTotal)));
    r.row(
        "TRAINING stage includes",
        "validation Dataset build + per-iteration validation eval + model reload + validation scoring + threshold");
    r.print(System.out);
  }

  private static void reportQuality(
      Map<String, TrainingResult> byStrategy, int iterations, int horizonDays) {
    Table t =
        new Table(
            "Test-set metrics, demo purchase_"
                + horizonDays
                + "d, time split, seed fixed, LightGBM "
                + iterations
                + " rounds (no early stop, no refit); thresholds chosen on validation (max F1)",
            "imbalance",
            "model",
            "ROC-AUC",
            "PR-AUC",
            "F1",
            "precision",
            "recall",
            "threshold",
            "test rows",
            "test pos",
            "synthetic rows");
    for (Map.Entry<String, TrainingResult> e : byStrategy.entrySet()) {
      TrainingResult r = e.getValue();
      row(
          t,
          e.getKey(),
          "Tribuo logistic baseline",
          r.baselineEvaluation(),
          r.lineage().syntheticRows());
      row(t, e.getKey(), "LightGBM", r.modelEvaluation(), r.lineage().syntheticRows());
    }
    t.print(System.out);
    TrainingResult any = byStrategy.values().iterator().next();
    System.out.printf(
        Locale.ROOT,
        "rows: train %,d / validation %,d / test %,d; positive rate train %s, test %s%n",
        any.lineage().trainRows(),
        any.lineage().validationRows(),
        any.lineage().testRows(),
        Table.percent(any.lineage().trainPositiveRate()),
        Table.percent(any.lineage().testPositiveRate()));
  }

  private static void row(
      Table t, String strategy, String model, BinaryEvaluation e, int synthetic) {
    t.row(
        strategy,
        model,
        String.format(Locale.ROOT, "%.4f", e.rocAuc()),
        String.format(Locale.ROOT, "%.4f", e.prAuc()),
        String.format(Locale.ROOT, "%.4f", e.f1()),
        String.format(Locale.ROOT, "%.4f", e.precision()),
        String.format(Locale.ROOT, "%.4f", e.recall()),
        String.format(Locale.ROOT, "%.4f", e.threshold()),
        Table.count(e.rows()),
        Table.count(e.positives()),
        Table.count(synthetic));
  }

  private static void reportMemory(List<Bare> bares, List<Bare> baresValid) {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long heapCommitted = mx.getHeapMemoryUsage().getCommitted();
    long nonHeapCommitted = mx.getNonHeapMemoryUsage().getCommitted();
    long rss = rss();
    long hwm = status("VmHWM");
    long maxDelta = 0;
    List<Bare> all = new ArrayList<>(bares);
    all.addAll(baresValid);
    for (Bare b : all) {
      maxDelta = Math.max(maxDelta, b.rssPeakInFit() - b.rssBefore());
    }
    Table t =
        new Table(
            "Memory of this JVM (/proc/self/status and MemoryMXBean), at the end",
            "figure",
            "value");
    t.row("peak RSS (VmHWM)", Table.mib(hwm));
    t.row("current RSS (VmRSS)", Table.mib(rss));
    t.row("heap committed", Table.mib(heapCommitted));
    t.row("non-heap committed (metaspace, code cache)", Table.mib(nonHeapCommitted));
    t.row(
        "VmRSS - heap committed - non-heap committed (native: LightGBM, thread stacks, GC, libs)",
        Table.mib(rss - heapCommitted - nonHeapCommitted));
    t.row(
        "LightGBM native during a bare fit: max RSS rise from before createFromMat to its peak",
        Table.mib(maxDelta));
    t.row("max heap (-Xmx)", Table.mib(Runtime.getRuntime().maxMemory()));
    t.print(System.out);
  }

  /** User + system CPU time of the whole process (all threads, LightGBM's OpenMP threads too). */
  private static double processCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // fields after the command: state(3) ... utime(14) stime(15) -> indices 11 and 12 here
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static long rss() {
    return status("VmRSS");
  }

  /** A /proc/self/status field in bytes, or -1 when unavailable. */
  private static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          String[] p = line.substring(field.length() + 1).trim().split("\\s+");
          return Long.parseLong(p[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
