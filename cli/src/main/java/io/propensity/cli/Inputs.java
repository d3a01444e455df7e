package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import io.propensity.engine.event.Event;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureType;
import propensity.features.v1.FeatureVector;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.InlineEvents;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ServedModel;

/**
 * Builds prediction inputs from what a user types: inline {@code name=value} features, a CSV of
 * feature rows (a header of feature names, e.g. a training-set file), or an event log.
 */
final class Inputs {
  private Inputs() {}

  /** A labelled input: who or which row it is, and the input. */
  record Labelled(String label, PredictionInput input) {}

  /** The model the inference service serves under this name (empty = default), for its schema. */
  static ServedModel served(Endpoints endpoints, String model) {
    var info =
        endpoints
            .inferenceClient()
            .getModelInfo(
                GetModelInfoRequest.newBuilder().setModelName(model == null ? "" : model).build());
    String name = model == null || model.isEmpty() ? info.getDefaultModelName() : model;
    return info.getModelsList().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new CliException(
                    "inference-service does not serve " + name + " yet (propensity models list)",
                    3));
  }

  /** One vector from {@code name=value} pairs; features not named are missing (NaN). */
  static FeatureVector inline(FeatureSchema schema, Map<String, String> values) {
    Map<String, Integer> index = index(schema);
    double[] v = new double[schema.getFeaturesCount()];
    Arrays.fill(v, Double.NaN);
    for (var e : values.entrySet()) {
      Integer i = index.get(e.getKey());
      if (i == null) {
        throw new CliException(
            "--features: no feature named '"
                + e.getKey()
                + "' in the model's schema"
                + suggestion(schema, e.getKey())
                + " (propensity schema lists them)",
            2);
      }
      v[i] = value(schema.getFeatures(i), e.getValue(), "--features " + e.getKey());
    }
    return vector(schema, v);
  }

  /**
   * One vector per row of a CSV whose header names features (other columns are ignored, a {@code
   * user_id} column labels the rows); features without a column are missing (NaN).
   */
  static List<Labelled> featureRows(FeatureSchema schema, Path file, int limit) {
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file, 2);
    }
    Map<String, Integer> index = index(schema);
    List<Labelled> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file);
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      List<String> header = p.getHeaderNames();
      Map<Integer, Integer> columnToFeature = new HashMap<>();
      for (int c = 0; c < header.size(); c++) {
        Integer f = index.get(header.get(c).strip());
        if (f != null) {
          columnToFeature.put(c, f);
        }
      }
      if (columnToFeature.isEmpty()) {
        throw new CliException(
            file
                + ": no column is named after a feature of the model's schema (propensity schema lists them)",
            2);
      }
      int userColumn = header.indexOf("user_id");
      for (CSVRecord rec : p) {
        if (out.size() == limit) {
          break;
        }
        double[] v = new double[schema.getFeaturesCount()];
        Arrays.fill(v, Double.NaN);
        for (var e : columnToFeature.entrySet()) {
          String cell = e.getKey() < rec.size() ? rec.get(e.getKey()) : "";
          if (!cell.isBlank()) {
            v[e.getValue()] =
                value(
                    schema.getFeatures(e.getValue()),
                    cell,
                    file.getFileName()
                        + " line "
                        + p.getCurrentLineNumber()
                        + " "
                        + header.get(e.getKey()));
          }
        }
        String label =
            userColumn >= 0 && userColumn < rec.size()
                ? rec.get(userColumn)
                : "row " + (out.size() + 1);
        out.add(
            new Labelled(
                label, PredictionInput.newBuilder().setFeatures(vector(schema, v)).build()));
      }
    } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CliException(file + ": " + e.getMessage(), 2);
    }
    if (out.isEmpty()) {
      throw new CliException(file + " has no rows", 2);
    }
    return out;
  }

  /**
   * One input per user of an event log, of that user's events (features computed from them alone).
   */
  static List<Labelled> events(List<Event> events) {
    Map<String, InlineEvents.Builder> byUser = new LinkedHashMap<>();
    for (Event e : events) {
      InlineEvents.Builder b = byUser.computeIfAbsent(e.userId(), u -> InlineEvents.newBuilder());
      if (b.getEventsCount() == 10_000) {
        throw new CliException(
            "user "
                + e.userId()
                + " has more than 10,000 events in the file; inline scoring takes at most 10,000",
            2);
      }
      b.addEvents(EventProtoMapper.toProto(e));
    }
    List<Labelled> out = new ArrayList<>();
    byUser.forEach(
        (u, b) -> out.add(new Labelled(u, PredictionInput.newBuilder().setEvents(b).build())));
    return out;
  }

  private static Map<String, Integer> index(FeatureSchema schema) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < schema.getFeaturesCount(); i++) {
      index.put(schema.getFeatures(i).getName(), i);
    }
    return index;
  }

  private static FeatureVector vector(FeatureSchema schema, double[] v) {
    FeatureVector.Builder b =
        FeatureVector.newBuilder().setSchemaVersionHash(schema.getVersionHash());
    for (double x : v) {
      b.addValues(x);
    }
    return b.build();
  }

  /**
   * A value as its type reads it: numbers, yes/no/true/false for booleans, level names for
   * categories.
   */
  static double value(FeatureDefinition f, String text, String where) {
    String t = text.strip();
    if (f.getType() == FeatureType.FEATURE_TYPE_BOOLEAN) {
      switch (t.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "1.0" -> {
          return 1;
        }
        case "false", "no", "0", "0.0" -> {
          return 0;
        }
        default ->
            throw new CliException(
                where + ": '" + text + "' is not a boolean (yes/no, true/false, 1/0)", 2);
      }
    }
    if (f.getType() == FeatureType.FEATURE_TYPE_CATEGORICAL) {
      int level = f.getCategoriesList().indexOf(t);
      if (level >= 0) {
        return level;
      }
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new CliException(
          where
              + ": '"
              + text
              + "' is not a number"
              + (f.getCategoriesCount() > 0 ? " nor one of " + f.getCategoriesList() : ""),
          2);
    }
  }

  private static String suggestion(FeatureSchema schema, String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return schema.getFeaturesList().stream()
        .map(FeatureDefinition::getName)
        .filter(n -> n.contains(key) || key.contains(n) || n.startsWith(key.split("_")[0]))
        .limit(5)
        .reduce((a, b) -> a + ", " + b)
        .map(s -> "; did you mean " + s + "?")
        .orElse("");
  }
}
