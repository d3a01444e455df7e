package io.propensity.training.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.calibration.CalibrationFit;
import io.propensity.training.registry.CorruptRecordException;
import io.propensity.training.registry.VersionDetails;
import io.propensity.training.registry.VersionDetailsFixtures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionDetailsJsonTest {
  private static final String WHAT = "version 3 of model 'churn'";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static VersionDetails roundTrip(VersionDetails d) {
    return VersionDetailsJson.read(VersionDetailsJson.write(d), WHAT);
  }

  @Test
  void everyFieldReadsBackAsWritten() {
    assertThat(roundTrip(VersionDetailsFixtures.full())).isEqualTo(VersionDetailsFixtures.full());
  }

  @Test
  void intervalsAndTheComparisonReadBackAsWritten() {
    VersionDetails compared = VersionDetailsFixtures.compared();

    assertThat(roundTrip(compared)).isEqualTo(compared);
    assertThat(VersionDetailsJson.write(VersionDetailsFixtures.full()))
        .doesNotContain("\"comparison\"")
        .doesNotContain("\"intervals\"");
  }

  @Test
  void anIntervalWithLowerAboveUpperIsACorruptRecordNamingTheField() {
    String json =
        VersionDetailsJson.write(VersionDetailsFixtures.compared())
            .replace("\"lower\":0.012", "\"lower\":0.9");

    assertThatThrownBy(() -> VersionDetailsJson.read(json, WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("baseline_difference")
        .hasMessageContaining("ROC_AUC");
  }

  @Test
  void tabularLineageAbsentValuesAndNonFiniteNumbersReadBackAsWritten() {
    VersionDetails tabular = VersionDetailsFixtures.tabular();

    VersionDetails read = roundTrip(tabular);

    assertThat(read).isEqualTo(tabular);
    assertThat(read.evaluation().orElseThrow().rocAuc()).isNaN();
    assertThat(read.evaluation().orElseThrow().prAuc()).isPositive().isInfinite();
    assertThat(read.evaluation().orElseThrow().logLoss()).isNegative().isInfinite();
  }

  @Test
  void explicitCutoffsAndEmptyDetailsReadBackAsWritten() {
    VersionDetails explicit =
        new VersionDetails(
            "",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            java.util.Map.of(),
            List.of(),
            Optional.of(
                new VersionDetails.Lineage(
                    Optional.of(VersionDetailsFixtures.explicitTrainingSet()),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    0,
                    0,
                    0,
                    0,
                    0)),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            io.propensity.runtime.calibration.CalibrationFit.none(),
            Optional.empty());

    assertThat(roundTrip(explicit)).isEqualTo(explicit);
    assertThat(roundTrip(VersionDetails.EMPTY)).isEqualTo(VersionDetails.EMPTY);
  }

  @Test
  void aVersionStoredBeforeCalibrationReadsAsUncalibratedWithTheErrorOfItsBins() throws Exception {
    ObjectNode stored =
        (ObjectNode) JSON.readTree(VersionDetailsJson.write(VersionDetailsFixtures.full()));
    stored.remove("calibration");
    ObjectNode evaluation = (ObjectNode) stored.get("evaluation");
    evaluation.remove("expected_calibration_error");
    evaluation.remove("uncalibrated");

    VersionDetails read = VersionDetailsJson.read(JSON.writeValueAsString(stored), WHAT);

    assertThat(read.calibration()).isEqualTo(CalibrationFit.none());
    VersionDetails.Evaluation e = read.evaluation().orElseThrow();
    assertThat(e.uncalibrated()).isEmpty();
    // one bin of 600 rows, 0.04 predicted, 0.035 observed
    assertThat(e.expectedCalibrationError()).isCloseTo(0.005, within(1e-12));
  }

  @Test
  void aStoredPlattCalibrationReadsBackAsWrittenAndABrokenOneIsACorruptRecord() {
    VersionDetails platt =
        withCalibration(
            new CalibrationFit(Calibration.platt(0.8, -2.1), "Platt scaling as asked", 500, 40));
    assertThat(roundTrip(platt)).isEqualTo(platt);
    VersionDetails none =
        withCalibration(
            new CalibrationFit(Calibration.none(), "left uncalibrated: no positive", 50, 0));
    assertThat(roundTrip(none)).isEqualTo(none);

    String stored = VersionDetailsJson.write(VersionDetailsFixtures.full());
    assertThat(stored).contains("\"method\":\"ISOTONIC\"").contains("\"raw_score\":-0.25");
    assertThatThrownBy(
            () ->
                VersionDetailsJson.read(
                    stored.replace("\"probability\":0.6", "\"probability\":0.05"), WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("calibration: point 2: probability 0.05 is below");
    assertThatThrownBy(
            () -> VersionDetailsJson.read(stored.replace("\"ISOTONIC\"", "\"SPLINE\""), WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("calibration.method: 'SPLINE' is not NONE, PLATT or ISOTONIC");
  }

  private static VersionDetails withCalibration(CalibrationFit fit) {
    VersionDetails f = VersionDetailsFixtures.full();
    return new VersionDetails(
        f.description(),
        f.trainingJobId(),
        f.evaluation(),
        f.baselineEvaluation(),
        f.params(),
        f.features(),
        f.lineage(),
        f.goldenRows(),
        f.featureImportances(),
        f.tuningTrials(),
        f.comparison(),
        fit,
        f.featureSource());
  }

  @Test
  void lineageNotesReadBackAndADocumentWrittenWithoutThemHasNone() {
    String withoutNotes = VersionDetailsJson.write(VersionDetailsFixtures.tabular());
    assertThat(withoutNotes).doesNotContain("\"notes\"").contains("\"seed\":42");
    assertThat(VersionDetailsJson.read(withoutNotes, WHAT).lineage().orElseThrow().notes())
        .isEmpty();

    VersionDetails noted =
        VersionDetailsJson.read(
            withoutNotes.replace(
                "\"seed\":42", "\"seed\":42,\"notes\":[\"constant in the training rows: price\"]"),
            WHAT);

    assertThat(noted.lineage().orElseThrow().notes())
        .containsExactly("constant in the training rows: price");
    assertThat(roundTrip(noted)).isEqualTo(noted);
  }

  @Test
  void theStoredFormNamesItsSchemaVersion() {
    assertThat(VersionDetailsJson.write(VersionDetails.EMPTY))
        .startsWith("{\"schema_version\":" + VersionDetailsJson.SCHEMA_VERSION + ",");
  }

  @Test
  void aDocumentThatIsNotJsonIsACorruptRecordNamingTheVersion() {
    assertThatThrownBy(() -> VersionDetailsJson.read("\u0008\u0002proto bytes", WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageStartingWith("the stored details of version 3 of model 'churn' are not JSON");
  }

  @Test
  void anotherSchemaVersionIsACorruptRecordNotADefault() {
    String newer =
        VersionDetailsJson.write(VersionDetails.EMPTY)
            .replace("\"schema_version\":1", "\"schema_version\":2");

    assertThatThrownBy(() -> VersionDetailsJson.read(newer, WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("schema_version: 2 is not the version this registry reads (1)");
  }

  @Test
  void aMissingOrMistypedFieldIsACorruptRecordNamingItsPath() {
    String full = VersionDetailsJson.write(VersionDetailsFixtures.full());

    assertThatThrownBy(
            () ->
                VersionDetailsJson.read(
                    full.replace("\"model_kind\":", "\"kind_of_model\":"), WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("evaluation.model_kind: is missing");
    assertThatThrownBy(
            () -> VersionDetailsJson.read(full.replace("\"seed\":42", "\"seed\":\"42\""), WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("lineage.seed: \"42\" is not a whole number");
    assertThatThrownBy(
            () -> VersionDetailsJson.read(full.replace("\"COUNT\"", "\"HISTOGRAM\""), WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("features[0].type: 'HISTOGRAM' is not a FeatureType name");
    assertThatThrownBy(() -> VersionDetailsJson.read("{\"schema_version\":1}", WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("description: is missing");
    assertThatThrownBy(() -> VersionDetailsJson.read("[]", WHAT))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("schema_version: is missing");
  }
}
