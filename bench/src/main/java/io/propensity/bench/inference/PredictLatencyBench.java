package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.ClosedLoop;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import propensity.features.v1.FeatureVector;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.PredictionInput;

/**
 * Predict latency of inference-service with an inline feature vector, without explanation and with
 * {@code explain_top_k=5}, under a closed-loop load from several threads, against the standard gRPC
 * health Check on the same server and channel (the "empty RPC"), the three measured in alternating
 * slices. The model is a real LightGBM model trained in the bench JVM and served to the service by an
 * in-bench registry. Goals: inline Predict p50 within 1.5x and p99 within 2x the empty RPC's.
 */
public final class PredictLatencyBench {
  private static final String USAGE =
      """
      PredictLatencyBench: Predict (inline feature vector; no explanation, and explain_top_k=5) vs grpc.health.v1.Health/Check.
        --threads N     client threads, closed loop (default 2)
        --warmup D      warm-up, all RPCs mixed, not recorded (default 5s)
        --duration D    measured time of each RPC (default 10s)
        --slice D       the RPCs are measured in alternating slices of this length (default 1s)
        --trees N       trees of the served LightGBM model (default 100)
        --leaves N      leaves per tree (default 31)
        --rows N        synthetic users the model is trained on; their vectors are the inline inputs (default 1500)
        --explain-k N   top factors of the explained lane (default 5)
        --call-deadline D  deadline of one call (default 5s)
      """;
  private static final String MODEL = "purchase-7d";
  private static final double GOAL_P50_RATIO = 1.5;
  private static final double GOAL_P99_RATIO = 2.0;

