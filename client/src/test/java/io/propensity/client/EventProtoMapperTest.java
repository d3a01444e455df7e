package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.ReceivedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventProtoMapperTest {
  @Test
  void everyFieldSurvivesTheRoundTrip() {
    Event full =
        Event.builder(
                "e1",
                "u1",
                Instant.parse("2026-01-02T03:04:05.123456789Z"),
                EventType.BEGIN_CHECKOUT)
            .sessionId("s")
            .page("/checkout")
            .itemId("i")
            .category("c")
            .price(0.0)
            .quantity(3)
            .dwell(Duration.ofMillis(1500))
            .device("app")
            .trafficSource("email")
            .attributes(Map.of("k", "v"))
            .build();
    Event bare =
        Event.builder("e2", "u1", Instant.parse("2026-01-02T03:04:05Z"), EventType.SEARCH).build();

    assertThat(EventProtoMapper.fromProto(EventProtoMapper.toProto(full)))
        .isEqualTo(new ReceivedEvent.Parsed(full));
    assertThat(EventProtoMapper.fromProto(EventProtoMapper.toProto(bare)))
        .isEqualTo(new ReceivedEvent.Parsed(bare));
  }

  @Test
  void missingTypeAndTimeAreNamed() {
    var parsed =
        EventProtoMapper.fromProto(propensity.events.v1.Event.newBuilder().setEventId("x").build());
    assertThat(parsed)
        .isInstanceOfSatisfying(
            ReceivedEvent.Unparseable.class,
            i ->
                assertThat(i.violations())
                    .extracting(Object::toString)
                    .containsExactly("type: is required", "occurred_at: is required"));
  }

  @Test
  void aBatchIsMappedEventByEventInOrder() {
    Event ok =
        Event.builder("e1", "u1", Instant.parse("2026-01-02T03:04:05Z"), EventType.SEARCH).build();
    var batch =
        EventProtoMapper.fromProto(
            java.util.List.of(
                propensity.events.v1.Event.newBuilder().setEventId("bad").build(),
                EventProtoMapper.toProto(ok)));
    assertThat(batch).extracting(ReceivedEvent::eventId).containsExactly("bad", "e1");
    assertThat(batch.get(0)).isInstanceOf(ReceivedEvent.Unparseable.class);
    assertThat(batch.get(1)).isEqualTo(new ReceivedEvent.Parsed(ok));
  }
}
