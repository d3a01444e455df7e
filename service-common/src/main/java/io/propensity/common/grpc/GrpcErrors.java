package io.propensity.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.PropensityException;
import io.propensity.common.error.ResourceExhaustedException;
import io.propensity.common.error.UnavailableException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps domain errors to canonical gRPC status with {@code google.rpc} details. The one place where
 * that mapping lives; endpoints that answer asynchronously call it themselves, everything else goes
 * through {@link ErrorMappingInterceptor}.
 */
public final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  /** Domain of {@code google.rpc.ErrorInfo} details. */
  public static final String ERROR_DOMAIN = "propensity.io";

  private GrpcErrors() {}

  /**
   * The status exception a client should receive for {@code t}; never carries a stack trace. Only
   * the typed errors of {@link PropensityException} say the client is at fault ({@code
   * INVALID_ARGUMENT} only for an {@link InvalidInputException}); any other exception is {@code
   * INTERNAL}, with an incident id that is also in the server's log line.
   */
  public static StatusRuntimeException toStatusException(RuntimeException t) {
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder();
    if (t instanceof PropensityException pe) {
      status.setMessage(pe.getMessage() == null ? "" : pe.getMessage());
      if (pe instanceof InvalidInputException iie) {
        status.setCode(Code.INVALID_ARGUMENT_VALUE);
        status.addDetails(Any.pack(badRequest(iie.violations())));
      } else if (pe instanceof NotFoundException) {
        status.setCode(Code.NOT_FOUND_VALUE);
      } else if (pe instanceof FailedPreconditionException fpe) {
        status.setCode(Code.FAILED_PRECONDITION_VALUE);
        if (!fpe.violations().isEmpty()) {
          status.addDetails(Any.pack(badRequest(fpe.violations())));
        }
      } else if (pe instanceof ResourceExhaustedException) {
        status.setCode(Code.RESOURCE_EXHAUSTED_VALUE);
      } else if (pe instanceof UnavailableException ue) {
        status.setCode(Code.UNAVAILABLE_VALUE);
        ue.retryAfter()
            .ifPresent(
                d ->
                    status.addDetails(
                        Any.pack(
                            RetryInfo.newBuilder()
                                .setRetryDelay(
                                    com.google.protobuf.Duration.newBuilder()
                                        .setSeconds(d.getSeconds())
                                        .setNanos(d.getNano()))
                                .build())));
      }
      status.addDetails(
          Any.pack(ErrorInfo.newBuilder().setDomain(ERROR_DOMAIN).setReason(reasonOf(pe)).build()));
      return StatusProto.toStatusRuntimeException(status.build());
    }
    // Anything else is a bug of ours, an IllegalArgumentException included: bad input from a
    // client is refused with an InvalidInputException naming the field, so an argument refused
    // anywhere else was one the server passed itself.
    String incident = UUID.randomUUID().toString();
    LOG.error("internal error, incident {}", incident, t);
    return Status.INTERNAL
        .withDescription("internal error (incident " + incident + "); see the server log")
        .asRuntimeException();
  }

  private static BadRequest badRequest(List<FieldError> violations) {
    BadRequest.Builder bad = BadRequest.newBuilder();
    for (FieldError v : violations) {
      bad.addFieldViolations(
          BadRequest.FieldViolation.newBuilder()
              .setField(v.field())
              .setDescription(v.description()));
    }
    return bad.build();
  }

  private static String reasonOf(PropensityException pe) {
    String simple = pe.getClass().getSimpleName().replace("Exception", "");
    return simple.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }
}