  private PredictLatencyBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    int threads = args.intValue("threads", 2, 1, 64);
    Duration warmup = args.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5));
    Duration duration = args.duration("duration", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10));
    Duration slice = args.duration("slice", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1));
    int trees = args.intValue("trees", 100, 1, 5_000);
    int leaves = args.intValue("leaves", 31, 2, 1_024);
    int rowCount = args.intValue("rows", 1_500, 50, 100_000);
    int explainK = args.intValue("explain-k", 5, 1, 50);
    Duration callDeadline = args.duration("call-deadline", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(1));
    if (slice.compareTo(duration) > 0) {
      slice = duration;
    }
    args.done();
    System.out.println(Machine.describe());

    System.out.printf(Locale.ROOT, "training a LightGBM model (%d trees, %d leaves) on %,d synthetic users...%n", trees, leaves, rowCount);
    BenchModel.Trained model = BenchModel.train(rowCount, trees, leaves, 42);
    String hash = BenchModel.SCHEMA.versionHash();
    FeatureVector[] vectors = new FeatureVector[model.rows().length];
    for (int i = 0; i < vectors.length; i++) {
      FeatureVector.Builder v = FeatureVector.newBuilder().setSchemaVersionHash(hash);
      for (double d : model.rows()[i]) {
        v.addValues(d);
      }
      vectors[i] = v.build();
    }

    Path work = TempDirs.create("propensity-bench-inference-");
    try (BenchModelRegistry registry = BenchModelRegistry.start(MODEL, model, 3);
        InferenceServiceProcess service = new InferenceServiceProcess(registry.target(), MODEL, work)) {
      System.out.println("starting inference-service (registry " + registry.target() + ")...");
      service.start(Duration.ofSeconds(120));
      ManagedChannel channel = service.channel();
      try {
        int k = explainK;
        // a probe: the service must score the first row as LightGBM4j does, and explain it
        PredictResponse probe =
            InferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
                .predict(request(vectors[0], k));
        double expected = BenchModel.reference(model.modelText(), model.rows()[0]);
        if (Math.abs(probe.getPrediction().getProbability() - expected) > 1e-6 || probe.getPrediction().getFactorsCount() != k) {
          throw new IllegalStateException("unexpected probe answer (expected probability " + expected + "): " + probe);
        }

        ClosedLoop.Call inline =
            random -> {
              PredictResponse r =
                  InferenceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
                      .predict(request(vectors[random.nextInt(vectors.length)], 0));
              if (r.getPrediction().getFactorsCount() != 0) {
                throw new IllegalStateException("factors without explain_top_k");
              }
            };
        ClosedLoop.Call explained =
            random -> {
              PredictResponse r =
                  InferenceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
                      .predict(request(vectors[random.nextInt(vectors.length)], k));
              if (r.getPrediction().getFactorsCount() != k) {
                throw new IllegalStateException(r.getPrediction().getFactorsCount() + " factors, asked " + k);
              }
            };
        ClosedLoop.Call health =
            random -> {
              HealthCheckResponse r =
                  HealthGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
                      .check(HealthCheckRequest.getDefaultInstance());
              if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                throw new IllegalStateException("health: " + r.getStatus());
              }
            };
        if (!warmup.isZero()) {
          System.out.printf(Locale.ROOT, "warm-up %d s, %d threads, all RPCs...%n", warmup.toSeconds(), threads);
          ClosedLoop.run("warmup", threads, warmup, 1, random -> {
            int which = random.nextInt(3);
            if (which == 0) {
              inline.run(random);
            } else if (which == 1) {
              explained.run(random);
            } else {
              health.run(random);
            }
          });
        }
        String explainedName = "Predict explain_top_k=" + k;
        System.out.printf(
            Locale.ROOT,
            "measuring Health/Check, Predict inline and %s, %d s each, in alternating %d ms slices, %d threads...%n",
            explainedName, duration.toSeconds(), slice.toMillis(), threads);
        List<ClosedLoop.Outcome> measured =
            ClosedLoop.alternate(
                List.of("Health/Check", "Predict inline", explainedName),
                List.of(health, inline, explained),
                threads,
                duration,
                slice,
                2);
        report(measured, threads, model);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  private static PredictRequest request(FeatureVector v, int explainTopK) {
    return PredictRequest.newBuilder()
        .setModelName(MODEL)
        .setInput(PredictionInput.newBuilder().setFeatures(v))
        .setExplainTopK(explainTopK)
        .build();
  }

  private static void report(List<ClosedLoop.Outcome> measured, int threads, BenchModel.Trained model) {
    ClosedLoop.Outcome empty = measured.get(0);
    Table t =
        new Table(
            "Predict latency, closed loop, " + threads + " threads, inline vectors of " + BenchModel.SCHEMA.size()
                + " features, LightGBM " + model.trees() + " trees x " + model.leaves() + " leaves",
            "RPC", "calls", "calls/s", "p50", "p90", "p99", "p99.9", "max", "errors");
    for (ClosedLoop.Outcome o : measured) {
      t.row(
          o.name(),
          Table.count(o.calls()),
          Table.rate(o.callsPerSecond()),
          Table.micros(o.at(50)),
          Table.micros(o.at(90)),
          Table.micros(o.at(99)),
          Table.micros(o.at(99.9)),
          Table.micros(o.latencies().getMaxValue()),
          Table.count(o.errors()));
    }
    t.print(System.out);
    boolean missed = false;
    for (int i = 1; i < measured.size(); i++) {
      ClosedLoop.Outcome o = measured.get(i);
      boolean goals = i == 1;
      double p50 = o.at(50) / empty.at(50);
      double p99 = o.at(99) / empty.at(99);
      Table r = new Table(o.name() + " / Health/Check (same server, same run)", "figure", "ratio", "goal");
      r.row("p50", Table.ratio(p50), goals ? (p50 <= GOAL_P50_RATIO ? "<= 1.5 met" : "<= 1.5 MISSED") : "");
      r.row("p99", Table.ratio(p99), goals ? (p99 <= GOAL_P99_RATIO ? "<= 2.0 met" : "<= 2.0 MISSED") : "");
      r.row("p99.9", Table.ratio(o.at(99.9) / empty.at(99.9)), "");
      r.row("throughput", Table.ratio(o.callsPerSecond() / empty.callsPerSecond()), "");
      r.print(System.out);
      if (goals && (p50 > GOAL_P50_RATIO || p99 > GOAL_P99_RATIO)) {
        missed = true;
      }
    }
    for (ClosedLoop.Outcome o : measured) {
      if (o.errors() > 0) {
        System.out.println("errors in " + o.name() + ", first: " + o.firstError());
      }
    }
    System.out.println("at the end, " + Machine.describe());
    if (missed) {
      System.out.println("GOAL MISSED: inline Predict p50 is more than 1.5x or p99 more than 2x the empty RPC's.");
    }
  }
}
