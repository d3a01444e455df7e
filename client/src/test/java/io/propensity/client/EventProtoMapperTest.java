package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.ReceivedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  @Test
  void timestampsOutsideTheProtobufRangeAreViolationsNotExceptions() {
    propensity.events.v1.Event base =
        EventProtoMapper.toProto(
            Event.builder("e1", "u1", Instant.parse("2026-01-02T03:04:05Z"), EventType.SEARCH)
                .build());
    for (com.google.protobuf.Timestamp bad :
        List.of(
            com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build(),
            com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build(),
            com.google.protobuf.Timestamp.newBuilder().setSeconds(253_402_300_800L).build(),
            com.google.protobuf.Timestamp.newBuilder().setSeconds(-62_135_596_801L).build(),
            com.google.protobuf.Timestamp.newBuilder().setSeconds(0).setNanos(-1).build(),
            com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(0)
                .setNanos(1_000_000_000)
                .build())) {
      var parsed = EventProtoMapper.fromProto(base.toBuilder().setOccurredAt(bad).build());
      assertThat(parsed)
          .as("%s", bad)
          .isInstanceOfSatisfying(
              ReceivedEvent.Unparseable.class,
              u ->
                  assertThat(u.violations())
                      .extracting(v -> v.field())
                      .containsExactly("occurred_at"));
    }
    var latest =
        EventProtoMapper.fromProto(
            base.toBuilder()
                .setOccurredAt(
                    com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(253_402_300_799L)
                        .setNanos(999_999_999))
                .build());
    assertThat(latest).isInstanceOf(ReceivedEvent.Parsed.class);
  }

  @Test
  void invalidDurationsAreViolationsNotExceptions() {
    propensity.events.v1.Event base =
        EventProtoMapper.toProto(
            Event.builder("e1", "u1", Instant.parse("2026-01-02T03:04:05Z"), EventType.SEARCH)
                .build());
    for (com.google.protobuf.Duration bad :
        List.of(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(Long.MAX_VALUE)
                .setNanos(999_999_999)
                .build(),
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(Long.MIN_VALUE)
                .setNanos(-999_999_999)
                .build(),
            com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(-5).build(),
            com.google.protobuf.Duration.newBuilder().setNanos(1_000_000_000).build())) {
      var parsed = EventProtoMapper.fromProto(base.toBuilder().setDwell(bad).build());
      assertThat(parsed)
          .as("%s", bad)
          .isInstanceOfSatisfying(
              ReceivedEvent.Unparseable.class,
              u -> assertThat(u.violations()).extracting(v -> v.field()).containsExactly("dwell"));
    }
  }
}
