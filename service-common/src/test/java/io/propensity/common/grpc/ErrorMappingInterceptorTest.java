package io.propensity.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.UnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ErrorMappingInterceptorTest {
  private Server server;
  private ManagedChannel channel;

  private HealthGrpc.HealthBlockingStub serve(Supplier<RuntimeException> failure) throws Exception {
    String name = InProcessServerBuilder.generateName();
    HealthGrpc.HealthImplBase throwing =
        new HealthGrpc.HealthImplBase() {
          @Override
          public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
            throw failure.get();
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(throwing, new ErrorMappingInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  /** What a client receives from a unary call whose endpoint throws {@code failure}. */
  private StatusRuntimeException failureOf(Supplier<RuntimeException> failure) throws Exception {
    var stub = serve(failure);
    return catchThrowableOfType(
        StatusRuntimeException.class, () -> stub.check(HealthCheckRequest.getDefaultInstance()));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void invalidInputBecomesInvalidArgumentWithEveryFieldViolation() throws Exception {
    StatusRuntimeException e =
        failureOf(
            () ->
                new InvalidInputException(
                    "2 of 3 events are invalid",
                    List.of(
                        new FieldError("events[1].user_id", "is required"),
                        new FieldError("events[2].price", "-3.0 is negative"))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("2 of 3 events are invalid");
    BadRequest bad =
        StatusProto.fromThrowable(e).getDetailsList().stream()
            .filter(a -> a.is(BadRequest.class))
            .findFirst()
            .orElseThrow()
            .unpack(BadRequest.class);
    assertThat(bad.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField, BadRequest.FieldViolation::getDescription)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("events[1].user_id", "is required"),
            org.assertj.core.groups.Tuple.tuple("events[2].price", "-3.0 is negative"));
  }

  @Test
  void aFailedPreconditionNamingAFieldCarriesItAsAViolationAndOneWithoutNone() throws Exception {
    StatusRuntimeException named =
        failureOf(
            () ->
                new FailedPreconditionException(
                    "version: version 3 cannot be served",
                    List.of(new FieldError("version", "version 3 cannot be served"))));
    StatusRuntimeException plain =
        failureOf(() -> new FailedPreconditionException("alias has no earlier version"));

    assertThat(named.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            StatusProto.fromThrowable(named).getDetailsList().stream()
                .filter(a -> a.is(BadRequest.class))
                .findFirst()
                .orElseThrow()
                .unpack(BadRequest.class)
                .getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("version");
    assertThat(plain.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusProto.fromThrowable(plain).getDetailsList())
        .noneMatch(a -> a.is(BadRequest.class));
  }

  @Test
  void notFoundKeepsItsMessage() throws Exception {
    StatusRuntimeException e =
        failureOf(() -> new NotFoundException("model churn-30d has no version 7"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).isEqualTo("model churn-30d has no version 7");
  }

  @Test
  void unavailableCarriesRetryInfo() throws Exception {
    StatusRuntimeException e =
        failureOf(
            () ->
                new UnavailableException(
                    "feature-service is down", Optional.of(Duration.ofSeconds(2)), null));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    RetryInfo retry =
        StatusProto.fromThrowable(e).getDetailsList().stream()
            .filter(a -> a.is(RetryInfo.class))
            .findFirst()
            .orElseThrow()
            .unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(2);
  }

  @Test
  void unexpectedFailureIsInternalWithoutStackTrace() throws Exception {
    StatusRuntimeException e =
        failureOf(() -> new IllegalStateException("secret internals at Foo.java:12"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription())
        .startsWith("internal error (incident ")
        .doesNotContain("Foo.java");
  }

  @Test
  void anIllegalArgumentFromServerCodeIsInternalWithAnIncidentLoggedAndNoMessageLeaked()
      throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(GrpcErrors.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    try {
      StatusRuntimeException e =
          failureOf(
              () -> new IllegalArgumentException("rows[3] has 7 features, the model expects 9"));

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      Matcher incident =
          Pattern.compile("internal error \\(incident ([0-9a-f-]{36})\\); see the server log")
              .matcher(e.getStatus().getDescription());
      assertThat(incident.matches()).as(e.getStatus().getDescription()).isTrue();
      assertThat(StatusProto.fromThrowable(e).getDetailsList())
          .as("no BadRequest blaming the client")
          .noneMatch(a -> a.is(BadRequest.class));
      assertThat(logged.list)
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.getLevel()).isEqualTo(Level.ERROR);
                assertThat(line.getFormattedMessage()).contains(incident.group(1));
                assertThat(line.getThrowableProxy().getMessage())
                    .isEqualTo("rows[3] has 7 features, the model expects 9");
              });
    } finally {
      log.detachAppender(logged);
    }
  }
}
