package io.propensity.bench.load;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.IngestClient;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.Prometheus;
import io.propensity.bench.support.ProtoEvents;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Memory of feature-service's in-process online state: a service limited to a small heap ingests a
 * ~1M-event demo set over gRPC; its own Prometheus gauges then give users, state bytes and heap,
 * read once as found and once after a full GC. It must finish without running out of memory.
 */
public final class OnlineStateMemoryCheck {
  private static final String USAGE =
      """
      OnlineStateMemoryCheck: online state bytes per user and heap of a feature-service with a small heap.
        --events N      demo events to ingest (default 1000000)
        --xmx SIZE      the service's maximum heap (default 512m)
        --store S       sqlite or postgresql (default sqlite)
      """;

  private OnlineStateMemoryCheck() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    long events = args.longValue("events", 1_000_000, 1_000, 10_000_000);
    String xmx = args.string("xmx", "512m");
    if (!xmx.matches("\\d+[mMgG]")) {
      throw new IllegalArgumentException("--xmx: '" + xmx + "' is not a size like 512m or 1g");
    }
    String storeName = args.string("store", "sqlite");
    args.done();
    System.out.println(Machine.describe());

    Path work = TempDirs.create("propensity-bench-memory-");
    boolean ok = false;
    try (StoreBackend store = StoreBackend.fresh(storeName, work);
        FeatureServiceProcess service =
            FeatureServiceProcess.of(
                store, OnlineBackend.of("memory").serviceEnv(), List.of("-Xmx" + xmx), work)) {
      service.start(Duration.ofSeconds(90));
      ManagedChannel channel = service.channel();
      IngestClient.Result ingest;
      try {
        System.out.printf(
            Locale.ROOT,
            "ingesting %,d demo events into a feature-service with -Xmx%s...%n",
            events,
            xmx);
        ingest =
            IngestClient.stream(
                channel,
                ProtoEvents.requests(DemoSets.firstEvents(events, DemoSets.recentEnd()), 500),
                Duration.ofMinutes(20));
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "ingest failed"
                + (service.logMentionsOutOfMemory() ? " (OutOfMemoryError in the service)" : "")
                + ": "
                + e.getMessage()
                + "\n"
                + service.tail(),
            e);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      System.out.printf(
          Locale.ROOT,
          "ingested %,d events in %.1f s (%,.0f events/s)%n",
          ingest.summary().getAcceptedCount(),
          ingest.seconds(),
          ingest.eventsPerSecond());

      Prometheus asFound = Prometheus.scrape(service.httpBase() + "/prometheus");
      long rssAsFound = rssBytes(service.pid());
      fullGc(service.pid());
      Prometheus afterGc = Prometheus.scrape(service.httpBase() + "/prometheus");
      long rssAfterGc = rssBytes(service.pid());

      if (!service.isAlive() || service.logMentionsOutOfMemory()) {
        throw new IllegalStateException(
            "the service ran out of memory or died:\n" + service.tail());
      }
      double users = required(afterGc.sum("propensity_online_users"), "propensity_online_users");
      double stateBytes =
          required(afterGc.sum("propensity_online_state_bytes"), "propensity_online_state_bytes");
      double storeEvents =
          required(afterGc.sum("propensity_store_events"), "propensity_store_events");
      double heapFound =
          required(
              asFound.sum("jvm_memory_used_bytes", "area=\"heap\""),
              "jvm_memory_used_bytes{area=heap}");
      double heapAfterGc =
          required(
              afterGc.sum("jvm_memory_used_bytes", "area=\"heap\""),
              "jvm_memory_used_bytes{area=heap}");
      double committed =
          afterGc.sum("jvm_memory_committed_bytes", "area=\"heap\"").orElse(Double.NaN);
      double nonHeap = afterGc.sum("jvm_memory_used_bytes", "area=\"nonheap\"").orElse(Double.NaN);

      Table t =
          new Table(
              "Online state memory, "
                  + Table.count((long) storeEvents)
                  + " events, service -Xmx"
                  + xmx
                  + ", online state in memory",
              "figure",
              "value");
      t.row("propensity_store_events", Table.count((long) storeEvents));
      t.row("propensity_online_users (active users)", Table.count((long) users));
      t.row(
          "propensity_online_state_bytes",
          Table.count((long) stateBytes) + " (" + Table.mib(stateBytes) + ")");
      t.row("state bytes per active user", String.format(Locale.ROOT, "%,.0f", stateBytes / users));
      t.row("heap used, as found after ingest", Table.mib(heapFound));
      t.row("heap used, after a full GC (jcmd GC.run)", Table.mib(heapAfterGc));
      t.row(
          "heap used after GC / active users (whole service)",
          String.format(Locale.ROOT, "%,.0f bytes", heapAfterGc / users));
      t.row("heap committed after GC", Double.isNaN(committed) ? "n/a" : Table.mib(committed));
      t.row("non-heap used", Double.isNaN(nonHeap) ? "n/a" : Table.mib(nonHeap));
      t.row(
          "process RSS as found / after GC",
          (rssAsFound < 0 ? "n/a" : Table.mib(rssAsFound))
              + " / "
              + (rssAfterGc < 0 ? "n/a" : Table.mib(rssAfterGc)));
      t.row("ingest rate (info)", Table.rate(ingest.eventsPerSecond()) + " events/s");
      t.row("result", "completed without OutOfMemoryError");
      t.print(System.out);
      System.out.println("at the end, " + Machine.describe());
      if ((long) storeEvents != ingest.summary().getAcceptedCount()) {
        System.out.println(
            "WARNING: propensity_store_events differs from the events accepted: "
                + ingest.summary().getAcceptedCount());
      }
      ok = true;
    } finally {
      TempDirs.delete(work);
    }
    if (!ok) {
      System.exit(1);
    }
  }

  private static double required(OptionalDouble v, String name) {
    return v.orElseThrow(
        () -> new IllegalStateException("metric " + name + " not found at /prometheus"));
  }

  /** Asks the service's JVM for a full collection, so heap used approximates live data. */
  private static void fullGc(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      System.out.println("(no jcmd in this JDK: heap after GC is heap as found)");
      return;
    }
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      System.out.println("(jcmd GC.run timed out)");
    }
    p.getInputStream().readAllBytes();
  }

  /** Resident set size of a process from /proc (Linux), or -1. */
  private static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }
}
