package io.propensity.dashboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

class ServiceCallExceptionHandlerTest {
  @Test
  void fieldViolationsOfTheServiceComeBackInItsOrder() {
    StatusRuntimeException e =
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage("2 bad values")
                .addDetails(
                    Any.pack(
                        BadRequest.newBuilder()
                            .addFieldViolations(
                                BadRequest.FieldViolation.newBuilder()
                                    .setField("input.provided.values[Month]")
                                    .setDescription("Month: \"Jan\" is not a level"))
                            .addFieldViolations(
                                BadRequest.FieldViolation.newBuilder()
                                    .setField("input.provided.values[PageValues]")
                                    .setDescription("PageValues: a number"))
                            .build()))
                .build());
    var call = new ServiceCallException("inference-service", "h:1", e.getStatus(), e);

    assertThat(ServiceCallExceptionHandler.violations(call))
        .extracting(v -> v.get("field"))
        .containsExactly("input.provided.values[Month]", "input.provided.values[PageValues]");
    assertThat(ServiceCallExceptionHandler.violations(call).get(0))
        .containsEntry("description", "Month: \"Jan\" is not a level");
  }

  @Test
  void aStatusWithoutDetailsHasNoViolations() {
    StatusRuntimeException e = Status.UNAVAILABLE.asRuntimeException();
    assertThat(
            ServiceCallExceptionHandler.violations(
                new ServiceCallException("inference-service", "h:1", e.getStatus(), e)))
        .isEmpty();
  }
}
