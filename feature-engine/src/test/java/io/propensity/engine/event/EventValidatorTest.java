package io.propensity.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private final EventValidator validator = new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC));

  private static Event.Builder valid() {
    return Event.builder("e1", "u1", NOW.minusSeconds(60), EventType.PURCHASE)
        .sessionId("s1")
        .itemId("i1")
        .category("shoes")
        .price(19.99)
        .quantity(2)
        .dwell(Duration.ofSeconds(30))
        .device("mobile")
        .trafficSource("email")
        .page("/p/i1")
        .attributes(Map.of("campaign", "spring"));
  }

  private List<FieldViolation> violations(Event.Builder b) {
    return validator.validate(b.build());
  }

  private static String longText(int n) {
    return "x".repeat(n);
  }

  @Test
  void aCompleteWellFormedEventHasNoViolation() {
    assertThat(violations(valid())).isEmpty();
  }

  @Test
  void aMissingUserIdIsRequired() {
    assertThat(violations(valid().userId("  ")))
        .containsExactly(new FieldViolation("user_id", "is required"));
  }

  @Test
  void aMissingEventIdIsRequired() {
    assertThat(violations(valid().eventId("")))
        .containsExactly(new FieldViolation("event_id", "is required"));
  }

  @Test
  void anEventBefore2000IsRefusedAndTheFirstInstantOf2000Accepted() {
    Instant before = EventValidator.EARLIEST.minusNanos(1);
    assertThat(violations(valid().occurredAt(before)))
        .containsExactly(
            new FieldViolation("occurred_at", before + " is before " + EventValidator.EARLIEST));
    assertThat(violations(valid().occurredAt(EventValidator.EARLIEST))).isEmpty();
  }

  @Test
  void anEventMoreThanOneDayInTheFutureIsRefusedAndExactlyOneDayAccepted() {
    Instant tooLate = NOW.plus(Duration.ofDays(1)).plusMillis(1);
    assertThat(violations(valid().occurredAt(tooLate)))
        .containsExactly(
            new FieldViolation("occurred_at", tooLate + " is more than 1 day in the future"));
    assertThat(violations(valid().occurredAt(NOW.plus(Duration.ofDays(1))))).isEmpty();
  }

  @Test
  void aNegativePriceIsRefusedAndZeroAccepted() {
    assertThat(violations(valid().price(-0.01)))
        .containsExactly(new FieldViolation("price", "-0.01 is negative"));
    assertThat(violations(valid().price(0))).isEmpty();
  }

  @Test
  void aNonFinitePriceIsRefused() {
    assertThat(violations(valid().price(Double.NaN)))
        .containsExactly(new FieldViolation("price", "NaN is not a finite number"));
    assertThat(violations(valid().price(Double.POSITIVE_INFINITY)))
        .containsExactly(new FieldViolation("price", "Infinity is not a finite number"));
  }

  @Test
  void aNegativeQuantityIsRefusedAndZeroAccepted() {
    assertThat(violations(valid().quantity(-1)))
        .containsExactly(new FieldViolation("quantity", "-1 is negative"));
    assertThat(violations(valid().quantity(0))).isEmpty();
  }

  @Test
  void aNegativeDwellIsRefused() {
    assertThat(violations(valid().dwell(Duration.ofMillis(-1))))
        .containsExactly(new FieldViolation("dwell", "PT-0.001S is negative"));
  }

  @Test
  void aDwellLongerThanOneDayIsRefused() {
    assertThat(violations(valid().dwell(Duration.ofDays(1).plusSeconds(1))))
        .extracting(FieldViolation::field)
        .containsExactly("dwell");
    assertThat(violations(valid().dwell(Duration.ofDays(1)))).isEmpty();
  }

  @Test
  void oversizedIdsAreRefusedAtTheirLimit() {
    String ok = longText(EventValidator.MAX_ID_LENGTH);
    String tooLong = longText(EventValidator.MAX_ID_LENGTH + 1);
    assertThat(violations(valid().eventId(ok).userId(ok).sessionId(ok).itemId(ok))).isEmpty();
    assertThat(
            violations(valid().eventId(tooLong).userId(tooLong).sessionId(tooLong).itemId(tooLong)))
        .extracting(FieldViolation::field)
        .containsExactly("event_id", "user_id", "session_id", "item_id");
    assertThat(violations(valid().userId(tooLong)).get(0).reason())
        .isEqualTo("129 characters, at most 128 allowed");
  }

  @Test
  void oversizedFreeTextsAreRefusedAtTheirLimit() {
    String ok = longText(EventValidator.MAX_TEXT_LENGTH);
    String tooLong = longText(EventValidator.MAX_TEXT_LENGTH + 1);
    assertThat(violations(valid().page(ok).category(ok).device(ok).trafficSource(ok))).isEmpty();
    assertThat(
            violations(
                valid().page(tooLong).category(tooLong).device(tooLong).trafficSource(tooLong)))
        .extracting(FieldViolation::field)
        .containsExactly("page", "category", "device", "traffic_source");
  }

  @Test
  void tooManyAttributesAreRefused() {
    Map<String, String> attrs = new HashMap<>();
    for (int i = 0; i <= EventValidator.MAX_ATTRIBUTES; i++) {
      attrs.put("k" + i, "v");
    }
    assertThat(violations(valid().attributes(attrs)))
        .containsExactly(new FieldViolation("attributes", "33 attributes, at most 32 allowed"));
    attrs.remove("k0");
    assertThat(violations(valid().attributes(attrs))).isEmpty();
  }

  @Test
  void attributeKeyAndValueAreLimitedSeparatelyNotTogether() {
    String value = longText(EventValidator.MAX_TEXT_LENGTH);
    assertThat(violations(valid().attributes(Map.of("campaign", value)))).isEmpty();
    assertThat(violations(valid().attributes(Map.of("campaign", value + "x"))))
        .containsExactly(
            new FieldViolation("attributes[campaign]", "1025 characters, at most 1024 allowed"));
  }

  @Test
  void anOversizedAttributeKeyIsReportedWithoutEchoingIt() {
    String key = longText(EventValidator.MAX_TEXT_LENGTH + 1);
    assertThat(violations(valid().attributes(Map.of(key, "v"))))
        .containsExactly(
            new FieldViolation("attributes", "a key of 1025 characters, at most 1024 allowed"));
  }

  @Test
  void aBlankAttributeKeyIsRefused() {
    assertThat(violations(valid().attributes(Map.of(" ", "v"))))
        .containsExactly(new FieldViolation("attributes", "an attribute has an empty key"));
  }

  @Test
  void everyViolationIsReportedInAStableOrder() {
    Map<String, String> attrs = new HashMap<>();
    for (String k : List.of("zeta", "alpha", "mid")) {
      attrs.put(k, longText(EventValidator.MAX_TEXT_LENGTH + 1));
    }
    Event bad =
        valid()
            .userId("")
            .price(-1)
            .quantity(-2)
            .dwell(Duration.ofSeconds(-3))
            .occurredAt(Instant.parse("1999-12-31T23:59:59Z"))
            .attributes(attrs)
            .build();
    assertThat(validator.validate(bad))
        .extracting(FieldViolation::field)
        .containsExactly(
            "user_id",
            "occurred_at",
            "price",
            "quantity",
            "dwell",
            "attributes[alpha]",
            "attributes[mid]",
            "attributes[zeta]");
  }

  @Test
  void aPriceAboveItsMaximumIsRefusedAndTheMaximumAccepted() {
    assertThat(violations(valid().price(EventValidator.MAX_PRICE))).isEmpty();
    assertThat(violations(valid().price(1e308)))
        .extracting(FieldViolation::field)
        .containsExactly("price");
    assertThat(violations(valid().price(Math.nextUp(EventValidator.MAX_PRICE))))
        .extracting(FieldViolation::field)
        .containsExactly("price");
  }

  @Test
  void aQuantityAboveItsMaximumIsRefusedAndTheMaximumAccepted() {
    assertThat(violations(valid().quantity(EventValidator.MAX_QUANTITY))).isEmpty();
    assertThat(violations(valid().quantity(Integer.MAX_VALUE)))
        .extracting(FieldViolation::field)
        .containsExactly("quantity");
  }

  @Test
  void idsWithControlWhitespaceOrMarkupCharactersAreRefusedWithoutEchoingThem() {
    for (String bad :
        List.of(
            "u\n1",
            "u\u00001",
            "u 1",
            "u\t1",
            "<script>",
            "a&b",
            "a\"b",
            "a'b",
            "a\\b",
            "u\u202e1",
            "u\u00851")) {
      for (String field : List.of("event_id", "user_id", "session_id", "item_id")) {
        Event.Builder b = valid();
        switch (field) {
          case "event_id" -> b.eventId(bad);
          case "user_id" -> b.userId(bad);
          case "session_id" -> b.sessionId(bad);
          default -> b.itemId(bad);
        }
        List<FieldViolation> v = violations(b);
        assertThat(v).as("%s in %s", bad, field).hasSize(1);
        assertThat(v.get(0).field()).isEqualTo(field);
        assertThat(v.get(0).reason()).startsWith("has character U+").doesNotContain(bad);
      }
    }
    assertThat(violations(valid().userId("u1\n")).get(0).reason())
        .startsWith("has character U+000A at position 2");
  }

  @Test
  void idsOfLettersDigitsAndCommonPunctuationAreAccepted() {
    for (String ok :
        List.of(
            "3f2b9c1e-8d4a-4b7e-9c0f-2a1b3c4d5e6f",
            "user@example.com",
            "urn:shop:order/42#1",
            "Müller_Ωmega.7",
            "ID(1)[2]{3}|x^y?z=w+v~u!t$s%r*q,p;o")) {
      assertThat(violations(valid().eventId(ok).userId(ok).sessionId(ok).itemId(ok)))
          .as(ok)
          .isEmpty();
    }
  }

  @Test
  void freeTextWithControlCharactersLineBreaksOrMarkupIsRefused() {
    for (String bad :
        List.of(
            "a\nb", "a\rb", "nul\u0000", "<b>bold</b>", "x > y", "bidi\u202eevil", "a\u2028b")) {
      assertThat(violations(valid().page(bad)))
          .as(bad)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.field()).isEqualTo("page");
                assertThat(v.reason()).startsWith("has character U+").doesNotContain(bad);
              });
      assertThat(violations(valid().category(bad)))
          .extracting(FieldViolation::field)
          .containsExactly("category");
      assertThat(violations(valid().device(bad)))
          .extracting(FieldViolation::field)
          .containsExactly("device");
      assertThat(violations(valid().trafficSource(bad)))
          .extracting(FieldViolation::field)
          .containsExactly("traffic_source");
      assertThat(violations(valid().attributes(Map.of("q", bad))))
          .extracting(FieldViolation::field)
          .containsExactly("attributes[q]");
      assertThat(violations(valid().attributes(Map.of(bad, "v"))))
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.field()).isEqualTo("attributes");
                assertThat(v.reason()).startsWith("a key has character U+").doesNotContain(bad);
              });
    }
  }

  @Test
  void freeTextKeepsSpacesQuotesAndAnyScript() {
    assertThat(
            violations(
                valid()
                    .page("/search?q=\"red shoes\" & socks")
                    .category("Küche & Haushalt / 家庭用品")
                    .attributes(Map.of("query", "it's 50% off \uD83D\uDC5F"))))
        .isEmpty();
  }
}
