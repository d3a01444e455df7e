package io.propensity.bench.load;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.EventProtoMapper;
import io.propensity.kafka.broker.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import propensity.events.v1.Event;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;

/**
 * Kafka ingestion of feature-service (issue 14): events/s from a topic into the store with 1..n
 * partitions and 1..n replicas sharing PostgreSQL and Redis, against a bare KafkaConsumer reading
 * the same records and against direct gRPC {@code IngestEvents} batches into one replica, all in
 * the same run; then the latency from producing an event to its user's online features showing it.
 */
public final class KafkaIngestBench {
  private static final String USAGE =
      """
      KafkaIngestBench: feature-service consuming Kafka vs a bare KafkaConsumer and vs gRPC IngestEvents.
      Needs PROPENSITY_BENCH_PG_URL/_USER/_PASSWORD and PROPENSITY_BENCH_REDIS_URL (replicas share both;
      each lane gets a fresh schema and Redis key prefix, removed afterwards).
        --events N        demo events produced and ingested per lane (default 200000)
        --batch N         events per IngestEvents call of the gRPC baseline and the services'
                          max.poll.records (default 500)
        --partitions L    topic partition counts, comma-separated (default 1,2,4)
        --replicas L      feature-service replica counts, comma-separated (default 1,2)
        --latency-events N  events produced one at a time for the latency lane (default 400; 0 skips)
        --latency-rate R  events/s of the latency lane (default 20)
        --latency-poll D  pause between GetOnlineFeatures polls of one pending event (default 2ms)
        --service-heap S  -Xmx of each feature-service (default 512m)
        --deadline D      longest wait for one lane to store every event (default 10m)
      """;

  private static final String PREFIX = "bench.kafka.";

  private KafkaIngestBench() {}

