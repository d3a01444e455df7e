package io.propensity.training.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.common.error.InvalidInputException;
import io.propensity.training.registry.VersionDetails;
import io.propensity.training.registry.VersionDetailsFixtures;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.ModelVersion;

class VersionDetailsProtoMapperTest {
  /** The fields the registry keeps as its own columns, which the details do not carry. */
  private static ModelVersion withoutColumns(ModelVersion mv) {
    ModelVersion.Builder b =
        mv.toBuilder()
            .clearName()
            .clearArtifactFormat()
            .clearArtifactSha256()
            .clearArtifactSizeBytes()
            .clearThreshold();
    b.getFeatureSchemaBuilder().clearVersionHash();
    return b.build();
  }

  @Test
  void everyDetailOfAModelVersionBecomesTheDomainRecordAndBack() {
    ModelVersion sent = VersionDetailsFixtures.fullProto();

    VersionDetails details = VersionDetailsProtoMapper.toDetails(sent);

    // the schema's source is output only: the registry says it, not the caller
    assertThat(details).isEqualTo(VersionDetailsFixtures.unsaid(VersionDetailsFixtures.full()));
    assertThat(VersionDetailsProtoMapper.toProto(details).build()).isEqualTo(withoutColumns(sent));
  }

  @Test
  void intervalsAndTheComparisonBecomeTheDomainRecordAndBack() {
    ModelVersion sent = VersionDetailsFixtures.comparedProto();

    VersionDetails details = VersionDetailsProtoMapper.toDetails(sent);

    assertThat(details).isEqualTo(VersionDetailsFixtures.unsaid(VersionDetailsFixtures.compared()));
    assertThat(VersionDetailsProtoMapper.toProto(details).build()).isEqualTo(withoutColumns(sent));
  }

  @Test
  void anIntervalWithLowerAboveUpperIsInvalidNamingTheField() {
    ModelVersion.Builder b = VersionDetailsFixtures.comparedProto().toBuilder();
    b.getComparisonBuilder()
        .getBaselineDifferenceBuilder()
        .getPrAucBuilder()
        .setLower(0.5)
        .setUpper(0.1);

    assertThatThrownBy(() -> VersionDetailsProtoMapper.toDetails(b.build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("model_version.comparison.baseline_difference.pr_auc");
  }

  @Test
  void tabularLineageAndUnsetMessagesStayUnset() {
    ModelVersion sent =
        ModelVersion.newBuilder().setLineage(VersionDetailsFixtures.tabularLineageProto()).build();

    VersionDetails details = VersionDetailsProtoMapper.toDetails(sent);

    assertThat(details.lineage().orElseThrow())
        .isEqualTo(VersionDetailsFixtures.tabular().lineage().orElseThrow());
    assertThat(details.evaluation()).isEmpty();
    assertThat(details.trainingJobId()).isEmpty();
    assertThat(VersionDetailsProtoMapper.toProto(details).build()).isEqualTo(sent);
  }

  @Test
  void aTrainingSetWithExplicitCutoffsBecomesTheDomainRecord() {
    assertThat(
            VersionDetailsProtoMapper.trainingSet(
                VersionDetailsFixtures.explicitTrainingSetProto()))
        .isEqualTo(VersionDetailsFixtures.explicitTrainingSet());
  }

  @Test
  void lineageNotesTravelBothWays() {
    propensity.registry.v1.Lineage withNotes =
        VersionDetailsFixtures.tabularLineageProto().toBuilder()
            .addNotes("constant in the training rows, left out of the baseline: price")
            .addNotes("almost constant in the training rows: dwell")
            .build();
    ModelVersion sent = ModelVersion.newBuilder().setLineage(withNotes).build();

    VersionDetails details = VersionDetailsProtoMapper.toDetails(sent);

    assertThat(details.lineage().orElseThrow().notes())
        .containsExactly(
            "constant in the training rows, left out of the baseline: price",
            "almost constant in the training rows: dwell");
    assertThat(VersionDetailsProtoMapper.toProto(details).build()).isEqualTo(sent);
  }
}
