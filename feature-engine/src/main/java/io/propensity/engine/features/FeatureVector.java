package io.propensity.engine.features;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The feature values of one user as of one instant, in schema order. The array is copied in and
 * out, so a vector never changes.
 *
 * @param schema the features the values belong to
 * @param values one finite value per feature, in schema order
 */
public record FeatureVector(FeatureSchema schema, double[] values) {

  public FeatureVector {
    Objects.requireNonNull(schema, "schema");
    values = values.clone();
    if (values.length != schema.size()) {
      throw new IllegalArgumentException(
          values.length + " values for a schema of " + schema.size() + " features");
    }
  }

  /** A copy of the values. */
  @Override
  public double[] values() {
    return values.clone();
  }

  /** The schema's version hash. */
  public String schemaHash() {
    return schema.versionHash();
  }

  /** The value of the named feature; {@link IllegalArgumentException} when the schema lacks it. */
  public double value(String name) {
    int i = schema.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no feature named " + name + " in schema " + schemaHash());
    }
    return values[i];
  }

  /** The value at a position. */
  public double value(int index) {
    return values[index];
  }

  /** Name to value, in schema order, unmodifiable. */
  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put(schema.features().get(i).name(), values[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureVector v
        && schema.equals(v.schema)
        && Arrays.equals(values, v.values);
  }

  @Override
  public int hashCode() {
    return 31 * schema.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "FeatureVector[" + schemaHash() + " " + asMap() + "]";
  }
}
