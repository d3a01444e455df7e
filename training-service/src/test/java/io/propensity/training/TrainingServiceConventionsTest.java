package io.propensity.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.common.grpc.ServiceConventionsChecks;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MicronautTest(environments = "test")
@Property(name = "micronaut.server.port", value = "-1")
class TrainingServiceConventionsTest {
  @Inject GrpcEmbeddedServer grpcServer;

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
  void answersStandardHealthAndReflection() throws Exception {
    ServiceConventionsChecks.assertHealthyAndReflective(channel);
  }

  @Test
  void exposesPrometheusMetrics() {
    String body = http.toBlocking().retrieve("/prometheus");
    assertThat(body).contains("# TYPE").contains("jvm_memory_used_bytes");
  }
}
