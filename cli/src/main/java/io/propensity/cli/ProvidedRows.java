package io.propensity.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.FeatureType;
import propensity.inference.v1.ProvidedFeatureValue;
import propensity.inference.v1.ProvidedFeatures;

/**
 * A CSV of a team's own feature rows for a model trained on such a table (its schema's source is
 * PROVIDED): each row becomes {@link ProvidedFeatures}, values by column name, numbers as numbers,
 * categorical levels and booleans as the strings the table holds, and an empty cell (or a word the
 * training loader reads as missing: NA, null, NaN, none) as missing, so a row scores as the same
 * row did in training.
 */
final class ProvidedRows {
  /** Cells training read as missing (CsvDatasetLoader), compared lower-cased and stripped. */
  private static final Set<String> MISSING = Set.of("", "na", "n/a", "null", "nan", "none");

  private static final Pattern ROW_INDEX = Pattern.compile("rows\\[(\\d+)]");

  private ProvidedRows() {}

  /**
   * One row of the file.
   *
   * @param line the CSV line the row starts on (the header is line 1)
   * @param features what is sent: the row id (the id column's value, else {@code row N}) and one
   *     value per feature of the schema
   */
  record Row(long line, ProvidedFeatures features) {
    String label() {
      return features.getRowId();
    }
  }

  /** The rows of a file and where they came from, to point at a cell the service refuses. */
  record Table(Path file, FeatureSchema schema, List<Row> rows) {

    /** The first {@code n} rows. */
    Table first(int n) {
      return new Table(file, schema, List.copyOf(rows.subList(0, Math.min(n, rows.size()))));
    }

    /**
     * A service refusal as the user fixes it: for each field violation, the CSV line and column it
     * is about ({@code rows.csv line 7, column Month: …}) when the field path names a feature (and,
     * for a ranking, a row); the status message when it has no violations.
     *
     * @param row the row the call was about, when it was about one
     */
    List<String> explain(com.google.rpc.Status status, Optional<Row> row) {
      List<String> out = new ArrayList<>();
      for (Any a : status.getDetailsList()) {
        if (!a.is(BadRequest.class)) {
          continue;
        }
        try {
          for (BadRequest.FieldViolation v : a.unpack(BadRequest.class).getFieldViolationsList()) {
            out.add(locate(v.getField(), row) + ": " + v.getDescription());
          }
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("a BadRequest detail always unpacks", e);
        }
      }
      if (out.isEmpty()) {
        out.add(
            row.map(r -> where(r) + ": ").orElse(file.getFileName() + ": ") + status.getMessage());
      }
      return out;
    }

    /** {@link #explain} of a failed call, as an error the CLI prints (exit code 3). */
    CliException refused(StatusRuntimeException e, Optional<Row> row) {
      com.google.rpc.Status s = StatusProto.fromThrowable(e);
      if (s == null) {
        s =
            com.google.rpc.Status.newBuilder()
                .setCode(e.getStatus().getCode().value())
                .setMessage(String.valueOf(e.getStatus().getDescription()))
                .build();
      }
      return new CliException(
          e.getStatus().getCode() + ": " + String.join("\n  ", explain(s, row)), 3);
    }

    private String locate(String field, Optional<Row> row) {
      Optional<Row> r = row;
      Matcher m = ROW_INDEX.matcher(field);
      if (m.find()) {
        int i = Integer.parseInt(m.group(1));
        if (i < rows.size()) {
          r = Optional.of(rows.get(i));
        }
      }
      Optional<String> feature = featureIn(field);
      String at = r.map(this::where).orElse(file.getFileName().toString());
      return feature.map(f -> at + ", column " + f).orElse(at + " (" + field + ")");
    }

    private String where(Row r) {
      return file.getFileName() + " line " + r.line();
    }

    /** The feature a field path such as {@code provided.values[Month]} names, if any. */
    private Optional<String> featureIn(String field) {
      int v = field.indexOf("values");
      if (v < 0) {
        return Optional.empty();
      }
      String rest = field.substring(v + "values".length());
      String best = null;
      for (FeatureDefinition f : schema.getFeaturesList()) {
        String n = f.getName();
        if (rest.contains(n) && (best == null || n.length() > best.length())) {
          best = n;
        }
      }
      return Optional.ofNullable(best);
    }
  }

  /** Whether a model of this schema scores the rows a caller sends rather than users. */
  static boolean isProvided(FeatureSchema schema) {
    return schema.getSource() == FeatureSource.FEATURE_SOURCE_PROVIDED;
  }