  /**
   * One Kafka lane: seconds from the start of producing into the empty topic (group already stable)
   * until every event is stored, and the seconds the producing itself took.
   */
  record KafkaLane(
      int partitions,
      int replicas,
      long events,
      double storeSeconds,
      double produceSeconds,
      double bareRate) {
    double rate() {
      return events / storeSeconds;
    }
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    long events = args.longValue("events", 200_000, 1_000, 5_000_000);
    int batch = args.intValue("batch", 500, 1, 10_000);
    List<Integer> partitionCounts = ints(args.string("partitions", "1,2,4"));
    List<Integer> replicaCounts = ints(args.string("replicas", "1,2"));
    int latencyEvents = args.intValue("latency-events", 400, 0, 100_000);
    int latencyRate = args.intValue("latency-rate", 20, 1, 1_000);
    Duration latencyPoll =
        args.duration("latency-poll", Duration.ofMillis(2), Duration.ZERO, Duration.ofSeconds(1));
    String heap = args.string("service-heap", "512m");
    Duration deadline =
        args.duration(
            "deadline", Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofHours(2));
    args.done();
    if (!StoreBackend.availableNames().contains("postgresql")) {
      throw new IllegalArgumentException(
          "the kafka benchmark needs PostgreSQL (replicas share it): set "
              + StoreBackend.PG_URL_ENV
              + ", _USER and _PASSWORD");
    }
    OnlineBackend.of("redis"); // fails early, saying what is missing
    String loadStart = Machine.describe();
    System.out.println(loadStart);

    Instant end = DemoSets.recentEnd();
    System.out.printf(
        Locale.ROOT, "generating %,d demo events (window ending %s)...%n", events, end);
    List<Event> protos = new ArrayList<>((int) events);
    Iterator<io.propensity.engine.event.Event> demo = DemoSets.firstEvents(events, end);
    while (demo.hasNext()) {
      protos.add(EventProtoMapper.toProto(demo.next()));
    }
    long n = protos.size();

    Path work = TempDirs.create("propensity-bench-kafka-");
    List<Double> grpcRates = new ArrayList<>();
    Map<Integer, Double> bareRates = new LinkedHashMap<>();
    Map<Integer, Double> produceRates = new LinkedHashMap<>();
    List<KafkaLane> lanes = new ArrayList<>();
    LatencyResult latency = null;
    try (LocalKafka kafka = LocalKafka.builder().dataDir(work.resolve("kafka")).start()) {
      System.out.println("broker: " + kafka.bootstrapServers());
      for (int p : partitionCounts) {
        String topic = PREFIX + "p" + p;
        kafka.createTopic(topic, p);
        double produce = produceAll(kafka.bootstrapServers(), topic, protos);
        produceRates.put(p, produce);
        System.out.printf(Locale.ROOT, "topic %s: produced %,d at %,.0f/s%n", topic, n, produce);
      }
      // baseline 2 before and after the Kafka lanes: drift in background load shows as their spread
      grpcRates.add(grpcIngest(protos, batch, heap, work, deadline));
      for (int p : partitionCounts) {
        String topic = PREFIX + "p" + p;
        // the first pass warms the bench JVM's consumer code up (and the broker's page cache); the
        // better of two passes is the baseline
        double bare =
            Math.max(
                bareConsume(kafka.bootstrapServers(), topic, n, deadline),
                bareConsume(kafka.bootstrapServers(), topic, n, deadline));
        bareRates.put(p, bare);
        System.out.printf(Locale.ROOT, "bare consumer, %d partition(s): %,.0f events/s%n", p, bare);
        for (int r : replicaCounts) {
          KafkaLane lane = kafkaLane(kafka, protos, p, r, batch, heap, deadline, bare);
          lanes.add(lane);
          System.out.printf(
              Locale.ROOT,
              "kafka -> store, %d partition(s), %d replica(s): %,.0f events/s (%.1f s, of which producing %.1f s)%n",
              p,
              r,
              lane.rate(),
              lane.storeSeconds(),
              lane.produceSeconds());
        }
      }
      grpcRates.add(grpcIngest(protos, batch, heap, work, deadline));
      if (latencyEvents > 0) {
        kafka.createTopic(PREFIX + "latency", 1);
        latency =
            latency(
                kafka.bootstrapServers(),
                PREFIX + "latency",
                protos.get(0),
                latencyEvents,
                latencyRate,
                latencyPoll,
                heap,
                deadline);
      }
    } finally {
      TempDirs.delete(work);
    }

    double grpc = grpcRates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    System.out.println();
    System.out.println("load at start: " + loadStart);
    System.out.println("load at end:   " + Machine.describe());
    System.out.printf(
        Locale.ROOT,
        "plaintext (insecure) gRPC and Kafka; PostgreSQL and Redis on 127.0.0.1; each feature-service -Xmx%s%n%n",
        heap);
    Table b =
        new Table("Baselines, " + Table.count(n) + " demo events", "baseline", "events/s", "notes");
    for (Map.Entry<Integer, Double> e : bareRates.entrySet()) {
      b.row(
          "1: bare KafkaConsumer, " + e.getKey() + " partition(s)",
          Table.rate(e.getValue()),
          "one consumer, all partitions assigned, from the beginning, best of 2 passes; produced at "
              + Table.rate(produceRates.get(e.getKey()))
              + "/s");
    }
    b.row(
        "2: gRPC IngestEvents, 1 feature-service",
        Table.rate(grpc),
        String.format(
            Locale.ROOT,
            "batches of %d, one client, sequential; mean of runs before/after the Kafka lanes: %s",
            batch,
            String.join(" / ", grpcRates.stream().map(Table::rate).toList())));
    b.print(System.out);
    Table t =
        new Table(
            "Kafka -> stored (PostgreSQL rows, online state in Redis), "
                + Table.count(n)
                + " events; time from the start of producing (group stable, topic empty) until all are stored",
            "partitions",
            "replicas (consuming)",
            "events/s",
            "seconds",
            "of which producing",
            "ratio to 1 (bare consumer)",
            "ratio to 2 (gRPC)");
    for (KafkaLane l : lanes) {
      t.row(
          l.partitions(),
          l.replicas() + " (" + Math.min(l.partitions(), l.replicas()) + ")",
          Table.rate(l.rate()),
          Table.seconds(l.storeSeconds()),
          Table.seconds(l.produceSeconds()),
          Table.ratio(l.rate() / l.bareRate()),
          Table.ratio(l.rate() / grpc));
    }
    t.print(System.out);
    if (latency != null) {
      Table l =
          new Table(
              String.format(
                  Locale.ROOT,
                  "Event -> visible latency, %d events produced one at a time at %d/s, 1 partition, 1 replica (ms)",
                  latency.count(),
                  latencyRate),
              "path",
              "p50",
              "p90",
              "p99",
              "max",
              "samples");
      latencyRow(l, "produce -> bare KafkaConsumer receives (baseline)", latency.bare());
      latencyRow(
          l, "produce -> GetOnlineFeatures shows the user (not cold start)", latency.visible());
      l.print(System.out);
      System.out.printf(
          Locale.ROOT,
          "visible / bare: p50 %.2fx, p99 %.2fx; every pending user polled in one GetOnlineFeatures call, then a pause of %s; %d not visible within the deadline%n",
          ms(latency.visible(), 50) / ms(latency.bare(), 50),
          ms(latency.visible(), 99) / ms(latency.bare(), 99),
          latencyPoll,
          latency.missing());
    }
    System.out.println(
        "RankTargets over 1M users: measured by `bench/run.sh rank` (see bench/README.md), not here.");
  }

