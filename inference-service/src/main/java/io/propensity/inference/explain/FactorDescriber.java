package io.propensity.inference.explain;

import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureSpec;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.features.FeatureWindow;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.runtime.table.CategoryLevels;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders one factor of a prediction for people, from the schema's own feature descriptions, e.g.
 * {@code Sessions in the last 7 days: 3 (raises)} or {@code Most frequent known device: mobile
 * (lowers)}. The phrase of each feature is derived once: the description's first clause, without
 * parentheticals, with the cutoff T read as "now" and "the window" named.
 */
public final class FactorDescriber {
  private static final Pattern LEVEL = Pattern.compile("(\\d+) ([^,;]+)");
  private static final Pattern PARENTHETICAL = Pattern.compile("\\s*\\([^)]*\\)");
  private static final Pattern CUTOFF = Pattern.compile("\\bT\\b");

  /** A snake_case feature name inside a description: the description is a formula. */
  private static final Pattern FORMULA = Pattern.compile("\\b[a-z]+(_[a-z0-9]+)+\\b");

  private static final Pattern WINDOW_SUFFIX = Pattern.compile("_(1d|7d|30d|lifetime)$");

  private final FeatureSchema schema;
  private final String[] phrases;
  private final List<List<String>> levels;

  public FactorDescriber(FeatureSchema schema) {
    this.schema = schema;
    this.phrases = new String[schema.size()];
    this.levels = new ArrayList<>(schema.size());
    for (int i = 0; i < schema.size(); i++) {
      FeatureSpec f = schema.features().get(i);
      phrases[i] = phrase(f);
      levels.add(f.type() == FeatureType.CATEGORICAL ? levels(f.description()) : List.of());
    }
  }

  public FeatureSchema schema() {
    return schema;
  }

  /** The phrase of a feature without a value, e.g. {@code Sessions in the last 7 days}. */
  public String phrase(int feature) {
    return phrases[feature];
  }

  /** {@code phrase: value (raises|lowers)} for one feature's value and SHAP contribution. */
  public String describe(int feature, double value, double contribution) {
    String effect = contribution > 0 ? "raises" : contribution < 0 ? "lowers" : "no effect";
    return phrases[feature] + ": " + render(feature, value) + " (" + effect + ")";
  }

  /** The value as people read it: levels by name, booleans as yes/no, numbers rounded. */
  public String render(int feature, double value) {
    if (Double.isNaN(value)) {
      return "missing";
    }
    FeatureType type = schema.features().get(feature).type();
    if (type == FeatureType.BOOLEAN && (value == 0 || value == 1)) {
      return value == 1 ? "yes" : "no";
    }
    if (type == FeatureType.CATEGORICAL && value == Math.rint(value) && value >= 0) {
      List<String> names = levels.get(feature);
      int index = (int) value;
      if (index < names.size() && names.get(index) != null) {
        return names.get(index);
      }
    }
    return number(value);
  }

  /**
   * A factor of a PROVIDED model, named as in the team's table: {@code Month: Nov (raises)}, a
   * categorical value by its level's name, a boolean as yes/no.
   */
  public static String describeProvided(
      ModelSchema.Feature feature, double value, double contribution) {
    String effect = contribution > 0 ? "raises" : contribution < 0 ? "lowers" : "no effect";
    return feature.name() + ": " + renderProvided(feature, value) + " (" + effect + ")";
  }

  private static String renderProvided(ModelSchema.Feature feature, double value) {
    if (Double.isNaN(value)) {
      return "missing";
    }
    FeatureType type = feature.type().orElse(FeatureType.NUMERIC);
    if (type == FeatureType.BOOLEAN && (value == 0 || value == 1)) {
      return value == 1 ? "yes" : "no";
    }
    if (type == FeatureType.CATEGORICAL && value == Math.rint(value) && value >= 0) {
      int code = (int) value;
      if (code == CategoryLevels.MISSING_CODE) {
        return "missing";
      }
      if (code < feature.categories().size()) {
        return feature.categories().get(code);
      }
    }
    return number(value);
  }

  static String number(double value) {
    if (Double.isInfinite(value)) {
      return value > 0 ? "infinity" : "-infinity";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    if (Math.abs(value) >= 1000) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return BigDecimal.valueOf(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  static String phrase(FeatureSpec f) {
    String d = f.description().strip();
    int colon = d.indexOf(": ");
    String text = colon > 0 ? d.substring(0, colon) : firstClause(d);
    if (FORMULA.matcher(text).find() || Character.isDigit(text.charAt(0))) {
      // "a / b" or "1 when ...": the feature's own name reads better.
      return humanName(f);
    }
    text = PARENTHETICAL.matcher(text).replaceAll("");
    text = text.replace("at or before T", "up to now");
    text = CUTOFF.matcher(text).replaceAll("now");
    String window = windowWords(f.window());
    if (window != null) {
      if (text.contains("the window")) {
        text = text.replace("the window", window);
      } else {
        text = text + " (" + window.replaceFirst("^the ", "") + ")";
      }
    } else if (f.window() == FeatureWindow.CURRENT_SESSION
        && !text.toLowerCase(Locale.ROOT).contains("session")) {
      text = text + " (current session)";
    }
    text = text.strip();
    return text.isEmpty() ? f.name() : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** {@code mean_order_value_30d} as {@code Mean order value (last 30 days)}. */
  static String humanName(FeatureSpec f) {
    String words = WINDOW_SUFFIX.matcher(f.name()).replaceFirst("").replace('_', ' ');
    String window =
        switch (f.window()) {
          case DAY_1 -> " (last 24 hours)";
          case DAYS_7 -> " (last 7 days)";
          case DAYS_30 -> " (last 30 days)";
          case LIFETIME -> " (all time)";
          case CURRENT_SESSION -> words.startsWith("session") ? "" : " (current session)";
        };
    return Character.toUpperCase(words.charAt(0)) + words.substring(1) + window;
  }

  private static String firstClause(String d) {
    int semicolon = d.indexOf(';');
    String clause = semicolon > 0 ? d.substring(0, semicolon) : d;
    return clause.endsWith(".") ? clause.substring(0, clause.length() - 1) : clause;
  }

  private static String windowWords(FeatureWindow w) {
    return switch (w) {
      case DAY_1 -> "the last 24 hours";
      case DAYS_7 -> "the last 7 days";
      case DAYS_30 -> "the last 30 days";
      default -> null;
    };
  }

  /** Level names from a description such as {@code ...: 0 unknown, 1 desktop, 2 mobile; ...}. */
  static List<String> levels(String description) {
    int colon = description.indexOf(':');
    if (colon < 0) {
      return List.of();
    }
    String list = description.substring(colon + 1);
    int end = list.indexOf(';');
    if (end >= 0) {
      list = list.substring(0, end);
    }
    List<String> names = new ArrayList<>();
    Matcher m = LEVEL.matcher(list);
    while (m.find()) {
      int index = Integer.parseInt(m.group(1));
      while (names.size() <= index) {
        names.add(null);
      }
      names.set(index, m.group(2).strip().replaceAll("\\.$", ""));
    }
    return java.util.Collections.unmodifiableList(names);
  }
}
