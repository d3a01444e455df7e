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

  /**
   * Most bytes of a serialized {@code google.rpc.Status} (message and details) sent to a client. It
   * travels base64-encoded in the {@code grpc-status-details-bin} trailer (4/3 larger) beside the
   * percent-encoded {@code grpc-message}; 3 KiB keeps both well inside the 8 KiB of headers a
   * grpc-java client accepts by default, where a larger error would be a {@code RST_STREAM}.
   */
  public static final int MAX_STATUS_BYTES = 3 * 1024;

  /** Most UTF-8 bytes of a status message (percent-encoded, it may triple). */
  public static final int MAX_MESSAGE_BYTES = 512;

  /** Most characters of one field violation's field path. */
  static final int MAX_FIELD_CHARS = 256;

  /** Most characters of one field violation's description. */
  static final int MAX_DESCRIPTION_CHARS = 512;

  /** Field path of the last violation when some were left out to fit {@link #MAX_STATUS_BYTES}. */
  public static final String TRUNCATED_FIELD = "(truncated)";

  /** Room kept for the violation that says how many were left out. */
  private static final int TRUNCATION_NOTE_BYTES = 160;

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
      status.setMessage(
          clipUtf8(pe.getMessage() == null ? "" : pe.getMessage(), MAX_MESSAGE_BYTES));
      Any errorInfo =
          Any.pack(ErrorInfo.newBuilder().setDomain(ERROR_DOMAIN).setReason(reasonOf(pe)).build());
      if (pe instanceof InvalidInputException iie) {
        status.setCode(Code.INVALID_ARGUMENT_VALUE);
        status.addDetails(badRequest(iie.violations(), status.build(), errorInfo));
      } else if (pe instanceof NotFoundException) {
        status.setCode(Code.NOT_FOUND_VALUE);
      } else if (pe instanceof FailedPreconditionException fpe) {
        status.setCode(Code.FAILED_PRECONDITION_VALUE);
        if (!fpe.violations().isEmpty()) {
          status.addDetails(badRequest(fpe.violations(), status.build(), errorInfo));
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
      status.addDetails(errorInfo);
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

  /**
   * The {@code BadRequest} of {@code violations}, each clipped, keeping the first ones in order
   * while {@code base} with it and {@code errorInfo} fits {@link #MAX_STATUS_BYTES}; when some are
   * left out, a last violation with field {@link #TRUNCATED_FIELD} says how many.
   */
  static Any badRequest(List<FieldError> violations, com.google.rpc.Status base, Any errorInfo) {
    int fixed = base.toBuilder().addDetails(errorInfo).build().getSerializedSize();
    BadRequest.Builder bad = BadRequest.newBuilder();
    int kept = 0;
    for (FieldError v : violations) {
      BadRequest.FieldViolation fv =
          BadRequest.FieldViolation.newBuilder()
              .setField(clip(v.field(), MAX_FIELD_CHARS))
              .setDescription(clip(v.description(), MAX_DESCRIPTION_CHARS))
              .build();
      boolean last = kept == violations.size() - 1;
      int size = fixed + anySize(bad.clone().addFieldViolations(fv).build());
      if (size + (last ? 0 : TRUNCATION_NOTE_BYTES) > MAX_STATUS_BYTES) {
        break;
      }
      bad.addFieldViolations(fv);
      kept++;
    }
    int omitted = violations.size() - kept;
    if (omitted > 0) {
      bad.addFieldViolations(
          BadRequest.FieldViolation.newBuilder()
              .setField(TRUNCATED_FIELD)
              .setDescription(
                  omitted
                      + " more field violation"
                      + (omitted == 1 ? "" : "s")
                      + " left out so that the error fits in the response headers; the first "
                      + kept
                      + " are listed"));
    }
    return Any.pack(bad.build());
  }

  private static int anySize(BadRequest bad) {
    return com.google.protobuf.CodedOutputStream.computeMessageSize(3, Any.pack(bad));
  }

  /** {@code s} cut to at most {@code max} characters (never inside a surrogate pair), marked … */
  static String clip(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }

  /** {@code s} cut to at most {@code maxBytes} UTF-8 bytes (on a character boundary), marked … */
  static String clipUtf8(String s, int maxBytes) {
    if (s.length() * 3 <= maxBytes
        || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= maxBytes) {
      return s;
    }
    int budget = maxBytes - 3; // the ellipsis is 3 bytes
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > budget) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i) + "…";
  }

  private static String reasonOf(PropensityException pe) {
    String simple = pe.getClass().getSimpleName().replace("Exception", "");
    return simple.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }
}