  private static void latencyRow(Table t, String name, Histogram h) {
    t.row(
        name,
        String.format(Locale.ROOT, "%.1f", ms(h, 50)),
        String.format(Locale.ROOT, "%.1f", ms(h, 90)),
        String.format(Locale.ROOT, "%.1f", ms(h, 99)),
        String.format(Locale.ROOT, "%.1f", h.getMaxValue() / 1e6),
        h.getTotalCount());
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }

  private static List<Integer> ints(String list) {
    List<Integer> out = new ArrayList<>();
    for (String s : list.split(",")) {
      int v = Integer.parseInt(s.trim());
      if (v < 1 || v > 64) {
        throw new IllegalArgumentException("counts must be 1 to 64: " + list);
      }
      out.add(v);
    }
    return out;
  }

  // ---------------------------------------------------------------- producing and bare consuming

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap, boolean batching) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, batching ? 20 : 0);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, batching ? 256 * 1024 : 16 * 1024);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Produces every event keyed by its user id (acks=all); returns events/s. */
  static double produceAll(String bootstrap, String topic, List<Event> events) throws Exception {
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, true)) {
      Future<?> last = null;
      for (Event e : events) {
        last =
            producer.send(
                new ProducerRecord<>(
                    topic, e.getUserId().getBytes(StandardCharsets.UTF_8), e.toByteArray()));
      }
      producer.flush();
      if (last != null) {
        last.get();
      }
    }
    return events.size() / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Baseline 1: one plain consumer, every partition assigned, reads {@code n} records from the
   * beginning and parses each value as an Event (what the service must do at least); events/s.
   */
  static double bareConsume(String bootstrap, String topic, long n, Duration deadline) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long t0 = System.nanoTime();
    long limit = t0 + deadline.toNanos();
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      while (read < n) {
        if (System.nanoTime() > limit) {
          throw new IllegalStateException("bare consumer read " + read + " of " + n);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          try {
            Event.parseFrom(r.value());
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
          }
          read++;
        }
      }
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  // ---------------------------------------------------------------- the services

  private static FeatureServiceProcess service(
      StoreBackend store,
      OnlineBackend online,
      Map<String, String> extraEnv,
      String heap,
      Path dir) {
    Map<String, String> env = new LinkedHashMap<>(online.serviceEnv());
    env.putAll(extraEnv);
    return FeatureServiceProcess.of(store, env, List.of("-Xmx" + heap), dir);
  }

  /** Baseline 2: sequential IngestEvents batches into one fresh feature-service; events/s. */
  static double grpcIngest(List<Event> events, int batch, String heap, Path work, Duration deadline)
      throws Exception {
    Path dir = TempDirs.create("grpc-");
    StoreBackend store = StoreBackend.fresh("postgresql", dir);
    OnlineBackend online = OnlineBackend.of("redis");
    try (FeatureServiceProcess fs = service(store, online, Map.of(), heap, dir)) {
      fs.start(Duration.ofMinutes(3));
      ManagedChannel ch = fs.channel();
      try {
        FeatureServiceGrpc.FeatureServiceBlockingStub stub = FeatureServiceGrpc.newBlockingStub(ch);
        long accepted = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < events.size(); i += batch) {
          IngestEventsResponse r =
              stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                  .ingestEvents(
                      IngestEventsRequest.newBuilder()
                          .addAllEvents(events.subList(i, Math.min(events.size(), i + batch)))
                          .build());
          accepted += r.getAcceptedCount();
        }
        double rate = events.size() / ((System.nanoTime() - t0) / 1e9);
        long stored = count(store);
        if (accepted != events.size() || stored != events.size()) {
          throw new IllegalStateException(
              "gRPC baseline: "
                  + accepted
                  + " accepted, "
                  + stored
                  + " stored of "
                  + events.size());
        }
        System.out.printf(Locale.ROOT, "gRPC IngestEvents: %,.0f events/s%n", rate);
        return rate;
      } finally {
        ch.shutdownNow();
      }
    } finally {
      store.close();
      online.cleanUp();
      TempDirs.delete(dir);
    }
  }

  /**
   * One Kafka lane: {@code replicas} fresh feature-services (one shared fresh schema and Redis
   * prefix) on one consumer group of a new, empty topic of {@code partitions} partitions; once the
   * group is stable with every replica holding partitions, the events are produced at full speed
   * and the store's row count is polled until it holds all of them.
   */
  static KafkaLane kafkaLane(
      LocalKafka kafka,
      List<Event> events,
      int partitions,
      int replicas,
      int batch,
      String heap,
      Duration deadline,
      double bareRate)
      throws Exception {
    long n = events.size();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String topic = PREFIX + "lane." + partitions + "p" + replicas + "r." + run;
    kafka.createTopic(topic, partitions);
    Path dir = TempDirs.create("kafka-lane-");
    StoreBackend store = StoreBackend.fresh("postgresql", dir);
    OnlineBackend online = OnlineBackend.of("redis");
    String group = "bench-" + run;
    Map<String, String> kafkaEnv = kafkaEnv(kafka.bootstrapServers(), topic, group, batch);
    List<FeatureServiceProcess> services = new ArrayList<>();
    ExecutorService starter = Executors.newFixedThreadPool(replicas);
    try (Connection c = connect(store);
        Admin admin = kafka.admin()) {
      for (int i = 0; i < replicas; i++) {
        Path d = dir.resolve("replica-" + i);
        java.nio.file.Files.createDirectories(d);
        services.add(service(store, online, kafkaEnv, heap, d));
      }
      List<Future<FeatureServiceProcess>> started = new ArrayList<>();
      for (FeatureServiceProcess s : services) {
        started.add(starter.submit(() -> s.start(Duration.ofMinutes(3))));
      }
      for (Future<FeatureServiceProcess> f : started) {
        f.get();
      }
      awaitGroup(admin, group, replicas, partitions, Duration.ofMinutes(2));
      long t0 = System.nanoTime();
      double produceRate = produceAll(kafka.bootstrapServers(), topic, events);
      double produceSeconds = n / produceRate;
      long limit = t0 + deadline.toNanos();
      long stored = 0;
      while (stored < n) {
        if (System.nanoTime() > limit) {
          throw new IllegalStateException(
              "lane "
                  + partitions
                  + "p/"
                  + replicas
                  + "r stored "
                  + stored
                  + " of "
                  + n
                  + " within "
                  + deadline);
        }
        for (FeatureServiceProcess s : services) {
          if (!s.isAlive()) {
            throw new IllegalStateException("a feature-service died:\n" + s.tail());
          }
        }
        stored = count(c);
        if (stored < n) {
          Thread.sleep(50);
        }
      }
      long done = System.nanoTime();
      if (stored != n) {
        throw new IllegalStateException("stored " + stored + " rows for " + n + " events");
      }
      return new KafkaLane(partitions, replicas, n, (done - t0) / 1e9, produceSeconds, bareRate);
    } finally {
      starter.shutdownNow();
      for (FeatureServiceProcess s : services) {
        s.stop();
      }
      store.close();
      online.cleanUp();
      TempDirs.delete(dir);
    }
  }

  /**
   * Waits until {@code group} has {@code members} members that hold all the partitions between
   * them.
   */
  private static void awaitGroup(
      Admin admin, String group, int members, int partitions, Duration timeout) throws Exception {
    long limit = System.nanoTime() + timeout.toNanos();
    String seen = "nothing";
    while (System.nanoTime() < limit) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      int assigned = 0;
      boolean everyMemberHasSome = true;
      for (MemberDescription m : d.members()) {
        int own = m.assignment().topicPartitions().size();
        assigned += own;
        everyMemberHasSome &= own > 0;
      }
      seen = d.members().size() + " members, " + assigned + " partitions assigned";
      if (d.members().size() == members
          && assigned == partitions
          && (everyMemberHasSome || partitions < members)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "consumer group " + group + " not stable within " + timeout + ": " + seen);
  }

  private static Map<String, String> kafkaEnv(
      String bootstrap, String topic, String group, int batch) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PROPENSITY_INGEST_KAFKA_ENABLED", "true");
    env.put("PROPENSITY_INGEST_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("PROPENSITY_INGEST_KAFKA_TOPIC", topic);
    env.put("PROPENSITY_INGEST_KAFKA_GROUP_ID", group);
    env.put("PROPENSITY_INGEST_KAFKA_DEAD_LETTER_TOPIC", topic + ".dlq");
    env.put("PROPENSITY_INGEST_KAFKA_FORMAT", "protobuf");
    env.put("PROPENSITY_INGEST_KAFKA_MAX_POLL_RECORDS", Integer.toString(batch));
    return env;
  }

  private static Connection connect(StoreBackend store) throws SQLException {
    return DriverManager.getConnection(store.jdbcUrl(), store.user(), store.password());
  }

  private static long count(StoreBackend store) throws SQLException {
    try (Connection c = connect(store)) {
      return count(c);
    }
  }

  /** Rows of the events table; 0 while the service has not created it yet. */
  private static long count(Connection c) throws SQLException {
    if (!tableExists(c)) {
      return 0;
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean tableExists(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('events') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  // ---------------------------------------------------------------- latency

  record LatencyResult(Histogram bare, Histogram visible, int count, long missing) {}

  /**
   * Produces {@code count} events one at a time at {@code rate}/s, each for a new user; measures
   * from the send call until a bare consumer (baseline) receives it, and until GetOnlineFeatures on
   * the one consuming replica no longer calls the user a cold start. One poller thread asks for
   * every pending user at once (one call of up to 1,000 ids), then pauses {@code poll}: how often a
   * user is looked at does not depend on how many are pending.
   */
  static LatencyResult latency(
      String bootstrap,
      String topic,
      Event template,
      int count,
      int rate,
      Duration poll,
      String heap,
      Duration deadline)
      throws Exception {
    Path dir = TempDirs.create("latency-");
    StoreBackend store = StoreBackend.fresh("postgresql", dir);
    OnlineBackend online = OnlineBackend.of("redis");
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = kafkaEnv(bootstrap, topic, "bench-latency-" + run, 500);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Recorder bare = new Recorder(3);
    Recorder visible = new Recorder(3);
    AtomicBoolean stop = new AtomicBoolean();
    Thread bareThread = null;
    long missing = 0;
    try (FeatureServiceProcess fs = service(store, online, env, heap, dir);
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap, false)) {
      fs.start(Duration.ofMinutes(3));
      ManagedChannel ch = fs.channel();
      try {
        FeatureServiceGrpc.FeatureServiceBlockingStub stub = FeatureServiceGrpc.newBlockingStub(ch);
        bareThread =
            new Thread(
                () -> bareReceiver(bootstrap, topic, sentAt, bare, stop), "bare-latency-consumer");
        bareThread.start();
        int warmup = Math.min(100, count);
        long interval = 1_000_000_000L / rate;
        for (int phase = 0; phase < 2; phase++) {
          boolean measured = phase == 1;
          int total = measured ? count : warmup;
          Map<String, Long> pending = new ConcurrentHashMap<>();
          AtomicBoolean producing = new AtomicBoolean(true);
          AtomicLong lastSent = new AtomicLong(System.nanoTime());
          Thread poller =
              new Thread(
                  () -> {
                    while (!pending.isEmpty() || producing.get()) {
                      if (!producing.get()
                          && System.nanoTime() - lastSent.get() > deadline.toNanos()) {
                        return; // what is still pending is missing
                      }
                      List<String> users = pending.keySet().stream().limit(1_000).toList();
                      if (!users.isEmpty()) {
                        GetOnlineFeaturesResponse r =
                            stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                                .getOnlineFeatures(
                                    GetOnlineFeaturesRequest.newBuilder()
                                        .addAllUserIds(users)
                                        .build());
                        long now = System.nanoTime();
                        for (int i = 0; i < users.size(); i++) {
                          if (!r.getUsers(i).getColdStart()) {
                            Long sent = pending.remove(users.get(i));
                            if (measured && sent != null) {
                              visible.recordValue(now - sent);
                            }
                          }
                        }
                      }
                      try {
                        TimeUnit.NANOSECONDS.sleep(Math.max(poll.toNanos(), 100_000));
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                    }
                  },
                  "latency-poller");
          poller.start();
          long start = System.nanoTime();
          for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            String user = "lat-" + run + "-" + phase + "-" + i;
            Event e =
                template.toBuilder()
                    .setEventId(user + "-e")
                    .setUserId(user)
                    .setSessionId(user + "-s")
                    .setOccurredAt(EventProtoMapper.timestamp(Instant.now()))
                    .build();
            long sent = System.nanoTime();
            if (measured) {
              sentAt.put(user, sent);
            }
            pending.put(user, sent);
            lastSent.set(sent);
            producer.send(
                new ProducerRecord<>(
                    topic, user.getBytes(StandardCharsets.UTF_8), e.toByteArray()));
          }
          producing.set(false);
          poller.join();
          if (measured) {
            missing = pending.size();
          } else {
            bare.reset();
            visible.reset();
          }
        }
        // the bare consumer receives within milliseconds; give the last ones a moment
        Thread.sleep(1_000);
      } finally {
        ch.shutdownNow();
      }
    } finally {
      stop.set(true);
      if (bareThread != null) {
        bareThread.join(10_000);
      }
      store.close();
      online.cleanUp();
      TempDirs.delete(dir);
    }
    return new LatencyResult(
        bare.getIntervalHistogram(), visible.getIntervalHistogram(), count, missing);
  }

  private static void bareReceiver(
      String bootstrap,
      String topic,
      Map<String, Long> sentAt,
      Recorder recorder,
      AtomicBoolean stop) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToEnd(List.of(tp));
      c.position(tp);
      while (!stop.get()) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          Long sent = sentAt.get(new String(r.key(), StandardCharsets.UTF_8));
          if (sent != null) {
            recorder.recordValue(now - sent);
          }
        }
      }
    }
  }
}
