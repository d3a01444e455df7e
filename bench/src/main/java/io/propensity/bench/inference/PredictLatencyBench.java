package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.LatencyLanes;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.HealthClient;
import io.propensity.client.InferenceServiceClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import propensity.features.v1.FeatureVector;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.PredictionInput;

/**
 * Predict latency of inference-service with an inline feature vector, without explanation and with
 * {@code explain_top_k=5}, closed-loop from several threads and at a fixed rate (open loop, timed
 * from the intended send time), against the standard gRPC health Check on the same server and
 * channel (the "empty RPC"), the three measured in alternating slices. The model is a real LightGBM
 * model trained in the bench JVM and served to the service by an in-bench registry. Goals: inline
 * Predict p50 within 1.5x and p99 within 2x the empty RPC's.
 */
public final class PredictLatencyBench {
  private static final String USAGE =
      """
      PredictLatencyBench: Predict (inline feature vector; no explanation, and explain_top_k=5) vs grpc.health.v1.Health/Check.
      """
          + LatencyLanes.usage(2, Duration.ofSeconds(10))
          + """
            --trees N       trees of the served LightGBM model (default 100)
            --leaves N      leaves per tree (default 31)
            --rows N        synthetic users the model is trained on; their vectors are the inline inputs (default 1500)
            --explain-k N   top factors of the explained lane (default 5)
            --call-deadline D  deadline of one call (default 5s)
          """;
  static final String MODEL = "purchase-7d";
  static final String EMPTY = "Health/Check";
  static final double GOAL_P50_RATIO = 1.5;
  static final double GOAL_P99_RATIO = 2.0;

  private PredictLatencyBench() {}

  /**
   * The model and call options of both Predict benchmarks ({@code --trees} … {@code
   * --call-deadline}).
   */
  record ModelOptions(int trees, int leaves, int rows, int explainK, Duration callDeadline) {
    static ModelOptions parse(Args args) {
      return new ModelOptions(
          args.intValue("trees", 100, 1, 5_000),
          args.intValue("leaves", 31, 2, 1_024),
          args.intValue("rows", 1_500, 50, 100_000),
          args.intValue("explain-k", 5, 1, 50),
          args.duration(
              "call-deadline",
              Duration.ofSeconds(5),
              Duration.ofMillis(10),
              Duration.ofMinutes(1)));
    }

    /** Trains the benchmark's LightGBM model on synthetic users (seed 42), saying so. */
    BenchModel.Trained train() {
      System.out.printf(
          Locale.ROOT,
          "training a LightGBM model (%d trees, %d leaves) on %,d synthetic users...%n",
          trees,
          leaves,
          rows);
      return BenchModel.train(rows, trees, leaves, 42);
    }
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    LatencyLanes.Plan plan = LatencyLanes.plan(args, 2, Duration.ofSeconds(10));
    ModelOptions options = ModelOptions.parse(args);
    int explainK = options.explainK();
    Duration callDeadline = options.callDeadline();
    args.done();
    System.out.println(Machine.describe());

    BenchModel.Trained model = options.train();
    FeatureVector[] vectors = vectors(model);

    Path work = TempDirs.create("propensity-bench-inference-");
    try (BenchModelRegistry registry = BenchModelRegistry.start(MODEL, model, 3);
        InferenceServiceProcess service =
            new InferenceServiceProcess(registry.target(), MODEL, work)) {
      System.out.println("starting inference-service (registry " + registry.target() + ")...");
      service.start(Duration.ofSeconds(120));
      ManagedChannel channel = service.channel();
      try {
        int k = explainK;
        // a probe: the service must score the first row as LightGBM4j does, and explain it
        PredictResponse probe =
            new InferenceServiceClient(channel, callDeadline).predict(inlineRequest(vectors[0], k));
        double expected = BenchModel.reference(model.modelText(), model.rows()[0]);
        if (Math.abs(probe.getPrediction().getProbability() - expected) > 1e-6
            || probe.getPrediction().getFactorsCount() != k) {
          throw new IllegalStateException(
              "unexpected probe answer (expected probability " + expected + "): " + probe);
        }
        String inlineName = "Predict inline";
        String explainedName = "Predict inline explain_top_k=" + k;
        List<LatencyLanes.Lane> lanes =
            List.of(
                healthLane(EMPTY, channel, callDeadline),
                predictLane(
                    inlineName,
                    channel,
                    callDeadline,
                    random -> inlineRequest(vectors[random.nextInt(vectors.length)], 0),
                    0),
                predictLane(
                    explainedName,
                    channel,
                    callDeadline,
                    random -> inlineRequest(vectors[random.nextInt(vectors.length)], k),
                    k));
        List<LatencyLanes.Measured> measured = LatencyLanes.measure(lanes, plan);
        boolean met =
            LatencyLanes.report(
                "Predict latency, inline vectors of "
                    + BenchModel.SCHEMA.size()
                    + " features, LightGBM "
                    + model.trees()
                    + " trees x "
                    + model.leaves()
                    + " leaves",
                measured,
                List.of(
                    new LatencyLanes.Comparison(inlineName, EMPTY, GOAL_P50_RATIO, GOAL_P99_RATIO),
                    LatencyLanes.Comparison.of(explainedName, EMPTY)));
        System.out.println("at the end, " + Machine.describe());
        if (!met) {
          System.out.println(
              "GOAL MISSED: inline Predict p50 is more than 1.5x or p99 more than 2x the empty RPC's.");
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  /** The model's training rows as inline feature vectors. */
  static FeatureVector[] vectors(BenchModel.Trained model) {
    String hash = BenchModel.SCHEMA.versionHash();
    FeatureVector[] vectors = new FeatureVector[model.rows().length];
    for (int i = 0; i < vectors.length; i++) {
      FeatureVector.Builder v = FeatureVector.newBuilder().setSchemaVersionHash(hash);
      for (double d : model.rows()[i]) {
        v.addValues(d);
      }
      vectors[i] = v.build();
    }
    return vectors;
  }

  static PredictRequest inlineRequest(FeatureVector v, int explainTopK) {
    return PredictRequest.newBuilder()
        .setModelName(MODEL)
        .setInput(PredictionInput.newBuilder().setFeatures(v))
        .setExplainTopK(explainTopK)
        .build();
  }

  /**
   * Predict with the requests of {@code requests}; the answer must carry {@code factors} factors.
   */
  static LatencyLanes.Lane predictLane(
      String name,
      ManagedChannel channel,
      Duration deadline,
      Function<SplittableRandom, PredictRequest> requests,
      int factors) {
    InferenceServiceClient client = new InferenceServiceClient(channel, deadline);
    return LatencyLanes.lane(
        name,
        random -> client.predict(requests.apply(random)),
        random -> client.predictAsync(requests.apply(random)),
        r -> {
          if (r.getPrediction().getFactorsCount() != factors) {
            throw new IllegalStateException(
                r.getPrediction().getFactorsCount() + " factors, asked " + factors);
          }
        });
  }

  /** The standard health Check, which must answer SERVING: the "empty RPC" of a server. */
  static LatencyLanes.Lane healthLane(String name, ManagedChannel channel, Duration deadline) {
    HealthClient client = new HealthClient(channel, deadline);
    return LatencyLanes.lane(
        name,
        random -> client.check(),
        random -> client.checkAsync(),
        r -> {
          if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
            throw new IllegalStateException("health: " + r.getStatus());
          }
        });
  }
}
