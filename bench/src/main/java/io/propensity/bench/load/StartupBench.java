package io.propensity.bench.load;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.BulkEventLoader;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.IngestClient;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.ProtoEvents;
import io.propensity.bench.support.SnapshotDecoders;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.engine.event.Event;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Start-up time of feature-service against the number of stored events, and ingest rate as the
 * store grows. Per store size: the embedded default (SQLite, online state in memory) started with a
 * full rebuild, then restarted from the snapshot written at its graceful shutdown; PostgreSQL with
 * the online state in Redis started once with an empty Redis prefix (full rebuild into Redis), then
 * restarted. Between the two starts, events are ingested over StreamIngestEvents and timed. The
 * same-run baselines: a start on an empty store (start-up), and the rate at the smallest size
 * (ingest).
 */
public final class StartupBench {
  private static final String USAGE =
      """
      StartupBench: feature-service start-up time and ingest rate against the number of stored events.
        --sizes L          stored events before each measurement, ascending (default 1000000,10000000);
                           events are generated (demo shop sessions) and written straight into the
                           store in bulk (COPY on PostgreSQL, large transactions on SQLite)
        --backends L       sqlite (online state in memory, snapshots) and/or postgresql (online state
                           in Redis; needs PROPENSITY_BENCH_PG_* and PROPENSITY_BENCH_REDIS_URL)
                           (default: sqlite, plus postgresql when configured)
        --ingest-events N  events ingested and timed at each size (default 200000)
        --warmup-events N  events ingested first, untimed, at each size (default 50000)
        --batch N          events per stream message (default 500)
        --service-xmx S    heap of the service (default 3g)
        --start-timeout D  longest wait for a start (default 20m)
        --decoder-repeats N  after each SQLite restart, read its snapshot in this JVM with the
                           format-version-1 reader (on a copy converted to that format) and the
                           current reader on one thread and on every core, best of N (default 2;
                           0 skips)
        --snapshot FILE    only that comparison, on an existing snapshot file, then exit
      """;

  private StartupBench() {}

  record Measure(
      String backend,
      long stored,
      double bulkSeconds,
      double firstStartSeconds,
      String firstStartLog,
      double restartSeconds,
      String restartLog,
      long snapshotBytes,
      double ingestPerSecond,
      SnapshotDecoders.Result decoders) {}

  private static final java.util.regex.Pattern RESTORED =
      java.util.regex.Pattern.compile(
          "read in (\\d+) ms: index (\\d+) ms, decode (\\d+) ms on (\\d+) threads, (\\d+)"
              + " chunks, (\\d+) bytes; install (\\d+) ms\\) plus (\\d+) events stored after it"
              + " \\((\\d+) ms\\), in (\\d+) ms");

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    long[] sizes =
        Arrays.stream(args.string("sizes", "1000000,10000000").split(","))
            .mapToLong(s -> Long.parseLong(s.trim()))
            .toArray();
    List<String> backends =
        List.of(
            args.string("backends", String.join(",", StoreBackend.availableNames())).split(","));
    long ingest = args.longValue("ingest-events", 200_000, 1_000, 100_000_000);
    long warmup = args.longValue("warmup-events", 50_000, 0, 100_000_000);
    int batch = args.intValue("batch", 500, 1, 10_000);
    String xmx = args.string("service-xmx", "3g");
    Duration timeout =
        args.duration(
            "start-timeout", Duration.ofMinutes(20), Duration.ofSeconds(10), Duration.ofHours(3));
    int repeats = args.intValue("decoder-repeats", 2, 0, 100);
    String only = args.string("snapshot", "");
    args.done();
    if (!only.isBlank()) {
      System.out.println(Machine.describe());
      SnapshotDecoders.Result r = SnapshotDecoders.compare(Path.of(only), Math.max(1, repeats));
      decoderTable(List.of(new Measure("snapshot", 0, 0, 0, "", 0, "", r.v2Bytes(), 0, r)))
          .print(System.out);
      System.out.println("at the end, " + Machine.describe());
      return;
    }
    for (int i = 1; i < sizes.length; i++) {
      if (sizes[i] <= sizes[i - 1]) {
        throw new IllegalArgumentException("--sizes must be ascending");
      }
    }
    System.out.println(Machine.describe());
    Instant end = DemoSets.recentEnd();
    List<Measure> all = new ArrayList<>();
    List<String> baselines = new ArrayList<>();
    for (String backend : backends) {
      all.addAll(
          lane(
              backend.trim(), sizes, ingest, warmup, batch, xmx, timeout, end, baselines, repeats));
    }

