package io.propensity.training.pipeline.data;

import io.propensity.runtime.table.ColumnKind;
import io.propensity.runtime.table.TableColumn;
import io.propensity.runtime.table.TableValueException;
import io.propensity.training.pipeline.TrainingDataException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a labelled training table from a CSV file with a header row.
 *
 * <p>The file is streamed, never held in memory as text: a first pass checks the header and labels
 * and detects each column's kind, a second collects categorical vocabularies (only if there are
 * categorical columns), the last fills one exactly-sized value array. Kinds are detected per
 * column: all values true/false → BOOLEAN, all numbers → NUMERIC, anything else → CATEGORICAL. A
 * split column, when given, assigns each row to train, validation or test and is not a feature.
 * Missing values (empty, {@code NA}, {@code null}, {@code NaN}) become NaN, or code 0 in a
 * categorical column. Cells are read by model-runtime's {@link TableColumn}, the one definition
 * serving shares, so a provided row scores as its training row did. Every problem is reported as a
 * {@link TrainingDataException} naming the line and column.
 */
public final class CsvDatasetLoader {
  private static final int MAX_LABEL_EXAMPLES = 5;

  /** Opens the same text again for each pass. */
  @FunctionalInterface
  public interface ReaderSource {
    Reader open() throws IOException;
  }

  private CsvDatasetLoader() {}

  /** Loads a CSV file (UTF-8). */
  public static Dataset load(Path file, CsvOptions options) {
    if (!Files.isRegularFile(file)) {
      throw new TrainingDataException("training file " + file + " does not exist or is not a file");
    }
    return load(() -> Files.newBufferedReader(file, StandardCharsets.UTF_8), options);
  }

  /** Loads CSV text that {@code source} can open once per pass. */
  public static Dataset load(ReaderSource source, CsvOptions options) {
    try {
      return new Load(source, options).run();
    } catch (NoSuchFileException e) {
      throw new TrainingDataException("training file " + e.getFile() + " does not exist");
    } catch (IOException e) {
      throw new TrainingDataException("cannot read the training file: " + e.getMessage(), e);
    }
  }

  private enum Detected {
    UNKNOWN,
    BOOLEAN,
    NUMERIC,
    CATEGORICAL
  }

  /** One load: the header layout and the passes over the rows. */
  private static final class Load {
    private final ReaderSource source;
    private final CsvOptions options;
    private List<String> header;
    private int labelIndex;
    private int cutoffIndex = -1;
    private int userIdIndex = -1;
    private int splitIndex = -1;
    private final List<Integer> featureColumns = new ArrayList<>(); // file column of each feature
    private final List<String> featureNames = new ArrayList<>();

    Load(ReaderSource source, CsvOptions options) {
      this.source = source;
      this.options = options;
    }

