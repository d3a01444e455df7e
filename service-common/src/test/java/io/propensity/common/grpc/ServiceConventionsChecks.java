package io.propensity.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Checks every Propensity service must pass, shared by the services' endpoint tests. */
public final class ServiceConventionsChecks {
  private ServiceConventionsChecks() {}

  /** The overall health (empty service name) as reported by the standard health service. */
  public static HealthCheckResponse.ServingStatus overallHealth(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("").build())
        .getStatus();
  }

  /** Service names listed through server reflection (v1), as grpcurl would see them. */
  public static List<String> reflectedServices(ManagedChannel channel) throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    ServerReflectionResponse response = answer.get(5, TimeUnit.SECONDS);
    requests.onCompleted();
    return response.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName)
        .toList();
  }

  /** Asserts health SERVING and that reflection lists health plus {@code expected}. */
  public static void assertHealthyAndReflective(ManagedChannel channel, String... expected)
      throws Exception {
    assertThat(overallHealth(channel)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    List<String> services = reflectedServices(channel);
    assertThat(services).contains("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    for (String e : expected) {
      assertThat(services).contains(e);
    }
  }
}
