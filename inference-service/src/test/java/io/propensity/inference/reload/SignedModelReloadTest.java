package io.propensity.inference.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.registry.GrpcModelSource;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ModelLease;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.signing.ModelKeys;
import io.propensity.runtime.signing.ModelSignature;
import io.propensity.runtime.signing.ModelSigner;
import io.propensity.runtime.signing.ModelStatement;
import io.propensity.runtime.signing.TrustedModelKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.ModelVersion;

/**
 * With trusted model keys configured, inference loads only versions the registry signed over the
 * very bytes it received: an unsigned version, one whose bytes were swapped after signing, and one
 * signed by an unknown key are refused before anything parses them, counted by reason, and the
 * version serving keeps answering.
 */
class SignedModelReloadTest {
  static final String NAME = "purchase-7d";

  final ModelSigner registryKey = new ModelSigner(ModelKeys.generate());
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final ModelLoaderTest.Counting java = new ModelLoaderTest.Counting(ModelLoader.JAVA);

  @Test
  void unsignedTamperedOrStrangerSignedVersionsAreNeverServedAndThePreviousOneKeepsAnswering()
      throws Exception {
    ModelLoader loader =
        new ModelLoader(
            FeatureCatalog.schema(),
            new ModelLoader.Settings(1, 1e-6, 1 << 24, 1),
            java,
            Clock.systemUTC(),
            Optional.of(TrustedModelKeys.of(List.of(registryKey.publicKey()))));
    ServedModels served = new ServedModels(NAME);
    String good = TestModels.small(31);
    String other = TestModels.small(32);
    ModelSigner stranger = new ModelSigner(ModelKeys.generate());
    try (FakeModelRegistry registry = FakeModelRegistry.start();
        GrpcModelSource source =
            GrpcModelSource.connect(
                registry.target(), Duration.ofSeconds(5), Duration.ofSeconds(30));
        ModelReloader reloader =
            new ModelReloader(
                source,
                loader,
                served,
                new ModelReloader.Settings(
                    "production",
                    List.of(NAME),
                    Duration.ofHours(1),
                    Duration.ofMillis(50),
                    Duration.ofSeconds(1)),
                new ReloadMetrics(meters))) {
      registry.promote(NAME, register(registry, good, Optional.of(sign(registryKey, good))));
      reloader.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> served.currentVersion(NAME).isPresent());
      double before = probability(served);

      // 2: not signed
      promoteAndAwaitRefusal(registry, served, register(registry, other, Optional.empty()), 1);
      // 3: the bytes of another model, registered with the signature of the served one (as if
      // swapped in the database with their checksum)
      promoteAndAwaitRefusal(
          registry, served, register(registry, other, Optional.of(sign(registryKey, good))), 2);
      // 4: signed, by a key nobody trusts
      promoteAndAwaitRefusal(
          registry, served, register(registry, other, Optional.of(sign(stranger, other))), 3);

      assertThat(probability(served)).isEqualTo(before);
      // refused before parsing: only version 1's model was ever built
      assertThat(java.events).filteredOn(e -> e.startsWith("built")).containsExactly("built 1");

      long signed = register(registry, other, Optional.of(sign(registryKey, other)));
      registry.promote(NAME, signed);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> served.currentVersion(NAME).orElse(0) == signed);
    }
    served.close();
  }

  @Test
  void theRefusalSaysWhichVersionAndWhy() {
    ModelLoader loader =
        new ModelLoader(
            FeatureCatalog.schema(),
            new ModelLoader.Settings(1, 1e-6, 1 << 24, 1),
            java,
            Clock.systemUTC(),
            Optional.of(TrustedModelKeys.of(List.of(registryKey.publicKey()))));
    String text = TestModels.small(33);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String sha = ModelLoader.sha256(bytes);
    ModelDescriptor d =
        ModelLoaderTest.descriptor(
            FeatureCatalog.schema().versionHash(), sha, bytes.length, List.of());

    ModelRefusedException unsigned =
        catchThrowableOfType(
            ModelRefusedException.class,
            () -> loader.load(d, new Artifact(NAME, 3, bytes, sha, bytes.length), "production"));

    assertThat(unsigned.reason()).isEqualTo(RefusalReason.SIGNATURE);
    assertThat(unsigned.getMessage())
        .contains(NAME + "@3")
        .contains("refused before parsing")
        .contains("not signed");
    assertThat(java.events).isEmpty();
  }

  @Test
  void withoutTrustedKeysAnUnsignedVersionLoadsAsBefore() throws Exception {
    ModelLoader loader =
        new ModelLoader(
            FeatureCatalog.schema(),
            new ModelLoader.Settings(1, 1e-6, 1 << 24, 1),
            java,
            Clock.systemUTC());
    String text = TestModels.small(34);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String sha = ModelLoader.sha256(bytes);

    ServedModel model =
        loader.load(
            ModelLoaderTest.descriptor(
                FeatureCatalog.schema().versionHash(), sha, bytes.length, List.of()),
            new Artifact(NAME, 3, bytes, sha, bytes.length),
            "production");

    assertThat(model.version()).isEqualTo(3);
    ServedModels served = new ServedModels(NAME);
    served.swapIn(model);
    served.close();
  }

  private void promoteAndAwaitRefusal(
      FakeModelRegistry registry, ServedModels served, long version, int refusals) {
    registry.promote(NAME, version);
    await().atMost(Duration.ofSeconds(30)).until(() -> refusedForSignature() == refusals);
    assertThat(served.currentVersion(NAME)).hasValue(1);
  }

  private double refusedForSignature() {
    Counter c =
        meters
            .find("propensity.inference.model.refused")
            .tags("model", NAME, "reason", "signature")
            .counter();
    return c == null ? 0 : c.count();
  }

  private static double probability(ServedModels served) {
    try (ModelLease lease = served.lease(Optional.of(NAME))) {
      return lease.probability(TestModels.rows(1).get(0));
    }
  }

  private static ModelSignature sign(ModelSigner key, String modelText) {
    byte[] bytes = modelText.getBytes(StandardCharsets.UTF_8);
    return key.sign(
        new ModelStatement(
            NAME,
            ModelStatement.LIGHTGBM_TEXT,
            ModelLoader.sha256(bytes),
            bytes.length,
            TestModels.SCHEMA.versionHash()));
  }

  private static long register(
      FakeModelRegistry registry, String modelText, Optional<ModelSignature> signature) {
    ModelVersion.Builder meta = FakeModelRegistry.meta(NAME, modelText, 0.5, 3);
    signature.ifPresent(
        s ->
            meta.getSignatureBuilder()
                .setKeyId(s.keyId())
                .setAlgorithm(s.algorithm())
                .setSignature(ByteString.copyFrom(s.signature())));
    return registry.register(meta, modelText.getBytes(StandardCharsets.UTF_8), null);
  }
}
