package io.propensity.feature.kafka;

import static io.propensity.feature.kafka.KafkaTestEvents.event;
import static io.propensity.feature.kafka.KafkaTestEvents.negativePrice;
import static io.propensity.feature.kafka.KafkaTestEvents.purchase;
import static io.propensity.feature.kafka.KafkaTestEvents.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.store.EventStore;
import io.propensity.kafka.broker.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature service's Kafka ingestion against a real single-node broker and the service's real
 * application context (embedded event store, in-memory online state).
 */
class KafkaIngestIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalKafka kafka;
  private static Admin admin;

  @TempDir Path dir;
  private ApplicationContext context;
  private String topic;
  private String dlq;
  private String group;

  @BeforeAll
  static void startBroker() {
    kafka = LocalKafka.start();
    admin = kafka.admin();
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @AfterEach
  void closeContext() {
    if (context != null) {
      context.close();
    }
  }

  private ApplicationContext startService(Map<String, Object> extra) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    topic = "events-" + id;
    dlq = topic + ".dlq";
    group = "feature-service-" + id;
    KafkaTestEvents.createTopic(kafka, topic, 3);
    KafkaTestEvents.createTopic(kafka, dlq, 1);
    Map<String, Object> props = new HashMap<>();
    props.put("propensity.data-dir", dir.resolve("data").toString());
    props.put("propensity.ingest.kafka.enabled", "true");
    props.put("propensity.ingest.kafka.bootstrap-servers", kafka.bootstrapServers());
    props.put("propensity.ingest.kafka.topic", topic);
    props.put("propensity.ingest.kafka.dead-letter-topic", dlq);
    props.put("propensity.ingest.kafka.group-id", group);
    props.put("propensity.ingest.kafka.retry-backoff", "100ms");
    props.put("propensity.ingest.kafka.max-retry-backoff", "400ms");
    props.putAll(extra);
    context = ApplicationContext.run(props, "test");
    return context;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        p.send(r).get();
      }
    }
  }

  private ProducerRecord<byte[], byte[]> rec(propensity.events.v1.Event e) {
    return new ProducerRecord<>(topic, KafkaTestEvents.key(e.getUserId()), e.toByteArray());
  }

  private double counter(String outcome) {
    MeterRegistry r = context.getBean(MeterRegistry.class);
    return r.get(KafkaIngestMetrics.RECORDS).tag("outcome", outcome).counter().count();
  }

  /** Committed offset of the group per partition, minus the partition's end offset (0 = done). */
  private long uncommitted() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (int p = 0; p < 3; p++) {
      ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(ask).all().get();
    long behind = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      behind += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return behind;
  }

  @Test
  void recordsAreStoredOnceAndVisibleAsOnlineFeatures() throws Exception {
    startService(Map.of());
    Instant t = Instant.now().minusSeconds(7200);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int u = 0; u < 5; u++) {
      for (int i = 0; i < 6; i++) {
        records.add(rec(event("k-" + u + "-" + i, "ku" + u, t.plusSeconds(i * 60L))));
      }
    }
    records.add(rec(purchase("k-0-buy", "ku0", t.plusSeconds(600), 30)));
    // a producer retry re-sends three events
    records.add(rec(event("k-1-0", "ku1", t)));
    records.add(rec(event("k-1-1", "ku1", t.plusSeconds(60))));
    records.add(rec(event("k-2-5", "ku2", t.plusSeconds(300))));
    produce(records);

    await().atMost(WAIT).until(() -> uncommitted() == 0);

    EventStore store = context.getBean(EventStore.class);
    assertThat(store.statistics().events()).isEqualTo(31);
    assertThat(store.history("ku1")).hasSize(6);
    assertThat(counter("stored")).isEqualTo(31);
    assertThat(counter("duplicate")).isEqualTo(3);
    assertThat(counter("dead_letter")).isZero();
    OnlineFeatures online = context.getBean(OnlineFeatures.class);
    var ku0 = online.forUsers(List.of("ku0")).get(0);
    assertThat(ku0.coldStart()).isFalse();
    assertThat(ku0.vector().values()[FeatureCatalog.schema().indexOf("purchases_lifetime")])
        .isEqualTo(1.0);
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    assertThat(registry.get(KafkaIngestMetrics.LAST_COMMIT).gauge().value()).isPositive();
    assertThat(registry.get(KafkaIngestMetrics.BATCH_LATENCY).timer().count()).isPositive();
    assertThat(registry.find(KafkaIngestMetrics.LAG).gauges()).isNotEmpty();
  }

  @Test
  void invalidAndUnparseableRecordsGoToTheDeadLetterTopicAndDoNotBlockThePartition()
      throws Exception {
    startService(Map.of());
    Instant t = Instant.now().minusSeconds(7200);
    // one user: one key, so all these land on one partition, in this order
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(
        new ProducerRecord<>(
            topic, KafkaTestEvents.key("du"), "not protobuf".getBytes(StandardCharsets.UTF_8)));
    records.add(rec(negativePrice("d-bad-price", "du", t)));
    records.add(rec(event("d-future", "du", Instant.now().plus(Duration.ofDays(3)))));
    records.add(
        new ProducerRecord<>(
            topic, KafkaTestEvents.key("other"), event("d-key", "du", t).toByteArray()));
    records.add(rec(event("d-good", "du", t)));
    produce(records);

    await().atMost(WAIT).until(() -> uncommitted() == 0);

    assertThat(context.getBean(EventStore.class).history("du"))
        .extracting(io.propensity.engine.event.Event::eventId)
        .containsExactly("d-good");
    assertThat(counter("dead_letter")).isEqualTo(4);
    List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestEvents.readAll(kafka, dlq, 4);
    assertThat(dead).hasSize(4);
    Map<String, ConsumerRecord<byte[], byte[]>> byField =
        dead.stream()
            .collect(
                Collectors.toMap(
                    r -> text(r.headers().lastHeader(KafkaIngestLoop.ERROR_FIELD).value()),
                    r -> r));
    assertThat(byField.keySet()).containsExactlyInAnyOrder("value", "price", "occurred_at", "key");
    ConsumerRecord<byte[], byte[]> future = byField.get("occurred_at");
    assertThat(text(future.headers().lastHeader(KafkaIngestLoop.ERROR_REASON).value()))
        .contains("more than 1 day in the future");
    assertThat(text(future.headers().lastHeader(KafkaIngestLoop.ORIGINAL_TOPIC).value()))
        .isEqualTo(topic);
    assertThat(text(future.headers().lastHeader(KafkaIngestLoop.ORIGINAL_OFFSET).value()))
        .isEqualTo("2");
    assertThat(text(future.key())).isEqualTo("du");
  }

  @Test
  void jsonRecordsAreIngestedLikeProtobufOnes() throws Exception {
    startService(Map.of("propensity.ingest.kafka.format", "json"));
    Instant t = Instant.now().minusSeconds(7200);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String json = JsonFormat.printer().print(event("j-" + i, "ju", t.plusSeconds(i)));
      records.add(
          new ProducerRecord<>(
              topic, KafkaTestEvents.key("ju"), json.getBytes(StandardCharsets.UTF_8)));
    }
    records.add(rec(event("j-proto", "ju", t))); // binary protobuf on a json topic
    produce(records);

    await().atMost(WAIT).until(() -> uncommitted() == 0);

    assertThat(context.getBean(EventStore.class).history("ju")).hasSize(5);
    assertThat(counter("dead_letter")).isEqualTo(1);
  }

  @Test
  void aStoreOutageCommitsNothingAndTheRecordsAreStoredAfterRecovery() throws Exception {
    startService(Map.of("test.switchable-store", "true"));
    var outage = context.getBean(SwitchableEventStoreFactory.Outage.class);
    outage.down.set(true);
    Instant t = Instant.now().minusSeconds(7200);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      records.add(rec(event("o-" + i, "ou" + (i % 4), t.plusSeconds(i))));
    }
    produce(records);

    MeterRegistry registry = context.getBean(MeterRegistry.class);
    await()
        .atMost(WAIT)
        .until(
            () ->
                registry.get(KafkaIngestMetrics.BATCHES).tag("result", "retried").counter().count()
                    >= 3);
    assertThat(uncommitted()).as("nothing committed during the outage").isEqualTo(20);
    assertThat(context.getBean(EventStore.class).statistics().events()).isZero();

    outage.down.set(false);
    await().atMost(WAIT).until(() -> uncommitted() == 0);
    assertThat(context.getBean(EventStore.class).statistics().events()).isEqualTo(20);
    assertThat(counter("stored")).isEqualTo(20);
    assertThat(Set.copyOf(context.getBean(EventStore.class).users(java.util.Optional.empty(), 10)))
        .containsExactlyInAnyOrder("ou0", "ou1", "ou2", "ou3");
  }
}
