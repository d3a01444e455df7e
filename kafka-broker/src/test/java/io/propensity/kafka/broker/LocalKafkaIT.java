package io.propensity.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaIT {

  private static final String TOPIC = "propensity.events.test";

  @Test
  void acknowledgedRecordsSurviveKillNineAndRestartOnTheSameDataDirectory() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopic(TOPIC, 3);
      String clusterId;
      try (Admin admin = kafka.admin()) {
        assertThat(
                admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions())
            .hasSize(3);
        clusterId = admin.describeCluster().clusterId().get();
      }
      Map<String, String> sent = produce(kafka, 0, 300);
      assertThat(kafka.dataDir().resolve(BrokerMain.READY_FILE)).exists();

      Map<String, String> received = consumeAll(kafka, sent.size());
      assertThat(received).isEqualTo(sent);

      long killed = kafka.pid();
      kafka.kill();
      assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(kafka.isRunning()).isFalse();

      kafka.restart();
      try (Admin admin = kafka.admin()) {
        assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
      }
      assertThat(consumeAll(kafka, sent.size())).isEqualTo(sent);

      // still writable after the crash, and a clean stop keeps everything as well
      Map<String, String> more = produce(kafka, 300, 50);
      kafka.stop();
      assertThat(kafka.dataDir().resolve(BrokerMain.READY_FILE))
          .as("removed by the clean shutdown")
          .doesNotExist();
      kafka.restart();
      Map<String, String> all = new HashMap<>(sent);
      all.putAll(more);
      assertThat(consumeAll(kafka, all.size())).isEqualTo(all);
    }
  }

  @Test
  void childClassPathListsTheBrokerJarsWrittenAtBuildTime() {
    assertThat(LocalKafka.childClasspath()).contains("kafka_2.13-").contains("scala-library-");
  }

  /** Records key = "user-(i % 17)", value = a unique id; acknowledged by the broker (acks=all). */
  private static Map<String, String> produce(LocalKafka kafka, int from, int count)
      throws Exception {
    Map<String, Object> conf =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    Map<String, String> sent = new HashMap<>();
    Set<Integer> partitions = new HashSet<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(conf, new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < from + count; i++) {
        String value = "event-" + i;
        partitions.add(
            producer
                .send(new ProducerRecord<>(TOPIC, "user-" + (i % 17), value))
                .get(30, TimeUnit.SECONDS)
                .partition());
        sent.put(value, "user-" + (i % 17));
      }
    }
    assertThat(partitions).as("records keyed by 17 users spread over the partitions").hasSize(3);
    return sent;
  }

  /** Every record of the topic from the beginning (a new consumer group), value to key. */
  private static Map<String, String> consumeAll(LocalKafka kafka, int expected) {
    Map<String, Object> conf =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    Map<String, String> received = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(conf, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      while (received.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          assertThat(received.put(r.value(), r.key())).as("duplicate %s", r.value()).isNull();
        }
      }
    }
    return received;
  }
}
