package io.propensity.engine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureVectorTest {

  private static final FeatureSchema SCHEMA =
      FeatureSchema.of(
          List.of(
              new FeatureSpec("a", FeatureType.COUNT, "A.", FeatureWindow.DAY_1),
              new FeatureSpec("b", FeatureType.RATIO, "B.", FeatureWindow.DAYS_7)));

  @Test
  void valuesAreCopiedInAndOut() {
    double[] values = {1, 2};
    FeatureVector v = new FeatureVector(SCHEMA, values);
    values[0] = 99;
    v.values()[1] = 99;
    assertThat(v.values()).containsExactly(1, 2);
  }

  @Test
  void valuesAreReadByNameAndPosition() {
    FeatureVector v = new FeatureVector(SCHEMA, new double[] {1, 0.5});
    assertThat(v.value("b")).isEqualTo(0.5);
    assertThat(v.value(0)).isEqualTo(1);
    assertThat(v.asMap())
        .containsExactly(
            org.assertj.core.api.Assertions.entry("a", 1.0),
            org.assertj.core.api.Assertions.entry("b", 0.5));
    assertThat(v.schemaHash()).isEqualTo(SCHEMA.versionHash());
  }

  @Test
  void anUnknownNameIsRefused() {
    FeatureVector v = new FeatureVector(SCHEMA, new double[] {1, 0.5});
    assertThatThrownBy(() -> v.value("c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SCHEMA.versionHash());
  }

  @Test
  void theNumberOfValuesMustMatchTheSchema() {
    assertThatThrownBy(() -> new FeatureVector(SCHEMA, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vectorsAreEqualByContent() {
    assertThat(new FeatureVector(SCHEMA, new double[] {1, 2}))
        .isEqualTo(new FeatureVector(SCHEMA, new double[] {1, 2}))
        .hasSameHashCodeAs(new FeatureVector(SCHEMA, new double[] {1, 2}))
        .isNotEqualTo(new FeatureVector(SCHEMA, new double[] {1, 3}));
  }
}
