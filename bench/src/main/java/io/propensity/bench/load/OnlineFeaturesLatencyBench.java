package io.propensity.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.ClosedLoop;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.IngestClient;
import io.propensity.bench.support.LatencyLanes;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.ProtoEvents;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.HealthClient;
import io.propensity.engine.event.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;

/**
 * GetOnlineFeatures latency of feature-service under a closed-loop load from several threads, one
 * random known user per call, against the standard gRPC health Check on the same server and channel
 * in the same run (the "empty RPC": what any call costs). Goal: p99 within 3x the empty RPC's.
 */
public final class OnlineFeaturesLatencyBench {
  private static final String USAGE =
      """
      OnlineFeaturesLatencyBench: GetOnlineFeatures (1 random known user per call) vs grpc.health.v1.Health/Check.
        --events N      demo events ingested first (default 100000)
        --threads N     client threads, closed loop (default 4)
        --warmup D      warm-up, both RPCs alternating, not recorded (default 5s)
        --duration D    measured time of each RPC (default 20s)
        --slice D       the two RPCs are measured in alternating slices of this length, so that both
                        see the same background load (default 1s)
        --store S       event store: sqlite or postgresql (default sqlite)
        --online O      online state: memory or redis (default memory; redis needs PROPENSITY_BENCH_REDIS_URL)
        --call-deadline D  deadline of one call (default 5s)
      """;
  private static final double GOAL_P99_RATIO = 3.0;

  private OnlineFeaturesLatencyBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    long events = args.longValue("events", 100_000, 1_000, 5_000_000);
    int threads = args.intValue("threads", 4, 1, 64);
    Duration warmup =
        args.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5));
    Duration duration =
        args.duration(
            "duration", Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(10));
    String storeName = args.string("store", "sqlite");
    OnlineBackend online = OnlineBackend.of(args.string("online", "memory"));
    Duration callDeadline =
        args.duration(
            "call-deadline", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(1));
    Duration slice =
        args.duration(
            "slice", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1));
    if (slice.compareTo(duration) > 0) {
      slice = duration;
    }
    args.done();
    System.out.println(Machine.describe());

    Path work = TempDirs.create("propensity-bench-online-");
    try (StoreBackend store = StoreBackend.fresh(storeName, work);
        FeatureServiceProcess service =
            FeatureServiceProcess.of(store, online.serviceEnv(), List.of(), work)) {
      service.start(Duration.ofSeconds(90));
      ManagedChannel channel = service.channel();
      try {
        Instant end = DemoSets.recentEnd();
        Set<String> users = new LinkedHashSet<>();
        Iterator<Event> recording =
            DemoSets.recordingUsers(DemoSets.firstEvents(events, end), users);
        System.out.printf(
            Locale.ROOT,
            "ingesting %,d demo events (%s store, %s online state)...%n",
            events,
            store.name(),
            online.name());
        IngestClient.Result ingest =
            IngestClient.stream(
                channel, ProtoEvents.requests(recording, 500), Duration.ofMinutes(10));
        System.out.printf(
            Locale.ROOT,
            "ingested %,d events of %,d users in %.1f s (%,.0f events/s)%n",
            ingest.summary().getAcceptedCount(),
            users.size(),
            ingest.seconds(),
            ingest.eventsPerSecond());
        String[] known = users.toArray(String[]::new);
        FeatureServiceClient client = new FeatureServiceClient(channel, callDeadline);
        HealthClient healthClient = new HealthClient(channel, callDeadline);
        GetOnlineFeaturesResponse probe =
            client.getOnlineFeatures(
                GetOnlineFeaturesRequest.newBuilder().addUserIds(known[0]).build());
        if (probe.getUsers(0).getColdStart()) {
          throw new IllegalStateException(
              "user " + known[0] + " is a cold start after ingest: " + probe);
        }

        ClosedLoop.Call features =
            random -> {
              GetOnlineFeaturesResponse r =
                  client.getOnlineFeatures(
                      GetOnlineFeaturesRequest.newBuilder()
                          .addUserIds(known[random.nextInt(known.length)])
                          .build());
              if (r.getUsersCount() != 1 || r.getUsers(0).getColdStart()) {
                throw new IllegalStateException(
                    "unexpected answer for a known user: " + r.getUsers(0).getUserId());
              }
            };
        ClosedLoop.Call health =
            random -> {
              HealthCheckResponse r = healthClient.check();
              if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                throw new IllegalStateException("health: " + r.getStatus());
              }
            };
        if (!warmup.isZero()) {
          System.out.printf(
              Locale.ROOT, "warm-up %d s, %d threads, both RPCs...%n", warmup.toSeconds(), threads);
          ClosedLoop.run(
              "warmup",
              threads,
              warmup,
              1,
              random -> {
                if (random.nextBoolean()) {
                  features.run(random);
                } else {
                  health.run(random);
                }
              });
        }
        System.out.printf(
            Locale.ROOT,
            "measuring Health/Check and GetOnlineFeatures, %d s each, in alternating %d ms slices, %d threads...%n",
            duration.toSeconds(),
            slice.toMillis(),
            threads);
        List<ClosedLoop.Outcome> measured =
            ClosedLoop.alternate(
                List.of("Health/Check", "GetOnlineFeatures"),
                List.of(health, features),
                threads,
                duration,
                slice,
                2);
        report(
            measured.get(0), measured.get(1), threads, known.length, store.name(), online.name());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      online.cleanUp();
      TempDirs.delete(work);
    }
  }

  private static void report(
      ClosedLoop.Outcome empty,
      ClosedLoop.Outcome features,
      int threads,
      int users,
      String store,
      String online) {
    LatencyLanes.latencyTable(
            "Online features latency, closed loop, "
                + threads
                + " threads, "
                + Table.count(users)
                + " known users, store "
                + store
                + ", online state "
                + online,
            List.of(empty, features))
        .print(System.out);
    double p99Ratio = features.at(99) / empty.at(99);
    Table r =
        new Table(
            "GetOnlineFeatures / Health/Check (same server, same run)", "figure", "ratio", "goal");
    r.row("p50", Table.ratio(features.at(50) / empty.at(50)), "");
    r.row(
        "p99", Table.ratio(p99Ratio), p99Ratio <= GOAL_P99_RATIO ? "<= 3.0 met" : "<= 3.0 MISSED");
    r.row("p99.9", Table.ratio(features.at(99.9) / empty.at(99.9)), "");
    r.row("throughput", Table.ratio(features.callsPerSecond() / empty.callsPerSecond()), "");
    r.print(System.out);
    for (ClosedLoop.Outcome o : List.of(empty, features)) {
      if (o.errors() > 0) {
        System.out.println("errors in " + o.name() + ", first: " + o.firstError());
      }
    }
    System.out.println("at the end, " + Machine.describe());
    if (p99Ratio > GOAL_P99_RATIO) {
      System.out.println("GOAL MISSED: GetOnlineFeatures p99 is more than 3x the empty RPC's.");
    }
  }
}
