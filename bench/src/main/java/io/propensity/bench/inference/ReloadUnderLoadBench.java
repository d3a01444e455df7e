package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Prometheus;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.ModelRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import propensity.features.v1.FeatureVector;
import propensity.inference.v1.PredictResponse;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.SetAliasRequest;

/**
 * Hot reload under load: while N client threads call Predict (inline vectors) in a closed loop on
 * inference-service, the {@code production} alias of training-service's model registry (the real
 * service, from its jar) is moved to a new version, several times in a row. For each promotion: the
 * time from the SetAlias call returning to the first Predict answer naming the new version, and
 * until every client thread has seen it. Over the whole run: failed RPCs and clients seeing a
 * version go backwards (both must be 0), and latency percentiles of the calls overlapping a reload
 * window vs the others.
 */
public final class ReloadUnderLoadBench {
  private static final String USAGE =
      """
      ReloadUnderLoadBench: time from SetAlias(production) to the first Predict answer on the new version, under load.
        --promotions N  versions promoted one after another (default 5)
        --threads N     client threads calling Predict in a closed loop (default 4)
        --warmup D      load before the first promotion, not in the figures (default 5s)
        --interval D    load between two promotions, and after the last (default 5s)
        --window D      a reload window lasts from the SetAlias call until this long after the first
                        answer on the new version (default 1s)
        --trees N       trees of each version (default 100)
        --leaves N      leaves per tree (default 31)
        --rows N        synthetic users each version is trained on (default 1500)
        --call-deadline D  deadline of one Predict call (default 5s)
        --reload-timeout D  longest wait for a promoted version to be served (default 60s)
      """;
  private static final String MODEL = PredictLatencyBench.MODEL;
  private static final String ALIAS = "production";
  private static final int CHUNK = 256 * 1024;

