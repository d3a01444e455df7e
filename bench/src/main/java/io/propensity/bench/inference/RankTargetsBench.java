package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.BulkEventLoader;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.runtime.LightGbmJavaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.UserActivity;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;

/**
 * RankTargets over every user of a large store (default 1,000,000 users), the way a campaign asks
 * for its targets: N users with a few generated shop events each are written straight into a fresh
 * event store ({@link BulkEventLoader}), feature-service starts on it (rebuilding the online state
 * of every user from the stored events, as it does on any first start), inference-service serves a
 * real LightGBM model trained in this JVM, and RankTargets is called for the top K over all users.
 *
 * <p>Same-run baselines, so the ratios show where the time goes: (1) listing every user and
 * fetching their online features straight from feature-service, page by page as the ranker does,
 * with no scoring; (2) scoring the very same feature vectors in this JVM with model-runtime's Java
 * scorer (the service's default) and keeping the top K in a bounded heap, with no RPC at all.
 */
public final class RankTargetsBench {
  private static final String USAGE =
      """
      RankTargetsBench: RankTargets over every user of a large store vs listing + fetching their features alone
      and vs scoring the same vectors in memory.
        --users N            users in the store (default 1000000)
        --events-per-user N  mean generated events per user, 1 to 50 (default 3)
        --top-k L            top_k of each timed RankTargets call, comma-separated (default 1000,100000)
        --backend B          sqlite (online state in memory; the embedded default) or postgresql (online
                             state in Redis; needs PROPENSITY_BENCH_PG_* and PROPENSITY_BENCH_REDIS_URL)
                             (default sqlite)
        --page N             users per ListUsers page and GetOnlineFeatures call of the baseline
                             (default 1000, inference-service's default chunk)
        --trees N            trees of the served LightGBM model (default 100)
        --leaves N           leaves per tree (default 31)
        --rows N             synthetic users the model is trained on (default 1500)
        --feature-xmx S      heap of feature-service (default 3g)
        --inference-xmx S    heap of inference-service (default 512m)
        --start-timeout D    longest wait for feature-service to rebuild and serve (default 30m)
        --call-deadline D    deadline of one RankTargets call (default 10m)
        --inference-env L    extra inference-service environment, NAME=VALUE;NAME=VALUE (default none)
        --sequential-lane B  also time the first top_k with sequential reads (fetch-parallelism 1, pages
                             of 1000, as RankTargets read before parallel fetching) (default true)
      """;
  private static final String MODEL = PredictLatencyBench.MODEL;
  private static final double GOAL_SECONDS = 30;

  private RankTargetsBench() {}

  record Ranked(
      String lane, int topK, double seconds, long scored, long returned, double firstProbability) {}

