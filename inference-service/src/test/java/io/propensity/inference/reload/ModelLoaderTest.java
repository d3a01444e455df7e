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
import io.propensity.runtime.ScoringModel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelLoaderTest {
  static final String TEXT = TestModels.small(71);
  static final byte[] BYTES = TEXT.getBytes(StandardCharsets.UTF_8);
  static final String SHA = ModelLoader.sha256(BYTES);

  /** Counts native models opened and closed around the real LightGBM loader. */
  static final class Counting implements ModelLoader.NativeLoader {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public ScoringModel load(String text, int scorers)
        throws io.propensity.runtime.ModelLoadException {
      ScoringModel m = ModelLoader.LIGHTGBM.load(text, scorers);
      opened.incrementAndGet();
      return new ScoringModel() {
        public int featureCount() {
          return m.featureCount();
        }

        public double predictProbability(double[] row) {
          return m.predictProbability(row);
        }

        public double[] predictProbabilities(double[][] rows) {
          return m.predictProbabilities(rows);
        }

        public double predictRaw(double[] row) {
          return m.predictRaw(row);
        }

        public Contributions contributions(double[] row) {
          return m.contributions(row);
        }

        public Contributions[] contributions(double[][] rows) {
          return m.contributions(rows);
        }

        public void close() {
          closed.incrementAndGet();
          m.close();
        }
      };
    }
  }

  final Counting natives = new Counting();
  final ModelLoader loader = loaderWith(2, natives);

  /** A loader of feature-engine's schema with {@code scorers} native scorers per model. */
  static ModelLoader loaderWith(int scorers, ModelLoader.NativeLoader natives) {
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
}
