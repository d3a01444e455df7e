package io.propensity.inference.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.labels.Target;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.Lineage;
import propensity.registry.v1.TabularFileLineage;

/** A version's label spec comes from its lineage; without one the reason is clear. */
class RegistryLabelSpecsTest {
  @Test
  void aFeatureServiceLineageGivesTargetAndHorizon() {
    LabelSpecSource.Resolution r =
        RegistryLabelSpecs.of(
            Lineage.newBuilder()
                .setTarget(propensity.features.v1.Target.TARGET_PURCHASE)
                .setHorizon(com.google.protobuf.Duration.newBuilder().setSeconds(7 * 86400))
                .build());
    assertThat(r)
        .isEqualTo(new LabelSpecSource.Found(new LabelSpec(Target.PURCHASE, Duration.ofDays(7))));
  }

  @Test
  void aTabularFileOrSessionConversionModelIsNotLabelledAndSaysWhy() {
    assertThat(
            RegistryLabelSpecs.of(
                Lineage.newBuilder()
                    .setTabularFile(TabularFileLineage.newBuilder().setPath("x.csv"))
                    .build()))
        .isInstanceOfSatisfying(
            LabelSpecSource.Missing.class,
            m -> assertThat(m.reason()).contains("no target").contains("tabular file"));
    assertThat(
            RegistryLabelSpecs.of(
                Lineage.newBuilder()
                    .setTarget(propensity.features.v1.Target.TARGET_SESSION_CONVERSION)
                    .build()))
        .isInstanceOfSatisfying(
            LabelSpecSource.Missing.class,
            m -> assertThat(m.reason()).contains("SESSION_CONVERSION"));
    assertThat(
            RegistryLabelSpecs.of(
                Lineage.newBuilder().setTarget(propensity.features.v1.Target.TARGET_CHURN).build()))
        .isInstanceOfSatisfying(
            LabelSpecSource.Missing.class,
            m -> assertThat(m.reason()).contains("no label horizon"));
  }
}
