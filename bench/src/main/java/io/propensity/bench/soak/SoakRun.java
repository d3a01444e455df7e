package io.propensity.bench.soak;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.propensity.bench.inference.BenchModel;
import io.propensity.bench.inference.InferenceServiceProcess;
import io.propensity.bench.inference.TrainingServiceProcess;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import propensity.events.v1.Event;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.FeatureVector;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.SetAliasRequest;

/**
 * Soak: the three services from their jars on embedded stores, under a mix of ingest, Predict (by
 * user and inline), promotions (SetAlias back and forth, Rollback) and bad traffic for a given
 * time; then the checks that make it a test. Zero {@code INTERNAL}/{@code UNKNOWN} statuses; every
 * event a service acknowledged readable (each user's history holds every acknowledged id, and the
 * store counts at least as many events); heap after a full GC and open file descriptors of each
 * service flat (the median of the last three samples within +20% plus a small floor of the median
 * of the first three samples after warm-up); every service alive and SERVING. Exits 1 when a check
 * fails.
 */
public final class SoakRun {
  private static final String USAGE =
      """
      SoakRun: ingest, predict, promotions and bad traffic against the three services, then checks.
        --minutes N        how long the traffic runs (default 3)
        --warmup D         traffic before the first heap/fd sample that counts as the baseline (default 30s)
        --sample D         interval of heap/fd samples (default 15s)
        --users N          users the good events belong to (default 200)
        --ingest-rate N    good events per second, in batches of 20 (default 200)
        --predict-threads N  threads calling Predict in a closed loop (default 2)
        --promote-every D  interval of promotions (default 10s)
        --bad-rate N       bad calls per second (default 5)
        --heap-tolerance F allowed growth of heap after GC and of open files (default 0.2 = +20%)
      """;

  /** Floors of the flatness checks: a small absolute drift is noise, not a leak. */
  private static final long HEAP_FLOOR_BYTES = 16L << 20;

  private static final long FD_FLOOR = 16;

  private SoakRun() {}

  /** One sample of one service. */
  private record Sample(double atSeconds, String service, long heapBytes, long openFiles) {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    int minutes = args.intValue("minutes", 3, 1, 24 * 60);
    Duration warmup =
        args.duration("warmup", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
    Duration sampleEvery =
        args.duration("sample", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1));
    int users = args.intValue("users", 200, 1, 100_000);
    int ingestRate = args.intValue("ingest-rate", 200, 1, 100_000);
    int predictThreads = args.intValue("predict-threads", 2, 0, 64);
    Duration promoteEvery =
        args.duration(
            "promote-every", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1));
    int badRate = args.intValue("bad-rate", 5, 0, 10_000);
    double tolerance = Double.parseDouble(args.string("heap-tolerance", "0.2"));
    args.done();
    System.out.println(Machine.describe());

    System.out.println("training 2 LightGBM versions to promote back and forth...");
    List<BenchModel.Trained> models =
        List.of(BenchModel.train(1_000, 50, 15, 42), BenchModel.train(1_000, 50, 15, 43));
    FeatureVector[] vectors = vectors(models.get(0));

