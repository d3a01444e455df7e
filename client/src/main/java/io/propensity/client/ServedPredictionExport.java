package io.propensity.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import propensity.features.v1.FeatureType;
import propensity.inference.v1.Factor;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.LoggedFeature;
import propensity.inference.v1.LoggedFeatureSchema;
import propensity.inference.v1.ServedPrediction;

/**
 * Writes pages of the served-prediction log (ListServedPredictions) as a table training accepts as
 * a user-brought file ({@code propensity train --csv}): one row per served prediction with metadata
 * columns ({@link #METADATA}) first, then one column per feature under the schema's own names,
 * values as a training table holds them — categorical levels by name, booleans as {@code
 * true}/{@code false}, a missing value as an empty cell. No label column: outcomes are joined later
 * (by {@code user_id} and {@code served_at}). Or as JSON lines, one object per prediction with the
 * same fields, features by name and the top factors.
 *
 * <p>Predictions recorded without feature values (RankTargets answers) are skipped and counted; all
 * rows of one export must share one feature schema.
 */
public final class ServedPredictionExport {
  /** Columns before the features, in order. */
  public static final List<String> METADATA =
      List.of(
          "request_id",
          "row_index",
          "served_at",
          "endpoint",
          "user_id",
          "model_name",
          "model_version",
          "model_alias",
          "probability",
          "decision",
          "threshold",
          "cold_start");

  /** The file formats. */
  public enum Format {
    CSV,
    JSONL;

    /** The format a file name's extension says ({@code .jsonl}/{@code .json}: JSONL, else CSV). */
    public static Format of(String fileName) {
      String n = fileName.toLowerCase(Locale.ROOT);
      return n.endsWith(".jsonl") || n.endsWith(".json") ? JSONL : CSV;
    }
  }

  private final Writer out;
  private final Format format;
  private final Map<String, LoggedFeatureSchema> schemas = new HashMap<>();
  private LoggedFeatureSchema schema;
  private long written;
  private long withoutFeatures;

  public ServedPredictionExport(Writer out, Format format) {
    this.out = out;
    this.format = format;
  }

  /** Rows written so far. */
  public long written() {
    return written;
  }

  /** Predictions skipped because no feature values were recorded for them. */
  public long withoutFeatures() {
    return withoutFeatures;
  }