    Dataset run() throws IOException {
      // pass 1: header, labels, cutoffs, kinds
      int[] rowCount = {0};
      int[] positives = {0};
      Map<String, Long> badLabels = new LinkedHashMap<>();
      List<Detected> detected = new ArrayList<>();
      scan(
          (line, rec) -> {
            if (detected.isEmpty()) {
              for (String name : featureNames) {
                FeatureKind k = options.declaredKinds().get(name);
                detected.add(k == null ? Detected.UNKNOWN : Detected.valueOf(k.name()));
              }
            }
            rowCount[0]++;
            String rawLabel = rec.get(labelIndex);
            Boolean label = parseLabel(rawLabel);
            if (label == null) {
              if (badLabels.size() < MAX_LABEL_EXAMPLES) {
                badLabels.putIfAbsent(rawLabel, line);
              }
            } else if (label) {
              positives[0]++;
            }
            if (cutoffIndex >= 0) {
              parseCutoff(rec.get(cutoffIndex), line);
            }
            if (splitIndex >= 0) {
              parsePart(rec.get(splitIndex), line);
            }
            for (int f = 0; f < featureColumns.size(); f++) {
              String raw = rec.get(featureColumns.get(f));
              if (isMissing(raw)) {
                continue;
              }
              FeatureKind declared = options.declaredKinds().get(featureNames.get(f));
              if (declared != null) {
                if (declared == FeatureKind.NUMERIC) {
                  parseNumber(raw, line, featureNames.get(f));
                } else if (declared == FeatureKind.BOOLEAN) {
                  if (TableColumn.parseBoolean(raw).isEmpty()) {
                    throw new TrainingDataException(
                        "line "
                            + line
                            + ", column \""
                            + featureNames.get(f)
                            + "\": \""
                            + raw
                            + "\" is not a boolean (true/false, 1/0)");
                  }
                }
                continue;
              }
              detected.set(f, refine(detected.get(f), raw));
            }
          });
      if (rowCount[0] == 0) {
        throw new TrainingDataException(
            "the training set is empty: the file has a header but no data rows");
      }
      if (!badLabels.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        badLabels.forEach(
            (v, line) ->
                sb.append(sb.length() == 0 ? "" : ", ")
                    .append('"')
                    .append(v)
                    .append("\" (line ")
                    .append(line)
                    .append(')'));
        throw new TrainingDataException(
            "label column \""
                + options.labelColumn()
                + "\" must be binary (true/false or 1/0); found "
                + sb);
      }
      int n = rowCount[0];
      if (positives[0] == 0 || positives[0] == n) {
        throw new TrainingDataException(
            "label column \""
                + options.labelColumn()
                + "\" has only one class: all "
                + n
                + " rows are "
                + (positives[0] == 0 ? "negative (false)" : "positive (true)")
                + "; a classifier needs both positive and negative rows");
      }
      List<FeatureKind> kinds = new ArrayList<>();
      for (Detected d : detected) {
        kinds.add(
            switch (d) {
              case BOOLEAN -> FeatureKind.BOOLEAN;
              case CATEGORICAL -> FeatureKind.CATEGORICAL;
              case NUMERIC, UNKNOWN -> FeatureKind.NUMERIC;
            });
      }

      // pass 2 (only with categorical columns): vocabularies in sorted order, so codes don't depend
      // on row order
      Map<String, CategoricalVocabulary> vocab = new LinkedHashMap<>();
      List<Integer> cats = new ArrayList<>();
      for (int f = 0; f < kinds.size(); f++) {
        if (kinds.get(f) == FeatureKind.CATEGORICAL) {
          cats.add(f);
        }
      }
      if (!cats.isEmpty()) {
        Map<Integer, TreeSet<String>> distinct = new HashMap<>();
        for (int f : cats) {
          distinct.put(f, new TreeSet<>());
        }
        scan(
            (line, rec) -> {
              for (int f : cats) {
                String raw = rec.get(featureColumns.get(f)).trim();
                if (!isMissing(raw)) {
                  TreeSet<String> s = distinct.get(f);
                  if (s.add(raw) && s.size() > options.maxCategories()) {
                    throw new TrainingDataException(
                        "column \""
                            + featureNames.get(f)
                            + "\" has more than "
                            + options.maxCategories()
                            + " distinct values, so it looks like an identifier, not a category;"
                            + " ignore it, or declare it numeric if it is a number");
                  }
                }
              }
            });
        for (int f : cats) {
          List<String> values = new ArrayList<>();
          values.add(CategoricalVocabulary.MISSING_LABEL);
          values.addAll(distinct.get(f));
          CategoricalVocabulary v = new CategoricalVocabulary(featureNames.get(f), values);
          vocab.put(featureNames.get(f), v);
        }
      }

      // last pass: values
      Dataset.Builder builder = Dataset.builder(featureNames, kinds, n);
      TableColumn[] columns = new TableColumn[featureNames.size()];
      for (int f = 0; f < columns.length; f++) {
        CategoricalVocabulary v = vocab.get(featureNames.get(f));
        columns[f] =
            v != null
                ? v.column()
                : TableColumn.of(featureNames.get(f), ColumnKind.valueOf(kinds.get(f).name()));
      }
      double[] row = new double[featureNames.size()];
      scan(
          (line, rec) -> {
            for (int f = 0; f < row.length; f++) {
              try {
                row[f] = columns[f].encodeCell(rec.get(featureColumns.get(f)));
              } catch (TableValueException e) {
                throw new TrainingDataException(
                    "line " + line + ", column \"" + featureNames.get(f) + "\": " + e.getMessage());
              }
            }
            Instant cutoff = cutoffIndex >= 0 ? parseCutoff(rec.get(cutoffIndex), line) : null;
            String user = userIdIndex >= 0 ? emptyToNull(rec.get(userIdIndex).trim()) : null;
            SplitPart part = splitIndex >= 0 ? parsePart(rec.get(splitIndex), line) : null;
            builder.add(row, parseLabel(rec.get(labelIndex)), cutoff, user, part);
          });
      return builder.build(vocab);
    }

    private interface RowConsumer {
      void accept(long line, CSVRecord rec);
    }

    private void scan(RowConsumer consumer) throws IOException {
      CSVFormat format =
          CSVFormat.DEFAULT
              .builder()
              .setDelimiter(options.delimiter())
              .setIgnoreEmptyLines(true)
              .get();
      try (Reader reader = source.open();
          CSVParser parser = format.parse(reader)) {
        var it = parser.iterator();
        long lineAfterPrevious;
        try {
          if (!it.hasNext()) {
            throw new TrainingDataException("the training file is empty: no header row");
          }
          CSVRecord head = it.next();
          if (header == null) {
            readHeader(head);
          }
          lineAfterPrevious = parser.getCurrentLineNumber();
          while (true) {
            if (!it.hasNext()) {
              break;
            }
            CSVRecord rec = it.next();
            long line = lineAfterPrevious + 1;
            lineAfterPrevious = parser.getCurrentLineNumber();
            if (rec.size() != header.size()) {
              if (rec.size() == 1 && rec.get(0).isBlank()) {
                continue;
              }
              throw new TrainingDataException(
                  "line "
                      + line
                      + " has "
                      + rec.size()
                      + " values but the header has "
                      + header.size()
                      + " columns");
            }
            consumer.accept(line, rec);
          }
        } catch (UncheckedIOException | IllegalStateException e) {
          throw new TrainingDataException(
              "the training file is not valid CSV: " + rootMessage(e), e);
        }
      }
    }

