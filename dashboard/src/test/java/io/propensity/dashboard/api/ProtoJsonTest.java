package io.propensity.dashboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.FeatureVector;
import propensity.registry.v1.Model;

class ProtoJsonTest {
  @Test
  void unsetOptionalScalarsAndMessagesAreLeftOutWhileZerosOfPlainScalarsStay() {
    Map<String, Object> e =
        ProtoJson.toMap(
            Event.newBuilder().setEventId("e1").setType(EventType.EVENT_TYPE_PAGE_VIEW).build());
    assertThat(e).doesNotContainKeys("price", "quantity", "occurredAt", "dwell");
    assertThat(e)
        .containsEntry("eventId", "e1")
        .containsEntry("type", "EVENT_TYPE_PAGE_VIEW")
        .containsEntry("itemId", "");
    Map<String, Object> priced = ProtoJson.toMap(Event.newBuilder().setPrice(0).build());
    assertThat(priced).containsEntry("price", 0.0);
  }

  @Test
  void timestampsAreIsoStringsDurationsSecondsAndInt64Numbers() {
    Map<String, Object> e =
        ProtoJson.toMap(
            Event.newBuilder()
                .setOccurredAt(Timestamp.newBuilder().setSeconds(1_795_000_000L))
                .setDwell(Duration.newBuilder().setSeconds(12).setNanos(500_000_000))
                .build());
    assertThat(e).containsEntry("occurredAt", "2026-11-18T11:06:40Z").containsEntry("dwell", 12.5);
    Map<String, Object> m =
        ProtoJson.toMap(
            Model.newBuilder()
                .setName("m")
                .setLatestVersion(3)
                .putAliases("production", 2)
                .build());
    assertThat(m)
        .containsEntry("latestVersion", 3L)
        .containsEntry("aliases", Map.of("production", 2L));
  }

  @Test
  void missingFeatureValuesBecomeNull() {
    Map<String, Object> v =
        ProtoJson.toMap(FeatureVector.newBuilder().addValues(1.5).addValues(Double.NaN).build());
    assertThat((List<Object>) v.get("values")).containsExactly(1.5, null);
  }
}
