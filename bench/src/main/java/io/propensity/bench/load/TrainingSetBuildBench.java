package io.propensity.bench.load;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.IngestClient;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.ProtoEvents;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.TrainingSetSummary;

/**
 * BuildTrainingSet throughput on a ~1M-event demo store (purchase target, 7-day horizon, daily
 * rolling cutoffs over the last weeks), against the same run's time to merely scan every event
 * through the store ({@code EventStore.forEachUser}), which is the floor of any one-pass build.
 */
public final class TrainingSetBuildBench {
  private static final String USAGE =
      """
      TrainingSetBuildBench: rows/s of BuildTrainingSet vs a plain scan of the same store.
        --events N      demo events in the store (default 1000000: the first users' events, ~30k users)
        --weeks N       weeks of daily cutoffs, ending horizon+1 day before the data ends (default 4)
        --horizon-days N  purchase horizon (default 7)
        --batch-size N  rows per streamed message (default 1000)
        --store S       sqlite or postgresql (default sqlite)
        --deadline D    deadline of the BuildTrainingSet stream (default 20m)
      """;

  private TrainingSetBuildBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    long events = args.longValue("events", 1_000_000, 1_000, 10_000_000);
    int weeks = args.intValue("weeks", 4, 1, 8);
    int horizonDays = args.intValue("horizon-days", 7, 1, 30);
    int batchSize = args.intValue("batch-size", 1_000, 1, 10_000);
    String storeName = args.string("store", "sqlite");
    Duration deadline =
        args.duration(
            "deadline", Duration.ofMinutes(20), Duration.ofSeconds(10), Duration.ofHours(2));
    args.done();
    System.out.println(Machine.describe());

    Instant end = DemoSets.recentEnd();
    Instant lastCutoff = end.minus(Duration.ofDays(horizonDays + 1));
    Instant firstCutoff = lastCutoff.minus(Duration.ofDays(weeks * 7L - 1));

