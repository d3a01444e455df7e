package io.propensity.sources.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.EventType;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GenericCsvFormatTest {

  @Test
  void parseMappingIsCaseInsensitiveOnBothSides() {
    assertThat(
            GenericCsvFormat.parseMapping(" Buy=purchase , PV = PAGE_VIEW,add-to-cart=add_to_cart"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "buy", EventType.PURCHASE,
                "pv", EventType.PAGE_VIEW,
                "add-to-cart", EventType.ADD_TO_CART));
    assertThat(GenericCsvFormat.parseMapping("")).isEmpty();
  }

  @Test
  void parseMappingRejectsWhatItCannotRead() {
    assertThatThrownBy(() -> GenericCsvFormat.parseMapping("buy=PURCHASED"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'PURCHASED' is not an event type");
    assertThatThrownBy(() -> GenericCsvFormat.parseMapping("buy"))
        .hasMessageContaining("not of the form name=EVENT_TYPE");
    assertThatThrownBy(() -> GenericCsvFormat.parseMapping("buy=PURCHASE,BUY=PAGE_VIEW"))
        .hasMessageContaining("mapped twice");
  }

  @Test
  void eventTypeNamesAreAcceptedWithoutAMapping() {
    GenericCsvFormat f = GenericCsvFormat.fromOptions(Map.of("type-map", "buy=PURCHASE"));

    assertThat(f.resolveType("BUY")).contains(EventType.PURCHASE);
    assertThat(f.resolveType("product_view")).contains(EventType.PRODUCT_VIEW);
    assertThat(f.resolveType("Begin-Checkout")).contains(EventType.BEGIN_CHECKOUT);
    assertThat(f.resolveType("teleport")).isEmpty();
  }

  @Test
  void optionsChangeEveryPartOfTheLayout() {
    GenericCsvFormat f =
        GenericCsvFormat.fromOptions(
            Map.ofEntries(
                Map.entry("user-column", "visitor"),
                Map.entry("time-column", "ts"),
                Map.entry("type-column", "action"),
                Map.entry("event-id-column", ""),
                Map.entry("session-column", "sid"),
                Map.entry("page-column", "url"),
                Map.entry("item-column", "sku"),
                Map.entry("category-column", "cat"),
                Map.entry("price-column", "amount"),
                Map.entry("quantity-column", "qty"),
                Map.entry("dwell-column", "secs"),
                Map.entry("dwell-unit", "seconds"),
                Map.entry("device-column", "ua"),
                Map.entry("traffic-source-column", "utm_source"),
                Map.entry("attributes-column", ""),
                Map.entry("extra-columns-as-attributes", "yes"),
                Map.entry("delimiter", "tab"),
                Map.entry("time-format", "yyyy-MM-dd HH:mm:ss"),
                Map.entry("time-zone", "Europe/Berlin"),
                Map.entry("type-map", "pv=PAGE_VIEW")));

    assertThat(f.userColumn()).isEqualTo("visitor");
    assertThat(f.timeColumn()).isEqualTo("ts");
    assertThat(f.typeColumn()).contains("action");
    assertThat(f.eventIdColumn()).isEmpty();
    assertThat(f.sessionColumn()).contains("sid");
    assertThat(f.pageColumn()).contains("url");
    assertThat(f.itemColumn()).contains("sku");
    assertThat(f.categoryColumn()).contains("cat");
    assertThat(f.priceColumn()).contains("amount");
    assertThat(f.quantityColumn()).contains("qty");
    assertThat(f.dwellColumn()).contains("secs");
    assertThat(f.dwellUnit()).isEqualTo(GenericCsvFormat.DwellUnit.SECONDS);
    assertThat(f.deviceColumn()).contains("ua");
    assertThat(f.trafficSourceColumn()).contains("utm_source");
    assertThat(f.attributesColumn()).isEqualTo(Optional.empty());
    assertThat(f.extraColumnsAsAttributes()).isTrue();
    assertThat(f.delimiter()).isEqualTo('\t');
    assertThat(f.timeFormat())
        .isEqualTo(new TimeFormat.Pattern("yyyy-MM-dd HH:mm:ss", ZoneId.of("Europe/Berlin")));
    assertThat(f.typeMapping()).isEqualTo(Map.of("pv", EventType.PAGE_VIEW));
    assertThat(GenericCsvFormat.OPTIONS.keySet()).hasSize(23);
  }

  @Test
  void aFileWithoutHeaderOrTypeColumnIsDescribedByOptions() {
    GenericCsvFormat f =
        GenericCsvFormat.fromOptions(
            Map.of("columns", " id , when ,what", "type", "purchase", "delimiter", "whitespace"));

    assertThat(f.headerlessColumns()).contains(List.of("id", "when", "what"));
    assertThat(f.fixedType()).contains(EventType.PURCHASE);
    assertThat(f.typeColumn()).isEmpty();
    assertThat(f.whitespaceDelimited()).isTrue();
    assertThat(GenericCsvFormat.fromOptions(Map.of("header", "false")).headerlessColumns())
        .contains(List.of());
    assertThat(GenericCsvFormat.defaults().headerlessColumns()).isEmpty();
  }

  @Test
  void headerlessAndFixedTypeOptionsThatContradictEachOtherAreRefused() {
    assertThatThrownBy(
            () -> GenericCsvFormat.fromOptions(Map.of("type", "PURCHASE", "type-column", "t")))
        .hasMessageContaining("either type-column or type");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("type-column", "")))
        .hasMessageContaining("type=PURCHASE");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("type", "BUY")))
        .hasMessageContaining("type: 'BUY' is not an event type");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("columns", "a,A,b")))
        .hasMessageContaining("'A' is named twice");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("columns", "a,,b")))
        .hasMessageContaining("column 2 has no name");
    assertThatThrownBy(
            () -> GenericCsvFormat.fromOptions(Map.of("columns", "a,b", "header", "true")))
        .hasMessageContaining("cannot go with header=true");
  }

  @Test
  void badOptionsAreRejectedNamingTheOption() {
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("user-colum", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user-colum")
        .hasMessageContaining("user-column");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("user-column", " ")))
        .hasMessageContaining("user-column must name a column");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("delimiter", ";;")))
        .hasMessageContaining("delimiter");
    assertThatThrownBy(
            () -> GenericCsvFormat.fromOptions(Map.of("time-format", "yyyy-MM-dd ppp Q{")))
        .hasMessageContaining("time-format");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("time-zone", "Mars/Olympus")))
        .hasMessageContaining("time-zone");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("type-map", "x=Y")))
        .hasMessageContaining("type-map");
    assertThatThrownBy(() -> GenericCsvFormat.fromOptions(Map.of("dwell-unit", "hours")))
        .hasMessageContaining("dwell-unit");
  }

  @Test
  void timeFormatsReadTheirTexts() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Instant noon = Instant.parse("2024-01-10T12:00:00Z");
    assertThat(TimeFormat.parse("EPOCH_SECONDS", berlin).parser().apply("1704888000"))
        .isEqualTo(noon);
    assertThat(TimeFormat.parse("epoch-seconds", berlin).parser().apply("1704888000.25"))
        .isEqualTo(noon.plusMillis(250));
    assertThat(TimeFormat.parse("epoch_millis", berlin).parser().apply("1704888000123"))
        .isEqualTo(noon.plusMillis(123));
    assertThat(TimeFormat.parse("ISO_8601", berlin).parser().apply("2024-01-10T13:00:00+01:00"))
        .isEqualTo(noon);
    assertThat(TimeFormat.parse("ISO_8601", berlin).parser().apply("2024-01-10 13:00:00"))
        .isEqualTo(noon);
    assertThat(TimeFormat.parse("dd.MM.yyyy HH:mm", berlin).parser().apply("10.01.2024 13:00"))
        .isEqualTo(noon);
    assertThat(
            TimeFormat.parse("yyyy-MM-dd HH:mm:ss z", ZoneOffset.UTC)
                .parser()
                .apply("2024-01-10 12:00:00 UTC"))
        .isEqualTo(noon);
    assertThat(TimeFormat.parse("yyyy-MM-dd", ZoneOffset.UTC).parser().apply("2024-01-10"))
        .isEqualTo(Instant.parse("2024-01-10T00:00:00Z"));
  }

  @Test
  void isoTimesInTheCommonUtcShapesAreReadExactly() {
    var iso = TimeFormat.ISO_8601.parser();
    assertThat(iso.apply("2024-01-10T12:00:00.123456789Z"))
        .isEqualTo(Instant.parse("2024-01-10T12:00:00.123456789Z"));
    assertThat(iso.apply("2024-01-10T12:00:00.5Z"))
        .isEqualTo(Instant.parse("2024-01-10T12:00:00.500Z"));
    assertThat(iso.apply("2024-01-10 12:00:00 UTC"))
        .isEqualTo(Instant.parse("2024-01-10T12:00:00Z"));
    assertThat(iso.apply("1999-12-31T23:59:59Z")).isEqualTo(Instant.parse("1999-12-31T23:59:59Z"));
    assertThatThrownBy(() -> iso.apply("2024-02-30T00:00:00Z"))
        .isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> iso.apply("2024-01-10T24:00:00Z"))
        .isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> iso.apply("10/01/2024 12:00")).isInstanceOf(DateTimeException.class);
  }
}
