package io.propensity.sources.csv;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/** How a CSV column writes a point in time. */
public sealed interface TimeFormat
    permits TimeFormat.EpochSeconds,
        TimeFormat.EpochMillis,
        TimeFormat.Iso8601,
        TimeFormat.Pattern {

  /** Seconds since 1970-01-01T00:00:00Z, decimals allowed ({@code 1569888000.25}). */
  TimeFormat EPOCH_SECONDS = new EpochSeconds();

  /** Milliseconds since 1970-01-01T00:00:00Z ({@code 1433221332117}). */
  TimeFormat EPOCH_MILLIS = new EpochMillis();

  /** ISO 8601 with an offset ({@code 2019-10-01T00:00:00Z}); times without one are read as UTC. */
  TimeFormat ISO_8601 = new Iso8601(ZoneOffset.UTC);

  /**
   * Parses a format spec: {@code EPOCH_SECONDS}, {@code EPOCH_MILLIS}, {@code ISO_8601} (any case,
   * {@code -} for {@code _}), else a {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd
   * HH:mm:ss}. {@code zone} applies to times that carry no zone or offset of their own.
   *
   * @throws IllegalArgumentException for an invalid pattern
   */
  static TimeFormat parse(String spec, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    String s = spec.strip();
    switch (s.toUpperCase(Locale.ROOT).replace('-', '_')) {
      case "EPOCH_SECONDS":
        return EPOCH_SECONDS;
      case "EPOCH_MILLIS":
        return EPOCH_MILLIS;
      case "ISO_8601":
      case "ISO":
        return new Iso8601(zone);
      default:
        return new Pattern(s, zone);
    }
  }

  /** Words for error messages, e.g. {@code epoch milliseconds}. */
  String description();

  /**
   * A parser for one import (it may keep a small cache, so do not share it between threads); it
   * throws {@link DateTimeException} or {@link NumberFormatException} for text it cannot read.
   */
  Function<String, Instant> parser();

  /**
   * A decimal epoch value whose scaling stays cheap: {@code BigDecimal} would scale {@code
   * 1e2000000} by computing ten to that power (a file could hang an import), and {@code
   * longValue()} would wrap a huge value into a wrong time instead of refusing it.
   *
   * @throws DateTimeException when the text is too long or the value is beyond any epoch time
   * @throws NumberFormatException when it is no number
   */
  private static BigDecimal boundedDecimal(String s) {
    // longer than the digits, sign, point and exponent of any real epoch time
    if (s.length() > 40) {
      throw new DateTimeException("'" + s.substring(0, 20) + "…' is too long for an epoch time");
    }
    BigDecimal d = new BigDecimal(s);
    if (d.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long integerDigits = (long) d.precision() - d.scale();
    if (integerDigits > 20) {
      throw new DateTimeException(s + " is out of range for an epoch time");
    }
    if (integerDigits < -20) {
      return BigDecimal.ZERO; // far below a nanosecond
    }
    return d;
  }

  /** See {@link #EPOCH_SECONDS}. */
  record EpochSeconds() implements TimeFormat {
    @Override
    public String description() {
      return "epoch seconds";
    }

    @Override
    public Function<String, Instant> parser() {
      return s -> {
        if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
          return Instant.ofEpochSecond(Long.parseLong(s));
        }
        BigDecimal seconds = boundedDecimal(s);
        BigInteger whole = seconds.toBigInteger();
        if (whole.bitLength() > 63) {
          throw new DateTimeException(s + " seconds is out of range");
        }
        long nanos = seconds.subtract(new BigDecimal(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole.longValue(), nanos);
      };
    }
  }

  /** See {@link #EPOCH_MILLIS}. */
  record EpochMillis() implements TimeFormat {
    @Override
    public String description() {
      return "epoch milliseconds";
    }

    @Override
    public Function<String, Instant> parser() {
      return s -> {
        if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
          return Instant.ofEpochMilli(Long.parseLong(s));
        }
        BigInteger nanos = boundedDecimal(s).movePointRight(6).toBigInteger();
        if (nanos.bitLength() > 63) {
          throw new DateTimeException(s + " milliseconds is out of range");
        }
        return Instant.EPOCH.plusNanos(nanos.longValue());
      };
    }
  }

  /**
   * ISO 8601 date-time; a space may stand for the {@code T}; times without offset are in {@code
   * zone}.
   */
  record Iso8601(ZoneId zone) implements TimeFormat {
    public Iso8601 {
      Objects.requireNonNull(zone, "zone");
    }

    @Override
    public String description() {
      return "an ISO 8601 date-time such as 2019-10-01T00:00:00Z";
    }

    @Override
    public Function<String, Instant> parser() {
      return cached(
          s -> {
            Instant fast = FastInstant.parseOrNull(s);
            if (fast != null) {
              return fast;
            }
            String text =
                s.length() > 10 && s.charAt(10) == ' '
                    ? s.substring(0, 10) + 'T' + s.substring(11)
                    : s;
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(text);
            if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
              return Instant.from(t);
            }
            return LocalDateTime.from(t).atZone(zone).toInstant();
          });
    }
  }

  /**
   * A {@link DateTimeFormatter} pattern; a zone or offset in the text wins over {@code zone}; a
   * date-only pattern means the start of that day.
   */
  record Pattern(String pattern, ZoneId zone) implements TimeFormat {
    public Pattern {
      Objects.requireNonNull(zone, "zone");
      var unused = DateTimeFormatter.ofPattern(pattern, Locale.ROOT); // fails now, not per row
    }

    @Override
    public String description() {
      return "the pattern '" + pattern + "'";
    }

    @Override
    public Function<String, Instant> parser() {
      DateTimeFormatter f = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
      return cached(
          s -> {
            TemporalAccessor t = f.parse(s);
            if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
              return Instant.from(t);
            }
            ZoneId textZone = t.query(TemporalQueries.zone());
            ZoneId z = textZone != null ? textZone : zone;
            if (t.isSupported(ChronoField.HOUR_OF_DAY)) {
              return LocalDateTime.from(t).atZone(z).toInstant();
            }
            return LocalDate.from(t).atStartOfDay(z).toInstant();
          });
    }
  }

  /**
   * Remembers the last text parsed: logs sorted by time repeat the same second many times, and
   * formatter parsing is the costly part of a row.
   */
  private static Function<String, Instant> cached(Function<String, Instant> parse) {
    return new Function<>() {
      private String lastText;
      private Instant lastInstant;

      @Override
      public Instant apply(String s) {
        if (!s.equals(lastText)) {
          lastInstant = parse.apply(s);
          lastText = s;
        }
        return lastInstant;
      }
    };
  }
}
