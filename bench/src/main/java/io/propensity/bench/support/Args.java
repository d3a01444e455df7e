package io.propensity.bench.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of a load generator: {@code --name value} or {@code --name=value}; every
 * option has a default, and an unknown option is an error (a typo must not silently run defaults).
 */
public final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> used = new HashSet<>();
  private final String usage;

  private Args(String usage) {
    this.usage = usage;
  }

  /** Parses {@code args}; {@code --help} prints {@code usage} and exits. */
  public static Args parse(String[] args, String usage) {
    Args a = new Args(usage);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(usage);
        System.exit(0);
      }
      if (!arg.startsWith("--")) {
        throw a.error("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        a.values.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        a.values.put(arg.substring(2), args[++i]);
      } else {
        throw a.error("option " + arg + " needs a value");
      }
    }
    return a;
  }

  public String string(String name, String defaultValue) {
    used.add(name);
    return values.getOrDefault(name, defaultValue);
  }

  public long longValue(String name, long defaultValue, long min, long max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    long n;
    try {
      n = Long.parseLong(v.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw error("--" + name + ": '" + v + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw error("--" + name + ": " + n + " is outside " + min + " to " + max);
    }
    return n;
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String name, boolean defaultValue) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw error("--" + name + ": '" + v + "' is not true or false");
    }
    return Boolean.parseBoolean(v);
  }

  public int intValue(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
  }

  /**
   * A duration such as {@code 20s}, {@code 500ms}, {@code 2m}, between {@code min} and {@code max}.
   */
  public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    Duration d;
    try {
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(v));
      }
    } catch (NumberFormatException e) {
      throw error("--" + name + ": '" + v + "' is not a duration like 20s, 500ms or 2m");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw error("--" + name + ": " + v + " is outside " + min + " to " + max);
    }
    return d;
  }

  /** Fails on options nobody asked for; call after reading every option. */
  public void done() {
    for (String k : values.keySet()) {
      if (!used.contains(k)) {
        throw error("unknown option --" + k);
      }
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException(message + System.lineSeparator() + usage);
  }
}
