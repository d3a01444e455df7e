package io.propensity.client;

import static io.propensity.client.Deadlines.assertBearer;
import static io.propensity.client.Deadlines.assertDeadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(4);

  private final HealthStatusManager health = new HealthStatusManager();
  private final RecordingServer server = new RecordingServer(health.getHealthService());

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  @Test
  void checksCarryTheClientsDeadline() throws Exception {
    HealthClient client = new HealthClient(server.channel, DEADLINE);

    assertThat(client.check().getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(client.checkAsync().get().getStatus()).isEqualTo(ServingStatus.SERVING);
    client.withDeadline(Duration.ofSeconds(1)).check();

    assertThat(server.calls()).hasSize(3);
    assertDeadline(server.calls().get(0), DEADLINE);
    assertDeadline(server.calls().get(1), DEADLINE);
    assertDeadline(server.calls().get(2), Duration.ofSeconds(1));
    server.calls().forEach(Deadlines::assertNoCredentials);
  }

  @Test
  void credentialsTravelWithEveryCheckWhenGiven() throws Exception {
    HealthClient client =
        new HealthClient(
            server.channel,
            ClientOptions.deadline(DEADLINE).withCredentials(RecordingServer.bearer("t5")));

    client.check();
    client.checkAsync().get();

    assertThat(server.calls()).hasSize(2);
    server.calls().forEach(c -> assertBearer(c, "t5"));
  }

  @Test
  void serverErrorsSurfaceUnchanged() {
    HealthClient client = new HealthClient(server.channel, DEADLINE);

    assertThatThrownBy(() -> client.check(HealthCheckRequest.newBuilder().setService("x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
