package io.propensity.sources.csv;

import static io.propensity.sources.csv.CsvTestSupport.VALIDATOR;
import static io.propensity.sources.csv.CsvTestSupport.importAll;
import static io.propensity.sources.csv.CsvTestSupport.reader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenericCsvImporterTest {

  private static final GenericCsvImporter DEFAULTS =
      new GenericCsvImporter(GenericCsvFormat.defaults(), VALIDATOR);

  /** The layout of custom-with-bad-rows.csv. */
  private static final Map<String, String> CUSTOM =
      Map.ofEntries(
          Map.entry("delimiter", ";"),
          Map.entry("user-column", "who"),
          Map.entry("time-column", "when"),
          Map.entry("type-column", "what"),
          Map.entry("item-column", "sku"),
          Map.entry("price-column", "cost"),
          Map.entry("dwell-column", "secs"),
          Map.entry("dwell-unit", "seconds"),
          Map.entry("time-format", "epoch_seconds"),
          Map.entry("type-map", "pv=PAGE_VIEW, view_item=product_view, BUY=PURCHASE"),
          Map.entry("extra-columns-as-attributes", "true"),
          Map.entry("event-id-column", ""),
          Map.entry("session-column", ""));

  private static GenericCsvImporter custom() {
    return new GenericCsvImporter(GenericCsvFormat.fromOptions(CUSTOM), VALIDATOR);
  }

  @Test
  void importsEveryFieldOfTheDefaultLayout() {
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(DEFAULTS, reader("generic/default-layout.csv"), report);

    assertThat(report[0].clean()).isTrue();
    assertThat(report[0].imported()).isEqualTo(4);
    assertThat(events).extracting(Event::eventId).containsExactly("e1", "e2", "e3", "e4");
    Event view = events.get(1);
    assertThat(view.type()).isEqualTo(EventType.PRODUCT_VIEW);
    assertThat(view.occurredAt()).isEqualTo(Instant.parse("2024-01-10T12:00:10.5Z"));
    assertThat(view.sessionId()).contains("s1");
    assertThat(view.category()).contains("toys, games & puzzles");
    assertThat(view.price()).isEqualTo(OptionalDouble.of(19.99));
    assertThat(view.dwell()).contains(Duration.ofMillis(25_000).plusNanos(500_000));
    assertThat(view.device()).contains("mobile");
    assertThat(view.trafficSource()).contains("direct");
    assertThat(events.get(0).itemId()).isEmpty();
    assertThat(events.get(0).price()).isEmpty();
    assertThat(events.get(0).quantity()).isEqualTo(1);
    Event purchase = events.get(3);
    assertThat(purchase.sessionId()).isEmpty();
    assertThat(purchase.quantity()).isEqualTo(2);
    assertThat(purchase.occurredAt()).isEqualTo(Instant.parse("2024-01-10T11:02:00Z"));
    assertThat(purchase.attributes())
        .containsExactlyInAnyOrderEntriesOf(Map.of("order_id", "o-1", "note", "gift wrap"));
  }

  @Test
  void rejectsEachBadRowWholeWithItsLineNumberAndImportsTheRest() {
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(custom(), reader("generic/custom-with-bad-rows.csv"), report);

    ImportReport r = report[0];
    assertThat(r.rowsRead()).isEqualTo(9);
    assertThat(r.imported()).isEqualTo(4);
    assertThat(r.rejected()).isEqualTo(5);
    assertThat(r.blankLines()).isEqualTo(1);
    assertThat(r.rowsRead()).isEqualTo(r.imported() + r.rejected());
    assertThat(events)
        .extracting(Event::userId)
        .containsExactly("alice", "alice", "carol", "carol");
    assertThat(r.errors()).extracting(RowError::lineNumber).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(r.errors())
        .extracting(RowError::column)
        .containsExactly(
            Optional.of("who"),
            Optional.of("when"),
            Optional.of("what"),
            Optional.of("cost"),
            Optional.empty());
    List<String> reasons = r.errors().stream().map(RowError::reason).collect(Collectors.toList());
    assertThat(reasons.get(0)).contains("user id is empty");
    assertThat(reasons.get(1)).contains("'yesterday'", "epoch seconds");
    assertThat(reasons.get(2)).contains("'teleport'", "pv", "PAGE_VIEW");
    assertThat(reasons.get(3)).isEqualTo("price: -3.0 is negative");
    assertThat(reasons.get(4)).contains("expected 7 columns", "found 6");
  }

  @Test
  void mapsACustomLayoutThroughOptions() {
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(custom(), reader("generic/custom-with-bad-rows.csv"), report);

    Event first = events.get(0);
    assertThat(first.type()).isEqualTo(EventType.PAGE_VIEW);
    assertThat(first.occurredAt()).isEqualTo(Instant.ofEpochSecond(1704888000));
    assertThat(first.dwell()).contains(Duration.ofMillis(8500));
    assertThat(first.attributes()).isEqualTo(Map.of("campaign", "spring"));
    assertThat(events.get(1).type()).isEqualTo(EventType.PRODUCT_VIEW);
    Event quoted = events.get(2);
    assertThat(quoted.type()).isEqualTo(EventType.PURCHASE);
    assertThat(quoted.itemId()).contains("B;1");
    assertThat(quoted.attributes()).isEqualTo(Map.of("campaign", "summer; late"));
    assertThat(events.get(3).attributes()).isEmpty();
    assertThat(report[0].warnings()).anyMatch(w -> w.contains("'page'"));
  }

  @Test
  void aHeaderMissingARequiredColumnFailsBeforeAnyRowIsImported() {
    AtomicInteger seen = new AtomicInteger();
    assertThatThrownBy(
            () ->
                DEFAULTS.importAll(
                    reader("generic/no-user-column.csv"), e -> seen.incrementAndGet()))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("user_id")
        .hasMessageContaining("event_id, occurred_at, type");
    assertThat(seen).hasValue(0);
  }

  @Test
  void anEmptyFileHasNoHeader() {
    assertThatThrownBy(() -> DEFAULTS.open(new StringReader("\n\n")))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void blankLinesAndRowsOfEmptyCellsAreSkippedAndCountedButNotRejected() {
    String csv =
        "user_id,occurred_at,type\n\n"
            + "u1,2024-01-01T00:00:00Z,PAGE_VIEW\n"
            + "   \n"
            + ",,\n"
            + "u2,2024-01-01T00:00:00Z,PAGE_VIEW\n\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(DEFAULTS, new StringReader(csv), report);

    assertThat(events).extracting(Event::userId).containsExactly("u1", "u2");
    assertThat(report[0].blankLines()).isEqualTo(4);
    assertThat(report[0].rejected()).isZero();
  }

  @Test
  void lineNumbersCountPhysicalLinesAcrossQuotedLineBreaks() {
    String csv =
        "user_id,occurred_at,type,page\r\n"
            + "u1,2024-01-01T00:00:00Z,PAGE_VIEW,\"/a\r\nb, c\"\r\n"
            + "u2,not a time,PAGE_VIEW,/\r\n"
            + "u3,2024-01-01T00:00:00Z,PAGE_VIEW,\"/a, b\"\r\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(DEFAULTS, new StringReader(csv), report);

    // A line break is read as part of the quoted page, which the event contract then refuses.
    assertThat(events).extracting(Event::userId).containsExactly("u3");
    assertThat(events.get(0).page()).contains("/a, b");
    assertThat(report[0].errors()).extracting(e -> e.lineNumber()).containsExactly(2L, 4L);
    assertThat(report[0].errors().get(0).toString()).contains("page", "U+000D");
  }

  @Test
  void derivesTheSameEventIdFromTheSameRowContent() {
    String csv =
        "user_id,occurred_at,type\n"
            + "u1,2024-01-01T00:00:00Z,PAGE_VIEW\n"
            + "u1,2024-01-01T00:00:01Z,PAGE_VIEW\n";
    List<Event> first = importAll(DEFAULTS, new StringReader(csv), new ImportReport[1]);
    List<Event> second = importAll(DEFAULTS, new StringReader(csv), new ImportReport[1]);

    assertThat(first)
        .extracting(Event::eventId)
        .doesNotHaveDuplicates()
        .allMatch(id -> id.startsWith("csv-") && id.length() == 36);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void validatorViolationsAreReportedWithTheColumnThatFedThem() {
    String csv =
        "user_id,occurred_at,type,item_id\n"
            + "u1,2031-01-01T00:00:00Z,PAGE_VIEW,"
            + "x".repeat(200)
            + "\n";
    ImportReport[] report = new ImportReport[1];
    importAll(DEFAULTS, new StringReader(csv), report);

    assertThat(report[0].rejected()).isEqualTo(1);
    assertThat(report[0].errors())
        .extracting(RowError::toString)
        .containsExactlyInAnyOrder(
            "line 2 (column occurred_at): occurred_at: 2031-01-01T00:00:00Z is more than 1 day in the future",
            "line 2 (column item_id): item_id: 200 characters, at most 128 allowed");
    assertThat(report[0].errorCount()).isEqualTo(2);
  }

  @Test
  void keepsAThousandErrorsButCountsThemAll() {
    StringBuilder csv = new StringBuilder("user_id,occurred_at,type\n");
    for (int i = 0; i < 1500; i++) {
      csv.append("u").append(i).append(",never,PAGE_VIEW\n");
    }
    csv.append("u1,2024-01-01T00:00:00Z,PAGE_VIEW\n");
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(DEFAULTS, new StringReader(csv.toString()), report);

    assertThat(events).hasSize(1);
    assertThat(report[0].rejected()).isEqualTo(1500);
    assertThat(report[0].errorCount()).isEqualTo(1500);
    assertThat(report[0].errors()).hasSize(ImportReport.MAX_STORED_ERRORS);
    assertThat(report[0].errorsTruncated()).isTrue();
  }

  @Test
  void malformedCsvStopsTheImportAndSaysWhere() {
    String csv =
        "user_id,occurred_at,type\n"
            + "u1,2024-01-01T00:00:00Z,PAGE_VIEW\n"
            + "u2,\"2024-01-01T00:00:00Z\"x,PAGE_VIEW\n"
            + "u3,2024-01-01T00:00:00Z,PAGE_VIEW\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importAll(DEFAULTS, new StringReader(csv), report);

    assertThat(events).extracting(Event::userId).containsExactly("u1");
    assertThat(report[0].abortReason()).hasValueSatisfying(r -> assertThat(r).contains("line 3"));
    assertThat(report[0].errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.lineNumber()).isEqualTo(3);
              assertThat(e.reason()).contains("malformed CSV");
            });
    assertThat(report[0].clean()).isFalse();
  }

  @Test
  void streamsRowsLazilyFromAnEndlessReader() {
    Reader endless =
        new Reader() {
          private final String header = "user_id,occurred_at,type\n";
          private long row;
          private String pending = header;
          private int pos;

          @Override
          public int read(char[] buf, int off, int len) {
            if (pos == pending.length()) {
              pending = "u" + row++ + ",2024-01-01T00:00:00Z,PAGE_VIEW\n";
              pos = 0;
            }
            int n = Math.min(len, pending.length() - pos);
            pending.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
          }

          @Override
          public void close() {}
        };
    try (EventImport im = DEFAULTS.open(endless)) {
      List<Event> first = im.stream().limit(50_000).collect(Collectors.toList());
      assertThat(first).hasSize(50_000);
      assertThat(first.get(49_999).userId()).isEqualTo("u49999");
      assertThat(im.report().imported()).isEqualTo(50_000);
    }
  }

  @Test
  void theIteratorAndTheReportAgree() {
    List<Event> events = new ArrayList<>();
    try (EventImport im = custom().open(reader("generic/custom-with-bad-rows.csv"))) {
      im.forEachRemaining(events::add);
      assertThat(im.report().imported()).isEqualTo(events.size());
      assertThat(im.report().summary())
          .isEqualTo("9 rows read, 4 imported, 5 rejected, 1 blank lines skipped");
    }
  }

  @Test
  void readsGzippedFilesAndStripsAByteOrderMark(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("events.csv.gz");
    try (Writer out =
        new OutputStreamWriter(
            new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8)) {
      out.write("\uFEFFuser_id,occurred_at,type\nu1,2024-01-01T00:00:00Z,PAGE_VIEW\n");
    }
    List<Event> events = new ArrayList<>();
    ImportReport report = DEFAULTS.importAll(file, events::add);

    assertThat(report.clean()).isTrue();
    assertThat(events).extracting(Event::userId).containsExactly("u1");
  }

  private static List<Event> importText(
      Map<String, String> options, String text, ImportReport[] report) {
    return importAll(
        new GenericCsvImporter(GenericCsvFormat.fromOptions(options), VALIDATOR),
        new StringReader(text),
        report);
  }

  @Test
  void aHeaderlessFileIsReadWithTheColumnsItIsGivenAndItsFirstLineIsData() {
    // the layout of Taobao's UserBehavior.csv: user, item, category, behaviour, epoch seconds
    String csv = "1,2268318,2520377,pv,1704888000\n1,2333346,2520771,buy,1704888060\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events =
        importText(
            Map.of(
                "columns", "user,item,category,behavior,ts",
                "user-column", "user",
                "item-column", "item",
                "category-column", "category",
                "type-column", "behavior",
                "time-column", "ts",
                "time-format", "EPOCH_SECONDS",
                "type-map", "pv=PRODUCT_VIEW,buy=PURCHASE"),
            csv,
            report);

    assertThat(report[0].clean()).isTrue();
    assertThat(events).hasSize(2);
    assertThat(events.get(0).userId()).isEqualTo("1");
    assertThat(events.get(0).itemId()).contains("2268318");
    assertThat(events.get(0).category()).contains("2520377");
    assertThat(events.get(0).type()).isEqualTo(EventType.PRODUCT_VIEW);
    assertThat(events.get(1).type()).isEqualTo(EventType.PURCHASE);
    assertThat(events.get(1).occurredAt()).isEqualTo(Instant.ofEpochSecond(1704888060));
  }

  @Test
  void withoutAHeaderColumnsCanBeGivenByNumber() {
    String csv = "u1,x,2024-01-01T00:00:00Z,PAGE_VIEW\nu2,y,2024-01-02T00:00:00Z,PURCHASE\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events =
        importText(
            Map.of(
                "header", "false",
                "user-column", "1",
                "time-column", "3",
                "type-column", "4",
                "event-id-column", "",
                "session-column", "",
                "item-column", "2"),
            csv,
            report);

    assertThat(report[0].rowsRead()).isEqualTo(2);
    assertThat(events).extracting(Event::userId).containsExactly("u1", "u2");
    assertThat(events.get(1).itemId()).contains("y");
  }

  @Test
  void aRowOfAHeaderlessFileIsReportedOnItsOwnLine() {
    String csv = "\nu1,2024-01-01T00:00:00Z,PAGE_VIEW\nu2,not-a-time,PAGE_VIEW\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events = importText(Map.of("columns", "user_id,occurred_at,type"), csv, report);

    assertThat(events).extracting(Event::userId).containsExactly("u1");
    assertThat(report[0].errors())
        .singleElement()
        .satisfies(e -> assertThat(e.lineNumber()).isEqualTo(3));
  }

  @Test
  void columnsThatDoNotFitTheFirstLineAreRefusedWithBothCounts() {
    assertThatThrownBy(
            () ->
                new GenericCsvImporter(
                        GenericCsvFormat.fromOptions(Map.of("columns", "user_id,occurred_at,type")),
                        VALIDATOR)
                    .open(new StringReader("u1,2024-01-01T00:00:00Z,PAGE_VIEW,extra\n")))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("names 3 columns, but line 1 has 4");
  }

  @Test
  void aMissingColumnSaysHowToReadAFileWithoutAHeader() {
    assertThatThrownBy(
            () -> DEFAULTS.open(new StringReader("1,2268318,2520377,pv,1511544070\n")).close())
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("header=false")
        .hasMessageContaining("columns=a,b,c");
  }

  @Test
  void aWhitespaceSeparatedTableOfOrdersImportsAsPurchases() {
    // the layout of CDNOW_master.txt: id, yyyyMMdd, units, dollar value, aligned with blanks
    String text = " 00001 20240101  1   11.77\n 00002 20240112  5   77.00  \n\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events =
        importText(
            Map.of(
                "delimiter", "whitespace",
                "columns", "customer,date,units,amount",
                "user-column", "customer",
                "time-column", "date",
                "time-format", "yyyyMMdd",
                "type", "PURCHASE",
                "price-column", "amount",
                "quantity-column", ""),
            text,
            report);

    assertThat(report[0].clean()).isTrue();
    assertThat(events).hasSize(2);
    assertThat(events).allMatch(e -> e.type() == EventType.PURCHASE);
    assertThat(events.get(0).userId()).isEqualTo("00001");
    assertThat(events.get(0).occurredAt()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(events.get(1).price()).hasValue(77.00);
    assertThat(report[0].warnings()).anyMatch(w -> w.contains("units"));
  }

  @Test
  void quotedBlanksSurviveAWhitespaceDelimitedFile() {
    String text = "u1  \"a  b\"   2024-01-01T00:00:00Z PAGE_VIEW\n";
    ImportReport[] report = new ImportReport[1];
    List<Event> events =
        importText(
            Map.of(
                "delimiter", "whitespace",
                "columns", "user_id,page,occurred_at,type"),
            text,
            report);

    assertThat(report[0].clean()).isTrue();
    assertThat(events.get(0).page()).contains("a  b");
  }
}