  /**
   * Reads up to {@code limit} rows of {@code file}.
   *
   * @param idColumn the column holding each row's id, when there is one
   * @param ignored columns that are neither features nor the id (a label column such as {@code
   *     Revenue}), which are left out; any other column that is not a feature is an error, as is a
   *     feature without a column
   * @throws CliException (exit code 2) naming the file, line and column of what is wrong
   */
  static Table read(
      FeatureSchema schema, Path file, Optional<String> idColumn, Set<String> ignored, int limit) {
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file, 2);
    }
    List<Row> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file);
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      List<String> header = p.getHeaderNames().stream().map(String::strip).toList();
      Map<String, Integer> columns = new HashMap<>();
      for (int c = 0; c < header.size(); c++) {
        columns.put(header.get(c), c);
      }
      int id = idColumn.map(c -> column(columns, c, file, "--id-column")).orElse(-1);
      for (String c : ignored) {
        column(columns, c, file, "--ignore-columns");
      }
      checkColumns(schema, header, idColumn, ignored, file);
      long line = 2;
      for (CSVRecord rec : p) {
        if (out.size() == limit) {
          break;
        }
        ProvidedFeatures.Builder b = ProvidedFeatures.newBuilder();
        b.setRowId(id >= 0 && id < rec.size() ? rec.get(id).strip() : "row " + (out.size() + 1));
        for (FeatureDefinition f : schema.getFeaturesList()) {
          int c = columns.get(f.getName());
          String cell = c < rec.size() ? rec.get(c) : "";
          b.putValues(
              f.getName(), value(f, cell, file.getFileName() + " line " + line, f.getName()));
        }
        out.add(new Row(line, b.build()));
        line = p.getCurrentLineNumber() + 1;
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new CliException(file + ": " + e.getMessage(), 2);
    }
    if (out.isEmpty()) {
      throw new CliException(file + " has no rows", 2);
    }
    return new Table(file, schema, out);
  }

  private static int column(Map<String, Integer> columns, String name, Path file, String option) {
    Integer c = columns.get(name.strip());
    if (c == null) {
      throw new CliException(
          option + " " + name + ": " + file.getFileName() + " has no such column", 2);
    }
    return c;
  }

  /** Every feature has a column, and every other column is the id or ignored. */
  private static void checkColumns(
      FeatureSchema schema,
      List<String> header,
      Optional<String> idColumn,
      Set<String> ignored,
      Path file) {
    Set<String> features = new LinkedHashSet<>();
    schema.getFeaturesList().forEach(f -> features.add(f.getName()));
    List<String> absent = features.stream().filter(f -> !header.contains(f)).toList();
    if (!absent.isEmpty()) {
      throw new CliException(
          file.getFileName()
              + " has no column for "
              + absent.size()
              + " feature(s) of the model: "
              + String.join(", ", absent)
              + " (the model takes "
              + String.join(", ", features)
              + "; an empty cell is a missing value)",
          2);
    }
    List<String> extra =
        header.stream()
            .filter(h -> !features.contains(h))
            .filter(h -> idColumn.map(c -> !c.strip().equals(h)).orElse(true))
            .filter(h -> ignored.stream().noneMatch(i -> i.strip().equals(h)))
            .toList();
    if (!extra.isEmpty()) {
      throw new CliException(
          file.getFileName()
              + " has column(s) that are not features of the model: "
              + String.join(", ", extra)
              + "; leave them out with --ignore-columns "
              + String.join(",", extra)
              + (idColumn.isEmpty() ? ", or name a row id column with --id-column" : ""),
          2);
    }
  }

  /** A cell as the value of feature {@code f}, as the training table held it. */
  static ProvidedFeatureValue value(FeatureDefinition f, String cell, String where, String column) {
    String t = cell.strip();
    if (MISSING.contains(t.toLowerCase(Locale.ROOT))) {
      return ProvidedFeatureValue.newBuilder().setMissing(true).build();
    }
    if (f.getType() == FeatureType.FEATURE_TYPE_CATEGORICAL
        || f.getType() == FeatureType.FEATURE_TYPE_BOOLEAN
            && (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"))) {
      return ProvidedFeatureValue.newBuilder().setCategory(t).build();
    }
    try {
      return ProvidedFeatureValue.newBuilder().setNumber(Double.parseDouble(t)).build();
    } catch (NumberFormatException e) {
      throw new CliException(
          where
              + ", column "
              + column
              + ": '"
              + cell
              + "' is not a number"
              + (f.getType() == FeatureType.FEATURE_TYPE_BOOLEAN ? " nor true/false" : ""),
          2);
    }
  }
}
