package io.propensity.dashboard.api;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.protobuf.StatusProto;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a failed service call to an HTTP status and a JSON body the pages show as is: {@code
 * {"error": "...", "code": "UNAVAILABLE", "service": "feature-service", "target": "host:port"}},
 * with the service's {@code google.rpc.BadRequest} field violations, when it sent any, as {@code
 * "violations": [{"field": "input.provided.values[Month]", "description": "..."}]}.
 */
@Produces
@Singleton
@Requires(classes = {ServiceCallException.class, ExceptionHandler.class})
final class ServiceCallExceptionHandler
    implements ExceptionHandler<ServiceCallException, HttpResponse<Map<String, Object>>> {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceCallExceptionHandler.class);

  @Override
  public HttpResponse<Map<String, Object>> handle(HttpRequest request, ServiceCallException e) {
    HttpStatus status =
        switch (e.status().getCode()) {
          case INVALID_ARGUMENT, OUT_OF_RANGE -> HttpStatus.BAD_REQUEST;
          case NOT_FOUND -> HttpStatus.NOT_FOUND;
          case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> HttpStatus.CONFLICT;
          case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> HttpStatus.SERVICE_UNAVAILABLE;
          default -> HttpStatus.BAD_GATEWAY;
        };
    LOG.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    body.put("code", e.status().getCode().name());
    body.put("service", e.service());
    body.put("target", e.target());
    List<Map<String, String>> violations = violations(e);
    if (!violations.isEmpty()) {
      body.put("violations", violations);
    }
    return HttpResponse.<Map<String, Object>>status(status).body(body);
  }

  /** The field violations in the status details of the failed call, in the service's order. */
  static List<Map<String, String>> violations(ServiceCallException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e.getCause());
    if (status == null) {
      return List.of();
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Any detail : status.getDetailsList()) {
      if (!detail.is(BadRequest.class)) {
        continue;
      }
      try {
        for (BadRequest.FieldViolation v :
            detail.unpack(BadRequest.class).getFieldViolationsList()) {
          Map<String, String> m = new LinkedHashMap<>();
          m.put("field", v.getField());
          m.put("description", v.getDescription());
          out.add(m);
        }
      } catch (InvalidProtocolBufferException ex) {
        LOG.warn("unreadable BadRequest detail from {}: {}", e.service(), ex.getMessage());
      }
    }
    return out;
  }
}