  /**
   * Starts an inference-service with {@code env} and times RankTargets for each of {@code topKs}.
   */
  private static List<Ranked> rankLane(
      String lane,
      String registryTarget,
      Path work,
      Map<String, String> env,
      String xmx,
      Duration deadline,
      int[] topKs,
      int users)
      throws Exception {
    List<Ranked> out = new ArrayList<>();
    try (InferenceServiceProcess service =
        new InferenceServiceProcess(registryTarget, MODEL, work, env, List.of("-Xmx" + xmx))) {
      System.out.println(
          "starting inference-service" + lane + " (registry " + registryTarget + ")...");
      service.start(Duration.ofMinutes(3));
      ManagedChannel channel = service.channel();
      try {
        InferenceServiceClient client = new InferenceServiceClient(channel, deadline);
        for (int k : topKs) {
          out.add(rank(client, lane, k, users));
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return out;
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    int users = (int) args.longValue("users", 1_000_000, 1_000, 20_000_000);
    int perUser = args.intValue("events-per-user", 3, 1, 50);
    int[] topKs =
        Arrays.stream(args.string("top-k", "1000,100000").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim()))
            .toArray();
    String backend = args.string("backend", "sqlite");
    int page = args.intValue("page", 1_000, 1, 10_000);
    PredictLatencyBench.ModelOptions options = PredictLatencyBench.ModelOptions.parse(args);
    String featureXmx = args.string("feature-xmx", "3g");
    String inferenceXmx = args.string("inference-xmx", "512m");
    Duration startTimeout =
        args.duration(
            "start-timeout", Duration.ofMinutes(30), Duration.ofSeconds(10), Duration.ofHours(3));
    Duration rankDeadline =
        args.duration(
            "call-deadline", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofHours(2));
    Map<String, String> inferenceEnv = envList(args.string("inference-env", ""));
    boolean sequentialLane = args.bool("sequential-lane", true);
    args.done();
    boolean pg = !backend.equals("sqlite");
    System.out.println(Machine.describe());

    BenchModel.Trained model = options.train();
    Path work = TempDirs.create("propensity-bench-rank-");
    Path featureTmp = Files.createDirectories(work.resolve("feature-service-tmp"));
    OnlineBackend online = OnlineBackend.of(pg ? "redis" : "memory");
    try (StoreBackend store = StoreBackend.fresh(backend, work)) {
      String label = store.name() + (pg ? "+redis" : "+memory");
      long bulkStart = System.nanoTime();
      long events = load(store, users, perUser, label);
      double bulkSeconds = (System.nanoTime() - bulkStart) / 1e9;
      try (FeatureServiceProcess features =
          FeatureServiceProcess.of(
              store,
              online.serviceEnv(),
              List.of("-Xmx" + featureXmx, "-Djava.io.tmpdir=" + featureTmp.toAbsolutePath()),
              work)) {
        System.out.printf(
            Locale.ROOT,
            "[%s] starting feature-service (rebuilds the online state of %,d users from %,d events)...%n",
            label,
            users,
            events);
        long t0 = System.nanoTime();
        try (Ticker ignored = Ticker.start("feature-service start", () -> -1)) {
          features.start(startTimeout);
        }
        double startSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT, "[%s] feature-service serving after %.1f s%n", label, startSeconds);
        online
            .redisMemory(10_000)
            .ifPresent(m -> System.out.printf("[%s] %s (%,d users)%n", label, m.describe(), users));
        ManagedChannel featureChannel = features.channel();
        try {
          // baseline 1: list + fetch, no scoring
          Fetched fetched = listAndFetch(featureChannel, page, users);
          if (fetched.vectors().length != users) {
            throw new IllegalStateException(
                "feature-service listed " + fetched.vectors().length + " users, expected " + users);
          }
          // baseline 2: scoring the same vectors in memory
          int maxK = Arrays.stream(topKs).max().orElse(1_000);
          double scoreSeconds = scoreInMemory(model.modelText(), fetched.vectors(), maxK);
          List<Ranked> ranked = new ArrayList<>();
          try (BenchModelRegistry registry = BenchModelRegistry.start(MODEL, model, 3)) {
            ranked.addAll(
                rankLane(
                    "",
                    registry.target(),
                    work,
                    withFeatureTarget(inferenceEnv, features.target()),
                    inferenceXmx,
                    rankDeadline,
                    topKs,
                    users));
            if (sequentialLane) {
              // the reads as they were before parallel fetching: one 1,000-user ListUsers page and
              // one GetOnlineFeatures call at a time on the ranking thread
              Map<String, String> env = withFeatureTarget(inferenceEnv, features.target());
              env.put("PROPENSITY_INFERENCE_RANKING_FETCH_PARALLELISM", "1");
              env.put("PROPENSITY_INFERENCE_RANKING_PAGE_SIZE", "1000");
              ranked.addAll(
                  rankLane(
                      " (sequential reads: fetch-parallelism 1, pages of 1000)",
                      registry.target(),
                      work,
                      env,
                      inferenceXmx,
                      rankDeadline,
                      new int[] {topKs[0]},
                      users));
            }
          }
          report(
              label,
              users,
              events,
              bulkSeconds,
              startSeconds,
              model,
              page,
              fetched,
              scoreSeconds,
              maxK,
              ranked);
        } finally {
          featureChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      online.cleanUp();
      TempDirs.delete(work);
    }
  }

  private static Map<String, String> envList(String spec) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String pair : spec.split(";")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--inference-env: '" + pair + "' is not NAME=VALUE");
      }
      env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return env;
  }

  private static Map<String, String> withFeatureTarget(Map<String, String> env, String target) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", target);
    all.putAll(env);
    return all;
  }

