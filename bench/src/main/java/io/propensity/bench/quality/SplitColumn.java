package io.propensity.bench.quality;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * A table's fixed split, decided before any model is trained: a column {@value #COLUMN} with {@code
 * train}, {@code validation} or {@code test} added to every row, stratified by the label (within
 * each label value, rows in a seeded random order: the first 20 % test, the next 15 % of the rest
 * validation). The same file feeds Propensity and the reference run of another library, so both see
 * exactly the same rows.
 */
final class SplitColumn {
  static final String COLUMN = "split";
  static final double TEST = 0.20;
  static final double VALIDATION_OF_REST = 0.15;

  private SplitColumn() {}

  /**
   * Writes {@code source} (CSV, optionally gzipped, header row, label in the last column) with the
   * split column appended to {@code target}; returns {@code target}.
   */
  static Path write(Path source, Path target, long seed) throws IOException {
    List<String> lines = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(source);
        InputStream in = source.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    }
    String header = lines.get(0);
    List<String> rows = lines.subList(1, lines.size());
    String[] split = new String[rows.size()];
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] key = new double[rows.size()];
    for (int i = 0; i < key.length; i++) {
      key[i] = rnd.nextDouble();
    }
    for (String label : rows.stream().map(SplitColumn::lastCell).distinct().sorted().toList()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (lastCell(rows.get(i)).equals(label)) {
          idx.add(i);
        }
      }
      idx.sort(Comparator.comparingDouble(i -> key[i]));
      int test = (int) Math.round(idx.size() * TEST);
      int validation = (int) Math.round((idx.size() - test) * VALIDATION_OF_REST);
      for (int k = 0; k < idx.size(); k++) {
        split[idx.get(k)] = k < test ? "test" : k < test + validation ? "validation" : "train";
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      w.write(header + "," + COLUMN + "\n");
      for (int i = 0; i < rows.size(); i++) {
        w.write(rows.get(i) + "," + split[i] + "\n");
      }
    }
    return target;
  }

  private static String lastCell(String line) {
    return line.substring(line.lastIndexOf(',') + 1).strip();
  }
}