    Path work = TempDirs.create("propensity-soak-");
    Path featureTmp = Files.createDirectories(work.resolve("feature-service-tmp"));
    boolean ok;
    try (StoreBackend store = StoreBackend.sqlite(work);
        FeatureServiceProcess features =
            FeatureServiceProcess.of(
                store,
                OnlineBackend.of("memory").serviceEnv(),
                List.of("-Xmx512m", "-Djava.io.tmpdir=" + featureTmp.toAbsolutePath()),
                work);
        TrainingServiceProcess training = new TrainingServiceProcess(work)) {
      System.out.println("starting feature-service and training-service...");
      features.start(Duration.ofSeconds(120));
      training.start(Duration.ofSeconds(120));
      ManagedChannel featureChannel = features.channel();
      ManagedChannel registryChannel = training.channel();
      long[] versions = new long[models.size()];
      for (int i = 0; i < versions.length; i++) {
        versions[i] = SoakTraffic.register(registryChannel, models.get(i));
      }
      ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setName(SoakTraffic.MODEL)
                  .setAlias(SoakTraffic.ALIAS)
                  .setVersion(versions[0])
                  .build());
      try (InferenceServiceProcess inference =
          new InferenceServiceProcess(
              training.target(),
              SoakTraffic.MODEL,
              work,
              Map.of("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", features.target()))) {
        System.out.println("starting inference-service...");
        inference.start(Duration.ofSeconds(120));
        ManagedChannel inferenceChannel = inference.channel();
        List<ProcessProbe> probes =
            List.of(
                new ProcessProbe("feature-service", features.pid()),
                new ProcessProbe("training-service", training.pid()),
                new ProcessProbe("inference-service", inference.pid()));
        StatusTally tally = new StatusTally();
        SoakTraffic traffic =
            new SoakTraffic(
                featureChannel, inferenceChannel, registryChannel, tally, users, vectors, versions);
        ok =
            soak(
                traffic,
                tally,
                probes,
                users,
                minutes,
                warmup,
                sampleEvery,
                ingestRate,
                predictThreads,
                promoteEvery,
                badRate,
                tolerance,
                List.of(featureChannel, registryChannel, inferenceChannel),
                featureChannel);
        for (ManagedChannel c : List.of(featureChannel, registryChannel, inferenceChannel)) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      TempDirs.delete(work);
    }
    System.out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static boolean soak(
      SoakTraffic traffic,
      StatusTally tally,
      List<ProcessProbe> probes,
      int users,
      int minutes,
      Duration warmup,
      Duration sampleEvery,
      int ingestRate,
      int predictThreads,
      Duration promoteEvery,
      int badRate,
      double tolerance,
      List<ManagedChannel> healthChannels,
      ManagedChannel featureChannel)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + TimeUnit.MINUTES.toNanos(minutes);
    AtomicReference<Throwable> driverError = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    int batch = 20;
    long ingestPauseNanos = TimeUnit.SECONDS.toNanos(1) * batch / ingestRate;
    threads.add(
        loop(
            "soak-ingest",
            end,
            1,
            ingestPauseNanos,
            driverError,
            r -> traffic.ingestBatch(r, batch)));
    for (int t = 0; t < predictThreads; t++) {
      threads.add(loop("soak-predict-" + t, end, 100 + t, 0, driverError, traffic::predict));
    }
    threads.add(
        loop("soak-promote", end, 2, promoteEvery.toNanos(), driverError, traffic::promote));
    if (badRate > 0) {
      threads.add(
          loop(
              "soak-bad",
              end,
              3,
              TimeUnit.SECONDS.toNanos(1) / badRate,
              driverError,
              r -> {
                try {
                  traffic.bad(r);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }
    threads.forEach(Thread::start);
    System.out.printf(
        Locale.ROOT,
        "soak: %d min of traffic (ingest %d events/s to %d users, %d Predict threads, a promotion"
            + " every %s, %d bad calls/s); samples every %d s after a %d s warm-up%n",
        minutes,
        ingestRate,
        users,
        predictThreads,
        promoteEvery,
        badRate,
        sampleEvery.toSeconds(),
        warmup.toSeconds());

    List<Sample> samples = new ArrayList<>();
    long nextSample = start + warmup.toNanos();
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      if (now >= nextSample) {
        for (ProcessProbe p : probes) {
          Sample s = new Sample((now - start) / 1e9, p.name(), p.heapAfterGc(), p.openFiles());
          samples.add(s);
          System.out.printf(
              Locale.ROOT,
              "  %6.0f s  %-18s heap after GC %8s  open files %4d  (%s calls, %s events acknowledged)%n",
              s.atSeconds(),
              s.service(),
              s.heapBytes() < 0 ? "?" : Table.mib(s.heapBytes()),
              s.openFiles(),
              Table.count(tally.total()),
              Table.count(traffic.acknowledgedCount()));
        }
        nextSample += sampleEvery.toNanos();
      }
      Thread.sleep(
          Math.max(
              1, Math.min(1_000, (Math.min(nextSample, end) - System.nanoTime()) / 1_000_000)));
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // a last sample, with the traffic stopped: the level the service settles at
    for (ProcessProbe p : probes) {
      samples.add(new Sample(seconds, p.name(), p.heapAfterGc(), p.openFiles()));
    }

    List<String> failures = new ArrayList<>();
    if (driverError.get() != null) {
      failures.add("the soak driver itself failed: " + driverError.get());
    }
    tally.table(seconds).print(System.out);
    System.out.printf(
        Locale.ROOT,
        "promotions: %d; events acknowledged: %s%n",
        traffic.promotions(),
        Table.count(traffic.acknowledgedCount()));
    if (tally.faults() > 0) {
      failures.add(tally.faults() + " calls ended INTERNAL or UNKNOWN");
      tally.firstFaults().forEach(f -> System.out.println("  server fault: " + f));
    }
    checkAcknowledged(traffic, featureChannel, failures);
    checkFlat(probes, samples, tolerance, failures);
    for (ProcessProbe p : probes) {
      if (!p.alive()) {
        failures.add(p.name() + " is no longer running");
      }
    }
    String[] names = {"feature-service", "training-service", "inference-service"};
    for (int i = 0; i < healthChannels.size(); i++) {
      try {
        HealthCheckResponse h =
            HealthGrpc.newBlockingStub(healthChannels.get(i))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        System.out.println(names[i] + " health: " + h.getStatus());
        if (h.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
          failures.add(names[i] + " is " + h.getStatus());
        }
      } catch (RuntimeException e) {
        failures.add(names[i] + " health check failed: " + e);
      }
    }
    System.out.println("at the end, " + Machine.describe());
    failures.forEach(f -> System.out.println("CHECK FAILED: " + f));
    return failures.isEmpty();
  }

  /** Every acknowledged event is in its user's history, and the store counts at least as many. */
  private static void checkAcknowledged(
      SoakTraffic traffic, ManagedChannel featureChannel, List<String> failures) {
    long missing = 0;
    long checked = 0;
    List<String> examples = new ArrayList<>();
    FeatureServiceGrpc.FeatureServiceBlockingStub stub =
        FeatureServiceGrpc.newBlockingStub(featureChannel);
    for (Map.Entry<String, Set<String>> e : traffic.acknowledged().entrySet()) {
      GetUserHistoryResponse h =
          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
              .getUserHistory(GetUserHistoryRequest.newBuilder().setUserId(e.getKey()).build());
      Set<String> stored = new HashSet<>();
      for (Event ev : h.getEventsList()) {
        stored.add(ev.getEventId());
      }
      for (String id : e.getValue()) {
        checked++;
        if (!stored.contains(id)) {
          if (h.getTruncated()) {
            continue; // older than the newest 10,000: not readable this way, counted below
          }
          missing++;
          if (examples.size() < 5) {
            examples.add(e.getKey() + "/" + id);
          }
        }
      }
    }
    GetDataOverviewResponse overview =
        stub.withDeadlineAfter(60, TimeUnit.SECONDS)
            .getDataOverview(GetDataOverviewRequest.getDefaultInstance());
    System.out.printf(
        Locale.ROOT,
        "acknowledged events: %s, checked in their users' histories: %s, missing: %d; the store"
            + " holds %s events%n",
        Table.count(traffic.acknowledgedCount()),
        Table.count(checked),
        missing,
        Table.count(overview.getEventCount()));
    if (missing > 0) {
      failures.add(
          missing + " acknowledged events are not in their users' histories, e.g. " + examples);
    }
    if (overview.getEventCount() < traffic.acknowledgedCount()) {
      failures.add(
          "the store holds "
              + overview.getEventCount()
              + " events, fewer than the "
              + traffic.acknowledgedCount()
              + " acknowledged");
    }
  }

  /** Heap after GC and open files of each service: the end level against the warm-up level. */
  private static void checkFlat(
      List<ProcessProbe> probes, List<Sample> samples, double tolerance, List<String> failures) {
    Table t =
        new Table(
            "heap after GC and open files (baseline: median of the first 3 samples after warm-up;"
                + " end: median of the last 3; allowed: baseline x "
                + (1 + tolerance)
                + " + "
                + Table.mib(HEAP_FLOOR_BYTES)
                + " / + "
                + FD_FLOOR
                + " files)",
            "service",
            "samples",
            "heap baseline",
            "heap end",
            "heap max",
            "files baseline",
            "files end",
            "files max");
    for (ProcessProbe p : probes) {
      long[] heap =
          samples.stream()
              .filter(s -> s.service().equals(p.name()))
              .mapToLong(Sample::heapBytes)
              .toArray();
      long[] files =
          samples.stream()
              .filter(s -> s.service().equals(p.name()))
              .mapToLong(Sample::openFiles)
              .toArray();
      if (heap.length < 2) {
        failures.add(p.name() + ": fewer than 2 samples; run longer than the warm-up");
        continue;
      }
      long heapBase = median(Arrays.copyOfRange(heap, 0, Math.min(3, heap.length - 1)));
      long heapEnd = median(Arrays.copyOfRange(heap, Math.max(1, heap.length - 3), heap.length));
      long filesBase = median(Arrays.copyOfRange(files, 0, Math.min(3, files.length - 1)));
      long filesEnd =
          median(Arrays.copyOfRange(files, Math.max(1, files.length - 3), files.length));
      t.row(
          p.name(),
          Integer.toString(heap.length),
          Table.mib(heapBase),
          Table.mib(heapEnd),
          Table.mib(Arrays.stream(heap).max().orElse(0)),
          Long.toString(filesBase),
          Long.toString(filesEnd),
          Long.toString(Arrays.stream(files).max().orElse(0)));
      if (heapBase < 0 || heapEnd < 0) {
        failures.add(p.name() + ": heap could not be read (jcmd)");
      } else if (heapEnd > heapBase * (1 + tolerance) + HEAP_FLOOR_BYTES) {
        failures.add(
            p.name()
                + ": heap after GC grew from "
                + Table.mib(heapBase)
                + " to "
                + Table.mib(heapEnd));
      }
      if (filesBase >= 0 && filesEnd > filesBase * (1 + tolerance) + FD_FLOOR) {
        failures.add(p.name() + ": open files grew from " + filesBase + " to " + filesEnd);
      }
    }
    t.print(System.out);
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /** The model's training rows as inline feature vectors. */
  private static FeatureVector[] vectors(BenchModel.Trained model) {
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

  /** A thread doing {@code step} until {@code end}, pausing {@code pauseNanos} between steps. */
  private static Thread loop(
      String name,
      long end,
      long seed,
      long pauseNanos,
      AtomicReference<Throwable> error,
      java.util.function.Consumer<SplittableRandom> step) {
    Thread t =
        new Thread(
            () -> {
              SplittableRandom random = new SplittableRandom(seed);
              long next = System.nanoTime();
              try {
                while (System.nanoTime() < end) {
                  step.accept(random);
                  next += pauseNanos;
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  } else if (pauseNanos > 0 && wait < -TimeUnit.SECONDS.toNanos(5)) {
                    next = System.nanoTime(); // fell behind (a slow machine): no burst to catch up
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                error.compareAndSet(null, e);
              }
            },
            name);
    // daemon: a failure of the main thread must not leave the load running
    t.setDaemon(true);
    return t;
  }
}
