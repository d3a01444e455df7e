package io.propensity.feature.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code propensity.ingest.kafka.*} properties and what reaches the Kafka clients. */
class KafkaIngestConfigurationTest {
  @Test
  void defaultsWorkOutOfTheBoxAndIngestionIsOff() {
    try (ApplicationContext ctx = ApplicationContext.run(Map.of(), "test")) {
      KafkaIngestConfiguration c = ctx.getBean(KafkaIngestConfiguration.class);
      assertThat(c.enabled()).isFalse();
      assertThat(c.topic()).isEqualTo("propensity.events.v1");
      assertThat(c.groupId()).isEqualTo("propensity-feature-service");
      assertThat(c.format()).isEqualTo("protobuf");
      assertThat(c.deadLetterTopic()).isEqualTo("propensity.events.v1.dlq");
      assertThat(c.maxPollRecords()).isEqualTo(500);
      assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(500));
      assertThat(c.properties()).isEmpty();
      assertThat(ctx.findBean(KafkaIngestService.class)).isEmpty();
    }
  }

  @Test
  void enablingWithoutBootstrapServersFailsTheStartWithTheSettingToFix() {
    assertThatThrownBy(
            () ->
                ApplicationContext.run(Map.of("propensity.ingest.kafka.enabled", "true"), "test")
                    .close())
        .hasStackTraceContaining("propensity.ingest.kafka.bootstrap-servers");
    assertThatThrownBy(
            () ->
                ApplicationContext.run(
                        Map.of(
                            "propensity.ingest.kafka.enabled", "true",
                            "propensity.ingest.kafka.bootstrap-servers", "127.0.0.1:1",
                            "propensity.ingest.kafka.format", "avro"),
                        "test")
                    .close())
        .hasStackTraceContaining("not one of: protobuf, json");
  }

  @Test
  void passThroughPropertiesReachTheClientsButNeverOverrideTheCommitPolicy() {
    Map<String, Object> props =
        Map.of(
            "propensity.ingest.kafka.bootstrap-servers", "k1:9093",
            "propensity.ingest.kafka.group-id", "g",
            "propensity.ingest.kafka.max-poll-records", "42",
            "propensity.ingest.kafka.properties.security.protocol", "SASL_SSL",
            "propensity.ingest.kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
            "propensity.ingest.kafka.properties.enable.auto.commit", "true",
            "propensity.ingest.kafka.properties.not.a.kafka.property", "x");
    try (ApplicationContext ctx = ApplicationContext.run(props, "test")) {
      KafkaIngestConfiguration c = ctx.getBean(KafkaIngestConfiguration.class);
      Map<String, Object> consumer = KafkaIngestService.consumerProperties(c);
      assertThat(consumer)
          .containsEntry("bootstrap.servers", "k1:9093")
          .containsEntry("group.id", "g")
          .containsEntry("max.poll.records", 42)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("enable.auto.commit", false)
          .doesNotContainKey("not.a.kafka.property");
      Map<String, Object> producer = KafkaIngestService.producerProperties(c);
      assertThat(producer)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("acks", "all")
          .doesNotContainKey("group.id")
          .doesNotContainKey("enable.auto.commit");
    }
  }
}
