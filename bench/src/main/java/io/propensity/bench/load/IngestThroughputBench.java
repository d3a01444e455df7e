package io.propensity.bench.load;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.IngestClient;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.Prometheus;
import io.propensity.bench.support.ProtoEvents;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.ingest.IngestMetrics;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.online.InMemoryOnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import propensity.features.v1.StreamIngestEventsRequest;

/**
 * Ingest throughput of feature-service over one StreamIngestEvents client stream, against writing
 * the same rows straight into the same backend with {@link JdbcEventStore#append} in batches of the
 * same size, measured in the same run on fresh stores. Goal: the service reaches at least 50 % of
 * the direct path.
 */
public final class IngestThroughputBench {
  private static final String USAGE =
      """
      IngestThroughputBench: events/s of StreamIngestEvents into a fresh feature-service vs. JdbcEventStore.append.
        --events N      demo events to ingest (default 200000)
        --batch N       events per stream message and per append (default 500)
        --backends L    comma-separated: sqlite, postgresql (default: sqlite, plus postgresql when
                        PROPENSITY_BENCH_PG_URL/_USER/_PASSWORD are set)
        --warmup-events N  events ingested first, untimed, into each fresh store (by either path), so
                        that both paths are measured JIT-warm, as a long-running service is (default 50000)
        --rounds N      rounds per backend (default 3); even rounds measure the service first; the
                        report gives each round and the median ratio
        --deadline D    deadline of one ingest stream (default 10m)
        --breakdown true  also run feature-service's Ingestor in this JVM (validation, append, online
                        state update, metrics; no gRPC, no process) on a fresh store: splits the
                        service's overhead into domain work and transport (default false)
        --service-jvm-args "A B"  extra JVM options of the service, e.g. a flight recording:
                        "-XX:StartFlightRecording=filename=/tmp/ingest.jfr,settings=profile"
      """;

  private IngestThroughputBench() {}

  /**
   * One service run: what the client saw, and the seconds the service itself spent in its Ingestor
   * (validate, commit, online state update: the sum of its {@code propensity_ingest_latency}
   * timer).
   */
  record ServiceRun(IngestClient.Result client, double ingestorSeconds) {
    double eventsPerSecond() {
      return client.eventsPerSecond();
    }
  }

  /** The same events as engine batches (direct path) and as stream messages (service path). */
  record Workload(
      List<List<Event>> batches, List<StreamIngestEventsRequest> requests, long events) {
    static Workload of(List<List<Event>> batches) {
      List<StreamIngestEventsRequest> requests = new ArrayList<>(batches.size());
      for (List<Event> b : batches) {
        requests.add(ProtoEvents.request(b));
      }
      return new Workload(
          List.copyOf(batches),
          List.copyOf(requests),
          batches.stream().mapToLong(List::size).sum());
    }
  }

