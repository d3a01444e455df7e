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

  /**
   * Largest accepted unit price (or order total), in the shop's currency: far above any real price,
   * low enough that a sum over a user's purchases stays an exact, comparable number.
   */
  public static final double MAX_PRICE = 1e9;

  /** Largest accepted number of units of one event. */
  public static final int MAX_QUANTITY = 1_000_000;

  /**
   * The characters an id may hold besides Unicode letters and digits: ASCII punctuation that ids,
   * UUIDs, URNs and e-mail addresses use. Whitespace, control characters and the markup characters
   * {@code < > & " ' `} and {@code \} are not among them.
   */
  public static final String ID_PUNCTUATION = "-_.:@/+=#~!$%*,;()[]{}|^?";

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
    e.sessionId().ifPresent(s -> id(out, "session_id", s));
    e.itemId().ifPresent(s -> id(out, "item_id", s));
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
      } else if (p > MAX_PRICE) {
        out.add(new FieldViolation("price", p + " is more than the maximum of " + MAX_PRICE));
      }
    }
    if (e.quantity() < 0) {
      out.add(new FieldViolation("quantity", e.quantity() + " is negative"));
    } else if (e.quantity() > MAX_QUANTITY) {
      out.add(
          new FieldViolation(
              "quantity", e.quantity() + " is more than the maximum of " + MAX_QUANTITY));
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
        Optional<String> badKey = firstBadTextCharacter(key);
        if (badKey.isPresent()) {
          // A key with control or markup characters is not echoed back either.
          out.add(new FieldViolation(field, "a key has " + badKey.get()));
        } else {
          field = "attributes[" + key + "]";
        }
      }
      text(out, field, a.getValue());
    }
    return out;
  }

  private static void requireId(List<FieldViolation> out, String field, String value) {
    if (value.isBlank()) {
      out.add(new FieldViolation(field, "is required"));
    } else {
      id(out, field, value);
    }
  }

  private static void id(List<FieldViolation> out, String field, String value) {
    if (value.length() > MAX_ID_LENGTH) {
      maxLength(out, field, value, MAX_ID_LENGTH);
      return;
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (!Character.isLetterOrDigit(cp) && (cp > 0x7f || ID_PUNCTUATION.indexOf(cp) < 0)) {
        out.add(
            new FieldViolation(
                field,
                "has "
                    + describe(cp, i)
                    + "; ids allow only letters, digits and "
                    + ID_PUNCTUATION));
        return;
      }
      i += Character.charCount(cp);
    }
  }

  private static void text(List<FieldViolation> out, String field, Optional<String> value) {
    value.ifPresent(s -> text(out, field, s));
  }

  private static void text(List<FieldViolation> out, String field, String value) {
    if (value.length() > MAX_TEXT_LENGTH) {
      maxLength(out, field, value, MAX_TEXT_LENGTH);
      return;
    }
    firstBadTextCharacter(value).ifPresent(bad -> out.add(new FieldViolation(field, "has " + bad)));
  }

  /**
   * The first character free text may not hold, described; empty when there is none. Free text is
   * printable Unicode: no control characters (NUL, tab, newline and the like), no line or paragraph
   * separators, no bidirectional overrides (they make text display other than it reads), no
   * unpaired surrogates, and no {@code <} or {@code >}, so that a value shown in a page or a log
   * can neither break lines nor open markup.
   */
  static Optional<String> firstBadTextCharacter(String value) {
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (!allowedInText(cp)) {
        return Optional.of(
            describe(cp, i)
                + "; text allows printable characters except <, >, line breaks and"
                + " bidirectional controls");
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  private static boolean allowedInText(int cp) {
    if (cp == '<' || cp == '>') {
      return false;
    }
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      return false;
    }
    int type = Character.getType(cp);
    return type != Character.CONTROL
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && type != Character.SURROGATE;
  }

  /** A character by its code point, never the character itself (it may be unprintable). */
  private static String describe(int cp, int index) {
    return String.format(java.util.Locale.ROOT, "character U+%04X at position %d", cp, index);
  }

  private static void maxLength(List<FieldViolation> out, String field, String value, int max) {
    if (value.length() > max) {
      out.add(
          new FieldViolation(field, value.length() + " characters, at most " + max + " allowed"));
    }
  }
}