    Path work = TempDirs.create("propensity-bench-trainingset-");
    try (StoreBackend store = StoreBackend.fresh(storeName, work)) {
      try (FeatureServiceProcess service =
          FeatureServiceProcess.of(store, Map.of(), List.of(), work)) {
        service.start(Duration.ofSeconds(90));
        ManagedChannel channel = service.channel();
        try {
          System.out.printf(
              Locale.ROOT, "ingesting %,d demo events into %s...%n", events, store.name());
          Iterator<propensity.features.v1.StreamIngestEventsRequest> requests =
              ProtoEvents.requests(DemoSets.firstEvents(events, end), 500);
          IngestClient.Result ingest =
              IngestClient.stream(channel, requests, Duration.ofMinutes(20));
          long stored = ingest.summary().getAcceptedCount();
          System.out.printf(
              Locale.ROOT,
              "ingested %,d events in %.1f s (%,.0f events/s)%n",
              stored,
              ingest.seconds(),
              ingest.eventsPerSecond());

          // scan, build, scan: the baseline brackets the build, so a drift in background load
          // during the run affects both sides alike (the idle service does not touch the store)
          System.out.println(
              "baseline 1/2: scanning the store directly (EventStore.forEachUser), no features...");
          Scan before = scan(store, stored);
          TrainingSetSpec spec =
              TrainingSetSpec.newBuilder()
                  .setTarget(Target.TARGET_PURCHASE)
                  .setHorizon(EventProtoMapper.duration(Duration.ofDays(horizonDays)))
                  .setRollingCutoffs(
                      CutoffRange.newBuilder()
                          .setStart(EventProtoMapper.timestamp(firstCutoff))
                          .setEnd(EventProtoMapper.timestamp(lastCutoff))
                          .setStep(EventProtoMapper.duration(Duration.ofDays(1))))
                  .build();
          System.out.printf(
              Locale.ROOT,
              "BuildTrainingSet: purchase, horizon %dd, daily cutoffs %s .. %s...%n",
              horizonDays,
              firstCutoff,
              lastCutoff);
          Build build = build(channel, spec, batchSize, deadline);
          System.out.println("baseline 2/2: scanning the store again...");
          Scan after = scan(store, stored);
          report(build, before, after, store.name(), weeks, horizonDays);
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  record Build(
      long rows,
      long positives,
      long users,
      long cutoffs,
      long messages,
      double seconds,
      Duration serverElapsed) {}

  record Scan(long users, long events, double seconds) {}

  private static Build build(
      ManagedChannel channel, TrainingSetSpec spec, int batchSize, Duration deadline) {
    long rows = 0;
    long messages = 0;
    TrainingSetSummary summary = null;
    long start = System.nanoTime();
    Iterator<BuildTrainingSetResponse> stream =
        new FeatureServiceClient(channel, deadline)
            .buildTrainingSet(
                BuildTrainingSetRequest.newBuilder().setSpec(spec).setBatchSize(batchSize).build());
    while (stream.hasNext()) {
      BuildTrainingSetResponse m = stream.next();
      messages++;
      switch (m.getPayloadCase()) {
        case ROWS -> rows += m.getRows().getRowsCount();
        case SUMMARY -> summary = m.getSummary();
        default -> {}
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (summary == null || summary.getRowCount() != rows) {
      throw new IllegalStateException(
          "training set stream ended without a matching summary: "
              + rows
              + " rows, summary "
              + summary);
    }
    return new Build(
        rows,
        summary.getPositiveCount(),
        summary.getUserCount(),
        summary.getCutoffCount(),
        messages,
        seconds,
        EventProtoMapper.duration(summary.getElapsed()));
  }

  private static Scan scan(StoreBackend backend, long expectedEvents) {
    try (JdbcEventStore store = backend.open()) {
      long[] counts = new long[2];
      long start = System.nanoTime();
      store.forEachUser(
          h -> {
            counts[0]++;
            counts[1] += h.events().size();
          });
      Scan scan = new Scan(counts[0], counts[1], (System.nanoTime() - start) / 1e9);
      if (scan.events() != expectedEvents) {
        throw new IllegalStateException(
            "scan saw " + scan.events() + " events, " + expectedEvents + " were stored");
      }
      return scan;
    }
  }

  private static void report(
      Build b, Scan before, Scan after, String store, int weeks, int horizonDays) {
    double scanSeconds = (before.seconds() + after.seconds()) / 2;
    long events = before.events();
    Table t =
        new Table(
            "Training set build, purchase target, horizon "
                + horizonDays
                + "d, "
                + b.cutoffs()
                + " daily cutoffs ("
                + weeks
                + " weeks), store "
                + store,
            "measurement",
            "wall time",
            "rows/s",
            "events scanned/s",
            "rows",
            "events",
            "users");
    t.row(
        "BuildTrainingSet (gRPC stream, client counts rows)",
        Table.seconds(b.seconds()),
        Table.rate(b.rows() / b.seconds()),
        Table.rate(events / b.seconds()),
        Table.count(b.rows()),
        Table.count(events),
        Table.count(b.users()) + " with rows");
    t.row(
        "baseline: forEachUser scan before the build",
        Table.seconds(before.seconds()),
        "-",
        Table.rate(events / before.seconds()),
        "-",
        Table.count(events),
        Table.count(before.users()));
    t.row(
        "baseline: forEachUser scan after the build",
        Table.seconds(after.seconds()),
        "-",
        Table.rate(events / after.seconds()),
        "-",
        Table.count(events),
        Table.count(after.users()));
    t.print(System.out);
    Table r =
        new Table(
            "Build vs scan-only (mean of the two scans; same store, same run)", "figure", "value");
    r.row("build events scanned/s / scan-only events/s", Table.ratio(scanSeconds / b.seconds()));
    r.row(
        "build time / scan-only time",
        String.format(Locale.ROOT, "%.2fx", b.seconds() / scanSeconds));
    r.row(
        "rows per user (users with rows)",
        String.format(Locale.ROOT, "%.1f", (double) b.rows() / Math.max(1, b.users())));
    r.row("positive rate", Table.percent((double) b.positives() / Math.max(1, b.rows())));
    r.row("server-side elapsed (summary)", Table.seconds(b.serverElapsed().toNanos() / 1e9));
    r.row("messages received (header, row batches, progress, summary)", Table.count(b.messages()));
    r.print(System.out);
    System.out.println("at the end, " + Machine.describe());
  }
}
