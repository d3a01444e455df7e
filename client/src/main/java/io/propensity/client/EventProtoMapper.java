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

/** The one mapping between {@code propensity.events.v1.Event} and the engine's {@link Event}. */
public final class EventProtoMapper {
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
      Timestamp ts = e.getOccurredAt();
      if (ts.getNanos() < 0 || ts.getNanos() > 999_999_999) {
        problems.add(new FieldViolation("occurred_at", "nanos " + ts.getNanos() + " out of range"));
      } else {
        at = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
      }
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

  /** The instant of a protobuf timestamp. */
  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** The duration of a protobuf duration. */
  public static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
