package io.propensity.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of a benchmark run, removed afterwards. */
public final class TempDirs {
  private TempDirs() {}

  /**
   * A new directory for one run, under {@code PROPENSITY_BENCH_WORK_DIR} or the system temp dir.
   */
  public static Path create(String prefix) {
    try {
      String base = System.getenv("PROPENSITY_BENCH_WORK_DIR");
      if (base != null && !base.isBlank()) {
        Path p = Path.of(base);
        Files.createDirectories(p);
        return Files.createTempDirectory(p, prefix);
      }
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything below it; best effort. */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