  /** Writes the generated users' events in chunks, saying how far it got; returns the events. */
  private static long load(StoreBackend store, int users, int perUser, String label) {
    Iterator<Event> events = events(users, perUser, Instant.now(), 7);
    long written = 0;
    long t0 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "[%s] bulk loading %,d users x ~%d events into a fresh store...%n",
        label,
        users,
        perUser);
    while (events.hasNext()) {
      written += BulkEventLoader.load(store, events, 500_000);
      System.out.printf(
          Locale.ROOT,
          "[%s]   %,d events stored (%.0f s)%n",
          label,
          written,
          (System.nanoTime() - t0) / 1e9);
    }
    return written;
  }

  /**
   * Events of {@code users} users ({@code user-0000001}...), each with 1 to {@code 2 * perUser - 1}
   * events (mean {@code perUser}) in the 30 days before {@code end}, oldest first: views, searches,
   * and for about a third of the users cart adds and purchases, so that the features (and the
   * model's probabilities) differ from user to user.
   */
  static Iterator<Event> events(int users, int perUser, Instant end, long seed) {
    Random r = new Random(seed);
    return new Iterator<>() {
      private int user;
      private final List<Event> pending = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        if (next < pending.size()) {
          return true;
        }
        if (user >= users) {
          return false;
        }
        pending.clear();
        next = 0;
        String id = String.format(Locale.ROOT, "user-%07d", user++);
        int n = 1 + r.nextInt(2 * perUser - 1);
        boolean keen = r.nextDouble() < 0.35;
        Instant t = end.minus(Duration.ofMinutes(10 + r.nextInt(30 * 24 * 60)));
        String session = id + "-s0";
        for (int i = 0; i < n; i++) {
          EventType type = BenchModel.eventType(r.nextDouble(), keen);
          pending.add(
              Event.builder(id + "-" + i, id, t, type)
                  .sessionId(session)
                  .itemId("sku-" + r.nextInt(500))
                  .category("c" + r.nextInt(8))
                  .price(5 + r.nextInt(100))
                  .device(r.nextBoolean() ? "mobile" : "desktop")
                  .build());
          Instant later = t.plusSeconds(30 + r.nextInt(3 * 24 * 3600));
          if (later.isAfter(end)) {
            break;
          }
          if (Duration.between(t, later).toMinutes() > 30) {
            session = id + "-s" + (i + 1);
          }
          t = later;
        }
        return true;
      }

      @Override
      public Event next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(next++);
      }
    };
  }

  record Fetched(double[][] vectors, double seconds, double listSeconds, long calls) {}

  /** Every user, page by page, with their online features: what the ranker reads, no scoring. */
  private static Fetched listAndFetch(ManagedChannel channel, int page, int expected)
      throws Exception {
    FeatureServiceClient client = new FeatureServiceClient(channel, Duration.ofMinutes(2));
    List<double[]> vectors = new ArrayList<>(expected);
    long[] done = {0};
    long listNanos = 0;
    long calls = 0;
    System.out.printf(
        Locale.ROOT,
        "baseline: listing all users and fetching their online features, pages of %,d...%n",
        page);
    long t0 = System.nanoTime();
    try (Ticker ignored = Ticker.start("list + fetch", () -> done[0])) {
      String token = "";
      do {
        long l0 = System.nanoTime();
        ListUsersResponse users = client.listUsers(page, token, Optional.empty(), Optional.empty());
        listNanos += System.nanoTime() - l0;
        calls++;
        token = users.getNextPageToken();
        if (users.getUsersCount() == 0) {
          continue;
        }
        List<String> ids = new ArrayList<>(users.getUsersCount());
        for (UserActivity u : users.getUsersList()) {
          ids.add(u.getUserId());
        }
        GetOnlineFeaturesResponse f = client.onlineFeatures(ids, false);
        calls++;
        for (propensity.features.v1.UserFeatures u : f.getUsersList()) {
          double[] v = new double[u.getVector().getValuesCount()];
          for (int i = 0; i < v.length; i++) {
            v[i] = u.getVector().getValues(i);
          }
          vectors.add(v);
        }
        done[0] = vectors.size();
      } while (!token.isEmpty());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "baseline: %,d users listed and fetched in %.1f s (%,.0f users/s; ListUsers alone %.1f s)%n",
        vectors.size(),
        seconds,
        vectors.size() / seconds,
        listNanos / 1e9);
    return new Fetched(vectors.toArray(double[][]::new), seconds, listNanos / 1e9, calls);
  }

  /**
   * Scores every row with the Java scorer and keeps the best {@code k} in a bounded heap, on one
   * thread; returns the seconds of the second of two passes (the first warms the JIT).
   */
  private static double scoreInMemory(String modelText, double[][] rows, int k) throws Exception {
    LightGbmJavaModel m = LightGbmJavaModel.fromModelText(modelText);
    double seconds = 0;
    for (int pass = 0; pass < 2; pass++) {
      long t0 = System.nanoTime();
      PriorityQueue<double[]> heap =
          new PriorityQueue<>(k + 1, (a, b) -> Double.compare(a[0], b[0]));
      for (int i = 0; i < rows.length; i++) {
        double p = m.predictProbability(rows[i]);
        if (heap.size() < k) {
          heap.add(new double[] {p, i});
        } else if (p > heap.peek()[0]) {
          heap.poll();
          heap.add(new double[] {p, i});
        }
      }
      seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "baseline: %s pass, %,d rows scored in memory (top %,d kept) in %.2f s%n",
          pass == 0 ? "warm-up" : "timed",
          rows.length,
          k,
          seconds);
    }
    return seconds;
  }

  private static Ranked rank(InferenceServiceClient client, String lane, int k, int users)
      throws Exception {
    System.out.printf(Locale.ROOT, "RankTargets top_k=%,d%s over all users...%n", k, lane);
    long[] received = {0};
    long t0 = System.nanoTime();
    long returned = 0;
    long scored = -1;
    double first = Double.NaN;
    double previous = Double.POSITIVE_INFINITY;
    try (Ticker ignored = Ticker.start("RankTargets top_k=" + k, () -> received[0])) {
      Iterator<RankTargetsResponse> it =
          client.rankTargets(
              RankTargetsRequest.newBuilder().setModelName(MODEL).setTopK(k).build());
      while (it.hasNext()) {
        RankTargetsResponse r = it.next();
        if (r.hasTarget()) {
          double p = r.getTarget().getProbability();
          if (p > previous) {
            throw new IllegalStateException(
                "targets out of order at rank " + r.getTarget().getRank());
          }
          previous = p;
          if (returned == 0) {
            first = p;
          }
          returned++;
          received[0] = returned;
        } else if (r.hasSummary()) {
          scored = r.getSummary().getScoredCount();
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (scored != users || returned != Math.min(k, users)) {
      throw new IllegalStateException(
          "RankTargets scored " + scored + " and returned " + returned + "; expected " + users);
    }
    System.out.printf(
        Locale.ROOT,
        "RankTargets top_k=%,d: %,d scored, %,d returned in %.1f s (%,.0f users/s)%n",
        k,
        scored,
        returned,
        seconds,
        scored / seconds);
    return new Ranked(lane, k, seconds, scored, returned, first);
  }

  private static void report(
      String label,
      int users,
      long events,
      double bulkSeconds,
      double startSeconds,
      BenchModel.Trained model,
      int page,
      Fetched fetched,
      double scoreSeconds,
      int maxK,
      List<Ranked> ranked) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "store: %s, %,d users, %,d events (bulk load %.1f s), feature-service start (full rebuild) %.1f s;"
            + " LightGBM %d trees x %d leaves, %d features%n",
        label,
        users,
        events,
        bulkSeconds,
        startSeconds,
        model.trees(),
        model.leaves(),
        BenchModel.SCHEMA.size());
    Table t =
        new Table(
            "RankTargets over all users vs same-run baselines",
            "what",
            "users",
            "wall s",
            "users/s",
            "vs list+fetch",
            "vs in-memory scoring",
            "goal <= 30 s");
    String listName = "baseline: ListUsers + GetOnlineFeatures, pages of " + page + ", no scoring";
    t.row(
        listName,
        Table.count(fetched.vectors().length),
        Table.seconds(fetched.seconds()),
        Table.rate(fetched.vectors().length / fetched.seconds()),
        Table.ratio(1),
        Table.ratio(fetched.seconds() / scoreSeconds),
        "-");
    t.row(
        "baseline: Java scorer + top-" + maxK + " heap in memory, one thread, no RPC",
        Table.count(fetched.vectors().length),
        Table.seconds(scoreSeconds),
        Table.rate(fetched.vectors().length / scoreSeconds),
        Table.ratio(scoreSeconds / fetched.seconds()),
        Table.ratio(1),
        "-");
    for (Ranked r : ranked) {
      t.row(
          "RankTargets top_k=" + r.topK() + r.lane(),
          Table.count(r.scored()),
          Table.seconds(r.seconds()),
          Table.rate(r.scored() / r.seconds()),
          Table.ratio(r.seconds() / fetched.seconds()),
          Table.ratio(r.seconds() / scoreSeconds),
          users >= 1_000_000 ? (r.seconds() <= GOAL_SECONDS ? "met" : "NOT met") : "(< 1 M users)");
    }
    t.print(System.out);
    System.out.printf(
        Locale.ROOT,
        "ListUsers alone took %.1f s of the list+fetch baseline (%,d calls in all).%n",
        fetched.listSeconds(),
        fetched.calls());
    System.out.println("at the end, " + Machine.describe());
  }

  /** Prints a progress line every 10 s while a long phase runs. */
  private static final class Ticker implements AutoCloseable {
    private final Thread thread;

    private Ticker(Thread thread) {
      this.thread = thread;
    }

    static Ticker start(String what, LongSupplier done) {
      long t0 = System.nanoTime();
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Thread.sleep(10_000);
                    long n = done.getAsLong();
                    System.out.printf(
                        Locale.ROOT,
                        "  ... %s: %.0f s%s, %s%n",
                        what,
                        (System.nanoTime() - t0) / 1e9,
                        n < 0 ? "" : String.format(Locale.ROOT, ", %,d so far", n),
                        Machine.describe().replace("machine: ", ""));
                  }
                } catch (InterruptedException e) {
                  // done
                }
              },
              "progress");
      t.setDaemon(true);
      t.start();
      return new Ticker(t);
    }

    @Override
    public void close() {
      thread.interrupt();
    }
  }
}
