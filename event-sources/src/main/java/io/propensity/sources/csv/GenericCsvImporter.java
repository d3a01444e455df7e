package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.EventValidator;
import java.io.Reader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/** Imports CSV files in a user's own layout, described by a {@link GenericCsvFormat}. */
public final class GenericCsvImporter implements EventImporter {

  private final GenericCsvFormat format;
  private final EventValidator validator;

  /** An importer that judges "the future" by the system clock. */
  public GenericCsvImporter(GenericCsvFormat format) {
    this(format, EventValidator.systemDefault());
  }

  public GenericCsvImporter(GenericCsvFormat format, EventValidator validator) {
    this.format = Objects.requireNonNull(format, "format");
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  public GenericCsvFormat format() {
    return format;
  }

  @Override
  public String formatName() {
    return "generic";
  }

  @Override
  public EventImport open(Reader reader) {
    return EventImport.open(
        reader,
        format.delimiter(),
        format.whitespaceDelimited(),
        format.headerlessColumns(),
        header -> new Mapper(format, header),
        validator);
  }

  /** The format bound to one header. */
  private static final class Mapper implements RowMapper {
    private static final int ABSENT = -1;
    private final GenericCsvFormat f;
    private final CsvHeader header;
    private final Map<String, String> columnByField = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final int user;
    private final int time;
    private final int type;
    private final int eventId;
    private final int session;
    private final int page;
    private final int item;
    private final int category;
    private final int price;
    private final int quantity;
    private final int dwell;
    private final int device;
    private final int trafficSource;
    private final int attributes;
    private final int[] extras;
    private final Function<String, Instant> timeParser;
    private final ContentIds ids = new ContentIds("csv-");

    Mapper(GenericCsvFormat f, CsvHeader header) {
      this.f = f;
      this.header = header;
      List<String> missing = new ArrayList<>();
      List<String> requiredColumns = new ArrayList<>(List.of(f.userColumn(), f.timeColumn()));
      f.typeColumn().ifPresent(requiredColumns::add);
      for (String required : requiredColumns) {
        if (header.find(required).isEmpty()) {
          missing.add(required);
        }
      }
      if (!missing.isEmpty()) {
        throw header.missing(missing, "generic CSV");
      }
      Set<Integer> mapped = new HashSet<>();
      user = bind("user_id", Optional.of(f.userColumn()), mapped);
      time = bind("occurred_at", Optional.of(f.timeColumn()), mapped);
      type = bind("type", f.typeColumn(), mapped);
      eventId = bind("event_id", f.eventIdColumn(), mapped);
      session = bind("session_id", f.sessionColumn(), mapped);
      page = bind("page", f.pageColumn(), mapped);
      item = bind("item_id", f.itemColumn(), mapped);
      category = bind("category", f.categoryColumn(), mapped);
      price = bind("price", f.priceColumn(), mapped);
      quantity = bind("quantity", f.quantityColumn(), mapped);
      dwell = bind("dwell", f.dwellColumn(), mapped);
      device = bind("device", f.deviceColumn(), mapped);
      trafficSource = bind("traffic_source", f.trafficSourceColumn(), mapped);
      attributes = bind("attributes", f.attributesColumn(), mapped);
      List<Integer> rest = new ArrayList<>();
      List<String> restNames = new ArrayList<>();
      for (int i = 0; i < header.size(); i++) {
        if (!mapped.contains(i) && !header.names().get(i).isEmpty()) {
          rest.add(i);
          restNames.add(header.names().get(i));
        }
      }
      if (f.extraColumnsAsAttributes()) {
        extras = rest.stream().mapToInt(Integer::intValue).toArray();
      } else {
        extras = new int[0];
        if (!restNames.isEmpty()) {
          warnings.add(
              "columns not imported: "
                  + String.join(", ", restNames)
                  + " (extra-columns-as-attributes=true keeps them as attributes)");
        }
      }
      if (eventId == ABSENT) {
        warnings.add("no event id column: ids are derived from a hash of each row");
      }
      timeParser = f.timeFormat().parser();
    }

    private int bind(String field, Optional<String> column, Set<Integer> mapped) {
      if (column.isEmpty()) {
        return ABSENT;
      }
      Optional<Integer> index = header.find(column.get());
      if (index.isEmpty()) {
        warnings.add("no column '" + column.get() + "' in the header: " + field + " is left empty");
        return ABSENT;
      }
      mapped.add(index.get());
      columnByField.put(field, header.names().get(index.get()));
      return index.get();
    }

    @Override
    public Optional<String> columnOf(String field) {
      return Optional.ofNullable(columnByField.get(field));
    }

    @Override
    public List<String> warnings() {
      return List.copyOf(warnings);
    }

    private String name(int index) {
      return header.names().get(index);
    }

    private static String cell(List<String> values, int index) {
      return index == ABSENT ? "" : values.get(index);
    }

    @Override
    public Optional<Event> map(List<String> v, List<RowProblem> problems) {
      Optional<String> userId = Cells.required(v.get(user), name(user), "the user id", problems);
      Optional<Instant> at =
          Cells.time(v.get(time), name(time), timeParser, f.timeFormat().description(), problems);
      Optional<EventType> eventType = f.fixedType();
      String typeCell = cell(v, type);
      if (type == ABSENT) {
        // every row has the format's fixed type
      } else if (typeCell.isEmpty()) {
        problems.add(RowProblem.at(name(type), "the event type is empty"));
      } else {
        eventType = f.resolveType(typeCell);
        if (eventType.isEmpty()) {
          problems.add(
              RowProblem.at(
                  name(type),
                  "unknown event type '"
                      + typeCell
                      + "'; accepted: "
                      + String.join(", ", f.acceptedTypeNames())
                      + " (add others with type-map)"));
        }
      }
      OptionalDouble unitPrice =
          price == ABSENT
              ? OptionalDouble.empty()
              : Cells.decimal(v.get(price), name(price), problems);
      OptionalInt units =
          quantity == ABSENT
              ? OptionalInt.empty()
              : Cells.integer(v.get(quantity), name(quantity), problems);
      Optional<Duration> dwellTime =
          dwell == ABSENT
              ? Optional.empty()
              : Cells.duration(
                  v.get(dwell),
                  name(dwell),
                  f.dwellUnit() == GenericCsvFormat.DwellUnit.MILLIS,
                  problems);
      Map<String, String> attrs = Map.of();
      if (extras.length > 0 || (attributes != ABSENT && !v.get(attributes).isEmpty())) {
        attrs = new HashMap<>();
      }
      for (int i : extras) {
        if (!v.get(i).isEmpty()) {
          attrs.put(name(i), v.get(i));
        }
      }
      if (attributes != ABSENT && !v.get(attributes).isEmpty()) {
        try {
          AttributeCodec.decode(v.get(attributes), attrs);
        } catch (IllegalArgumentException e) {
          problems.add(RowProblem.at(name(attributes), e.getMessage()));
        }
      }
      if (!problems.isEmpty()) {
        return Optional.empty();
      }
      String id = cell(v, eventId);
      Event.Builder b =
          Event.builder(id.isEmpty() ? ids.of(v) : id, userId.get(), at.get(), eventType.get())
              .sessionId(cell(v, session))
              .page(cell(v, page))
              .itemId(cell(v, item))
              .category(cell(v, category))
              .quantity(units.orElse(1))
              .dwell(dwellTime.orElse(null))
              .device(cell(v, device))
              .trafficSource(cell(v, trafficSource))
              .attributes(attrs);
      unitPrice.ifPresent(b::price);
      return Optional.of(b.build());
    }
  }
}
