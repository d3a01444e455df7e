package io.propensity.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.grpc.ServiceConventionsChecks;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@MicronautTest(environments = "test")
@Property(name = "micronaut.server.port", value = "-1")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferenceServiceConventionsTest implements TestPropertyProvider {
  @Inject GrpcEmbeddedServer grpcServer;
  @Inject ServedModels served;
  FakeModelRegistry registry;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    registry.promote("purchase-7d", registry.register("purchase-7d", TestModels.small(61)));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.feature-service.target", "127.0.0.1:1",
        "propensity.inference.scorers-per-model", "1");
  }

  @AfterAll
  void stopRegistry() throws Exception {
    registry.close();
  }

  @Inject
  @Client("/")
  HttpClient http;

  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", grpcServer.getPort()).usePlaintext().build();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void answersStandardHealthAndReflectionOnceTheDefaultModelIsLoaded() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(served::defaultServed);
    ServiceConventionsChecks.assertHealthyAndReflective(
        channel, "propensity.inference.v1.InferenceService");
  }

  @Test
  void exposesPrometheusMetrics() {
    String body = http.toBlocking().retrieve("/prometheus");
    assertThat(body).contains("# TYPE").contains("jvm_memory_used_bytes");
  }
}