  /**
   * Writes one page.
   *
   * @throws IllegalStateException when a prediction follows another feature schema than the first
   *     one written
   */
  public void write(ListServedPredictionsResponse page) {
    page.getSchemasList().forEach(s -> schemas.put(s.getFeatureSchemaHash(), s));
    try {
      for (ServedPrediction p : page.getPredictionsList()) {
        if (p.getFeatureValuesCount() == 0) {
          withoutFeatures++;
          continue;
        }
        LoggedFeatureSchema s = schemas.get(p.getFeatureSchemaHash());
        if (s == null || s.getFeaturesCount() != p.getFeatureValuesCount()) {
          throw new IllegalStateException(
              "prediction "
                  + p.getRequestId()
                  + "#"
                  + p.getRowIndex()
                  + " has "
                  + p.getFeatureValuesCount()
                  + " values but its schema "
                  + p.getFeatureSchemaHash()
                  + " is unknown or of another size");
        }
        if (schema == null) {
          schema = s;
          if (format == Format.CSV) {
            header(s);
          }
        } else if (!schema.getFeatureSchemaHash().equals(s.getFeatureSchemaHash())) {
          throw new IllegalStateException(
              "predictions of two feature schemas ("
                  + schema.getFeatureSchemaHash()
                  + " and "
                  + s.getFeatureSchemaHash()
                  + ") cannot share one table: export one model (--model) or version (--version)"
                  + " at a time");
        }
        if (format == Format.CSV) {
          csvRow(p);
        } else {
          jsonRow(p);
        }
        written++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void header(LoggedFeatureSchema s) throws IOException {
    Set<String> names = new HashSet<>(METADATA);
    StringBuilder b = new StringBuilder(String.join(",", METADATA));
    for (LoggedFeature f : s.getFeaturesList()) {
      if (!names.add(f.getName())) {
        throw new IllegalStateException(
            "feature '" + f.getName() + "' has the name of a column the export adds");
      }
      b.append(',').append(cell(f.getName()));
    }
    out.write(b.append('\n').toString());
  }

  private static String servedAt(ServedPrediction p) {
    return Instant.ofEpochSecond(p.getServedAt().getSeconds(), p.getServedAt().getNanos())
        .toString();
  }

  private void csvRow(ServedPrediction p) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(cell(p.getRequestId()))
        .append(',')
        .append(p.getRowIndex())
        .append(',')
        .append(servedAt(p))
        .append(',')
        .append(endpoint(p))
        .append(',')
        .append(cell(p.getUserId()))
        .append(',')
        .append(cell(p.getModelName()))
        .append(',')
        .append(p.getModelVersion())
        .append(',')
        .append(cell(p.getModelAlias()))
        .append(',')
        .append(p.getProbability())
        .append(',')
        .append(p.getDecision())
        .append(',')
        .append(p.getThreshold())
        .append(',')
        .append(p.getColdStart());
    for (int i = 0; i < p.getFeatureValuesCount(); i++) {
      String v = value(schema.getFeatures(i), p.getFeatureValues(i));
      b.append(',').append(v == null ? "" : cell(v));
    }
    out.write(b.append('\n').toString());
  }

  private void jsonRow(ServedPrediction p) throws IOException {
    StringBuilder b = new StringBuilder("{");
    b.append("\"request_id\":").append(json(p.getRequestId()));
    b.append(",\"row_index\":").append(p.getRowIndex());
    b.append(",\"served_at\":").append(json(servedAt(p)));
    b.append(",\"endpoint\":").append(json(endpoint(p)));
    b.append(",\"user_id\":").append(json(p.getUserId()));
    b.append(",\"model_name\":").append(json(p.getModelName()));
    b.append(",\"model_version\":").append(p.getModelVersion());
    b.append(",\"model_alias\":").append(json(p.getModelAlias()));
    b.append(",\"feature_schema_hash\":").append(json(p.getFeatureSchemaHash()));
    b.append(",\"feature_values_sha256\":").append(json(p.getFeatureValuesSha256()));
    b.append(",\"probability\":").append(number(p.getProbability()));
    b.append(",\"decision\":").append(p.getDecision());
    b.append(",\"threshold\":").append(number(p.getThreshold()));
    b.append(",\"cold_start\":").append(p.getColdStart());
    b.append(",\"features\":{");
    for (int i = 0; i < p.getFeatureValuesCount(); i++) {
      LoggedFeature f = schema.getFeatures(i);
      double raw = p.getFeatureValues(i);
      String v = value(f, raw);
      b.append(i == 0 ? "" : ",").append(json(f.getName())).append(':');
      if (v == null) {
        b.append("null");
      } else if (f.getType() == FeatureType.FEATURE_TYPE_CATEGORICAL) {
        b.append(json(v));
      } else {
        b.append(v);
      }
    }
    b.append("},\"factors\":[");
    for (int i = 0; i < p.getFactorsCount(); i++) {
      Factor f = p.getFactors(i);
      b.append(i == 0 ? "" : ",")
          .append("{\"feature\":")
          .append(json(f.getFeature()))
          .append(",\"value\":")
          .append(number(f.getValue()))
          .append(",\"contribution\":")
          .append(number(f.getContribution()))
          .append('}');
    }
    out.write(b.append("]}\n").toString());
  }

  private static String endpoint(ServedPrediction p) {
    return p.getEndpoint().name().replace("SERVED_ENDPOINT_", "").toLowerCase(Locale.ROOT);
  }

  /** A value as a training table holds it; null for missing. */
  static String value(LoggedFeature f, double v) {
    if (Double.isNaN(v)) {
      return null;
    }
    if (f.getType() == FeatureType.FEATURE_TYPE_CATEGORICAL && f.getCategoriesCount() > 0) {
      int code = (int) v;
      // level 0 is the missing level
      return code <= 0 || code >= f.getCategoriesCount() ? null : f.getCategories(code);
    }
    if (f.getType() == FeatureType.FEATURE_TYPE_BOOLEAN) {
      return v != 0 ? "true" : "false";
    }
    return number(v);
  }

  private static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String cell(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