  /** One backend's pair of measurements in one round. */
  record Lane(
      String backend,
      int round,
      long events,
      double directSeconds,
      double ingestorSeconds,
      ServiceRun service) {
    double directRate() {
      return events / directSeconds;
    }

    double ratio() {
      return service.eventsPerSecond() / directRate();
    }
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    long events = args.longValue("events", 200_000, 1_000, 5_000_000);
    int batch = args.intValue("batch", 500, 1, 10_000);
    List<String> backends =
        List.of(
            args.string("backends", String.join(",", StoreBackend.availableNames())).split(","));
    long warmupEvents = args.longValue("warmup-events", 50_000, 0, 5_000_000);
    int rounds = args.intValue("rounds", 3, 1, 10);
    boolean breakdown = args.bool("breakdown", false);
    String extra = args.string("service-jvm-args", "").trim();
    List<String> serviceJvmArgs = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    Duration deadline =
        args.duration(
            "deadline", Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofHours(1));
    args.done();
    System.out.println(Machine.describe());

    Instant end = DemoSets.recentEnd();
    System.out.printf(
        Locale.ROOT,
        "generating %,d + %,d (warm-up) demo events (window ending %s) in batches of %d...%n",
        events,
        warmupEvents,
        end,
        batch);
    // the measured events are the first ones; the warm-up events are those that follow (other
    // users, other ids), so that a warm-up never turns measured events into duplicates
    Iterator<Event> demo = DemoSets.firstEvents(events + warmupEvents, end);
    Workload measured = Workload.of(DemoSets.batchesInMemory(demo, events, batch));
    Workload warmup = Workload.of(DemoSets.batchesInMemory(demo, warmupEvents, batch));
    long total = measured.events();

    Path work = TempDirs.create("propensity-bench-ingest-");
    List<Lane> lanes = new ArrayList<>();
    try {
      for (int round = 1; round <= rounds; round++) {
        for (String name : backends) {
          String backend = name.trim();
          // alternate the order between rounds, so that a drift in background load favours neither
          // side
          boolean serviceFirst = round % 2 == 0;
          ServiceRun service = null;
          if (serviceFirst) {
            service = service(backend, warmup, measured, work, deadline, serviceJvmArgs);
          }
          double direct = direct(backend, warmup, measured, work);
          double inProcess =
              breakdown ? inProcessIngestor(backend, warmup, measured, work) : Double.NaN;
          if (!serviceFirst) {
            service = service(backend, warmup, measured, work, deadline, serviceJvmArgs);
          }
          lanes.add(new Lane(backend, round, total, direct, inProcess, service));
        }
      }
    } finally {
      TempDirs.delete(work);
    }

    Table t =
        new Table(
            "Ingest throughput, "
                + Table.count(total)
                + " demo events, batches of "
                + batch
                + ", fresh store each",
            "backend",
            "round",
            "direct append events/s",
            "gRPC stream events/s",
            "ratio service/direct");
    for (Lane l : lanes) {
      t.row(
          l.backend(),
          l.round(),
          Table.rate(l.directRate()),
          Table.rate(l.service().eventsPerSecond()),
          Table.ratio(l.ratio()));
    }
    t.print(System.out);
    if (breakdown) {
      Table b =
          new Table(
              "Breakdown: feature-service's Ingestor in this JVM (no gRPC, no process), same events and batches",
              "backend",
              "round",
              "direct append events/s",
              "in-process Ingestor events/s",
              "ratio Ingestor/direct",
              "ratio service/Ingestor");
      for (Lane l : lanes) {
        double ingestorRate = l.events() / l.ingestorSeconds();
        b.row(
            l.backend(),
            l.round(),
            Table.rate(l.directRate()),
            Table.rate(ingestorRate),
            Table.ratio(ingestorRate / l.directRate()),
            Table.ratio(l.service().eventsPerSecond() / ingestorRate));
      }
      b.print(System.out);
    }
    boolean allMet = true;
    Table verdict =
        new Table(
            "Ingest ratio per backend", "backend", "median ratio service/direct", "goal >= 0.50");
    for (String name : backends) {
      double[] ratios =
          lanes.stream()
              .filter(l -> l.backend().equals(name.trim()))
              .mapToDouble(Lane::ratio)
              .sorted()
              .toArray();
      double median =
          ratios.length % 2 == 1
              ? ratios[ratios.length / 2]
              : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
      boolean met = median >= 0.5;
      allMet &= met;
      verdict.row(name.trim(), Table.ratio(median), met ? "met" : "MISSED");
    }
    verdict.print(System.out);
    Table times =
        new Table(
            "Ingest wall times (service: whole stream, and the part spent inside its Ingestor per its own timer)",
            "backend",
            "round",
            "direct append",
            "gRPC stream",
            "in Ingestor",
            "outside Ingestor",
            "accepted",
            "duplicates",
            "rejected");
    for (Lane l : lanes) {
      IngestClient.Result c = l.service().client();
      double inside = l.service().ingestorSeconds();
      times.row(
          l.backend(),
          l.round(),
          Table.seconds(l.directSeconds()),
          Table.seconds(c.seconds()),
          Double.isNaN(inside) ? "n/a" : Table.seconds(inside),
          Double.isNaN(inside) ? "n/a" : Table.seconds(c.seconds() - inside),
          Table.count(c.summary().getAcceptedCount()),
          Table.count(c.summary().getDuplicateCount()),
          Table.count(c.summary().getRejectedCount()));
    }
    times.print(System.out);
    System.out.println(
        "in Ingestor = validation + durable commit + online state update + metrics, per batch, summed;"
            + " outside = protobuf decoding and mapping, gRPC transport, and waiting for the client.");
    System.out.println(
        "direct = JdbcEventStore.append in this JVM, no service; gRPC = one StreamIngestEvents stream into a"
            + " feature-service process (validation, durable commit, online state update). Fresh store and process"
            + " each time; both paths first ingest the same warm-up events, untimed.");
    System.out.println("at the end, " + Machine.describe());
    if (!allMet) {
      System.out.println(
          "GOAL MISSED: the service reaches less than 50% of the direct append rate on some backend.");
    }
  }

