package io.propensity.feature.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.propensity.feature.ingest.Ingestor;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Kafka ingestion on its own thread for the life of the application context, when {@code
 * propensity.ingest.kafka.enabled=true}; on shutdown the batch in flight is finished and committed.
 */
@Context
@Requires(property = "propensity.ingest.kafka.enabled", value = "true")
public final class KafkaIngestService {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestService.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaIngestConfiguration config;
  private final Ingestor ingestor;
  private final MeterRegistry registry;
  private final Clock clock;
  private final KafkaRecordDecoder decoder;
  private KafkaIngestLoop loop;
  private KafkaProducer<byte[], byte[]> producer;

  KafkaIngestService(
      KafkaIngestConfiguration config, Ingestor ingestor, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.ingestor = ingestor;
    this.registry = registry;
    this.clock = clock;
    // a configuration mistake fails the start of the service, not a background thread later
    if (config.bootstrapServers().isBlank()) {
      throw new IllegalStateException(
          "propensity.ingest.kafka.enabled=true needs propensity.ingest.kafka.bootstrap-servers"
              + " (env PROPENSITY_INGEST_KAFKA_BOOTSTRAP_SERVERS)");
    }
    this.decoder = new KafkaRecordDecoder(KafkaRecordDecoder.Format.of(config.format()));
  }

  @EventListener
  void onStartup(StartupEvent event) {
    start();
  }

  @EventListener
  void onShutdown(ShutdownEvent event) {
    stop();
  }

  /** Starts consuming (once). */
  public synchronized void start() {
    if (loop != null) {
      return;
    }
    producer = new KafkaProducer<>(producerProperties(config));
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config));
    loop =
        new KafkaIngestLoop(
            consumer,
            producer,
            ingestor,
            decoder,
            new KafkaIngestMetrics(registry, clock),
            new KafkaIngestLoop.Settings(
                config.topic(),
                config.deadLetterTopic(),
                config.pollTimeout(),
                config.retryBackoff(),
                config.maxRetryBackoff()));
    Thread t = new Thread(loop, "kafka-ingest");
    t.setDaemon(false);
    t.start();
    LOG.info(
        "kafka ingestion started: topic {} ({}), group {}, dead letters to {}, servers {}",
        config.topic(),
        decoder.format().name().toLowerCase(java.util.Locale.ROOT),
        config.groupId(),
        config.deadLetterTopic(),
        config.bootstrapServers());
  }

  /** Stops after the batch in flight and closes the clients; waits up to a minute. */
  @PreDestroy
  public synchronized void stop() {
    if (loop == null) {
      return;
    }
    loop.stop();
    try {
      if (!loop.awaitFinished(STOP_TIMEOUT)) {
        LOG.warn("kafka ingestion did not stop within {}", STOP_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
    loop = null;
    LOG.info("kafka ingestion stopped");
  }

  static Map<String, Object> consumerProperties(KafkaIngestConfiguration config) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    p.putAll(passThrough(config.properties(), ConsumerConfig.configNames()));
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    // offsets are committed by the loop, only after the batch is stored
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  static Map<String, Object> producerProperties(KafkaIngestConfiguration config) {
    Map<String, Object> p = new HashMap<>();
    p.putAll(passThrough(config.properties(), ProducerConfig.configNames()));
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    // a dead letter counts as delivered only once every in-sync replica has it
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /**
   * The pass-through properties that are {@code known} client properties. Environment variables
   * reach the map under several spellings ({@code security.protocol}, {@code security-protocol});
   * only Kafka's own spelling is kept.
   */
  static Map<String, Object> passThrough(Map<String, String> properties, Set<String> known) {
    Map<String, Object> out = new HashMap<>();
    properties.forEach(
        (k, v) -> {
          String name = k.toLowerCase(java.util.Locale.ROOT);
          if (known.contains(name)) {
            out.put(name, v);
          }
        });
    return out;
  }
}
