package io.propensity.feature.kafka;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.MapFormat;
import java.time.Duration;
import java.util.Map;

/**
 * Ingestion from a Kafka topic ({@code propensity.ingest.kafka.*}, env {@code
 * PROPENSITY_INGEST_KAFKA_*}); off unless {@code enabled}.
 *
 * @param enabled consume the topic (default false)
 * @param bootstrapServers {@code host:port[,host:port…]} of the Kafka cluster; required when
 *     enabled
 * @param topic topic of {@code propensity.events.v1.Event} records keyed by user id
 * @param groupId consumer group; replicas with the same group share the topic's partitions
 * @param format {@code protobuf} (the serialized message) or {@code json} (its protobuf JSON form)
 * @param deadLetterTopic where records that are not valid events go, with the reason in headers
 * @param maxPollRecords most records in one batch (one store transaction, one offset commit)
 * @param pollTimeout longest wait for records in one poll
 * @param retryBackoff first wait before retrying a batch the store could not take (doubles up to
 *     {@code maxRetryBackoff})
 * @param maxRetryBackoff longest wait between retries of a batch
 * @param properties any other Kafka client property (TLS, SASL…), passed to consumer and producer
 */
@ConfigurationProperties("propensity.ingest.kafka")
public record KafkaIngestConfiguration(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "") String bootstrapServers,
    @Bindable(defaultValue = "propensity.events.v1") String topic,
    @Bindable(defaultValue = "propensity-feature-service") String groupId,
    @Bindable(defaultValue = "protobuf") String format,
    @Bindable(defaultValue = "propensity.events.v1.dlq") String deadLetterTopic,
    @Bindable(defaultValue = "500") int maxPollRecords,
    @Bindable(defaultValue = "500ms") Duration pollTimeout,
    @Bindable(defaultValue = "500ms") Duration retryBackoff,
    @Bindable(defaultValue = "30s") Duration maxRetryBackoff,
    @Nullable @MapFormat(transformation = MapFormat.MapTransformation.FLAT)
        Map<String, String> properties) {
  public KafkaIngestConfiguration {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }
}
