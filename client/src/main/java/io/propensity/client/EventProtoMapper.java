package io.propensity.client;

import com.google.protobuf.Timestamp;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The one mapping between {@code propensity.events.v1.Event} and the engine's {@link Event}. */
public final class EventProtoMapper {
  /** Seconds of 0001-01-01T00:00:00Z, the earliest valid {@code google.protobuf.Timestamp}. */
  static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;

  /** Seconds of 9999-12-31T23:59:59Z, the latest valid {@code google.protobuf.Timestamp}. */
  static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

  /** Largest magnitude of a valid {@code google.protobuf.Duration}: 10,000 years in seconds. */
  static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  private EventProtoMapper() {}

  /** Maps wire events, each on its own (see {@link #fromProto(propensity.events.v1.Event)}). */
  public static List<ReceivedEvent> fromProto(List<propensity.events.v1.Event> events) {
    List<ReceivedEvent> out = new ArrayList<>(events.size());
    for (propensity.events.v1.Event e : events) {
      out.add(fromProto(e));
    }
    return out;
  }

  /**
   * Maps a wire event, or says why it is not one (no type, no time); proto3 empty strings become
   * absent values.
   */
  public static ReceivedEvent fromProto(propensity.events.v1.Event e) {
    List<FieldViolation> problems = new ArrayList<>(0);
    EventType type = fromProto(e.getType());
    if (type == null) {
      problems.add(
          new FieldViolation(
              "type",
              e.getType() == propensity.events.v1.EventType.EVENT_TYPE_UNSPECIFIED
                  ? "is required"
                  : "unknown event type " + e.getTypeValue()));
    }
    Instant at = null;
    if (!e.hasOccurredAt()) {
      problems.add(new FieldViolation("occurred_at", "is required"));
    } else {
      Optional<String> bad = timestampProblem(e.getOccurredAt());
      if (bad.isPresent()) {
        problems.add(new FieldViolation("occurred_at", bad.get()));
      } else {
        at = instant(e.getOccurredAt());
      }
    }
    if (e.hasDwell()) {
      durationProblem(e.getDwell()).ifPresent(p -> problems.add(new FieldViolation("dwell", p)));
    }
    if (!problems.isEmpty()) {
      return new ReceivedEvent.Unparseable(e.getEventId(), problems);
    }
    Event.Builder b =
        Event.builder(e.getEventId(), e.getUserId(), at, type)
            .sessionId(e.getSessionId())
            .page(e.getPage())
            .itemId(e.getItemId())
            .category(e.getCategory())
            .quantity(e.hasQuantity() ? e.getQuantity() : 1)
            .dwell(
                e.hasDwell()
                    ? Duration.ofSeconds(e.getDwell().getSeconds(), e.getDwell().getNanos())
                    : null)
            .device(e.getDevice())
            .trafficSource(e.getTrafficSource())
            .attributes(e.getAttributesMap());
    if (e.hasPrice()) {
      b.price(e.getPrice());
    }
    return new ReceivedEvent.Parsed(b.build());
  }

  /**
   * Why {@code t} is not a valid {@code google.protobuf.Timestamp} (seconds outside
   * 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, or nanos outside 0 to 999,999,999), so that it is
   * refused as bad input before any conversion; empty when it is valid.
   */
  public static Optional<String> timestampProblem(Timestamp t) {
    if (t.getSeconds() < MIN_TIMESTAMP_SECONDS || t.getSeconds() > MAX_TIMESTAMP_SECONDS) {
      return Optional.of(
          "seconds "
              + t.getSeconds()
              + " is outside the valid timestamp range 0001-01-01T00:00:00Z to"
              + " 9999-12-31T23:59:59Z");
    }
    if (t.getNanos() < 0 || t.getNanos() > 999_999_999) {
      return Optional.of("nanos " + t.getNanos() + " is outside 0 to 999999999");
    }
    return Optional.empty();
  }

