package io.propensity.sources.csv;

import io.propensity.engine.event.EventType;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where each event field sits in a user's own CSV layout, configurable without code through {@link
 * #fromOptions(Map)}. Column names match the header ignoring case and surrounding spaces.
 *
 * @param eventIdColumn the event id; when absent (or a cell is empty) the id is derived from a hash
 *     of the row's content, so re-importing the same row yields the same id
 * @param userColumn the user id (required)
 * @param sessionColumn the tracker's session id
 * @param timeColumn when it happened (required), written as {@link #timeFormat}
 * @param typeColumn what happened, mapped through {@link #typeMapping}; required unless {@link
 *     #fixedType} is given
 * @param pageColumn page or URL path
 * @param itemColumn product id
 * @param categoryColumn product category
 * @param priceColumn unit price, a decimal number with a dot
 * @param quantityColumn units, an integer; 1 when the cell is empty
 * @param dwellColumn time on page, a decimal number in {@link #dwellUnit}
 * @param dwellUnit the unit of the dwell column
 * @param deviceColumn device class
 * @param trafficSourceColumn acquisition channel
 * @param attributesColumn free attributes encoded as {@code key=value&key2=value2} (URL-encoded)
 * @param extraColumnsAsAttributes whether every column not mapped above becomes an attribute named
 *     after its header (empty cells are left out)
 * @param delimiter the field separator (ignored when {@link #whitespaceDelimited})
 * @param whitespaceDelimited whether runs of spaces and tabs separate the fields (text exports of
 *     fixed-width tables); leading and trailing blanks of a line are ignored, quotes still quote
 * @param timeFormat how the time column is written
 * @param typeMapping event type names of the file (lower case) to event types; the {@link
 *     EventType} names themselves are always accepted, in any case
 * @param fixedType the type of every row, for a file without a type column (an export of orders is
 *     all purchases); given instead of {@link #typeColumn}
 * @param headerlessColumns present when the file has no header row (its first line is data): the
 *     names of its columns in order, or an empty list to call them by number, {@code 1} for the
 *     first. A column option may always name a column by its number when no column has that name
 */
public record GenericCsvFormat(
    Optional<String> eventIdColumn,
    String userColumn,
    Optional<String> sessionColumn,
    String timeColumn,
    Optional<String> typeColumn,
    Optional<String> pageColumn,
    Optional<String> itemColumn,
    Optional<String> categoryColumn,
    Optional<String> priceColumn,
    Optional<String> quantityColumn,
    Optional<String> dwellColumn,
    DwellUnit dwellUnit,
    Optional<String> deviceColumn,
    Optional<String> trafficSourceColumn,
    Optional<String> attributesColumn,
    boolean extraColumnsAsAttributes,
    char delimiter,
    boolean whitespaceDelimited,
    TimeFormat timeFormat,
    Map<String, EventType> typeMapping,
    Optional<EventType> fixedType,
    Optional<List<String>> headerlessColumns) {

  /** The unit of a dwell-time column. */
  public enum DwellUnit {
    SECONDS,
    MILLIS
  }

  /** The options {@link #fromOptions(Map)} understands, with what each means, in help order. */
  public static final Map<String, String> OPTIONS = options();

  public GenericCsvFormat {
    userColumn = required("user-column", userColumn);
    timeColumn = required("time-column", timeColumn);
    typeColumn = optional(typeColumn);
    Objects.requireNonNull(fixedType, "fixedType");
    if (typeColumn.isPresent() == fixedType.isPresent()) {
      throw new IllegalArgumentException(
          typeColumn.isPresent()
              ? "give either type-column or type, not both (type-column= with an empty value drops"
                  + " the column)"
              : "type-column must name a column, or type must give the type of every row (e.g."
                  + " type=PURCHASE for an export of orders)");
    }
    headerlessColumns = headerlessColumns.map(GenericCsvFormat::columnNames);
    eventIdColumn = optional(eventIdColumn);
    sessionColumn = optional(sessionColumn);
    pageColumn = optional(pageColumn);
    itemColumn = optional(itemColumn);
    categoryColumn = optional(categoryColumn);
    priceColumn = optional(priceColumn);
    quantityColumn = optional(quantityColumn);
    dwellColumn = optional(dwellColumn);
    deviceColumn = optional(deviceColumn);
    trafficSourceColumn = optional(trafficSourceColumn);
    attributesColumn = optional(attributesColumn);
    Objects.requireNonNull(dwellUnit, "dwellUnit");
    Objects.requireNonNull(timeFormat, "timeFormat");
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
    }
    Map<String, EventType> lower = new TreeMap<>();
    typeMapping.forEach((k, v) -> lower.put(k.strip().toLowerCase(Locale.ROOT), v));
    typeMapping = Collections.unmodifiableMap(lower);
  }

  /**
   * The layout {@link GenericCsvWriter} writes: {@code event_id, user_id, session_id, occurred_at
   * (ISO 8601), type (EventType names), page, item_id, category, price, quantity, dwell_ms, device,
   * traffic_source, attributes}.
   */
  public static GenericCsvFormat defaults() {
    return new GenericCsvFormat(
        Optional.of("event_id"),
        "user_id",
        Optional.of("session_id"),
        "occurred_at",
        Optional.of("type"),
        Optional.of("page"),
        Optional.of("item_id"),
        Optional.of("category"),
        Optional.of("price"),
        Optional.of("quantity"),
        Optional.of("dwell_ms"),
        DwellUnit.MILLIS,
        Optional.of("device"),
        Optional.of("traffic_source"),
        Optional.of("attributes"),
        false,
        ',',
        false,
        TimeFormat.ISO_8601,
        Map.of(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * {@link #defaults()} changed by command-line style options (keys as in {@link #OPTIONS}); an
   * empty value for an optional column means the file has no such column.
   *
   * @throws IllegalArgumentException naming the offending option, for an unknown key or a bad value
   */
  public static GenericCsvFormat fromOptions(Map<String, String> options) {
    return defaults().withOptions(options);
  }

  /** This format changed by options, as {@link #fromOptions(Map)}. */
  public GenericCsvFormat withOptions(Map<String, String> options) {
    List<String> unknown =
        options.keySet().stream()
            .filter(k -> !OPTIONS.containsKey(k))
            .sorted()
            .collect(Collectors.toList());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown generic CSV option"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + "; known options: "
              + String.join(", ", OPTIONS.keySet()));
    }
    Map<String, String> o = options;
    ZoneId zone = o.containsKey("time-zone") ? zone(o.get("time-zone")) : zoneOf(timeFormat);
    TimeFormat time = timeFormat;
    if (o.containsKey("time-format")) {
      time = timeFormat(o.get("time-format"), zone);
    } else if (o.containsKey("time-zone")) {
      time = withZone(timeFormat, zone);
    }
    Map<String, EventType> mapping = typeMapping;
    if (o.containsKey("type-map")) {
      try {
        mapping = parseMapping(o.get("type-map"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("type-map: " + e.getMessage(), e);
      }
    }
    Optional<EventType> fixed = fixedType;
    Optional<String> typeCol = col(o, "type-column", typeColumn);
    if (o.containsKey("type")) {
      String name = o.get("type").strip();
      if (name.isEmpty()) {
        fixed = Optional.empty();
      } else {
        fixed =
            Optional.of(
                eventType(name)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "type: '"
                                    + name
                                    + "' is not an event type; expected one of "
                                    + Arrays.toString(EventType.values()))));
        if (!o.containsKey("type-column")) {
          typeCol = Optional.empty(); // the default layout's type column gives way
        }
      }
    }
    Optional<List<String>> headerless = headerlessColumns;
    if (o.containsKey("header")) {
      headerless = bool("header", o.get("header")) ? Optional.empty() : Optional.of(List.of());
    }
    if (o.containsKey("columns")) {
      List<String> names = columnNames(splitNames(o.get("columns")));
      if (names.isEmpty()) {
        throw new IllegalArgumentException("columns: give the names of the file's columns, a,b,c");
      }
      if (o.containsKey("header") && headerless.isEmpty()) {
        throw new IllegalArgumentException(
            "columns names the columns of a file without a header; it cannot go with header=true");
      }
      headerless = Optional.of(names);
    }
    boolean whitespace = whitespaceDelimited;
    char sep = delimiter;
    if (o.containsKey("delimiter")) {
      whitespace = isWhitespace(o.get("delimiter"));
      sep = whitespace ? delimiter : delimiter(o.get("delimiter"));
    }
    return new GenericCsvFormat(
        col(o, "event-id-column", eventIdColumn),
        o.getOrDefault("user-column", userColumn),
        col(o, "session-column", sessionColumn),
        o.getOrDefault("time-column", timeColumn),
        typeCol,
        col(o, "page-column", pageColumn),
        col(o, "item-column", itemColumn),
        col(o, "category-column", categoryColumn),
        col(o, "price-column", priceColumn),
        col(o, "quantity-column", quantityColumn),
        col(o, "dwell-column", dwellColumn),
        o.containsKey("dwell-unit") ? dwellUnit(o.get("dwell-unit")) : dwellUnit,
        col(o, "device-column", deviceColumn),
        col(o, "traffic-source-column", trafficSourceColumn),
        col(o, "attributes-column", attributesColumn),
        o.containsKey("extra-columns-as-attributes")
            ? bool("extra-columns-as-attributes", o.get("extra-columns-as-attributes"))
            : extraColumnsAsAttributes,
        sep,
        whitespace,
        time,
        mapping,
        fixed,
        headerless);
  }

  /**
   * Parses an event-type mapping such as {@code buy=PURCHASE, pv=page_view}: comma-separated {@code
   * name=EventType} pairs, both sides case-insensitive; the keys come back in lower case.
   *
   * @throws IllegalArgumentException for a pair without {@code =}, an unknown event type or a name
   *     given twice
   */
  public static Map<String, EventType> parseMapping(String mapping) {
    Map<String, EventType> out = new TreeMap<>();
    if (mapping.isBlank()) {
      return Map.of();
    }
    for (String pair : mapping.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "'" + pair.strip() + "' is not of the form name=EVENT_TYPE");
      }
      String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String typeName = pair.substring(eq + 1).strip();
      if (name.isEmpty()) {
        throw new IllegalArgumentException("'" + pair.strip() + "' has an empty name");
      }
      EventType type =
          eventType(typeName)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "'"
                              + typeName
                              + "' is not an event type; expected one of "
                              + Arrays.toString(EventType.values())));
      if (out.put(name, type) != null) {
        throw new IllegalArgumentException("'" + name + "' is mapped twice");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The event type a file's type cell stands for, by the mapping, else by {@link EventType} name.
   */
  public Optional<EventType> resolveType(String cell) {
    EventType mapped = typeMapping.get(cell.strip().toLowerCase(Locale.ROOT));
    return mapped != null ? Optional.of(mapped) : eventType(cell);
  }

  /** Every type cell value this format accepts, for error messages. */
  public List<String> acceptedTypeNames() {
    List<String> names = new ArrayList<>(typeMapping.keySet());
    for (EventType t : EventType.values()) {
      names.add(t.name());
    }
    return List.copyOf(names);
  }

  private static Optional<EventType> eventType(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (EventType t : EventType.values()) {
      if (t.name().equals(n)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private static String required(String option, String column) {
    if (column == null || column.isBlank()) {
      throw new IllegalArgumentException(option + " must name a column");
    }
    return column.strip();
  }

  private static Optional<String> optional(Optional<String> column) {
    return column.map(String::strip).filter(c -> !c.isEmpty());
  }

  private static Optional<String> col(Map<String, String> o, String key, Optional<String> current) {
    return o.containsKey(key) ? Optional.ofNullable(o.get(key)) : current;
  }

  private static List<String> splitNames(String list) {
    List<String> names = new ArrayList<>();
    for (String n : list.split(",", -1)) {
      names.add(n.strip());
    }
    return names.size() == 1 && names.get(0).isEmpty() ? List.of() : names;
  }

  /** Column names of a headerless file: none blank, none twice (ignoring case). */
  private static List<String> columnNames(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).strip();
      if (n.isEmpty()) {
        throw new IllegalArgumentException(
            "columns: column " + (i + 1) + " has no name (name every column, a,b,c)");
      }
      if (!seen.add(CsvHeader.key(n))) {
        throw new IllegalArgumentException("columns: '" + n + "' is named twice");
      }
    }
    return names.stream().map(String::strip).toList();
  }

  private static boolean isWhitespace(String v) {
    String k = v.strip().toLowerCase(Locale.ROOT);
    return k.equals("whitespace") || k.equals("spaces");
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id.strip());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "time-zone: '" + id + "' is not a zone id such as UTC or Europe/Berlin", e);
    }
  }

  private static ZoneId zoneOf(TimeFormat f) {
    if (f instanceof TimeFormat.Iso8601 iso) {
      return iso.zone();
    }
    if (f instanceof TimeFormat.Pattern p) {
      return p.zone();
    }
    return ZoneOffset.UTC;
  }

  private static TimeFormat withZone(TimeFormat f, ZoneId zone) {
    if (f instanceof TimeFormat.Iso8601) {
      return new TimeFormat.Iso8601(zone);
    }
    if (f instanceof TimeFormat.Pattern p) {
      return new TimeFormat.Pattern(p.pattern(), zone);
    }
    return f;
  }

  private static TimeFormat timeFormat(String spec, ZoneId zone) {
    try {
      return TimeFormat.parse(spec, zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "time-format: '"
              + spec
              + "' is neither EPOCH_SECONDS, EPOCH_MILLIS, ISO_8601 nor a valid date-time pattern: "
              + e.getMessage(),
          e);
    }
  }

  private static DwellUnit dwellUnit(String v) {
    switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "s":
      case "sec":
      case "seconds":
        return DwellUnit.SECONDS;
      case "ms":
      case "millis":
      case "milliseconds":
        return DwellUnit.MILLIS;
      default:
        throw new IllegalArgumentException("dwell-unit: '" + v + "' is neither seconds nor millis");
    }
  }

  private static boolean bool(String option, String v) {
    switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
        return true;
      case "false":
      case "no":
        return false;
      default:
        throw new IllegalArgumentException(option + ": '" + v + "' is neither true nor false");
    }
  }

  private static char delimiter(String v) {
    switch (v) {
      case "tab":
      case "\\t":
      case "\t":
        return '\t';
      default:
        if (v.length() != 1) {
          throw new IllegalArgumentException(
              "delimiter: '" + v + "' is not one character (or 'tab')");
        }
        return v.charAt(0);
    }
  }

  private static Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("user-column", "column of the user id (required; default user_id)");
    m.put("time-column", "column of the event time (required; default occurred_at)");
    m.put(
        "type-column",
        "column of the event type (required unless type is given; default type); a column option"
            + " also takes a column number, 1 for the first");
    m.put(
        "type",
        "the event type of every row, for a file without a type column, e.g. PURCHASE for an"
            + " export of orders");
    m.put(
        "header",
        "false: the first line is data, not a header; columns are then called 1, 2, 3... unless"
            + " columns names them (default true)");
    m.put(
        "columns",
        "names of the columns of a file without a header, in order, e.g."
            + " user,item,category,action,ts");
    m.put(
        "event-id-column",
        "column of the event id; empty: derive ids from a hash of each row (default event_id)");
    m.put("session-column", "column of the session id; empty: none (default session_id)");
    m.put("page-column", "column of the page or URL path (default page)");
    m.put("item-column", "column of the product id (default item_id)");
    m.put("category-column", "column of the product category (default category)");
    m.put("price-column", "column of the unit price (default price)");
    m.put("quantity-column", "column of the quantity; empty cells mean 1 (default quantity)");
    m.put("dwell-column", "column of the time on page (default dwell_ms)");
    m.put("dwell-unit", "seconds or millis (default millis)");
    m.put("device-column", "column of the device class (default device)");
    m.put("traffic-source-column", "column of the traffic source (default traffic_source)");
    m.put(
        "attributes-column",
        "column of attributes as key=value&key2=value2, URL-encoded (default attributes)");
    m.put(
        "extra-columns-as-attributes",
        "true: every other column becomes an attribute (default false)");
    m.put(
        "delimiter",
        "field separator, one character, 'tab', or 'whitespace' for runs of blanks (default ,)");
    m.put(
        "time-format",
        "EPOCH_SECONDS, EPOCH_MILLIS, ISO_8601 or a pattern like yyyy-MM-dd HH:mm:ss (default ISO_8601)");
    m.put("time-zone", "zone for times without one, e.g. Europe/Berlin (default UTC)");
    m.put(
        "type-map",
        "event type names of the file, e.g. buy=PURCHASE,pv=PAGE_VIEW; EventType names always work");
    return Collections.unmodifiableMap(m);
  }
}
