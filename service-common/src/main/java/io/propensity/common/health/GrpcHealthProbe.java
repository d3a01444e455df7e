package io.propensity.common.health;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.propensity.client.HealthClient;
import io.propensity.common.outbound.OutboundSecurity;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Container health check carried by every service jar: asks the standard gRPC health service and
 * exits 0 when it answers {@code SERVING} (with {@code --alive}: any answer), 1 otherwise.
 *
 * <p>{@code java -cp app.jar io.propensity.common.health.GrpcHealthProbe [--alive]
 * [--deadline-ms=N] [host:port] [service]}; target default {@code 127.0.0.1:$GRPC_SERVER_PORT}. TLS
 * and plaintext as the service's own {@code PROPENSITY_SECURITY_*} variables say.
 */
public final class GrpcHealthProbe {
  /** What one probe found. */
  public record Result(int exitCode, String message) {}

  private GrpcHealthProbe() {}

  public static void main(String[] args) {
    Result r = probe(args);
    PrintStream out = r.exitCode() == 0 ? System.out : System.err;
    out.println(r.message());
    System.exit(r.exitCode());
  }

  /** Runs one probe with the command-line arguments of {@link #main}. */
  public static Result probe(String... args) {
    boolean alive = false;
    long deadlineMs = 3000;
    String target = null;
    String service = "";
    for (String a : args) {
      if (a.equals("--alive")) {
        alive = true;
      } else if (a.startsWith("--deadline-ms=")) {
        deadlineMs = Long.parseLong(a.substring("--deadline-ms=".length()));
      } else if (a.startsWith("--")) {
        return new Result(2, "unknown option " + a);
      } else if (target == null) {
        target = a;
      } else {
        service = a;
      }
    }
    if (target == null) {
      String port = System.getenv("GRPC_SERVER_PORT");
      if (port == null || port.isBlank()) {
        return new Result(2, "no target: give host:port or set GRPC_SERVER_PORT");
      }
      target = "127.0.0.1:" + port.trim();
    }
    // the same TLS settings as the service it probes (its own certificate as the client's, for
    // a server that requires one); the health service itself needs no credentials
    ManagedChannel channel = OutboundSecurity.fromEnvironment(System.getenv()).open(target);
    try {
      ServingStatus status =
          new HealthClient(channel, Duration.ofMillis(deadlineMs))
              .check(HealthCheckRequest.newBuilder().setService(service).build())
              .getStatus();
      boolean ok = status == ServingStatus.SERVING || alive;
      return new Result(ok ? 0 : 1, target + " " + status);
    } catch (StatusRuntimeException e) {
      return new Result(1, target + " does not answer: " + e.getStatus().getCode());
    } finally {
      channel.shutdownNow();
    }
  }
}