    Table starts =
        new Table(
            "start-up (process start to gRPC SERVING, wall clock)",
            "backend",
            "stored events",
            "bulk load s",
            "first start s",
            "restart s",
            "first / restart",
            "snapshot MiB");
    for (Measure m : all) {
      starts.row(
          m.backend(),
          Table.count(m.stored()),
          Table.seconds(m.bulkSeconds()),
          Table.seconds(m.firstStartSeconds()),
          Table.seconds(m.restartSeconds()),
          Table.ratio(m.firstStartSeconds() / m.restartSeconds()),
          m.snapshotBytes() < 0 ? "-" : Table.mib(m.snapshotBytes()));
    }
    starts.print(System.out);
    System.out.println(
        "same-run baseline, start on an empty store: " + String.join("; ", baselines));
    Table phases =
        new Table(
            "restart phases (from the service's log; rest = process start to SERVING minus restore)",
            "backend",
            "stored events",
            "restart s",
            "restore ms",
            "index ms",
            "decode ms",
            "threads",
            "install ms",
            "events after",
            "tail ms",
            "rest s");
    for (Measure m : all) {
      java.util.regex.Matcher r = RESTORED.matcher(m.restartLog());
      if (r.find()) {
        phases.row(
            m.backend(),
            Table.count(m.stored()),
            Table.seconds(m.restartSeconds()),
            r.group(10),
            r.group(2),
            r.group(3),
            r.group(4),
            r.group(7),
            r.group(8),
            r.group(9),
            Table.seconds(m.restartSeconds() - Long.parseLong(r.group(10)) / 1000.0));
      } else {
        phases.row(
            m.backend(),
            Table.count(m.stored()),
            Table.seconds(m.restartSeconds()),
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            Table.seconds(m.restartSeconds()));
      }
    }
    phases.print(System.out);
    if (all.stream().anyMatch(m -> m.decoders() != null)) {
      decoderTable(all).print(System.out);
    }
    System.out.println();
    System.out.println("what the service logged:");
    for (Measure m : all) {
      System.out.println(
          "  " + m.backend() + " @ " + Table.count(m.stored()) + " first:   " + m.firstStartLog());
      System.out.println(
          "  " + m.backend() + " @ " + Table.count(m.stored()) + " restart: " + m.restartLog());
    }
    Table rates =
        new Table(
            "ingest rate over one StreamIngestEvents stream, batches of " + batch,
            "backend",
            "stored events before",
            "events/s",
            "vs smallest size");
    for (Measure m : all) {
      double base =
          all.stream()
              .filter(x -> x.backend().equals(m.backend()))
              .findFirst()
              .orElseThrow()
              .ingestPerSecond();
      rates.row(
          m.backend(),
          Table.count(m.stored()),
          Table.rate(m.ingestPerSecond()),
          Table.ratio(m.ingestPerSecond() / base));
    }
    rates.print(System.out);
    System.out.println("at the end, " + Machine.describe());
  }

  private static Table decoderTable(List<Measure> all) {
    Table t =
        new Table(
            "snapshot read in one JVM, same state, best of N: format 1 reader (before) vs format 2",
            "backend",
            "stored events",
            "users",
            "format 1 MiB",
            "format 2 MiB",
            "format 1 ms",
            "format 2, 1 thread ms",
            "format 2, all cores ms",
            "cores",
            "format 1 / format 2 all cores");
    for (Measure m : all) {
      SnapshotDecoders.Result r = m.decoders();
      if (r == null) {
        continue;
      }
      t.row(
          m.backend(),
          Table.count(m.stored()),
          Table.count(r.users()),
          Table.mib(r.v1Bytes()),
          Table.mib(r.v2Bytes()),
          String.format(java.util.Locale.ROOT, "%.0f", r.v1Ms()),
          String.format(java.util.Locale.ROOT, "%.0f", r.v2OneThreadMs()),
          String.format(java.util.Locale.ROOT, "%.0f", r.v2AllCoresMs()),
          r.cores(),
          Table.ratio(r.v1Ms() / r.v2AllCoresMs()));
    }
    return t;
  }

  private static List<Measure> lane(
      String backend,
      long[] sizes,
      long ingest,
      long warmup,
      int batch,
      String xmx,
      Duration timeout,
      Instant end,
      List<String> baselines,
      int repeats)
      throws Exception {
    boolean pg = !backend.equals("sqlite");
    long total = sizes[sizes.length - 1] + sizes.length * (ingest + warmup);
    Iterator<Event> stream = DemoSets.firstEvents(total, end);
    Path work = TempDirs.create("propensity-bench-startup-");
    List<Measure> out = new ArrayList<>();
    List<String> jvm = List.of("-Xmx" + xmx);
    try (StoreBackend store = StoreBackend.fresh(backend, work)) {
      String label = pg ? store.name() + "+redis" : store.name() + "+memory";
      // baseline: a start on an empty (migrated) store
      store.open().close();
      OnlineBackend emptyOnline = OnlineBackend.of(pg ? "redis" : "memory");
      try {
        Started empty = start(store, emptyOnline, jvm, work, timeout);
        empty.service.stop();
        baselines.add(label + " " + Table.seconds(empty.seconds));
      } finally {
        emptyOnline.cleanUp();
      }
      long stored = 0;
      for (long size : sizes) {
        long t0 = System.nanoTime();
        System.out.printf("[%s] bulk loading %,d events...%n", label, size - stored);
        stored += BulkEventLoader.load(store, stream, size - stored);
        double bulk = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[%s] %,d events stored (bulk %.1f s)%n", label, stored, bulk);
        OnlineBackend online = OnlineBackend.of(pg ? "redis" : "memory");
        Path snapshot = work.resolve("data/feature-service/online-state.snap");
        try {
          Files.deleteIfExists(snapshot);
          Started first = start(store, online, jvm, work, timeout);
          double rate;
          try (FeatureServiceProcess ignored = first.service) {
            ManagedChannel ch = first.service.channel();
            try {
              IngestClient.stream(
                  ch, ProtoEvents.requests(limit(stream, warmup), batch), Duration.ofMinutes(30));
              IngestClient.Result r =
                  IngestClient.stream(
                      ch,
                      ProtoEvents.requests(limit(stream, ingest), batch),
                      Duration.ofMinutes(30));
              rate = r.eventsPerSecond();
            } finally {
              ch.shutdownNow();
            }
            first.service.stop();
          }
          long storedBefore = stored;
          stored += warmup + ingest;
          long snapshotBytes = pg ? -1 : Files.exists(snapshot) ? Files.size(snapshot) : 0;
          if (!pg && snapshotBytes == 0) {
            throw new IllegalStateException(
                "no snapshot written at shutdown; log tail:\n" + first.service.tail());
          }
          Started again = start(store, online, jvm, work, timeout);
          again.service.stop();
          SnapshotDecoders.Result decoders = null;
          if (!pg && repeats > 0) {
            decoders = SnapshotDecoders.compare(snapshot, repeats);
            System.out.printf(
                "[%s] @%,d: snapshot read in this JVM: format 1 %.0f ms, format 2 %.0f ms on one"
                    + " thread, %.0f ms on %d cores%n",
                label,
                storedBefore,
                decoders.v1Ms(),
                decoders.v2OneThreadMs(),
                decoders.v2AllCoresMs(),
                decoders.cores());
          }
          System.out.printf(
              "[%s] @%,d: first start %.2f s, restart %.2f s, ingest %.0f events/s%n",
              label, storedBefore, first.seconds, again.seconds, rate);
          long eventsStored = stored;
          online
              .redisMemory(10_000)
              .ifPresent(
                  m -> System.out.printf("[%s] @%,d: %s%n", label, eventsStored, m.describe()));
          out.add(
              new Measure(
                  label,
                  storedBefore,
                  bulk,
                  first.seconds,
                  first.logLine,
                  again.seconds,
                  again.logLine,
                  snapshotBytes,
                  rate,
                  decoders));
        } finally {
          online.cleanUp();
        }
      }
    } finally {
      TempDirs.delete(work);
    }
    return out;
  }

  record Started(FeatureServiceProcess service, double seconds, String logLine) {}

  private static Started start(
      StoreBackend store, OnlineBackend online, List<String> jvm, Path work, Duration timeout)
      throws InterruptedException, IOException {
    FeatureServiceProcess service = FeatureServiceProcess.of(store, online.serviceEnv(), jvm, work);
    long logFrom = Files.exists(service.log()) ? Files.size(service.log()) : 0;
    long t0 = System.nanoTime();
    try {
      service.start(timeout);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Started(service, seconds, onlineLine(service.log(), logFrom));
  }

  /** The service's own line about how the online state was brought up, from this start's log. */
  private static String onlineLine(Path log, long from) throws IOException {
    String text;
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      byte[] b = new byte[(int) Math.max(0, f.length() - from)];
      f.seek(from);
      f.readFully(b);
      text = new String(b, StandardCharsets.UTF_8);
    }
    String found = "(no line)";
    for (String line : text.split("\n")) {
      if (line.contains("online state rebuilt")
          || line.contains("online state restored")
          || line.contains("online state is persistent")) {
        int at = line.indexOf("online state");
        found =
            line.substring(at).replaceFirst("\",\"throwable\".*$", "").replace("\\/", "/").trim();
      }
    }
    return found;
  }

  private static Iterator<Event> limit(Iterator<Event> events, long n) {
    return new Iterator<>() {
      long left = n;

      @Override
      public boolean hasNext() {
        return left > 0 && events.hasNext();
      }

      @Override
      public Event next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        left--;
        return events.next();
      }
    };
  }
}