    private void readHeader(CSVRecord head) {
      List<String> names = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < head.size(); i++) {
        String name = head.get(i).trim();
        if (i == 0 && name.startsWith("\uFEFF")) {
          name = name.substring(1).trim();
        }
        if (name.isEmpty()) {
          throw new TrainingDataException("header column " + (i + 1) + " has no name");
        }
        if (!seen.add(name)) {
          throw new TrainingDataException("header column \"" + name + "\" appears twice");
        }
        names.add(name);
      }
      header = List.copyOf(names);
      labelIndex = header.indexOf(options.labelColumn());
      if (labelIndex < 0) {
        throw new TrainingDataException(
            "label column \""
                + options.labelColumn()
                + "\" not found; the file has columns: "
                + String.join(", ", header));
      }
      cutoffIndex = options.cutoffColumn().map(c -> requireColumn(c, "cutoff")).orElse(-1);
      userIdIndex = options.userIdColumn().map(c -> requireColumn(c, "user id")).orElse(-1);
      splitIndex = options.splitColumn().map(c -> requireColumn(c, "split")).orElse(-1);
      if (splitIndex >= 0 && (splitIndex == labelIndex || splitIndex == cutoffIndex)) {
        throw new TrainingDataException(
            "split column \""
                + header.get(splitIndex)
                + "\" is also the label or cutoff column; name a column of its own");
      }
      for (String declared : options.declaredKinds().keySet()) {
        requireColumn(declared, "declared");
      }
      for (int i = 0; i < header.size(); i++) {
        String name = header.get(i);
        if (i == labelIndex
            || i == cutoffIndex
            || i == userIdIndex
            || i == splitIndex
            || options.ignoredColumns().contains(name)) {
          continue;
        }
        featureColumns.add(i);
        featureNames.add(name);
      }
      if (featureNames.isEmpty()) {
        throw new TrainingDataException(
            "the file has no feature columns besides the label: " + String.join(", ", header));
      }
    }

    private int requireColumn(String name, String role) {
      int i = header.indexOf(name);
      if (i < 0) {
        throw new TrainingDataException(
            role
                + " column \""
                + name
                + "\" not found; the file has columns: "
                + String.join(", ", header));
      }
      return i;
    }

    private SplitPart parsePart(String raw, long line) {
      return SplitPart.parse(raw)
          .orElseThrow(
              () ->
                  new TrainingDataException(
                      "line "
                          + line
                          + ", split column \""
                          + header.get(splitIndex)
                          + "\": \""
                          + raw.trim()
                          + "\" is not a split part; use train, validation or test"));
    }

    private Instant parseCutoff(String raw, long line) {
      String s = raw.trim();
      if (isMissing(s)) {
        throw new TrainingDataException(
            "line "
                + line
                + ", column \""
                + header.get(cutoffIndex)
                + "\": the cutoff time is missing;"
                + " every row needs one when a cutoff column is given");
      }
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException notInstant) {
        try {
          return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDateTime) {
          try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
          } catch (DateTimeParseException notDate) {
            throw new TrainingDataException(
                "line "
                    + line
                    + ", column \""
                    + header.get(cutoffIndex)
                    + "\": \""
                    + s
                    + "\" is not a time (use ISO-8601, e.g. 2024-03-01T00:00:00Z or 2024-03-01)");
          }
        }
      }
    }
  }

  private static Detected refine(Detected current, String raw) {
    if (current == Detected.CATEGORICAL) {
      return current;
    }
    boolean isBool = isBooleanWord(raw);
    boolean isNum = !isBool && TableColumn.parseNumber(raw).isPresent();
    return switch (current) {
      case UNKNOWN -> isBool ? Detected.BOOLEAN : isNum ? Detected.NUMERIC : Detected.CATEGORICAL;
      case BOOLEAN -> isBool ? Detected.BOOLEAN : Detected.CATEGORICAL;
      case NUMERIC -> isNum ? Detected.NUMERIC : Detected.CATEGORICAL;
      case CATEGORICAL -> Detected.CATEGORICAL;
    };
  }

  static boolean isMissing(String raw) {
    return TableColumn.isMissing(raw);
  }

  private static boolean isBooleanWord(String raw) {
    return TableColumn.isBooleanWord(raw);
  }

  private static Boolean parseLabel(String raw) {
    return TableColumn.parseBoolean(raw).orElse(null);
  }

  private static double parseNumber(String raw, long line, String column) {
    return TableColumn.parseNumber(raw)
        .orElseThrow(
            () ->
                new TrainingDataException(
                    "line "
                        + line
                        + ", column \""
                        + column
                        + "\": \""
                        + raw.trim()
                        + "\" is not a number"));
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
