package io.propensity.sources.csv;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Attributes in one cell as {@code key=value&key2=value2}, each side URL-encoded, keys sorted. */
final class AttributeCodec {
  private AttributeCodec() {}

  static String encode(Map<String, String> attributes) {
    if (attributes.isEmpty()) {
      return "";
    }
    return new TreeMap<>(attributes)
        .entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
  }

  /**
   * Decodes a cell into {@code into}.
   *
   * @throws IllegalArgumentException naming the problem: a pair without {@code =}, bad
   *     percent-encoding, a key given twice
   */
  static void decode(String cell, Map<String, String> into) {
    if (cell.isEmpty()) {
      return;
    }
    for (String pair : cell.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("'" + pair + "' is not of the form key=value");
      }
      String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (into.put(key, value) != null) {
        throw new IllegalArgumentException("attribute '" + key + "' is given twice");
      }
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
