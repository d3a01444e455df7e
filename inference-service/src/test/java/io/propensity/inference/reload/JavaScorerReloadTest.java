package io.propensity.inference.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.registry.GrpcModelSource;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.serving.ServingListener;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.LightGbmJavaModel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Hot reload with the Java scorer, through the real reloader and a registry: a new version's model
 * (its flat trees and TreeSHAP tables, made by {@code LightGbmTrees.fromModelText}) is built,
 * golden-checked and warmed up on the reload thread, and only then swapped in; the old one keeps
 * serving until the swap and is closed once drained.
 */
class JavaScorerReloadTest {
  static final String NAME = "purchase-7d";

  @Test
  void aNewVersionIsSwappedInOnlyAfterItsModelIsBuiltCheckedAndWarmedUp() throws Exception {
    ModelLoaderTest.Counting java = new ModelLoaderTest.Counting(ModelLoader.JAVA);
    ModelLoader loader =
        new ModelLoader(
            FeatureCatalog.schema(),
            new ModelLoader.Settings(2, 1e-6, 1 << 24, 1),
            java,
            Clock.systemUTC());
    ServedModels served = new ServedModels(NAME);
    served.addListener(
        new ServingListener() {
          @Override
          public void swapped(ServedModel current, Optional<ServedModel> previous) {
            java.events.add("swapped " + current.version());
          }
        });
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
                new ReloadListener() {})) {
      registry.promote(NAME, registry.register(NAME, TestModels.small(21)));
      reloader.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> served.currentVersion(NAME).isPresent());
      registry.promote(NAME, registry.register(NAME, TestModels.small(22)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> served.currentVersion(NAME).orElse(0) == 2);

      assertThat(java.events)
          .containsExactly(
              "built 1",
              "probability 1",
              "contributions 1",
              "swapped 1",
              "built 2",
              "probability 2",
              "contributions 2",
              "swapped 2");
      assertThat(java.built).allSatisfy(m -> assertThat(m).isInstanceOf(LightGbmJavaModel.class));
      // version 1 drained (no lease held it) and was closed at the swap
      await().atMost(Duration.ofSeconds(10)).until(() -> java.closed.get() == 1);
    }
    served.close();
    assertThat(java.closed.get()).isEqualTo(2);
  }
}
