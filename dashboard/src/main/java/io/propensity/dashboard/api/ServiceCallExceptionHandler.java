package io.propensity.dashboard.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a failed service call to an HTTP status and a JSON body the pages show as is: {@code
 * {"error": "...", "code": "UNAVAILABLE", "service": "feature-service", "target": "host:port"}}.
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
    return HttpResponse.<Map<String, Object>>status(status).body(body);
  }
}
