package io.propensity.bench.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The conditions a run measured under: cores and load, printed with every report. */
public final class Machine {
  private Machine() {}

  /** e.g. {@code 2 cores, load average 0.41 (1 min)}; with a warning when other work competes. */
  public static String describe() {
    int cores = Runtime.getRuntime().availableProcessors();
    String load = "unknown";
    double oneMinute = -1;
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      oneMinute = Double.parseDouble(parts[0]);
      load = parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    String s =
        String.format(Locale.ROOT, "machine: %d cores, load average %s (1/5/15 min)", cores, load);
    if (oneMinute > cores) {
      s += "; other processes compete for the CPU: absolute figures are low, ratios less affected";
    }
    return s;
  }
}
