package io.propensity.sources.csv;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one time shape that most logs use, {@code yyyy-MM-dd[T| ]HH:mm:ss[.f…](Z|UTC| UTC)},
 * without {@link java.time.format.DateTimeFormatter}, whose per-call allocations dominate a row's
 * cost; other shapes are left to the formatter.
 */
final class FastInstant {
  private FastInstant() {}

  /**
   * The instant, or null when the text has another shape.
   *
   * @throws DateTimeException when the shape matches but a field is out of range (month 13)
   */
  static Instant parseOrNull(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || (s.charAt(10) != 'T' && s.charAt(10) != ' ')) {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i == start) {
        return null;
      }
      for (int k = i - start; k < 9; k++) {
        nanos *= 10;
      }
    }
    String zone = s.substring(i);
    if (!zone.equals("Z") && !zone.equals("UTC") && !zone.equals(" UTC")) {
      return null;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw new DateTimeException("time of day out of range: " + s);
    }
    long days = LocalDate.of(year, month, day).toEpochDay(); // validates month and day
    return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
  }

  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
