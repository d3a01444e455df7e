package io.propensity.feature.kafka;

import static io.propensity.feature.kafka.KafkaTestEvents.event;
import static io.propensity.feature.kafka.KafkaTestEvents.negativePrice;
import static io.propensity.feature.kafka.KafkaTestEvents.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.propensity.common.testing.ServiceProcess;
import io.propensity.common.testing.TestPostgres;
import io.propensity.kafka.broker.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Effectively-once from Kafka: feature-service (its jar, a separate JVM, on PostgreSQL) is killed
 * with SIGKILL while consuming a topic of 20,000 records, restarted, and every valid record ends up
 * stored exactly once, every bad one in the dead-letter topic.
 */
class KafkaKillNineIT {
  private static final int RECORDS = 20_000;
  private static final int PARTITIONS = 3;
  private static final int USERS = 500;
  private static final Duration WAIT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void everyValidRecordIsStoredExactlyOnceAfterAKillNineMidConsumption() throws Exception {
    TestPostgres.Database db = TestPostgres.freshSchema();
    String id = UUID.randomUUID().toString().substring(0, 8);
    String topic = "events-" + id;
    String dlq = topic + ".dlq";
    String group = "feature-service-" + id;
    try (LocalKafka kafka = LocalKafka.start();
        Admin admin = kafka.admin()) {
      KafkaTestEvents.createTopic(kafka, topic, PARTITIONS);
      KafkaTestEvents.createTopic(kafka, dlq, 1);

      // 20,000 records: duplicates of earlier events, invalid events and garbage among them
      Instant t0 = Instant.now().minus(Duration.ofDays(20));
      Random random = new Random(14);
      List<propensity.events.v1.Event> valid = new ArrayList<>();
      Set<String> validIds = new HashSet<>();
      int duplicates = 0;
      int bad = 0;
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        for (int i = 0; i < RECORDS; i++) {
          String user = "u" + (i % USERS);
          if (i % 100 == 13) {
            send(producer, topic, user, negativePrice("bad-" + i, user, t0).toByteArray());
            bad++;
          } else if (i % 250 == 99) {
            send(producer, topic, user, ("garbage " + i).getBytes(StandardCharsets.UTF_8));
            bad++;
          } else if (i % 50 == 7 && !valid.isEmpty()) {
            propensity.events.v1.Event again = valid.get(random.nextInt(valid.size()));
            send(producer, topic, again.getUserId(), again.toByteArray());
            duplicates++;
          } else {
            propensity.events.v1.Event e = event("s-" + i, user, t0.plusSeconds(i * 60L));
            valid.add(e);
            validIds.add(e.getEventId());
            send(producer, topic, user, e.toByteArray());
          }
        }
        producer.flush();
      }
      assertThat(validIds).hasSize(valid.size());

      Map<String, String> env = new HashMap<>();
      env.put("PROPENSITY_DATA_DIR", dir.resolve("data").toString());
      env.put("PROPENSITY_STORE_JDBC_URL", db.jdbcUrl());
      env.put("PROPENSITY_STORE_USER", db.user());
      env.put("PROPENSITY_STORE_PASSWORD", db.password());
      env.put("PROPENSITY_INGEST_KAFKA_ENABLED", "true");
      env.put("PROPENSITY_INGEST_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put("PROPENSITY_INGEST_KAFKA_TOPIC", topic);
      env.put("PROPENSITY_INGEST_KAFKA_DEAD_LETTER_TOPIC", dlq);
      env.put("PROPENSITY_INGEST_KAFKA_GROUP_ID", group);
      // small polls (one transaction each) so that an idle machine is still mid-way through the
      // topic when the test kills the service: with 250 a poll it stored all 19,320 first
      env.put("PROPENSITY_INGEST_KAFKA_MAX_POLL_RECORDS", "50");
      Path jar = ServiceProcess.builtJar();

      ServiceProcess first =
          ServiceProcess.of(jar, env, List.of("-Xmx384m"), dir.resolve("first.log"));
      Instant started = Instant.now();
      first.start(Duration.ofSeconds(180)); // generous: CI machines can be loaded
      long atKill;
      Instant firstStored;
      try {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> stored(db) > 0);
        firstStored = Instant.now();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> stored(db) >= 1_000);
        first.kill(); // SIGKILL mid-consumption
      } finally {
        first.stop();
      }
      Instant killed = Instant.now();
      atKill = stored(db);
      assertThat(atKill).as("killed mid-consumption: " + first.tail()).isLessThan(validIds.size());
      long firstCommitted = committed(admin, group);

