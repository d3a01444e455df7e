package io.propensity.engine.event;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks the business rules an event must meet before it is stored. Every violation names the field
 * (by its contract name) and the reason; all violations of an event are reported, not just the
 * first.
 */
public final class EventValidator {

  /** Events before this instant are refused: no shop log of interest predates it. */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /** How far in the future an event may lie (tracker clocks drift). */
  public static final Duration MAX_FUTURE_SKEW = Duration.ofDays(1);

  /** Longest accepted id (event, user, session, item). */
  public static final int MAX_ID_LENGTH = 128;

  /** Longest accepted free-text value (page, category, device, traffic source, attributes). */
  public static final int MAX_TEXT_LENGTH = 1024;

  /** Most free attributes per event. */
  public static final int MAX_ATTRIBUTES = 32;

  /** Longest accepted dwell time on one page. */
  public static final Duration MAX_DWELL = Duration.ofDays(1);

  private final Clock clock;

  public EventValidator(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A validator that judges "the future" by the system clock. */
  public static EventValidator systemDefault() {
    return new EventValidator(Clock.systemUTC());
  }

  /** All violations of {@code e}; empty when the event may be stored. */
  public List<FieldViolation> validate(Event e) {
    List<FieldViolation> out = new ArrayList<>(0);
    requireId(out, "event_id", e.eventId());
    requireId(out, "user_id", e.userId());
    e.sessionId().ifPresent(s -> maxLength(out, "session_id", s, MAX_ID_LENGTH));
    e.itemId().ifPresent(s -> maxLength(out, "item_id", s, MAX_ID_LENGTH));
    text(out, "page", e.page());
    text(out, "category", e.category());
    text(out, "device", e.device());
    text(out, "traffic_source", e.trafficSource());

    Instant t = e.occurredAt();
    Instant latest = clock.instant().plus(MAX_FUTURE_SKEW);
    if (t.isBefore(EARLIEST)) {
      out.add(new FieldViolation("occurred_at", t + " is before " + EARLIEST));
    } else if (t.isAfter(latest)) {
      out.add(new FieldViolation("occurred_at", t + " is more than 1 day in the future"));
    }
    if (e.price().isPresent()) {
      double p = e.price().getAsDouble();
      if (!Double.isFinite(p)) {
        out.add(new FieldViolation("price", p + " is not a finite number"));
      } else if (p < 0) {
        out.add(new FieldViolation("price", p + " is negative"));
      }
    }
    if (e.quantity() < 0) {
      out.add(new FieldViolation("quantity", e.quantity() + " is negative"));
    }
    if (e.dwell().isPresent()) {
      Duration d = e.dwell().get();
      if (d.isNegative()) {
        out.add(new FieldViolation("dwell", d + " is negative"));
      } else if (d.compareTo(MAX_DWELL) > 0) {
        out.add(new FieldViolation("dwell", d + " is longer than " + MAX_DWELL));
      }
    }
    if (e.attributes().size() > MAX_ATTRIBUTES) {
      out.add(
          new FieldViolation(
              "attributes",
              e.attributes().size() + " attributes, at most " + MAX_ATTRIBUTES + " allowed"));
    }
    // Sorted so that the report is the same on every run (Map.copyOf iterates in random order).
    for (Map.Entry<String, String> a : new TreeMap<>(e.attributes()).entrySet()) {
      String key = a.getKey();
      String field = "attributes";
      if (key.isBlank()) {
        out.add(new FieldViolation(field, "an attribute has an empty key"));
      } else if (key.length() > MAX_TEXT_LENGTH) {
        // Key and value are limited separately; an oversized key is not echoed back.
        out.add(
            new FieldViolation(
                field,
                "a key of "
                    + key.length()
                    + " characters, at most "
                    + MAX_TEXT_LENGTH
                    + " allowed"));
      } else {
        field = "attributes[" + key + "]";
      }
      maxLength(out, field, a.getValue(), MAX_TEXT_LENGTH);
    }
    return out;
  }

  private static void requireId(List<FieldViolation> out, String field, String value) {
    if (value.isBlank()) {
      out.add(new FieldViolation(field, "is required"));
    } else {
      maxLength(out, field, value, MAX_ID_LENGTH);
    }
  }

  private static void text(List<FieldViolation> out, String field, Optional<String> value) {
    value.ifPresent(s -> maxLength(out, field, s, MAX_TEXT_LENGTH));
  }

  private static void maxLength(List<FieldViolation> out, String field, String value, int max) {
    if (value.length() > max) {
      out.add(
          new FieldViolation(field, value.length() + " characters, at most " + max + " allowed"));
    }
  }
}
