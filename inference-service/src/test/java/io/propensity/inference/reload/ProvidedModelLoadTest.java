package io.propensity.inference.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.propensity.engine.features.FeatureType;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.FeatureSource;
import io.propensity.inference.serving.GoldenRow;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.ProvidedModels;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import io.propensity.training.pipeline.data.Dataset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Loading a version of a team's own feature table: its schema must describe its artifact. */
class ProvidedModelLoadTest {
  static final String TEXT = ProvidedModels.train(3);
  static final byte[] BYTES = TEXT.getBytes(StandardCharsets.UTF_8);
  static final String SHA = ModelLoader.sha256(BYTES);

  final ModelLoaderTest.Counting models = new ModelLoaderTest.Counting(ModelLoader.JAVA);
  final ModelLoader loader = ModelLoaderTest.loaderWith(1, models);

  /** The table's features as registered. */
  static List<ModelSchema.Feature> features() {
    Dataset d = ProvidedModels.table().dataset();
    List<ModelSchema.Feature> out = new ArrayList<>();
    for (int i = 0; i < d.featureCount(); i++) {
      String name = d.featureNames().get(i);
      CategoricalVocabulary v = d.vocabularies().get(name);
      FeatureType type =
          switch (d.kind(i)) {
            case NUMERIC -> FeatureType.NUMERIC;
            case BOOLEAN -> FeatureType.BOOLEAN;
            case CATEGORICAL -> FeatureType.CATEGORICAL;
          };
      out.add(
          new ModelSchema.Feature(name, Optional.of(type), "", v == null ? List.of() : v.values()));
    }
    return out;
  }

  static ModelDescriptor descriptor(FeatureSource source, List<ModelSchema.Feature> features) {
    List<GoldenRow> golden = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      double[] row = ProvidedModels.table().dataset().row(i);
      golden.add(new GoldenRow(row, TestModels.reference(TEXT, row)));
    }
    return new ModelDescriptor(
        "sessions",
        1,
        new ModelSchema(source, ProvidedModels.HASH, features),
        Optional.empty(),
        0.5,
        ArtifactFormat.LIGHTGBM_TEXT,
        SHA,
        BYTES.length,
        golden,
        Optional.empty(),
        Calibration.none(),
        Optional.empty());
  }

  ModelRefusedException refusal(ModelDescriptor d) {
    return catchThrowableOfType(
        ModelRefusedException.class,
        () -> loader.load(d, new Artifact("sessions", 1, BYTES, SHA, BYTES.length), "production"));
  }

  @Test
  void aProvidedVersionIsServedWithoutTheEngineHashCheck() throws Exception {
    ServedModel m =
        loader.load(
            descriptor(FeatureSource.PROVIDED, features()),
            new Artifact("sessions", 1, BYTES, SHA, BYTES.length),
            "production");
    ServedModels served = new ServedModels("sessions");
    served.swapIn(m);
    double[] row = ProvidedModels.table().dataset().row(9);
    try (var lease = served.lease(Optional.empty())) {
      assertThat(lease.probability(row)).isCloseTo(TestModels.reference(TEXT, row), within(1e-12));
    }
    assertThat(m.provided()).isTrue();
    assertThat(m.featureNames()).containsExactlyElementsOf(ProvidedModels.featureNames());
    served.close();
    assertThat(models.closed.get()).isEqualTo(models.opened.get()).isEqualTo(1);
  }

  @Test
  void theSameVersionMarkedEngineIsRefusedByTheHashCheck() {
    ModelRefusedException e = refusal(descriptor(FeatureSource.ENGINE, features()));
    assertThat(e.reason()).isEqualTo(RefusalReason.SCHEMA);
    assertThat(e.getMessage()).contains("this service computes");
  }

  @Test
  void aSchemaWithAFeatureTooFewIsRefusedBeforeTheModelIsLoaded() {
    List<ModelSchema.Feature> f = new ArrayList<>(features());
    f.remove(4);
    ModelRefusedException e = refusal(descriptor(FeatureSource.PROVIDED, f));
    assertThat(e.reason()).isEqualTo(RefusalReason.SCHEMA);
    assertThat(e.getMessage())
        .isEqualTo(
            "sessions@1: the schema does not describe the artifact: the model reads 5 features,"
                + " the schema lists 4");
    assertThat(models.opened.get()).isZero();
  }

  @Test
  void aCategoricalFeatureRegisteredAsNumericIsRefused() {
    List<ModelSchema.Feature> f = new ArrayList<>(features());
    f.set(0, new ModelSchema.Feature("Month", Optional.of(FeatureType.NUMERIC), "", List.of()));
    ModelRefusedException e = refusal(descriptor(FeatureSource.PROVIDED, f));
    assertThat(e.reason()).isEqualTo(RefusalReason.SCHEMA);
    assertThat(e.getMessage())
        .endsWith("feature 'Month' is not categorical in the schema but in the model");
  }

  @Test
  void aNumericFeatureRegisteredAsCategoricalIsRefused() {
    List<ModelSchema.Feature> f = new ArrayList<>(features());
    f.set(
        3,
        new ModelSchema.Feature(
            "PageValues", Optional.of(FeatureType.CATEGORICAL), "", List.of("(missing)", "1")));
    ModelRefusedException e = refusal(descriptor(FeatureSource.PROVIDED, f));
    assertThat(e.reason()).isEqualTo(RefusalReason.SCHEMA);
    assertThat(e.getMessage())
        .endsWith("feature 'PageValues' is categorical in the schema but not in the model");
  }

  @Test
  void aSchemaThatCannotEncodeItsValuesIsRefusedFromItsMetadata() {
    List<ModelSchema.Feature> noLevels = new ArrayList<>(features());
    noLevels.set(
        0, new ModelSchema.Feature("Month", Optional.of(FeatureType.CATEGORICAL), "", List.of()));
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () -> loader.checkDescriptor(descriptor(FeatureSource.PROVIDED, noLevels)));
    assertThat(e.reason()).isEqualTo(RefusalReason.SCHEMA);
    assertThat(e.getMessage()).contains("categorical feature 'Month' has no usable levels");

    List<ModelSchema.Feature> untyped = new ArrayList<>(features());
    untyped.set(2, new ModelSchema.Feature("Weekend", Optional.empty(), "", List.of()));
    assertThat(
            catchThrowableOfType(
                    ModelRefusedException.class,
                    () -> loader.checkDescriptor(descriptor(FeatureSource.PROVIDED, untyped)))
                .getMessage())
        .contains("feature 'Weekend' has no type");
  }
}
