package io.propensity.engine.event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One behaviour event of one user, as the engine sees it.
 *
 * <p>Construction never validates business rules (a negative price is representable so that it can
 * be reported); {@link EventValidator} does. Only structural nulls are refused here.
 *
 * @param eventId unique id, used for deduplication
 * @param userId the shopper
 * @param sessionId the tracker's session id, when it has one; otherwise sessions are inferred
 * @param occurredAt when it happened
 * @param type what happened
 * @param page page or URL path, when known
 * @param itemId product id, when the event concerns one
 * @param category product category, when known
 * @param price unit price in the shop's currency, when known
 * @param quantity number of units (1 when not given)
 * @param dwell time spent on the page, when the tracker measured it
 * @param device device class (desktop, mobile, tablet, app…), when known
 * @param trafficSource acquisition channel (direct, search, email, social, ads…), when known
 * @param attributes free key/value attributes, carried but not used by built-in features
 */
public record Event(
    String eventId,
    String userId,
    Optional<String> sessionId,
    Instant occurredAt,
    EventType type,
    Optional<String> page,
    Optional<String> itemId,
    Optional<String> category,
    OptionalDouble price,
    int quantity,
    Optional<Duration> dwell,
    Optional<String> device,
    Optional<String> trafficSource,
    Map<String, String> attributes) {

  public Event {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(page, "page");
    Objects.requireNonNull(itemId, "itemId");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(dwell, "dwell");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(trafficSource, "trafficSource");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * Contract names of the fields whose values differ between this event and {@code other}, in
   * contract order; the event id is not compared. Empty when both say the same.
   */
  public List<String> differingFields(Event other) {
    List<String> out = new ArrayList<>(0);
    differs(out, "user_id", userId, other.userId);
    differs(out, "session_id", sessionId, other.sessionId);
    differs(out, "occurred_at", occurredAt, other.occurredAt);
    differs(out, "type", type, other.type);
    differs(out, "page", page, other.page);
    differs(out, "item_id", itemId, other.itemId);
    differs(out, "category", category, other.category);
    differs(out, "price", price, other.price);
    differs(out, "quantity", quantity, other.quantity);
    differs(out, "dwell", dwell, other.dwell);
    differs(out, "device", device, other.device);
    differs(out, "traffic_source", trafficSource, other.trafficSource);
    differs(out, "attributes", attributes, other.attributes);
    return out;
  }

  private static void differs(List<String> out, String field, Object a, Object b) {
    if (!Objects.equals(a, b)) {
      out.add(field);
    }
  }

  /** Starts a builder with the required fields; optional ones default to absent, quantity to 1. */
  public static Builder builder(String eventId, String userId, Instant occurredAt, EventType type) {
    return new Builder(eventId, userId, occurredAt, type);
  }

  /** A builder that starts from this event. */
  public Builder toBuilder() {
    Builder b = new Builder(eventId, userId, occurredAt, type);
    b.sessionId = sessionId;
    b.page = page;
    b.itemId = itemId;
    b.category = category;
    b.price = price;
    b.quantity = quantity;
    b.dwell = dwell;
    b.device = device;
    b.trafficSource = trafficSource;
    b.attributes = attributes;
    return b;
  }

  /** Fluent builder; blank strings passed to setters count as absent. */
  public static final class Builder {
    private String eventId;
    private String userId;
    private Instant occurredAt;
    private EventType type;
    private Optional<String> sessionId = Optional.empty();
    private Optional<String> page = Optional.empty();
    private Optional<String> itemId = Optional.empty();
    private Optional<String> category = Optional.empty();
    private OptionalDouble price = OptionalDouble.empty();
    private int quantity = 1;
    private Optional<Duration> dwell = Optional.empty();
    private Optional<String> device = Optional.empty();
    private Optional<String> trafficSource = Optional.empty();
    private Map<String, String> attributes = Map.of();

    private Builder(String eventId, String userId, Instant occurredAt, EventType type) {
      this.eventId = eventId;
      this.userId = userId;
      this.occurredAt = occurredAt;
      this.type = type;
    }

    private static Optional<String> text(String s) {
      return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    public Builder eventId(String v) {
      this.eventId = v;
      return this;
    }

    public Builder userId(String v) {
      this.userId = v;
      return this;
    }

    public Builder occurredAt(Instant v) {
      this.occurredAt = v;
      return this;
    }

    public Builder type(EventType v) {
      this.type = v;
      return this;
    }

    public Builder sessionId(String v) {
      this.sessionId = text(v);
      return this;
    }

    public Builder page(String v) {
      this.page = text(v);
      return this;
    }

    public Builder itemId(String v) {
      this.itemId = text(v);
      return this;
    }

    public Builder category(String v) {
      this.category = text(v);
      return this;
    }

    public Builder price(double v) {
      this.price = OptionalDouble.of(v);
      return this;
    }

    public Builder noPrice() {
      this.price = OptionalDouble.empty();
      return this;
    }

    public Builder quantity(int v) {
      this.quantity = v;
      return this;
    }

    public Builder dwell(Duration v) {
      this.dwell = Optional.ofNullable(v);
      return this;
    }

    public Builder device(String v) {
      this.device = text(v);
      return this;
    }

    public Builder trafficSource(String v) {
      this.trafficSource = text(v);
      return this;
    }

    public Builder attributes(Map<String, String> v) {
      this.attributes = v;
      return this;
    }

    public Event build() {
      return new Event(
          eventId,
          userId,
          sessionId,
          occurredAt,
          type,
          page,
          itemId,
          category,
          price,
          quantity,
          dwell,
          device,
          trafficSource,
          attributes);
    }
  }
}