  private ReloadUnderLoadBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    int promotions = args.intValue("promotions", 5, 1, 50);
    int threads = args.intValue("threads", 4, 1, 64);
    Duration warmup =
        args.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5));
    Duration interval =
        args.duration(
            "interval", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(5));
    Duration window =
        args.duration("window", Duration.ofSeconds(1), Duration.ZERO, Duration.ofMinutes(1));
    int trees = args.intValue("trees", 100, 1, 5_000);
    int leaves = args.intValue("leaves", 31, 2, 1_024);
    int rowCount = args.intValue("rows", 1_500, 50, 100_000);
    Duration callDeadline =
        args.duration(
            "call-deadline", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(1));
    Duration reloadTimeout =
        args.duration(
            "reload-timeout",
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10));
    args.done();
    System.out.println(Machine.describe());

    System.out.printf(
        Locale.ROOT,
        "training %d LightGBM versions (%d trees, %d leaves, %,d synthetic users, one seed each)...%n",
        promotions + 1,
        trees,
        leaves,
        rowCount);
    List<BenchModel.Trained> models = new ArrayList<>();
    for (int i = 0; i <= promotions; i++) {
      models.add(BenchModel.train(rowCount, trees, leaves, 42 + i));
    }
    FeatureVector[] vectors = PredictLatencyBench.vectors(models.get(0));

    Path work = TempDirs.create("propensity-bench-reload-");
    try (TrainingServiceProcess registry = new TrainingServiceProcess(work)) {
      System.out.println("starting training-service (the model registry)...");
      registry.start(Duration.ofSeconds(120));
      ManagedChannel registryChannel = registry.channel();
      try {
        long[] versions = new long[models.size()];
        for (int i = 0; i < models.size(); i++) {
          versions[i] = register(registryChannel, models.get(i));
        }
        setAlias(registryChannel, versions[0]);
        System.out.println(
            "registered versions " + Arrays.toString(versions) + ", production -> " + versions[0]);
        try (InferenceServiceProcess service =
            new InferenceServiceProcess(registry.target(), MODEL, work)) {
          System.out.println("starting inference-service (registry " + registry.target() + ")...");
          service.start(Duration.ofSeconds(120));
          ManagedChannel channel = service.channel();
          try {
            Prometheus before = scrape(service);
            run(
                channel,
                registryChannel,
                vectors,
                versions,
                threads,
                warmup,
                interval,
                window,
                callDeadline,
                reloadTimeout,
                models.get(0));
            serviceSide(before, scrape(service));
          } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          }
        }
      } finally {
        registryChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  /** What one client thread saw: start, end and version of each successful call, in order. */
  private static final class Client {
    long[] start = new long[1 << 14];
    long[] end = new long[1 << 14];
    long[] version = new long[1 << 14];
    int n;
    long regressions;

    void add(long s, long e, long v) {
      if (n == start.length) {
        start = Arrays.copyOf(start, 2 * n);
        end = Arrays.copyOf(end, 2 * n);
        version = Arrays.copyOf(version, 2 * n);
      }
      if (n > 0 && v < version[n - 1]) {
        regressions++;
      }
      start[n] = s;
      end[n] = e;
      version[n] = v;
      n++;
    }
  }

  private static void run(
      ManagedChannel channel,
      ManagedChannel registryChannel,
      FeatureVector[] vectors,
      long[] versions,
      int threads,
      Duration warmup,
      Duration interval,
      Duration window,
      Duration callDeadline,
      Duration reloadTimeout,
      BenchModel.Trained first)
      throws InterruptedException {
    InferenceServiceClient inference = new InferenceServiceClient(channel, callDeadline);
    // the first answer naming each version: its end time (nanoTime), 0 until seen
    AtomicLongArray firstSeen = new AtomicLongArray(versions.length);
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>("");
    List<Client> clients = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    long[] stopAt = {Long.MAX_VALUE};
    Object stopLock = new Object();
    for (int t = 0; t < threads; t++) {
      Client c = new Client();
      clients.add(c);
      SplittableRandom random = new SplittableRandom(1_000 + t);
      Thread w =
          new Thread(
              () -> {
                while (true) {
                  long s = System.nanoTime();
                  synchronized (stopLock) {
                    if (s >= stopAt[0]) {
                      return;
                    }
                  }
                  try {
                    PredictResponse r =
                        inference.predict(
                            PredictLatencyBench.inlineRequest(
                                vectors[random.nextInt(vectors.length)], 0));
                    long e = System.nanoTime();
                    long v = r.getPrediction().getModelVersion();
                    c.add(s, e, v);
                    for (int i = 0; i < versions.length; i++) {
                      if (versions[i] == v) {
                        firstSeen.compareAndSet(i, 0, e);
                      }
                    }
                  } catch (RuntimeException e) {
                    if (errors.getAndIncrement() == 0) {
                      firstError.set(e.toString());
                    }
                  }
                }
              },
              "predict-" + t);
      // daemon: a failure of the main thread must not leave the load running
      w.setDaemon(true);
      workers.add(w);
    }
    long loadStart = System.nanoTime();
    workers.forEach(Thread::start);
    System.out.printf(
        Locale.ROOT,
        "%d client threads calling Predict; warm-up %d s...%n",
        threads,
        warmup.toSeconds());
    Thread.sleep(warmup.toMillis());
    long measuredFrom = System.nanoTime();
    long[] sent = new long[versions.length];
    long[] returned = new long[versions.length];
    boolean[] timedOut = new boolean[versions.length];
    try {
      for (int i = 1; i < versions.length; i++) {
        Thread.sleep(interval.toMillis());
        sent[i] = System.nanoTime();
        setAlias(registryChannel, versions[i]);
        returned[i] = System.nanoTime();
        long deadline = returned[i] + reloadTimeout.toNanos();
        while (firstSeen.get(i) == 0 && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        timedOut[i] = firstSeen.get(i) == 0;
        System.out.printf(
            Locale.ROOT,
            "production -> version %d: %s%n",
            versions[i],
            timedOut[i]
                ? "NOT SERVED within " + reloadTimeout.toSeconds() + " s"
                : String.format(
                    Locale.ROOT,
                    "first answer on it %.1f ms after SetAlias returned",
                    (firstSeen.get(i) - returned[i]) / 1e6));
      }
      Thread.sleep(interval.toMillis());
    } finally {
      synchronized (stopLock) {
        stopAt[0] = System.nanoTime();
      }
      for (Thread w : workers) {
        w.join();
      }
    }
    long measuredTo = stopAt[0];

    // reload windows: from the SetAlias call until `window` after the first answer on the new
    // version
    List<long[]> windows = new ArrayList<>();
    for (int i = 1; i < versions.length; i++) {
      long endOfWindow =
          timedOut[i] ? returned[i] + reloadTimeout.toNanos() : firstSeen.get(i) + window.toNanos();
      windows.add(new long[] {sent[i], endOfWindow});
    }
    Histogram during = new Histogram(Duration.ofSeconds(60).toNanos(), 3);
    Histogram outside = new Histogram(Duration.ofSeconds(60).toNanos(), 3);
    long regressions = 0;
    double[] allSeen = new double[versions.length];
    for (Client c : clients) {
      regressions += c.regressions;
      for (int k = 0; k < c.n; k++) {
        if (c.start[k] < measuredFrom) {
          continue;
        }
        long latency = Math.min(Duration.ofSeconds(60).toNanos(), c.end[k] - c.start[k]);
        boolean inWindow = false;
        for (long[] w : windows) {
          if (c.start[k] < w[1] && c.end[k] > w[0]) {
            inWindow = true;
            break;
          }
        }
        (inWindow ? during : outside).recordValue(latency);
      }
      // when this client first saw each version
      for (int i = 1; i < versions.length; i++) {
        for (int k = 0; k < c.n; k++) {
          if (c.version[k] >= versions[i]) {
            allSeen[i] = Math.max(allSeen[i], (c.end[k] - returned[i]) / 1e6);
            break;
          }
        }
      }
    }

    Table per =
        new Table(
            "Reload under load: "
                + threads
                + " client threads, Predict inline, LightGBM "
                + first.trees()
                + " trees x "
                + first.leaves()
                + " leaves per version, training-service registry",
            "promotion",
            "SetAlias call",
            "to first answer on it (from SetAlias return)",
            "from SetAlias sent",
            "until every client saw it");
    List<Double> toFirst = new ArrayList<>();
    for (int i = 1; i < versions.length; i++) {
      if (timedOut[i]) {
        per.row(
            versions[i - 1] + " -> " + versions[i],
            ms(returned[i] - sent[i]),
            "NOT SERVED",
            "",
            "");
        continue;
      }
      double ms = (firstSeen.get(i) - returned[i]) / 1e6;
      toFirst.add(ms);
      per.row(
          versions[i - 1] + " -> " + versions[i],
          ms(returned[i] - sent[i]),
          String.format(Locale.ROOT, "%.1f ms", ms),
          ms(firstSeen.get(i) - sent[i]),
          String.format(Locale.ROOT, "%.1f ms", allSeen[i]));
    }
    per.print(System.out);
    toFirst.sort(Double::compare);
    Table summary = new Table("Reload summary", "figure", "value");
    summary.row("promotions served", toFirst.size() + " of " + (versions.length - 1));
    if (!toFirst.isEmpty()) {
      summary.row(
          "SetAlias return -> first answer, median",
          String.format(Locale.ROOT, "%.1f ms", median(toFirst)));
      summary.row(
          "SetAlias return -> first answer, max",
          String.format(Locale.ROOT, "%.1f ms", toFirst.get(toFirst.size() - 1)));
    }
    summary.row("failed Predict calls (must be 0)", Table.count(errors.get()));
    summary.row(
        "answers on an older version than the client saw before (must be 0)",
        Table.count(regressions));
    summary.print(System.out);

    Table lat =
        new Table(
            "Predict latency during reload windows (SetAlias call .. "
                + window.toMillis()
                + " ms after the first answer on the new version) vs outside",
            "calls",
            "count",
            "calls/s",
            "p50",
            "p90",
            "p99",
            "p99.9",
            "max");
    double windowSeconds = 0;
    for (long[] w : windows) {
      windowSeconds += (w[1] - w[0]) / 1e9;
    }
    double outsideSeconds = (measuredTo - measuredFrom) / 1e9 - windowSeconds;
    latencyRow(lat, "during reload", during, windowSeconds);
    latencyRow(lat, "outside", outside, outsideSeconds);
    lat.print(System.out);
    if (during.getTotalCount() > 0 && outside.getTotalCount() > 0) {
      Table r = new Table("during / outside (same run)", "figure", "ratio");
      r.row(
          "p50",
          Table.ratio(during.getValueAtPercentile(50) / (double) outside.getValueAtPercentile(50)));
      r.row(
          "p99",
          Table.ratio(during.getValueAtPercentile(99) / (double) outside.getValueAtPercentile(99)));
      r.row(
          "p99.9",
          Table.ratio(
              during.getValueAtPercentile(99.9) / (double) outside.getValueAtPercentile(99.9)));
      r.row("max", Table.ratio(during.getMaxValue() / (double) outside.getMaxValue()));
      r.row(
          "throughput",
          Table.ratio(
              (during.getTotalCount() / windowSeconds)
                  / (outside.getTotalCount() / outsideSeconds)));
      r.print(System.out);
    }
    if (errors.get() > 0) {
      System.out.println("first error: " + firstError.get());
    }
    System.out.printf(Locale.ROOT, "load ran %.1f s in all; ", (measuredTo - loadStart) / 1e9);
    System.out.println("at the end, " + Machine.describe());
    if (errors.get() > 0 || regressions > 0 || toFirst.size() < versions.length - 1) {
      System.out.println(
          "CHECK FAILED: failed calls, versions going backwards, or a promotion never served.");
    }
  }

  private static Prometheus scrape(InferenceServiceProcess service) {
    try {
      return Prometheus.scrape(service.httpBase() + "/prometheus");
    } catch (IOException | RuntimeException e) {
      System.out.println("(could not read inference-service's metrics: " + e + ")");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * inference-service's own account of the promotions' loads (Prometheus, after minus before),
   * which splits the reload time.
   */
  private static void serviceSide(Prometheus before, Prometheus after) {
    if (before == null || after == null) {
      return;
    }
    String loadCount = "propensity_inference_model_load_duration_seconds_count";
    String loadSum = "propensity_inference_model_load_duration_seconds_sum";
    String reloads = "propensity_inference_model_reloads_total";
    double count = after.sum(loadCount).orElse(0) - before.sum(loadCount).orElse(0);
    double sum = after.sum(loadSum).orElse(0) - before.sum(loadSum).orElse(0);
    double bad =
        after.sum(reloads, "outcome=\"refused\"").orElse(0)
            + after.sum(reloads, "outcome=\"failed\"").orElse(0)
            - before.sum(reloads, "outcome=\"refused\"").orElse(0)
            - before.sum(reloads, "outcome=\"failed\"").orElse(0);
    Table t =
        new Table(
            "inference-service's view of the promotions (its /prometheus, after minus before)",
            "figure",
            "value");
    t.row("versions loaded", String.format(Locale.ROOT, "%.0f", count));
    t.row("versions refused or failed", String.format(Locale.ROOT, "%.0f", bad));
    t.row(
        "load time (fetch, verify, load, golden rows, warm-up, swap), mean",
        count > 0 ? String.format(Locale.ROOT, "%.1f ms", 1000 * sum / count) : "n/a");
    t.print(System.out);
  }

  private static void latencyRow(Table t, String name, Histogram h, double seconds) {
    t.row(
        name,
        Table.count(h.getTotalCount()),
        Table.rate(seconds > 0 ? h.getTotalCount() / seconds : 0),
        Table.micros(h.getValueAtPercentile(50)),
        Table.micros(h.getValueAtPercentile(90)),
        Table.micros(h.getValueAtPercentile(99)),
        Table.micros(h.getValueAtPercentile(99.9)),
        Table.micros(h.getMaxValue()));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Registers {@code model} as a new version of the bench model through the registry's client
   * stream.
   */
  private static long register(ManagedChannel channel, BenchModel.Trained model) {
    byte[] artifact = model.modelText().getBytes(StandardCharsets.UTF_8);
    ModelVersion meta = BenchModel.registryVersion(MODEL, 0, model, 3);
    try {
      return new ModelRegistryClient(channel, Duration.ofSeconds(60))
          .registerModelVersion(meta, artifact, CHUNK)
          .getModelVersion()
          .getVersion();
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("RegisterModelVersion failed: " + e, e);
    }
  }

  private static void setAlias(ManagedChannel channel, long version) {
    new ModelRegistryClient(channel, Duration.ofSeconds(10))
        .setAlias(
            SetAliasRequest.newBuilder()
                .setName(MODEL)
                .setAlias(ALIAS)
                .setVersion(version)
                .build());
  }
}
