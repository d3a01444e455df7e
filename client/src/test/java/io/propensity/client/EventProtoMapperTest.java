package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
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
        .isEqualTo(new EventProtoMapper.Parsed.Ok(full));
    assertThat(EventProtoMapper.fromProto(EventProtoMapper.toProto(bare)))
        .isEqualTo(new EventProtoMapper.Parsed.Ok(bare));
  }

  @Test
  void missingTypeAndTimeAreNamed() {
    var parsed =
        EventProtoMapper.fromProto(propensity.events.v1.Event.newBuilder().setEventId("x").build());
    assertThat(parsed)
        .isInstanceOfSatisfying(
            EventProtoMapper.Parsed.Invalid.class,
            i ->
                assertThat(i.violations())
                    .extracting(Object::toString)
                    .containsExactly("type: is required", "occurred_at: is required"));
  }
}
