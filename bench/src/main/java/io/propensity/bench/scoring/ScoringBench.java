package io.propensity.bench.scoring;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMException;
import io.propensity.bench.inference.BenchModel;
import io.propensity.runtime.Contributions;
import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.LightGbmTrees;
import io.propensity.runtime.ModelLoadException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * In-process cost of scoring one row, three ways on the very same model and rows: model-runtime's
 * pure-Java {@link LightGbmTrees}, model-runtime's native {@link LightGbmModel} (LightGBM's
 * single-row fast path) and a bare LightGBM4j 4.3.0-1 call ({@code
 * LGBMBooster.predictForMatSingleRow}); for SHAP, the Java scorer's exact TreeSHAP (all
 * contributions, and the top 5 an explanation lists), native {@code LightGbmModel.contributions}
 * and bare {@code predictForMat} with {@code C_API_PREDICT_CONTRIB} (LightGBM4j's single-row call
 * returns only the first value). The Java lanes write into per-thread arrays, as a server would.
 * The model is the inference benchmarks' (feature-engine vectors of synthetic users, every feature
 * of the schema: 107), trained deterministically in each fork, so every fork scores the same model;
 * rows are its training rows, one per call, in rotation.
 *
 * <p>{@link #javaProbabilityTwoThreads} scores with the Java scorer from two threads at once, each
 * on its own rows: with the one-thread lane it shows whether the lock-free scorer scales.
 *
 * <p>LightGBM4j rewrites {@code ${java.io.tmpdir}/lib_lightgbm.so} when it loads: run with a
 * private {@code -Djava.io.tmpdir} ({@code bench/run.sh scoring} does).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScoringBench {

  /** Features an explanation lists, as inference-service's {@code explain_top_k=5}. */
  static final int TOP_K = 5;

  /** The model, its rows and the three scorers, shared by the benchmark threads. */
  @State(Scope.Benchmark)
  public static class Model {
    @Param("100")
    public int trees;

    @Param("31")
    public int leaves;

    @Param("1500")
    public int rows;

    double[][] data;
    LightGbmTrees java;
    LightGbmModel nativeModel;
    LGBMBooster bare;

    @Setup
    public void setUp() throws ModelLoadException, LGBMException {
      BenchModel.Trained model = BenchModel.train(rows, trees, leaves, 42);
      data = model.rows();
      java = LightGbmTrees.fromModelText(model.modelText());
      // one native scorer: only the one-thread lanes use it, and they never wait for the pool
      nativeModel =
          LightGbmModel.fromModelText(
              model.modelText(), LightGbmModel.LoadOptions.defaults().withMaxConcurrentScorers(1));
      bare = LGBMBooster.loadModelFromString(model.modelText());
      for (int r = 0; r < data.length; r += 97) {
        check(r);
        checkContributions(r);
      }
      System.out.println(
          "model sha256 "
              + BenchModel.sha256(model.modelText().getBytes(StandardCharsets.UTF_8))
                  .substring(0, 16)
              + ", "
              + java.numTrees()
              + " trees, "
              + data.length
              + " rows of "
              + data[0].length
              + " features");
    }

    /** The three scorers agree on a row before anything is timed. */
    private void check(int r) throws LGBMException {
      double javaP = java.predictProbability(data[r]);
      double nativeP = nativeModel.predictProbability(data[r]);
      double bareP = bare.predictForMatSingleRow(data[r], PredictionType.C_API_PREDICT_NORMAL);
      if (Math.abs(javaP - bareP) > 1e-12 || Math.abs(nativeP - bareP) > 1e-12) {
        throw new IllegalStateException(
            "scorers disagree on row "
                + r
                + ": java "
                + javaP
                + ", native "
                + nativeP
                + ", bare "
                + bareP);
      }
    }

    /** The Java TreeSHAP agrees with LightGBM's pred_contrib on a row before anything is timed. */
    private void checkContributions(int r) {
      double[] javaValues = new double[java.contributionCount()];
      java.contributions(data[r], javaValues);
      Contributions nativeValues = nativeModel.contributions(data[r]);
      for (int f = 0; f < java.featureCount(); f++) {
        if (Math.abs(javaValues[f] - nativeValues.contribution(f)) > 1e-9) {
          throw new IllegalStateException(
              "SHAP disagrees on row "
                  + r
                  + ", feature "
                  + f
                  + ": java "
                  + javaValues[f]
                  + ", native "
                  + nativeValues.contribution(f));
        }
      }
    }

    @TearDown
    public void tearDown() throws LGBMException {
      nativeModel.close();
      bare.close();
    }
  }

  /** Per benchmark thread: its place in the rows. */
  @State(Scope.Thread)
  public static class Cursor {
    private double[][] data;
    private int next;
    private double[] contributions;
    private final int[] topFeatures = new int[TOP_K];
    private final double[] topValues = new double[TOP_K];

    @Setup
    public void setUp(Model model, ThreadParams thread) {
      data = model.data;
      contributions = new double[model.java.contributionCount()];
      // threads start far apart, so two threads never score the same row at the same time
      next = (int) ((long) thread.getThreadIndex() * data.length / thread.getThreadCount());
    }

    double[] row() {
      double[] r = data[next];
      next = next + 1 == data.length ? 0 : next + 1;
      return r;
    }
  }

  /** model-runtime, pure Java: probability of one row. */
  @Benchmark
  public double javaProbability(Model m, Cursor c) {
    return m.java.predictProbability(c.row());
  }

  /** {@link #javaProbability} from two threads at once (ns per call, per thread). */
  @Benchmark
  @Threads(2)
  public double javaProbabilityTwoThreads(Model m, Cursor c) {
    return m.java.predictProbability(c.row());
  }

  /** model-runtime, pure Java: the five features of largest |SHAP value| of one row. */
  @Benchmark
  public int javaTopContributions(Model m, Cursor c) {
    return m.java.topContributions(c.row(), TOP_K, c.topFeatures, c.topValues);
  }

  /** model-runtime, pure Java: SHAP contributions (one per feature + bias) of one row. */
  @Benchmark
  public double javaContributions(Model m, Cursor c) {
    return m.java.contributions(c.row(), c.contributions);
  }

  /** model-runtime, native: probability of one row through LightGBM's single-row fast path. */
  @Benchmark
  public double nativeProbability(Model m, Cursor c) {
    return m.nativeModel.predictProbability(c.row());
  }

  /** LightGBM4j: {@code predictForMatSingleRow}, probability of one row. */
  @Benchmark
  public double bareSingleRowProbability(Model m, Cursor c) throws LGBMException {
    return m.bare.predictForMatSingleRow(c.row(), PredictionType.C_API_PREDICT_NORMAL);
  }

  /** model-runtime, native: SHAP contributions (one per feature + bias) of one row. */
  @Benchmark
  public Contributions nativeContributions(Model m, Cursor c) {
    return m.nativeModel.contributions(c.row());
  }

  /** LightGBM4j: {@code predictForMat} of one row with {@code C_API_PREDICT_CONTRIB}. */
  @Benchmark
  public double[] bareContributions(Model m, Cursor c) throws LGBMException {
    double[] r = c.row();
    return m.bare.predictForMat(r, 1, r.length, true, PredictionType.C_API_PREDICT_CONTRIB);
  }
}