  private static double direct(String backend, Workload warmup, Workload measured, Path work) {
    System.out.printf(Locale.ROOT, "[%s] direct JdbcEventStore.append...%n", backend);
    try (StoreBackend store = StoreBackend.fresh(backend, work);
        JdbcEventStore direct = store.open()) {
      append(direct, warmup);
      long start = System.nanoTime();
      long stored = append(direct, measured);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (stored != measured.events()) {
        throw new IllegalStateException(
            "direct append stored " + stored + " of " + measured.events() + " events");
      }
      return seconds;
    }
  }

  private static long append(JdbcEventStore store, Workload w) {
    long stored = 0;
    for (List<Event> b : w.batches()) {
      stored += store.append(b).stored().size();
    }
    return stored;
  }

  /**
   * The service's own ingest pipeline, wired as FeatureServiceFactory wires it, called in this JVM.
   */
  private static double inProcessIngestor(
      String backend, Workload warmup, Workload measured, Path work) {
    System.out.printf(Locale.ROOT, "[%s] feature-service Ingestor in this JVM...%n", backend);
    try (StoreBackend store = StoreBackend.fresh(backend, work);
        JdbcEventStore events = store.open()) {
      OnlineFeatures online =
          new OnlineFeatures(new InMemoryOnlineFeatureStore(), Clock.systemUTC(), 1_000);
      IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), 0);
      IngestListener both =
          new IngestListener() {
            @Override
            public void onStored(List<Event> stored) {
              online.onStored(stored);
              metrics.onStored(stored);
            }

            @Override
            public void onOutcome(IngestOutcome outcome, long nanos) {
              online.onOutcome(outcome, nanos);
              metrics.onOutcome(outcome, nanos);
            }
          };
      Ingestor ingestor = new Ingestor(events, EventValidator.systemDefault(), 10_000, both);
      List<List<ReceivedEvent>> warmupItems = items(warmup);
      List<List<ReceivedEvent>> items = items(measured);
      for (List<ReceivedEvent> b : warmupItems) {
        ingestor.ingestStreamBatch(b);
      }
      long accepted = 0;
      long start = System.nanoTime();
      for (List<ReceivedEvent> b : items) {
        accepted += ingestor.ingestStreamBatch(b).accepted();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (accepted != measured.events()) {
        throw new IllegalStateException(
            "the Ingestor accepted " + accepted + " of " + measured.events() + " events");
      }
      return seconds;
    }
  }

  private static List<List<ReceivedEvent>> items(Workload w) {
    List<List<ReceivedEvent>> out = new ArrayList<>(w.batches().size());
    for (List<Event> b : w.batches()) {
      List<ReceivedEvent> parsed = new ArrayList<>(b.size());
      for (Event e : b) {
        parsed.add(new ReceivedEvent.Parsed(e));
      }
      out.add(parsed);
    }
    return out;
  }

  private static ServiceRun service(
      String backend,
      Workload warmup,
      Workload measured,
      Path work,
      Duration deadline,
      List<String> jvmArgs)
      throws InterruptedException, IOException {
    System.out.printf(
        Locale.ROOT, "[%s] StreamIngestEvents into a fresh feature-service...%n", backend);
    try (StoreBackend store = StoreBackend.fresh(backend, work)) {
      Path dir = Files.createTempDirectory(work, "service-");
      try (FeatureServiceProcess service =
          FeatureServiceProcess.of(store, Map.of(), jvmArgs, dir)) {
        service.start(Duration.ofSeconds(90));
        ManagedChannel channel = service.channel();
        try {
          if (!warmup.requests().isEmpty()) {
            IngestClient.stream(channel, warmup.requests().iterator(), deadline);
          }
          String metricsUrl = service.httpBase() + "/prometheus";
          double ingestorBefore =
              Prometheus.scrape(metricsUrl).sum("propensity_ingest_latency_seconds_sum").orElse(0);
          IngestClient.Result r =
              IngestClient.stream(channel, measured.requests().iterator(), deadline);
          if (r.summary().getAcceptedCount() != measured.events()) {
            throw new IllegalStateException(
                "the service accepted "
                    + r.summary().getAcceptedCount()
                    + " of "
                    + measured.events()
                    + " events: "
                    + r.summary());
          }
          double ingestor =
              Prometheus.scrape(metricsUrl)
                      .sum("propensity_ingest_latency_seconds_sum")
                      .orElse(Double.NaN)
                  - ingestorBefore;
          return new ServiceRun(r, ingestor);
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      } finally {
        TempDirs.delete(dir);
      }
    }
  }
}
