package io.propensity.dashboard.api;

import io.grpc.Status;

/** A call to one of the services failed; carries which service, where, and its gRPC status. */
public final class ServiceCallException extends RuntimeException {
  private final String service;
  private final String target;
  private final Status status;

  public ServiceCallException(String service, String target, Status status, Throwable cause) {
    super(describe(service, target, status), cause);
    this.service = service;
    this.target = target;
    this.status = status;
  }

  private static String describe(String service, String target, Status status) {
    return switch (status.getCode()) {
      case UNAVAILABLE ->
          service
              + " is unreachable at "
              + target
              + " (is it running?)"
              + (status.getDescription() == null ? "" : ": " + status.getDescription());
      case DEADLINE_EXCEEDED -> service + " at " + target + " did not answer in time";
      default ->
          service
              + ": "
              + (status.getDescription() == null
                  ? status.getCode().name()
                  : status.getDescription());
    };
  }

  public String service() {
    return service;
  }

  public String target() {
    return target;
  }

  public Status status() {
    return status;
  }
}
