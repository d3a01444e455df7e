package io.propensity.feature.kafka;

import static io.propensity.feature.kafka.KafkaTestEvents.event;
import static io.propensity.feature.kafka.KafkaTestEvents.key;
import static io.propensity.feature.kafka.KafkaTestEvents.negativePrice;
import static io.propensity.feature.kafka.KafkaTestEvents.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.StoreException;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch semantics of the Kafka ingestion, against Kafka's mock clients and a real store. */
class KafkaIngestLoopTest {
  private static final String TOPIC = "events";
  private static final String DLQ = "events.dlq";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final Instant T = Instant.now().minusSeconds(3600);

  @TempDir Path dir;

  private JdbcEventStore realStore;
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private final List<Event> listened = new ArrayList<>();
  private MockConsumer<byte[], byte[]> consumer;
  private MockProducer<byte[], byte[]> producer;
  private SimpleMeterRegistry registry;
  private KafkaIngestLoop loop;

  @BeforeEach
  void setUp() {
    realStore = JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("events.db"), "", "", 2);
    EventStore store =
        (EventStore)
            Proxy.newProxyInstance(
                EventStore.class.getClassLoader(),
                new Class<?>[] {EventStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("append") && storeDown.get()) {
                    throw new StoreException("connection refused", null);
                  }
                  try {
                    return method.invoke(realStore, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Ingestor ingestor =
        new Ingestor(
            store,
            EventValidator.systemDefault(),
            10_000,
            new IngestListener() {
              @Override
              public void onStored(List<Event> stored) {
                listened.addAll(stored);
              }

              @Override
              public void onOutcome(IngestOutcome outcome, long nanos) {}
            });
    consumer = new MockConsumer<>("earliest");
    producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    registry = new SimpleMeterRegistry();
    loop =
        new KafkaIngestLoop(
            consumer,
            producer,
            ingestor,
            new KafkaRecordDecoder(KafkaRecordDecoder.Format.PROTOBUF),
            new KafkaIngestMetrics(registry, Clock.systemUTC()),
            new KafkaIngestLoop.Settings(
                TOPIC, DLQ, Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(40)));
    consumer.assign(List.of(P0, P1));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.seek(P0, 0);
    consumer.seek(P1, 0);
  }

  @AfterEach
  void tearDown() {
    realStore.close();
  }

  private static ConsumerRecord<byte[], byte[]> record(
      TopicPartition tp, long offset, String user, byte[] value) {
    return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key(user), value);
  }

  private static ConsumerRecord<byte[], byte[]> record(
      TopicPartition tp, long offset, propensity.events.v1.Event e) {
    return record(tp, offset, e.getUserId(), e.toByteArray());
  }

  private ConsumerRecords<byte[], byte[]> poll(List<ConsumerRecord<byte[], byte[]>> records) {
    records.forEach(consumer::addRecord);
    return consumer.poll(Duration.ZERO);
  }

  private long committed(TopicPartition tp) {
    OffsetAndMetadata o = consumer.committed(Set.of(tp)).get(tp);
    return o == null ? -1 : o.offset();
  }

  private double records(String outcome) {
    return registry.get(KafkaIngestMetrics.RECORDS).tag("outcome", outcome).counter().count();
  }

  @Test
  void validEventsAreStoredThenTheirOffsetsCommitted() {
    ConsumerRecords<byte[], byte[]> batch =
        poll(
            List.of(
                record(P0, 0, event("e1", "u1", T)),
                record(P0, 1, event("e2", "u1", T.plusSeconds(1))),
                record(P1, 0, event("e3", "u2", T))));

    assertThat(loop.process(batch)).isTrue();

    assertThat(realStore.history("u1")).extracting(Event::eventId).containsExactly("e1", "e2");
    assertThat(realStore.history("u2")).extracting(Event::eventId).containsExactly("e3");
    assertThat(listened).hasSize(3); // online features are fed as for gRPC ingest
    assertThat(committed(P0)).isEqualTo(2);
    assertThat(committed(P1)).isEqualTo(1);
    assertThat(records("stored")).isEqualTo(3);
    assertThat(producer.history()).isEmpty();
    assertThat(registry.get(KafkaIngestMetrics.LAST_COMMIT).gauge().value()).isPositive();
  }

  @Test
  void redeliveredRecordsAreCountedAsDuplicatesAndNotStoredTwice() {
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(record(P0, 0, event("e1", "u1", T)), record(P0, 1, event("e1", "u1", T)));
    assertThat(loop.process(poll(records))).isTrue();
    consumer.seek(P0, 0); // as a restart before the commit would
    assertThat(loop.process(poll(records))).isTrue();

    assertThat(realStore.history("u1")).hasSize(1);
    assertThat(records("stored")).isEqualTo(1);
    assertThat(records("duplicate")).isEqualTo(3);
    assertThat(committed(P0)).isEqualTo(2);
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicWithTheReasonAndDoNotBlockThePartition() {
    ConsumerRecords<byte[], byte[]> batch =
        poll(
            List.of(
                record(P0, 0, "u1", new byte[] {(byte) 0xff, 0x01, 0x02}),
                record(P0, 1, negativePrice("bad-price", "u1", T)),
                record(P0, 2, "someone-else", event("wrong-key", "u1", T).toByteArray()),
                record(
                    P0,
                    3,
                    "u1",
                    event("no-type", "u1", T).toBuilder().clearType().build().toByteArray()),
                record(P0, 4, event("good", "u1", T))));

    assertThat(loop.process(batch)).isTrue();

    assertThat(realStore.history("u1")).extracting(Event::eventId).containsExactly("good");
    assertThat(committed(P0)).isEqualTo(5);
    assertThat(records("dead_letter")).isEqualTo(4);
    List<ProducerRecord<byte[], byte[]>> dead = producer.history();
    assertThat(dead).hasSize(4).allSatisfy(r -> assertThat(r.topic()).isEqualTo(DLQ));
    assertThat(dead)
        .extracting(r -> text(r.headers().lastHeader(KafkaIngestLoop.ERROR_FIELD).value()))
        .containsExactlyInAnyOrder("value", "price", "key", "type");
    ProducerRecord<byte[], byte[]> price =
        dead.stream()
            .filter(
                r ->
                    text(r.headers().lastHeader(KafkaIngestLoop.ERROR_FIELD).value())
                        .equals("price"))
            .findFirst()
            .orElseThrow();
    assertThat(text(price.headers().lastHeader(KafkaIngestLoop.ERROR_REASON).value()))
        .contains("negative");
    assertThat(text(price.headers().lastHeader(KafkaIngestLoop.ORIGINAL_TOPIC).value()))
        .isEqualTo(TOPIC);
    assertThat(text(price.headers().lastHeader(KafkaIngestLoop.ORIGINAL_PARTITION).value()))
        .isEqualTo("0");
    assertThat(text(price.headers().lastHeader(KafkaIngestLoop.ORIGINAL_OFFSET).value()))
        .isEqualTo("1");
    assertThat(price.value()).isEqualTo(negativePrice("bad-price", "u1", T).toByteArray());
    assertThat(text(price.key())).isEqualTo("u1");
  }

  @Test
  void anEventIdTakenByOtherContentIsADeadLetter() {
    assertThat(loop.process(poll(List.of(record(P0, 0, event("e1", "u1", T)))))).isTrue();
    assertThat(loop.process(poll(List.of(record(P0, 1, event("e1", "u1", T.plusSeconds(9)))))))
        .isTrue();

    assertThat(producer.history()).hasSize(1);
    assertThat(
            text(
                producer
                    .history()
                    .get(0)
                    .headers()
                    .lastHeader(KafkaIngestLoop.ERROR_REASON)
                    .value()))
        .contains("already stored with other content")
        .contains("occurred_at");
    assertThat(committed(P0)).isEqualTo(2);
  }

  @Test
  void aStoreOutageCommitsNothingAndTheBatchIsConsumedAgainAfterRecovery() {
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(record(P0, 0, event("e1", "u1", T)), record(P1, 0, event("e2", "u2", T)));
    storeDown.set(true);

    assertThat(loop.process(poll(records))).isFalse();

    assertThat(committed(P0)).isEqualTo(-1);
    assertThat(committed(P1)).isEqualTo(-1);
    assertThat(consumer.position(P0)).as("sought back").isZero();
    assertThat(consumer.position(P1)).isZero();
    assertThat(registry.get(KafkaIngestMetrics.BATCHES).tag("result", "retried").counter().count())
        .isEqualTo(1);

    storeDown.set(false);
    assertThat(loop.process(poll(records))).isTrue();
    assertThat(realStore.history("u1")).hasSize(1);
    assertThat(committed(P0)).isEqualTo(1);
    assertThat(committed(P1)).isEqualTo(1);
  }

  @Test
  void aDeadLetterTheTopicDoesNotAcknowledgeCommitsNothing() {
    producer.sendException = new KafkaException("dead-letter topic unreachable");
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(record(P0, 0, event("e1", "u1", T)), record(P0, 1, "u1", new byte[] {1, 2, 3}));

    assertThat(loop.process(poll(records))).isFalse();
    assertThat(committed(P0)).isEqualTo(-1);
    assertThat(consumer.position(P0)).isZero();

    producer.sendException = null;
    assertThat(loop.process(poll(records))).isTrue();
    assertThat(committed(P0)).isEqualTo(2);
    assertThat(records("duplicate")).as("e1 was stored by the first try").isEqualTo(1);
    assertThat(realStore.history("u1")).hasSize(1);
  }

  @Test
  void theLoopRunsOnItsThreadAndStopsAfterCommittingItsBatch() throws Exception {
    MockConsumer<byte[], byte[]> subscribed = new MockConsumer<>("earliest");
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    KafkaIngestLoop running =
        new KafkaIngestLoop(
            subscribed,
            producer,
            new Ingestor(
                realStore,
                EventValidator.systemDefault(),
                10_000,
                new IngestListener() {
                  @Override
                  public void onStored(List<Event> stored) {}

                  @Override
                  public void onOutcome(IngestOutcome outcome, long nanos) {}
                }),
            new KafkaRecordDecoder(KafkaRecordDecoder.Format.PROTOBUF),
            new KafkaIngestMetrics(own, Clock.systemUTC()),
            new KafkaIngestLoop.Settings(
                TOPIC, DLQ, Duration.ofMillis(20), Duration.ofMillis(10), Duration.ofMillis(40)));
    subscribed.schedulePollTask(
        () -> {
          subscribed.rebalance(List.of(P0));
          subscribed.updateBeginningOffsets(Map.of(P0, 0L));
          subscribed.updateEndOffsets(Map.of(P0, 2L));
          subscribed.addRecord(record(P0, 0, event("r1", "u9", T)));
          subscribed.addRecord(record(P0, 1, event("r2", "u9", T)));
        });
    Thread t = new Thread(running, "test-kafka-ingest");
    t.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> realStore.history("u9").size() == 2);
    running.stop();
    assertThat(running.awaitFinished(Duration.ofSeconds(10))).isTrue();
    assertThat(subscribed.closed()).isTrue();
    // MockConsumer forgets committed offsets on close; the batch committed before it returned
    assertThat(own.get(KafkaIngestMetrics.LAST_COMMIT).gauge().value()).isPositive();
    assertThat(own.get(KafkaIngestMetrics.RECORDS).tag("outcome", "stored").counter().count())
        .isEqualTo(2);
  }
}
