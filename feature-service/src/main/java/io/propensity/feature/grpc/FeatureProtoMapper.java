package io.propensity.feature.grpc;

import com.google.protobuf.Timestamp;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.FieldViolation;
import io.propensity.feature.ingest.IngestItem;
import io.propensity.feature.ingest.IngestOutcome;
import io.propensity.feature.ingest.IngestTally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import propensity.events.v1.EventRejection;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.StreamIngestEventsResponse;

/** Translates between the features.v1 / events.v1 contracts and feature-service domain types. */
final class FeatureProtoMapper {
  /** Most rejections listed in one response; the counts stay exact (see the contract). */
  static final int MAX_LISTED_REJECTIONS = 1_000;

  private FeatureProtoMapper() {}

  static List<IngestItem> toItems(List<propensity.events.v1.Event> events) {
    List<IngestItem> out = new ArrayList<>(events.size());
    for (propensity.events.v1.Event e : events) {
      out.add(toItem(e));
    }
    return out;
  }

  /** An event, or the reasons it cannot be one; proto3 empty values become absent. */
  static IngestItem toItem(propensity.events.v1.Event e) {
    List<FieldViolation> problems = new ArrayList<>(0);
    EventType type = null;
    switch (e.getType()) {
      case EVENT_TYPE_PAGE_VIEW -> type = EventType.PAGE_VIEW;
      case EVENT_TYPE_PRODUCT_VIEW -> type = EventType.PRODUCT_VIEW;
      case EVENT_TYPE_SEARCH -> type = EventType.SEARCH;
      case EVENT_TYPE_ADD_TO_CART -> type = EventType.ADD_TO_CART;
      case EVENT_TYPE_REMOVE_FROM_CART -> type = EventType.REMOVE_FROM_CART;
      case EVENT_TYPE_BEGIN_CHECKOUT -> type = EventType.BEGIN_CHECKOUT;
      case EVENT_TYPE_PURCHASE -> type = EventType.PURCHASE;
      case EVENT_TYPE_UNSPECIFIED -> problems.add(new FieldViolation("type", "is required"));
      default -> problems.add(new FieldViolation("type", "unknown event type " + e.getTypeValue()));
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
    Duration dwell = null;
    if (e.hasDwell()) {
      com.google.protobuf.Duration d = e.getDwell();
      dwell = Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }
    if (!problems.isEmpty()) {
      return new IngestItem.Unparseable(e.getEventId(), problems);
    }
    Event.Builder b =
        Event.builder(e.getEventId(), e.getUserId(), at, type)
            .sessionId(e.getSessionId())
            .page(e.getPage())
            .itemId(e.getItemId())
            .category(e.getCategory())
            .quantity(e.hasQuantity() ? e.getQuantity() : 1)
            .dwell(dwell)
            .device(e.getDevice())
            .trafficSource(e.getTrafficSource())
            .attributes(e.getAttributesMap());
    if (e.hasPrice()) {
      b.price(e.getPrice());
    }
    return new IngestItem.Parsed(b.build());
  }

  static propensity.events.v1.Event toProto(Event e) {
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

  static propensity.events.v1.EventType toProto(EventType t) {
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

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  static List<EventRejection> rejections(List<IngestOutcome.Rejection> rejected) {
    List<EventRejection> out = new ArrayList<>(Math.min(rejected.size(), MAX_LISTED_REJECTIONS));
    for (IngestOutcome.Rejection r : rejected) {
      if (out.size() == MAX_LISTED_REJECTIONS) {
        break;
      }
      EventRejection.Builder b = EventRejection.newBuilder().setIndex(r.index()).setEventId(r.eventId());
      for (FieldViolation v : r.violations()) {
        b.addViolations(
            propensity.events.v1.FieldViolation.newBuilder().setField(v.field()).setDescription(v.reason()));
      }
      out.add(b.build());
    }
    return out;
  }

  static IngestEventsResponse toResponse(IngestOutcome o) {
    return IngestEventsResponse.newBuilder()
        .setAcceptedCount(o.accepted())
        .setDuplicateCount(o.duplicates())
        .setRejectedCount(o.rejected().size())
        .addAllRejections(rejections(o.rejected()))
        .build();
  }

  static StreamIngestEventsResponse toStreamResponse(IngestTally t) {
    return StreamIngestEventsResponse.newBuilder()
        .setAcceptedCount(t.accepted())
        .setDuplicateCount(t.duplicates())
        .setRejectedCount(t.rejected())
        .addAllRejections(rejections(t.listedRejections()))
        .setBatchCount(t.batches())
        .build();
  }
}
