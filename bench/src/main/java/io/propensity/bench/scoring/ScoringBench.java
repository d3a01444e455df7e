package io.propensity.bench.scoring;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMException;
import io.propensity.bench.inference.BenchModel;
import io.propensity.runtime.Contributions;
import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ModelLoadException;
import io.propensity.runtime.ScoringModel;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process cost of scoring one row: model-runtime's {@link ScoringModel} (the {@link
 * LightGbmModel} inference-service serves with) against a bare LightGBM4j 4.3.0-1 call on the very
 * same model and rows — {@code LGBMBooster.predictForMatSingleRow} for a probability and {@code
 * predictForMat} with {@code C_API_PREDICT_CONTRIB} for SHAP values (its single-row call returns
 * only the first value). The model is the inference benchmarks' (feature-engine vectors of
 * synthetic users, every feature of the schema: 107), trained deterministically in each fork, so
 * every fork scores the same model; rows are its training rows, one per call, in rotation.
 *
 * <p>LightGBM4j rewrites {@code ${java.io.tmpdir}/lib_lightgbm.so} when it loads: run with a
 * private {@code -Djava.io.tmpdir} ({@code bench/run.sh scoring} does).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScoringBench {
  @Param("100")
  public int trees;

  @Param("31")
  public int leaves;

  @Param("1500")
  public int rows;

  private double[][] data;
  private int next;
  private ScoringModel scorer;
  private LGBMBooster bare;

  @Setup
  public void setUp() throws ModelLoadException, LGBMException {
    BenchModel.Trained model = BenchModel.train(rows, trees, leaves, 42);
    data = model.rows();
    // one native scorer: a single benchmark thread never waits for the pool
    scorer =
        LightGbmModel.fromModelText(
            model.modelText(), LightGbmModel.LoadOptions.defaults().withMaxConcurrentScorers(1));
    bare = LGBMBooster.loadModelFromString(model.modelText());
    double a = scorer.predictProbability(data[0]);
    double b = bare.predictForMatSingleRow(data[0], PredictionType.C_API_PREDICT_NORMAL);
    if (Math.abs(a - b) > 1e-9) {
      throw new IllegalStateException("scorer and LightGBM4j disagree on row 0: " + a + " vs " + b);
    }
    System.out.println(
        "model sha256 "
            + BenchModel.sha256(model.modelText().getBytes(StandardCharsets.UTF_8)).substring(0, 16)
            + ", "
            + data.length
            + " rows of "
            + data[0].length
            + " features");
  }

  @TearDown
  public void tearDown() throws LGBMException {
    scorer.close();
    bare.close();
  }

  private double[] row() {
    double[] r = data[next];
    next = next + 1 == data.length ? 0 : next + 1;
    return r;
  }

  /** model-runtime: probability of one row. */
  @Benchmark
  public double scorerProbability() {
    return scorer.predictProbability(row());
  }

  /** LightGBM4j: {@code predictForMatSingleRow}, probability of one row. */
  @Benchmark
  public double bareSingleRowProbability() throws LGBMException {
    return bare.predictForMatSingleRow(row(), PredictionType.C_API_PREDICT_NORMAL);
  }

  /** model-runtime: SHAP contributions (one per feature + bias) of one row. */
  @Benchmark
  public Contributions scorerContributions() {
    return scorer.contributions(row());
  }

  /** LightGBM4j: {@code predictForMat} of one row with {@code C_API_PREDICT_CONTRIB}. */
  @Benchmark
  public double[] bareContributions() throws LGBMException {
    double[] r = row();
    return bare.predictForMat(r, 1, r.length, true, PredictionType.C_API_PREDICT_CONTRIB);
  }
}
