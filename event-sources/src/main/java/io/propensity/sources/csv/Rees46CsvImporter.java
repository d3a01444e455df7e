package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.EventValidator;
import java.io.Reader;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Imports the REES46 multi-category store dataset: header {@code event_time,event_type,product_id,
 * category_id,category_code,brand,price,user_id,user_session}, times like {@code 2019-10-01
 * 00:00:00 UTC}, events {@code view}, {@code cart}, {@code remove_from_cart}, {@code purchase}. The
 * category is {@code category_code} when given, else {@code category_id}; {@code brand} (and {@code
 * category_id} when the code is used) are kept as attributes; {@code user_session} is the session
 * id. The file has no event ids: they are derived from each row's content.
 */
public final class Rees46CsvImporter implements EventImporter {

  /** The file's event names and what they mean. */
  public static final Map<String, EventType> EVENT_TYPES =
      Map.of(
          "view", EventType.PRODUCT_VIEW,
          "cart", EventType.ADD_TO_CART,
          "remove_from_cart", EventType.REMOVE_FROM_CART,
          "purchase", EventType.PURCHASE);

  /** How the file writes times. */
  public static final TimeFormat TIME_FORMAT =
      new TimeFormat.Pattern("yyyy-MM-dd HH:mm:ss z", ZoneOffset.UTC);

  private final EventValidator validator;

  /** An importer that judges "the future" by the system clock. */
  public Rees46CsvImporter() {
    this(EventValidator.systemDefault());
  }

  public Rees46CsvImporter(EventValidator validator) {
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  @Override
  public String formatName() {
    return "rees46";
  }

  @Override
  public EventImport open(Reader reader) {
    return EventImport.open(reader, ',', Mapper::new, validator);
  }

  private static final class Mapper implements RowMapper {
    private static final List<String> REQUIRED =
        List.of("event_time", "event_type", "product_id", "user_id");
    private static final List<String> OPTIONAL =
        List.of("category_id", "category_code", "brand", "price", "user_session");
    private final int time;
    private final int type;
    private final int product;
    private final int user;
    private final int categoryId;
    private final int categoryCode;
    private final int brand;
    private final int price;
    private final int session;
    private final List<String> warnings = new ArrayList<>();
    private final Function<String, Instant> formatter = TIME_FORMAT.parser();
    private final Function<String, Instant> timeParser =
        s -> {
          Instant fast = FastInstant.parseOrNull(s);
          return fast != null ? fast : formatter.apply(s);
        };
    private final ContentIds ids = new ContentIds("rees46-");

    Mapper(CsvHeader header) {
      List<String> missing = REQUIRED.stream().filter(c -> header.find(c).isEmpty()).toList();
      if (!missing.isEmpty()) {
        throw header.missing(missing, "REES46");
      }
      for (String c : OPTIONAL) {
        if (header.find(c).isEmpty()) {
          warnings.add("no column '" + c + "': it is left empty");
        }
      }
      time = header.find("event_time").get();
      type = header.find("event_type").get();
      product = header.find("product_id").get();
      user = header.find("user_id").get();
      categoryId = header.find("category_id").orElse(-1);
      categoryCode = header.find("category_code").orElse(-1);
      brand = header.find("brand").orElse(-1);
      price = header.find("price").orElse(-1);
      session = header.find("user_session").orElse(-1);
    }

    private static String cell(List<String> v, int index) {
      return index < 0 ? "" : v.get(index);
    }

    @Override
    public Optional<Event> map(List<String> v, List<RowProblem> problems) {
      Optional<Instant> at =
          Cells.time(
              v.get(time),
              "event_time",
              timeParser,
              "a time like 2019-10-01 00:00:00 UTC",
              problems);
      Optional<String> userId = Cells.required(v.get(user), "user_id", "the user id", problems);
      Optional<String> itemId =
          Cells.required(v.get(product), "product_id", "the product id", problems);
      String name = v.get(type);
      EventType eventType = EVENT_TYPES.get(name.toLowerCase(Locale.ROOT));
      if (name.isEmpty()) {
        problems.add(RowProblem.at("event_type", "the event type is empty"));
      } else if (eventType == null) {
        problems.add(
            RowProblem.at(
                "event_type",
                "unknown event type '"
                    + name
                    + "'; expected view, cart, remove_from_cart or purchase"));
      }
      OptionalDouble unitPrice = Cells.decimal(cell(v, price), "price", problems);
      if (!problems.isEmpty()) {
        return Optional.empty();
      }
      String code = cell(v, categoryCode);
      String catId = cell(v, categoryId);
      Map<String, String> attrs = new HashMap<>(4);
      if (!cell(v, brand).isEmpty()) {
        attrs.put("brand", cell(v, brand));
      }
      if (!code.isEmpty() && !catId.isEmpty()) {
        attrs.put("category_id", catId);
      }
      Event.Builder b =
          Event.builder(ids.of(v), userId.get(), at.get(), eventType)
              .itemId(itemId.get())
              .category(code.isEmpty() ? catId : code)
              .sessionId(cell(v, session))
              .attributes(attrs);
      unitPrice.ifPresent(b::price);
      return Optional.of(b.build());
    }

    @Override
    public Optional<String> columnOf(String field) {
      switch (field) {
        case "user_id":
          return Optional.of("user_id");
        case "occurred_at":
          return Optional.of("event_time");
        case "item_id":
          return Optional.of("product_id");
        case "session_id":
          return Optional.of("user_session");
        case "price":
          return Optional.of("price");
        case "category":
          return Optional.of("category_code");
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
