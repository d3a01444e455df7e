package io.propensity.feature.kafka;

import com.google.protobuf.Timestamp;
import io.propensity.kafka.broker.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;

/** Events and record bytes for the Kafka ingestion tests. */
final class KafkaTestEvents {
  private KafkaTestEvents() {}

  static Event event(String id, String user, Instant at) {
    return Event.newBuilder()
        .setEventId(id)
        .setUserId(user)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
        .setType(EventType.EVENT_TYPE_PAGE_VIEW)
        .build();
  }

  static Event purchase(String id, String user, Instant at, double price) {
    return event(id, user, at).toBuilder()
        .setType(EventType.EVENT_TYPE_PURCHASE)
        .setItemId("sku-1")
        .setPrice(price)
        .build();
  }

  /** An event the validator refuses: a negative price. */
  static Event negativePrice(String id, String user, Instant at) {
    return event(id, user, at).toBuilder().setPrice(-5).build();
  }

  /**
   * {@link LocalKafka#createTopic}, tried again when the broker's metadata does not know the new
   * topic yet (describing it right after creating it can answer UnknownTopicOrPartition).
   */
  static void createTopic(LocalKafka kafka, String name, int partitions) {
    for (int attempt = 1; ; attempt++) {
      try {
        kafka.createTopic(name, partitions);
        return;
      } catch (IllegalStateException e) {
        boolean unknownYet = String.valueOf(e.getMessage()).contains("UnknownTopicOrPartition");
        if (!unknownYet || attempt == 10) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  static byte[] key(String user) {
    return user.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Every record of {@code topic} from the beginning, read by a fresh consumer group until {@code
   * expected} arrived (or 60 s passed), then half a second longer: more than expected is a bug the
   * caller should see.
   */
  static List<ConsumerRecord<byte[], byte[]>> readAll(
      LocalKafka kafka, String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (out.size() < expected && Instant.now().isBefore(deadline)) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      c.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }
}
