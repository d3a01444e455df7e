package io.propensity.sources.csv;

import io.propensity.engine.event.EventValidator;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** The CSV formats events can be imported from, by the name a command line uses. */
public enum EventSourceFormats {
  /** A user's own layout, described by {@link GenericCsvFormat} options. */
  GENERIC(
      "generic", "your own CSV layout, configured with options (see GenericCsvFormat.OPTIONS)") {
    @Override
    public EventImporter importer(Map<String, String> options, EventValidator validator) {
      return new GenericCsvImporter(GenericCsvFormat.fromOptions(options), validator);
    }
  },
  /** The Retailrocket dataset's events.csv. */
  RETAILROCKET(
      "retailrocket", "Retailrocket events.csv (timestamp,visitorid,event,itemid,transactionid)") {
    @Override
    public EventImporter importer(Map<String, String> options, EventValidator validator) {
      noOptions(options);
      return new RetailrocketCsvImporter(validator);
    }
  },
  /** The REES46 multi-category store dataset. */
  REES46(
      "rees46", "REES46 store logs (event_time,event_type,product_id,...,user_id,user_session)") {
    @Override
    public EventImporter importer(Map<String, String> options, EventValidator validator) {
      noOptions(options);
      return new Rees46CsvImporter(validator);
    }
  };

  private final String cliName;
  private final String description;

  EventSourceFormats(String cliName, String description) {
    this.cliName = cliName;
    this.description = description;
  }

  /** The name on a command line: {@code generic}, {@code retailrocket} or {@code rees46}. */
  public String cliName() {
    return cliName;
  }

  /** One line for help texts. */
  public String description() {
    return description;
  }

  /**
   * An importer of this format.
   *
   * @param options format options (only {@link #GENERIC} takes any; see {@link
   *     GenericCsvFormat#OPTIONS})
   * @throws IllegalArgumentException for an unknown option or a bad value
   */
  public abstract EventImporter importer(Map<String, String> options, EventValidator validator);

  /** An importer with default options that judges "the future" by the system clock. */
  public EventImporter importer() {
    return importer(Map.of(), EventValidator.systemDefault());
  }

  /**
   * The format with this name, ignoring case.
   *
   * @throws IllegalArgumentException naming the known formats, for an unknown name
   */
  public static EventSourceFormats byName(String name) {
    for (EventSourceFormats f : values()) {
      if (f.cliName.equalsIgnoreCase(name.strip()) || f.name().equalsIgnoreCase(name.strip())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown event source format '"
            + name
            + "'; known: "
            + Arrays.stream(values())
                .map(EventSourceFormats::cliName)
                .collect(Collectors.joining(", ")));
  }

  final void noOptions(Map<String, String> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "the "
              + cliName
              + " format takes no options, got: "
              + String.join(", ", options.keySet().stream().sorted().toList()));
    }
  }
}
