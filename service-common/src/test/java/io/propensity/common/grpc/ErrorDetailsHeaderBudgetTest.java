package io.propensity.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Errors reach a real HTTP/2 client whose header limit is grpc-java's default (8 KiB), however many
 * violations the server found: the first ones are kept, the rest counted.
 */
class ErrorDetailsHeaderBudgetTest {
  private Server server;
  private ManagedChannel channel;

  private StatusRuntimeException failureOf(Supplier<RuntimeException> failure) throws Exception {
    HealthGrpc.HealthImplBase throwing =
        new HealthGrpc.HealthImplBase() {
          @Override
          public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
            throw failure.get();
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(throwing, new ErrorMappingInterceptor()))
            .build()
            .start();
    // The client's defaults are the point: 8 KiB of inbound metadata.
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    var stub = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    return catchThrowableOfType(
        StatusRuntimeException.class, () -> stub.check(HealthCheckRequest.getDefaultInstance()));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static List<BadRequest.FieldViolation> violationsOf(StatusRuntimeException e)
      throws Exception {
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    assertThat(s).as("status details of %s", e.getStatus()).isNotNull();
    List<BadRequest.FieldViolation> out = new ArrayList<>();
    for (var a : s.getDetailsList()) {
      if (a.is(BadRequest.class)) {
        out.addAll(a.unpack(BadRequest.class).getFieldViolationsList());
      }
    }
    return out;
  }

  @Test
  void aThousandViolationsArriveAsInvalidArgumentWithTheFirstOnesAndACount() throws Exception {
    List<FieldError> many = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      many.add(new FieldError("events[" + i + "].user_id", "is required"));
    }
    StatusRuntimeException e =
        failureOf(() -> new InvalidInputException("none of the 1000 events is valid", many));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("none of the 1000 events is valid");
    List<BadRequest.FieldViolation> got = violationsOf(e);
    BadRequest.FieldViolation note = got.get(got.size() - 1);
    List<BadRequest.FieldViolation> kept = got.subList(0, got.size() - 1);
    assertThat(kept).hasSizeGreaterThan(10);
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i).getField()).isEqualTo("events[" + i + "].user_id");
    }
    assertThat(note.getField()).isEqualTo(GrpcErrors.TRUNCATED_FIELD);
    assertThat(note.getDescription())
        .startsWith((1_000 - kept.size()) + " more field violations left out");
    assertThat(StatusProto.fromThrowable(e).getSerializedSize())
        .isLessThanOrEqualTo(GrpcErrors.MAX_STATUS_BYTES);
  }

  @Test
  void hugeFieldsDescriptionsAndMessagesAreClippedNotDropped() throws Exception {
    String wide = "é".repeat(20_000);
    StatusRuntimeException e =
        failureOf(
            () ->
                new InvalidInputException(
                    wide, List.of(new FieldError("attributes[" + wide + "]", wide))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("ééé").endsWith("…");
    List<BadRequest.FieldViolation> got = violationsOf(e);
    assertThat(got).hasSize(1);
    assertThat(got.get(0).getField()).startsWith("attributes[ééé").endsWith("…");
    assertThat(got.get(0).getDescription()).startsWith("ééé").endsWith("…");
  }

  @Test
  void aSmallErrorIsSentWhole() throws Exception {
    StatusRuntimeException e =
        failureOf(
            () ->
                new InvalidInputException(
                    "two problems",
                    List.of(new FieldError("a", "is required"), new FieldError("b", "too big"))));
    assertThat(violationsOf(e))
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("a", "b");
  }
}