  /**
   * Why {@code d} is not a valid {@code google.protobuf.Duration} (seconds beyond ±10,000 years,
   * nanos beyond ±999,999,999, or nanos whose sign differs from that of seconds); empty when it is
   * valid.
   */
  public static Optional<String> durationProblem(com.google.protobuf.Duration d) {
    long s = d.getSeconds();
    int n = d.getNanos();
    if (s < -MAX_DURATION_SECONDS || s > MAX_DURATION_SECONDS) {
      return Optional.of(
          "seconds " + s + " is outside the valid duration range of ±" + MAX_DURATION_SECONDS);
    }
    if (n < -999_999_999 || n > 999_999_999) {
      return Optional.of("nanos " + n + " is outside -999999999 to 999999999");
    }
    if ((s > 0 && n < 0) || (s < 0 && n > 0)) {
      return Optional.of("seconds " + s + " and nanos " + n + " have different signs");
    }
    return Optional.empty();
  }

  /** The engine type of a wire type; null for unspecified or unknown values. */
  public static EventType fromProto(propensity.events.v1.EventType t) {
    return switch (t) {
      case EVENT_TYPE_PAGE_VIEW -> EventType.PAGE_VIEW;
      case EVENT_TYPE_PRODUCT_VIEW -> EventType.PRODUCT_VIEW;
      case EVENT_TYPE_SEARCH -> EventType.SEARCH;
      case EVENT_TYPE_ADD_TO_CART -> EventType.ADD_TO_CART;
      case EVENT_TYPE_REMOVE_FROM_CART -> EventType.REMOVE_FROM_CART;
      case EVENT_TYPE_BEGIN_CHECKOUT -> EventType.BEGIN_CHECKOUT;
      case EVENT_TYPE_PURCHASE -> EventType.PURCHASE;
      default -> null;
    };
  }

  /** The wire form of an engine event. */
  public static propensity.events.v1.Event toProto(Event e) {
    propensity.events.v1.Event.Builder b =
        propensity.events.v1.Event.newBuilder()
            .setEventId(e.eventId())
            .setUserId(e.userId())
            .setOccurredAt(timestamp(e.occurredAt()))
            .setType(toProto(e.type()))
            .setQuantity(e.quantity())
            .putAllAttributes(e.attributes());
    e.sessionId().ifPresent(b::setSessionId);
    e.page().ifPresent(b::setPage);
    e.itemId().ifPresent(b::setItemId);
    e.category().ifPresent(b::setCategory);
    e.price().ifPresent(b::setPrice);
    e.dwell().ifPresent(d -> b.setDwell(duration(d)));
    e.device().ifPresent(b::setDevice);
    e.trafficSource().ifPresent(b::setTrafficSource);
    return b.build();
  }

  /** The wire type of an engine type. */
  public static propensity.events.v1.EventType toProto(EventType t) {
    return switch (t) {
      case PAGE_VIEW -> propensity.events.v1.EventType.EVENT_TYPE_PAGE_VIEW;
      case PRODUCT_VIEW -> propensity.events.v1.EventType.EVENT_TYPE_PRODUCT_VIEW;
      case SEARCH -> propensity.events.v1.EventType.EVENT_TYPE_SEARCH;
      case ADD_TO_CART -> propensity.events.v1.EventType.EVENT_TYPE_ADD_TO_CART;
      case REMOVE_FROM_CART -> propensity.events.v1.EventType.EVENT_TYPE_REMOVE_FROM_CART;
      case BEGIN_CHECKOUT -> propensity.events.v1.EventType.EVENT_TYPE_BEGIN_CHECKOUT;
      case PURCHASE -> propensity.events.v1.EventType.EVENT_TYPE_PURCHASE;
    };
  }

  /** A protobuf timestamp of an instant. */
  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** A protobuf duration of a duration. */
  public static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  /**
   * The instant of a protobuf timestamp; the caller has checked {@link #timestampProblem} for
   * timestamps from outside.
   */
  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /**
   * The duration of a protobuf duration; the caller has checked {@link #durationProblem} for
   * durations from outside.
   */
  public static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
