package io.propensity.inference.grpc;

import static org.awaitility.Awaitility.await;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * When the watch stream silently stops delivering, the periodic poll still brings promotions in.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PollFallbackGrpcTest implements TestPropertyProvider {
  FakeModelRegistry registry;
  @Inject ServedModels served;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(31)));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.registry.poll-interval", "300ms",
        "propensity.inference.feature-service.target", "127.0.0.1:1",
        "propensity.inference.models", "purchase-7d",
        "propensity.inference.scorers-per-model", "1");
  }

  @AfterAll
  void close() throws Exception {
    registry.close();
  }

  @Test
  void aPromotionTheStreamNeverDeliversIsFoundByThePoll() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> served.currentVersion("purchase-7d").orElse(0) == 1);
    registry.mute(true);
    long v2 = registry.register("purchase-7d", TestModels.small(32));
    registry.promote("purchase-7d", v2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> served.currentVersion("purchase-7d").orElse(0) == v2);
  }
}
