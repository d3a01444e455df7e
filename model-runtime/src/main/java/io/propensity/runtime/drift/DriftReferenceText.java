package io.propensity.runtime.drift;

import io.propensity.runtime.drift.FeatureReference.Kind;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored form of a {@link DriftReference}: a few lines of text (one per distribution, fields
 * separated by tabs, names URL-encoded, numbers in Java's notation), carried in the version's HTML
 * training report inside a hidden {@code <pre id="propensity-drift-reference">} (never a script:
 * the report runs none; every name and label is URL-encoded, so the text holds no markup), so a
 * version stores and serves it with its report and older reports simply lack it.
 */
public final class DriftReferenceText {
  /** The first line; a change of the form changes its number. */
  public static final String HEADER = "propensity-drift-reference 1";

  private static final String OPEN = "<pre hidden=\"hidden\" id=\"propensity-drift-reference\">";
  private static final String CLOSE = "</pre>";

  private DriftReferenceText() {}

  /** The text of {@code r}. */
  public static String write(DriftReference r) {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    b.append("rows\t").append(r.rows()).append('\t').append(r.scoreRows()).append('\n');
    line(b, "score", r.score());
    for (FeatureReference f : r.features()) {
      line(b, "feature", f);
    }
    return b.toString();
  }

  /**
   * The reference written by {@link #write}.
   *
   * @throws IllegalArgumentException when the text is not one
   */
  public static DriftReference read(String text) {
    String[] lines = text.strip().split("\n");
    if (lines.length < 3 || !lines[0].strip().equals(HEADER)) {
      throw new IllegalArgumentException("not a drift reference (expected '" + HEADER + "')");
    }
    String[] rows = lines[1].split("\t");
    if (rows.length != 3 || !rows[0].equals("rows")) {
      throw new IllegalArgumentException("drift reference line 2: expected rows");
    }
    FeatureReference score = null;
    List<FeatureReference> features = new ArrayList<>();
    for (int i = 2; i < lines.length; i++) {
      String[] f = lines[i].split("\t", -1);
      if (f.length != 7) {
        throw new IllegalArgumentException(
            "drift reference line " + (i + 1) + ": 7 fields expected");
      }
      FeatureReference ref =
          new FeatureReference(
              decode(f[1]),
              Kind.valueOf(f[2]),
              numbers(f[3]),
              numbers(f[4]),
              strings(f[5]),
              numbers(f[6]));
      switch (f[0]) {
        case "score" -> score = ref;
        case "feature" -> features.add(ref);
        default ->
            throw new IllegalArgumentException(
                "drift reference line " + (i + 1) + ": unknown kind " + f[0]);
      }
    }
    if (score == null) {
      throw new IllegalArgumentException("drift reference without a score line");
    }
    return new DriftReference(Long.parseLong(rows[1]), Long.parseLong(rows[2]), features, score);
  }

  /** {@code html} with {@code r} embedded before its closing body tag (or at its end). */
  public static String embed(String html, DriftReference r) {
    String block = OPEN + "\n" + write(r) + CLOSE + "\n";
    int body = html.lastIndexOf("</body>");
    return body < 0 ? html + block : html.substring(0, body) + block + html.substring(body);
  }

  /**
   * The reference embedded in a report; empty when the report carries none (versions trained before
   * references were recorded).
   *
   * @throws IllegalArgumentException when the embedded text is not a reference
   */
  public static Optional<DriftReference> extract(String html) {
    int open = html.indexOf(OPEN);
    if (open < 0) {
      return Optional.empty();
    }
    int start = open + OPEN.length();
    int end = html.indexOf(CLOSE, start);
    if (end < 0) {
      throw new IllegalArgumentException("drift reference block is not closed");
    }
    return Optional.of(read(html.substring(start, end)));
  }

  private static void line(StringBuilder b, String what, FeatureReference f) {
    b.append(what).append('\t').append(encode(f.name())).append('\t').append(f.kind().name());
    b.append('\t').append(numbers(f.edges())).append('\t').append(numbers(f.codes()));
    b.append('\t');
    List<String> labels = f.labels();
    b.append(labels.size()).append(':');
    for (int i = 0; i < labels.size(); i++) {
      b.append(i == 0 ? "" : ",").append(encode(labels.get(i)));
    }
    b.append('\t').append(numbers(f.shares())).append('\n');
  }

  private static String numbers(double[] values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ",").append(values[i]);
    }
    return b.toString();
  }

  private static double[] numbers(String field) {
    if (field.isEmpty()) {
      return new double[0];
    }
    String[] parts = field.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i]);
    }
    return out;
  }

  private static List<String> strings(String field) {
    int colon = field.indexOf(':');
    int n = Integer.parseInt(field.substring(0, colon));
    if (n == 0) {
      return List.of();
    }
    String[] parts = field.substring(colon + 1).split(",", -1);
    if (parts.length != n) {
      throw new IllegalArgumentException("expected " + n + " labels, got " + parts.length);
    }
    List<String> out = new ArrayList<>(n);
    for (String p : parts) {
      out.add(decode(p));
    }
    return out;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