      ServiceProcess second =
          ServiceProcess.of(jar, env, List.of("-Xmx384m"), dir.resolve("second.log"));
      Instant restarted = Instant.now();
      try (second) {
        second.start(Duration.ofSeconds(180)); // generous: CI machines can be loaded
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> stored(db) > atKill);
        Instant resumed = Instant.now();
        long atResume = stored(db);
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> behind(admin, group, topic) == 0);
        Instant done = Instant.now();

        // exactly once: every valid event id stored, none twice, no bad one
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
            Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT COUNT(*), COUNT(DISTINCT event_id),"
                        + " COUNT(*) FILTER (WHERE event_id LIKE 'bad-%') FROM events")) {
          rs.next();
          assertThat(rs.getLong(1)).as("rows").isEqualTo(validIds.size());
          assertThat(rs.getLong(2)).as("distinct event ids").isEqualTo(validIds.size());
          assertThat(rs.getLong(3)).as("invalid events stored").isZero();
        }

        // every bad record in the dead-letter topic, with its reason (at least once each)
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestEvents.readAll(kafka, dlq, bad);
        Set<String> origins = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
          assertThat(r.headers().lastHeader(KafkaIngestLoop.ERROR_FIELD)).isNotNull();
          assertThat(text(r.headers().lastHeader(KafkaIngestLoop.ERROR_FIELD).value()))
              .isIn("price", "value");
          origins.add(
              text(r.headers().lastHeader(KafkaIngestLoop.ORIGINAL_PARTITION).value())
                  + "@"
                  + text(r.headers().lastHeader(KafkaIngestLoop.ORIGINAL_OFFSET).value()));
        }
        assertThat(origins).as("distinct bad records dead-lettered").hasSize(bad);

        // duplicates are counted: the restarted replica met the duplicates left on the topic and
        // any batch stored but not committed before the kill
        double dupes =
            metric(second, "propensity_ingest_kafka_records_total", "outcome", "duplicate");
        double batches =
            metric(second, "propensity_ingest_kafka_batches_total", "result", "committed");
        double latencySum = plain(second, "propensity_ingest_kafka_batch_latency_seconds_sum");
        System.out.printf(
            "KafkaKillNineIT: %d records (%d valid distinct, %d duplicates, %d bad) on %d"
                + " partitions; first process: start to kill %.1f s, %d events stored, %.0f"
                + " events/s from its first stored event to the kill; offsets committed at kill:"
                + " %d; restart to done %.1f s; second process stored %d events, %.0f events/s"
                + " from its first new event, %.0f batches, mean batch %.0f ms; it counted %.0f"
                + " duplicates; %d dead letters on the DLQ%n",
            RECORDS,
            validIds.size(),
            duplicates,
            bad,
            PARTITIONS,
            seconds(started, killed),
            atKill,
            atKill / seconds(firstStored, killed),
            firstCommitted,
            seconds(restarted, done),
            validIds.size() - atKill,
            (validIds.size() - atResume) / seconds(resumed, done),
            batches,
            1000 * latencySum / batches,
            dupes,
            dead.size());
        assertThat(dupes).isPositive();
      }
    }
  }

  private static double seconds(Instant a, Instant b) {
    return Duration.between(a, b).toMillis() / 1000.0;
  }

  private static long stored(TestPostgres.Database db) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return 0; // the schema is created by the service at start
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
    producer.send(
        new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value),
        (meta, e) -> {
          if (e != null) {
            throw new IllegalStateException("produce failed", e);
          }
        });
  }

  private static long committed(Admin admin, String group) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .values()
        .stream()
        .mapToLong(OffsetAndMetadata::offset)
        .sum();
  }

  private static long behind(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    long behind = 0;
    for (var e : admin.listOffsets(ask).all().get().entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      behind += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return behind;
  }

  /** A counter's value from the process's Prometheus scrape. */
  private static double metric(ServiceProcess p, String name, String tag, String value)
      throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{[^}]*" + tag + "=\"" + value + "\"[^}]*\\} (\\S+)$")
            .matcher(scrape(p));
    assertThat(m.find()).as(name + " in the scrape").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static double plain(ServiceProcess p, String name) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape(p));
    assertThat(m.find()).as(name + " in the scrape").isTrue();
    return Double.parseDouble(m.group(2));
  }

  private static String scrape(ServiceProcess p) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + p.httpPort() + "/prometheus"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
