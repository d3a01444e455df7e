package io.propensity.inference.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.GoldenRow;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeScoringModel;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.Contributions;
import io.propensity.runtime.LightGbmJavaModel;
import io.propensity.runtime.LightGbmModel;
import io.propensity.runtime.ScoringModel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelLoaderTest {
  static final String TEXT = TestModels.small(71);
  static final byte[] BYTES = TEXT.getBytes(StandardCharsets.UTF_8);
  static final String SHA = ModelLoader.sha256(BYTES);

  /**
   * Counts models opened and closed around a real loader, and records in {@link #events} when one
   * is built and when it first scores each way.
   */
  static final class Counting implements ModelLoader.ScorerLoader {
    final ModelLoader.ScorerLoader delegate;
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ScoringModel> built = new CopyOnWriteArrayList<>();

    Counting(ModelLoader.ScorerLoader delegate) {
      this.delegate = delegate;
    }

    private void first(String event) {
      if (!events.contains(event)) {
        events.add(event);
      }
    }

    @Override
    public ScoringModel load(String text, int scorers)
        throws io.propensity.runtime.ModelLoadException {
      ScoringModel m = delegate.load(text, scorers);
      opened.incrementAndGet();
      built.add(m);
      int n = opened.get();
      events.add("built " + n);
      return new ScoringModel() {
        @Override
        public int featureCount() {
          return m.featureCount();
        }

        @Override
        public double predictProbability(double[] row) {
          first("probability " + n);
          return m.predictProbability(row);
        }

        @Override
        public double[] predictProbabilities(double[][] rows) {
          return m.predictProbabilities(rows);
        }

        @Override
        public double predictRaw(double[] row) {
          return m.predictRaw(row);
        }

        @Override
        public Contributions contributions(double[] row) {
          first("contributions " + n);
          return m.contributions(row);
        }

        @Override
        public Contributions[] contributions(double[][] rows) {
          return m.contributions(rows);
        }

        @Override
        public int topContributions(double[] row, int k, int[] features, double[] values) {
          return m.topContributions(row, k, features, values);
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          m.close();
        }
      };
    }
  }

  final Counting natives = new Counting(ModelLoader.NATIVE);
  final ModelLoader loader = loaderWith(2, natives);

  /** A loader of feature-engine's schema with {@code scorers} native scorers per model. */
  static ModelLoader loaderWith(int scorers, ModelLoader.ScorerLoader natives) {
    return new ModelLoader(
        FeatureCatalog.schema(),
        new ModelLoader.Settings(scorers, 1e-6, 1 << 24, 1),
        natives,
        Clock.systemUTC());
  }

  static ModelDescriptor descriptor(String hash, String sha, long size, List<GoldenRow> golden) {
    return new ModelDescriptor(
        "purchase-7d",
        3,
        hash,
        FeatureCatalog.schema().names(),
        Optional.empty(),
        0.4,
        ArtifactFormat.LIGHTGBM_TEXT,
        sha,
        size,
        golden,
        Optional.empty());
  }

  static List<GoldenRow> golden(double offset) {
    return TestModels.rows(3).stream()
        .map(r -> new GoldenRow(r, TestModels.reference(TEXT, r) + offset))
        .toList();
  }

  static Artifact artifact(byte[] bytes, String sha) {
    return new Artifact("purchase-7d", 3, bytes, sha, bytes.length);
  }

  @Test
  void aVerifiedModelScoresLikeLightGbmAndIsFreedOnceRetired() throws Exception {
    ServedModel m =
        loader.load(
            descriptor(FeatureCatalog.schema().versionHash(), SHA, BYTES.length, golden(0)),
            artifact(BYTES, SHA),
            "production");
    ServedModels served = new ServedModels("purchase-7d");
    served.swapIn(m);
    double[] row = TestModels.rows(4).get(3);
    try (var lease = served.lease(Optional.empty())) {
      assertThat(lease.probability(row)).isCloseTo(TestModels.reference(TEXT, row), within(1e-12));
    }
    assertThat(m.verifiedSha256()).isEqualTo(SHA);
    served.close();
    assertThat(natives.closed.get()).isEqualTo(natives.opened.get()).isEqualTo(1);
    assertThat(m.freed()).isTrue();
  }

  @Test
  void bytesDifferentFromTheRegisteredOrAnnouncedChecksumAreRefusedBeforeLoading() {
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.load(
                    descriptor(FeatureCatalog.schema().versionHash(), SHA, BYTES.length, List.of()),
                    artifact(BYTES, "f".repeat(64)),
                    "production"));
    assertThat(e.reason()).isEqualTo(RefusalReason.CHECKSUM);
    byte[] truncated = java.util.Arrays.copyOf(BYTES, BYTES.length - 10);
    e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.load(
                    descriptor(FeatureCatalog.schema().versionHash(), SHA, BYTES.length, List.of()),
                    artifact(truncated, SHA),
                    "production"));
    assertThat(e.reason()).isEqualTo(RefusalReason.CHECKSUM);
    assertThat(natives.opened.get()).isZero();
  }

  @Test
  void aModelOfAnotherSchemaOrFormatIsRefusedFromItsMetadata() {
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.checkDescriptor(
                    descriptor("0000000000000000", SHA, BYTES.length, List.of())));
    assertThat(e.reason()).isEqualTo(RefusalReason.SCHEMA);
    ModelDescriptor other =
        new ModelDescriptor(
            "m",
            1,
            FeatureCatalog.schema().versionHash(),
            List.of(),
            Optional.empty(),
            0.5,
            ArtifactFormat.UNSUPPORTED,
            SHA,
            1,
            List.of(),
            Optional.empty());
    assertThat(
            catchThrowableOfType(ModelRefusedException.class, () -> loader.checkDescriptor(other))
                .reason())
        .isEqualTo(RefusalReason.FORMAT);
  }

  @Test
  void corruptTextIsRefusedAndHoldsNoNativeMemory() {
    byte[] bad = TEXT.substring(0, TEXT.length() / 2).getBytes(StandardCharsets.UTF_8);
    String sha = ModelLoader.sha256(bad);
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.load(
                    descriptor(FeatureCatalog.schema().versionHash(), sha, bad.length, List.of()),
                    artifact(bad, sha),
                    "production"));
    assertThat(e.reason()).isEqualTo(RefusalReason.CORRUPT);
    assertThat(natives.opened.get()).isZero();
  }

  @Test
  void goldenRowsOffByMoreThanTheToleranceAreRefusedAndTheModelClosed() {
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                loader.load(
                    descriptor(
                        FeatureCatalog.schema().versionHash(), SHA, BYTES.length, golden(2e-6)),
                    artifact(BYTES, SHA),
                    "production"));
    assertThat(e.reason()).isEqualTo(RefusalReason.GOLDEN_ROWS);
    assertThat(e.getMessage()).contains("golden row 0");
    assertThat(natives.closed.get()).isEqualTo(natives.opened.get()).isEqualTo(1);
  }

  @Test
  void aModelFailingItsWarmUpIsRefusedAndClosed() {
    FakeScoringModel broken =
        new FakeScoringModel(FeatureCatalog.schema().size()) {
          @Override
          public Contributions contributions(double[] row) {
            throw new io.propensity.runtime.ScoringException("native failure");
          }
        };
    ModelLoader failing = loaderWith(1, (t, s) -> broken);
    ModelRefusedException e =
        catchThrowableOfType(
            ModelRefusedException.class,
            () ->
                failing.load(
                    descriptor(FeatureCatalog.schema().versionHash(), SHA, BYTES.length, List.of()),
                    artifact(BYTES, SHA),
                    "production"));
    assertThat(e.reason()).isEqualTo(RefusalReason.WARM_UP);
    assertThat(broken.closes()).isEqualTo(1);
  }

  @Test
  void theConfiguredScorerPicksTheModelRuntimeImplementation() throws Exception {
    try (ScoringModel java = ModelLoader.loaderOf(ScorerKind.JAVA, 1).load(TEXT, 2);
        ScoringModel natives = ModelLoader.loaderOf(ScorerKind.NATIVE, 1).load(TEXT, 2)) {
      assertThat(java).isInstanceOf(LightGbmJavaModel.class);
      assertThat(natives).isInstanceOf(LightGbmModel.class);
      assertThat(((LightGbmModel) natives).maxConcurrentScorers()).isEqualTo(2);
    }
  }

  @Test
  void theJavaScorerServesLightGbmsProbabilitiesAndTheNativeScorersFactors() throws Exception {
    Counting java = new Counting(ModelLoader.JAVA);
    ModelDescriptor d =
        descriptor(FeatureCatalog.schema().versionHash(), SHA, BYTES.length, golden(0));
    ServedModels served = new ServedModels("purchase-7d");
    served.swapIn(loaderWith(2, java).load(d, artifact(BYTES, SHA), "production"));
    ServedModels reference = new ServedModels("purchase-7d");
    reference.swapIn(loader.load(d, artifact(BYTES, SHA), "production"));
    assertThat(java.built).singleElement().isInstanceOf(LightGbmJavaModel.class);
    try (var lease = served.lease(Optional.empty());
        var nativeLease = reference.lease(Optional.empty())) {
      for (double[] row : TestModels.rows(200)) {
        assertThat(lease.probability(row))
            .isCloseTo(nativeLease.probability(row), within(1e-12))
            .isCloseTo(TestModels.reference(TEXT, row), within(1e-12));
        int[] features = new int[5];
        double[] values = new double[5];
        int[] nativeFeatures = new int[5];
        double[] nativeValues = new double[5];
        int n = lease.topContributions(row, 5, features, values);
        assertThat(nativeLease.topContributions(row, 5, nativeFeatures, nativeValues)).isEqualTo(n);
        assertThat(features).isEqualTo(nativeFeatures);
        assertThat(values).containsExactly(nativeValues, within(1e-9));
      }
    }
    served.close();
    reference.close();
    assertThat(java.closed.get()).isEqualTo(java.opened.get()).isEqualTo(1);
  }

  @Test
  void aJavaModelIsBuiltGoldenCheckedAndWarmedUpBeforeLoadReturnsIt() throws Exception {
    Counting java = new Counting(ModelLoader.JAVA);
    ServedModel m =
        loaderWith(1, java)
            .load(
                descriptor(FeatureCatalog.schema().versionHash(), SHA, BYTES.length, golden(0)),
                artifact(BYTES, SHA),
                "production");
    // whatever swaps m in next finds it complete: nothing of it is built lazily
    assertThat(java.events).containsExactly("built 1", "probability 1", "contributions 1");
    ServedModels served = new ServedModels("purchase-7d");
    served.swapIn(m);
    served.close();
    assertThat(java.closed.get()).isEqualTo(1);
  }
}
