package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.LatencyLanes;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Prometheus;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.HealthClient;
import io.propensity.client.InferenceServiceClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            --prediction-log on|off|compare  the served-prediction log of the service (default on, the
                            service default); compare starts a second service with the log off and
                            measures both in the same run (goals: log on within 1.1x p50, 1.3x p99
                            of log off; no drops)
            --shadow off|compare  compare starts the service with the prediction log AND shadow
                            scoring on (a second LightGBM model, seed 43, under the alias challenger)
                            and a second one with both off, measured in the same run in ABBA slices
                            (goals: p50 within 1.1x, p99 within 1.3x of both off; no shadow or log
                            drops). Not combined with --prediction-log compare
          """;
  static final String MODEL = "purchase-7d";
  static final String EMPTY = "Health/Check";
  static final double GOAL_P50_RATIO = 1.5;
  static final double GOAL_P99_RATIO = 2.0;
  static final double LOG_GOAL_P50_RATIO = 1.1;
  static final double LOG_GOAL_P99_RATIO = 1.3;

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
    String predictionLog = args.string("prediction-log", "on");
    if (!List.of("on", "off", "compare").contains(predictionLog)) {
      throw new IllegalArgumentException(
          "--prediction-log is on, off or compare: " + predictionLog);
    }
    boolean shadow = args.string("shadow", "off").equals("compare");
    if (!List.of("off", "compare").contains(args.string("shadow", "off"))) {
      throw new IllegalArgumentException("--shadow is off or compare");
    }
    if (shadow && !predictionLog.equals("on")) {
      throw new IllegalArgumentException(
          "--shadow compare measures log and shadow on against both off: leave --prediction-log"
              + " at on");
    }
    args.done();
    System.out.println(Machine.describe());

    BenchModel.Trained model = options.train();
    BenchModel.Trained challenger =
        shadow ? BenchModel.train(options.rows(), options.trees(), options.leaves(), 43) : null;
    FeatureVector[] vectors = vectors(model);

    Path work = TempDirs.create("propensity-bench-inference-");
    boolean compare = predictionLog.equals("compare") || shadow;
    String on = shadow ? "log+shadow on" : "log on";
    String off = shadow ? "both off" : "log off";
    Map<String, String> serviceEnv =
        new java.util.HashMap<>(logEnv(!predictionLog.equals("off"), work.resolve("service")));
    if (shadow) {
      serviceEnv.put("PROPENSITY_INFERENCE_SHADOW_ENABLED", "true");
    }
    try (BenchModelRegistry registry =
            shadow
                ? BenchModelRegistry.startWithChallenger(MODEL, model, challenger, 3)
                : BenchModelRegistry.start(MODEL, model, 3);
        InferenceServiceProcess service =
            new InferenceServiceProcess(
                registry.target(), MODEL, work.resolve("service"), serviceEnv);
        InferenceServiceProcess unlogged =
            compare
                ? new InferenceServiceProcess(
                    registry.target(), MODEL, work.resolve("unlogged"), logEnv(false, work))
                : null) {
      System.out.println(
          "starting inference-service (registry "
              + registry.target()
              + (shadow
                  ? ", prediction log and shadow scoring on, and a second one with both off"
                  : ", prediction log "
                      + (compare ? "on, and a second one with it off" : predictionLog))
              + ")...");
      service.start(Duration.ofSeconds(120));
      if (unlogged != null) {
        unlogged.start(Duration.ofSeconds(120));
      }
      ManagedChannel channel = service.channel();
      ManagedChannel unloggedChannel = unlogged == null ? null : unlogged.channel();
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
        if (shadow) {
          awaitShadow(service, channel, vectors[0], callDeadline);
        }
        String inlineName = compare ? "Predict inline [" + on + "]" : "Predict inline";
        String explainedName =
            "Predict inline explain_top_k=" + k + (compare ? " [" + on + "]" : "");
        String inlineOff = "Predict inline [" + off + "]";
        String explainedOff = "Predict inline explain_top_k=" + k + " [" + off + "]";
        List<LatencyLanes.Lane> lanes =
            new java.util.ArrayList<>(
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
                        k)));
        List<LatencyLanes.Comparison> comparisons =
            new java.util.ArrayList<>(
                List.of(
                    new LatencyLanes.Comparison(inlineName, EMPTY, GOAL_P50_RATIO, GOAL_P99_RATIO),
                    LatencyLanes.Comparison.of(explainedName, EMPTY)));
        if (compare) {
          lanes.add(
              predictLane(
                  inlineOff,
                  unloggedChannel,
                  callDeadline,
                  random -> inlineRequest(vectors[random.nextInt(vectors.length)], 0),
                  0));
          lanes.add(
              predictLane(
                  explainedOff,
                  unloggedChannel,
                  callDeadline,
                  random -> inlineRequest(vectors[random.nextInt(vectors.length)], k),
                  k));
          comparisons.add(
              new LatencyLanes.Comparison(
                  inlineName, inlineOff, LOG_GOAL_P50_RATIO, LOG_GOAL_P99_RATIO));
          comparisons.add(
              new LatencyLanes.Comparison(
                  explainedName, explainedOff, LOG_GOAL_P50_RATIO, LOG_GOAL_P99_RATIO));
        }
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
                comparisons);
        if (!predictionLog.equals("off")) {
          met &= reportLog(service);
        }
        if (shadow) {
          met &= reportShadow(service);
        }
        System.out.println("at the end, " + Machine.describe());
        if (!met) {
          System.out.println(
              "GOAL MISSED: see the goals column and the prediction log line above.");
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (unloggedChannel != null) {
          unloggedChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  /** The service's prediction-log settings: on (its embedded store in the work dir) or off. */
  static Map<String, String> logEnv(boolean on, Path dataDir) {
    return Map.of(
        "PROPENSITY_INFERENCE_PREDICTION_LOG_ENABLED",
        Boolean.toString(on),
        "PROPENSITY_DATA_DIR",
        dataDir.resolve("data").toAbsolutePath().toString());
  }

  /**
   * What the served-prediction log wrote and dropped over the run, once its queue is empty (up to
   * 30 s); false when anything was dropped.
   */
  static boolean reportLog(InferenceServiceProcess service) throws Exception {
    String url = service.httpBase() + "/prometheus";
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Prometheus p = Prometheus.scrape(url);
    while (p.sum("propensity_prediction_log_queued").orElse(0) > 0 && System.nanoTime() < until) {
      Thread.sleep(200);
      p = Prometheus.scrape(url);
    }
    double written = p.sum("propensity_prediction_log_written_total").orElse(Double.NaN);
    double dropped = p.sum("propensity_prediction_log_dropped_total").orElse(Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "%n== served-prediction log (log-on service) ==%nwritten %,.0f, dropped %,.0f"
            + " (queue_full %,.0f, write_failed %,.0f), still queued %,.0f; batch write p50 %s,"
            + " p99 %s%n",
        written,
        dropped,
        p.sum("propensity_prediction_log_dropped_total", "reason=\"queue_full\"").orElse(0),
        p.sum("propensity_prediction_log_dropped_total", "reason=\"write_failed\"").orElse(0),
        p.sum("propensity_prediction_log_queued").orElse(0),
        quantile(p, "0.5"),
        quantile(p, "0.99"));
    if (dropped != 0) {
      System.out.println("GOAL MISSED: the prediction log dropped records at this rate.");
      return false;
    }
    return true;
  }

  private static String quantile(Prometheus p, String q) {
    double s =
        p.sum("propensity_prediction_log_write_seconds", "quantile=\"" + q + "\"")
            .orElse(Double.NaN);
    return String.format(Locale.ROOT, "%.2f ms", s * 1000);
  }

  /**
   * Waits (up to 60 s) until the service scores in the shadow: a Predict's answers reach the
   * shadow's counter.
   */
  static void awaitShadow(
      InferenceServiceProcess service, ManagedChannel channel, FeatureVector v, Duration deadline)
      throws Exception {
    InferenceServiceClient client = new InferenceServiceClient(channel, deadline);
    String url = service.httpBase() + "/prometheus";
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      client.predict(inlineRequest(v, 0));
      if (Prometheus.scrape(url).sum("propensity_shadow_scored_total").orElse(0) > 0) {
        System.out.println("the challenger (version 2) scores in the shadow");
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the service did not load the challenger within 60 s");
  }

  /**
   * What shadow scoring scored and dropped over the run, once its queue is empty (up to 30 s);
   * false when anything was dropped.
   */
  static boolean reportShadow(InferenceServiceProcess service) throws Exception {
    String url = service.httpBase() + "/prometheus";
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Prometheus p = Prometheus.scrape(url);
    while (p.sum("propensity_shadow_queued").orElse(0) > 0 && System.nanoTime() < until) {
      Thread.sleep(200);
      p = Prometheus.scrape(url);
    }
    double dropped = p.sum("propensity_shadow_dropped_total").orElse(Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "%n== shadow scoring (log+shadow service) ==%nscored %,.0f, dropped %,.0f (queue_full %,.0f,"
            + " failed %,.0f, schema_mismatch %,.0f), still queued %,.0f; answer sent -> shadow"
            + " logged mean %.2f ms, max %.2f ms (recent)%n",
        p.sum("propensity_shadow_scored_total").orElse(Double.NaN),
        dropped,
        p.sum("propensity_shadow_dropped_total", "reason=\"queue_full\"").orElse(0),
        p.sum("propensity_shadow_dropped_total", "reason=\"failed\"").orElse(0),
        p.sum("propensity_shadow_dropped_total", "reason=\"schema_mismatch\"").orElse(0),
        p.sum("propensity_shadow_queued").orElse(0),
        p.sum("propensity_shadow_latency_seconds_sum").orElse(Double.NaN)
            / p.sum("propensity_shadow_latency_seconds_count").orElse(Double.NaN)
            * 1000,
        p.sum("propensity_shadow_latency_seconds_max").orElse(Double.NaN) * 1000);
    if (dropped != 0) {
      System.out.println("GOAL MISSED: shadow scoring dropped requests at this rate.");
      return false;
    }
    return true;
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
