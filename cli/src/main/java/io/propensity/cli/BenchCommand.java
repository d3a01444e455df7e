package io.propensity.cli;

import io.propensity.client.HealthClient;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictionInput;

/**
 * {@code propensity bench}: a quick latency check of Predict against the gRPC health check of the
 * same inference-service, on one channel, calls alternating so both see the same conditions.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Quick latency check: Predict against an empty RPC on the same inference-service.",
      "Calls Predict by user id against the standard health",
      "Check (an RPC that does no work) on the same channel, alternating, one call at a time; prints p50/p90/p99",
      "of each and their ratio. The full benchmarks (load generators, JMH) are in bench/."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Option(
      names = "--requests",
      defaultValue = "2000",
      description = "measured calls of each kind, 10 to 20,000 (default ${DEFAULT-VALUE})")
  int requests;

  @Option(
      names = "--warmup",
      defaultValue = "500",
      description = "unmeasured calls of each kind first, 0 to 20,000 (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = {"-u", "--user"},
      defaultValue = "u1",
      description = "user scored by Predict (default ${DEFAULT-VALUE})")
  String user;

  @Option(
      names = "--explain",
      defaultValue = "0",
      paramLabel = "K",
      description = "top K SHAP factors per Predict, 0 to 50 (default ${DEFAULT-VALUE})")
  int explain;

  @Option(
      names = "--model",
      description = "served model name (default: the service's default model)")
  String model;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (requests < 10 || requests > 20_000 || warmup < 0 || warmup > 20_000) {
      throw new CliException("--requests must be 10 to 20,000 and --warmup 0 to 20,000", 2);
    }
    if (explain < 0 || explain > 50) {
      throw new CliException("--explain " + explain + " is outside 0 to 50", 2);
    }
    try (Endpoints closing = endpoints) {
      var inference = endpoints.inferenceClient();
      var health = new HealthClient(endpoints.inferenceChannel(), endpoints.deadline);
      PredictRequest predict =
          PredictRequest.newBuilder()
              .setModelName(model == null ? "" : model)
              .setInput(PredictionInput.newBuilder().setUserId(user))
              .setExplainTopK(explain)
              .build();
      out.printf(
          "bench: %,d warm-up + %,d measured calls each, Predict(user %s%s) vs Health/Check on %s%n",
          warmup,
          requests,
          user,
          explain > 0 ? ", top " + explain + " factors" : "",
          endpoints.inference());
      out.flush();
      long[] p = new long[requests];
      long[] h = new long[requests];
      long started = System.nanoTime();
      for (int i = -warmup; i < requests; i++) {
        long t0 = System.nanoTime();
        inference.predict(predict);
        long t1 = System.nanoTime();
        health.check();
        long t2 = System.nanoTime();
        if (i >= 0) {
          p[i] = t1 - t0;
          h[i] = t2 - t1;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Arrays.sort(p);
      Arrays.sort(h);
      out.printf("%-14s %10s %10s %10s %10s%n", "latency (µs)", "p50", "p90", "p99", "max");
      out.printf(
          "%-14s %10.0f %10.0f %10.0f %10.0f%n",
          "Predict", q(p, 0.5), q(p, 0.9), q(p, 0.99), p[p.length - 1] / 1e3);
      out.printf(
          "%-14s %10.0f %10.0f %10.0f %10.0f%n",
          "Health/Check", q(h, 0.5), q(h, 0.9), q(h, 0.99), h[h.length - 1] / 1e3);
      out.printf(
          "%-14s %10.2f %10.2f %10.2f%n",
          "ratio", q(p, 0.5) / q(h, 0.5), q(p, 0.9) / q(h, 0.9), q(p, 0.99) / q(h, 0.99));
      out.printf(
          "Predict costs %.0f µs more than an empty RPC at the median; %,d calls in %.1f s%n",
          q(p, 0.5) - q(h, 0.5), 2L * (requests + warmup), seconds);
      out.flush();
      return 0;
    }
  }

  /** The q-quantile of sorted nanoseconds, in microseconds (nearest rank). */
  static double q(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
  }
}
