package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.EventValidator;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Imports the Retailrocket e-commerce dataset's {@code events.csv}: header {@code
 * timestamp,visitorid,event,itemid,transactionid}, times in epoch milliseconds, events {@code view}
 * (product view), {@code addtocart} and {@code transaction} (purchase). The transaction id is kept
 * as attribute {@code transaction_id}; the file has no prices, sessions or event ids (ids are
 * derived from each row's content).
 */
public final class RetailrocketCsvImporter implements EventImporter {

  /** The file's event names and what they mean. */
  public static final Map<String, EventType> EVENT_TYPES =
      Map.of(
          "view", EventType.PRODUCT_VIEW,
          "addtocart", EventType.ADD_TO_CART,
          "transaction", EventType.PURCHASE);

  private final EventValidator validator;

  /** An importer that judges "the future" by the system clock. */
  public RetailrocketCsvImporter() {
    this(EventValidator.systemDefault());
  }

  public RetailrocketCsvImporter(EventValidator validator) {
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  @Override
  public String formatName() {
    return "retailrocket";
  }

  @Override
  public EventImport open(Reader reader) {
    return EventImport.open(reader, ',', Mapper::new, validator);
  }

  private static final class Mapper implements RowMapper {
    private static final List<String> REQUIRED =
        List.of("timestamp", "visitorid", "event", "itemid");
    private final CsvHeader header;
    private final int timestamp;
    private final int visitor;
    private final int event;
    private final int item;
    private final int transaction;
    private final List<String> warnings = new ArrayList<>();
    private final Function<String, Instant> timeParser = TimeFormat.EPOCH_MILLIS.parser();
    private final ContentIds ids = new ContentIds("rr-");

    Mapper(CsvHeader header) {
      this.header = header;
      List<String> missing = REQUIRED.stream().filter(c -> header.find(c).isEmpty()).toList();
      if (!missing.isEmpty()) {
        throw header.missing(missing, "Retailrocket");
      }
      timestamp = header.find("timestamp").get();
      visitor = header.find("visitorid").get();
      event = header.find("event").get();
      item = header.find("itemid").get();
      transaction = header.find("transactionid").orElse(-1);
      if (transaction < 0) {
        warnings.add("no column 'transactionid': purchases carry no transaction id");
      }
    }

    @Override
    public Optional<Event> map(List<String> v, List<RowProblem> problems) {
      Optional<Instant> at =
          Cells.time(
              v.get(timestamp),
              "timestamp",
              timeParser,
              TimeFormat.EPOCH_MILLIS.description(),
              problems);
      Optional<String> visitorId =
          Cells.required(v.get(visitor), "visitorid", "the visitor id", problems);
      Optional<String> itemId = Cells.required(v.get(item), "itemid", "the item id", problems);
      String name = v.get(event);
      EventType type = EVENT_TYPES.get(name.toLowerCase(Locale.ROOT));
      if (name.isEmpty()) {
        problems.add(RowProblem.at("event", "the event type is empty"));
      } else if (type == null) {
        problems.add(
            RowProblem.at(
                "event",
                "unknown event type '" + name + "'; expected view, addtocart or transaction"));
      }
      if (!problems.isEmpty()) {
        return Optional.empty();
      }
      String tx = transaction < 0 ? "" : v.get(transaction);
      return Optional.of(
          Event.builder(ids.of(v), visitorId.get(), at.get(), type)
              .itemId(itemId.get())
              .attributes(tx.isEmpty() ? Map.of() : Map.of("transaction_id", tx))
              .build());
    }

    @Override
    public Optional<String> columnOf(String field) {
      switch (field) {
        case "user_id":
          return Optional.of("visitorid");
        case "occurred_at":
          return Optional.of("timestamp");
        case "item_id":
          return Optional.of("itemid");
        case "attributes":
          return transaction < 0 ? Optional.empty() : Optional.of(header.names().get(transaction));
        default:
          return Optional.empty();
      }
    }

    @Override
    public List<String> warnings() {
      return List.copyOf(warnings);
    }
  }
}
