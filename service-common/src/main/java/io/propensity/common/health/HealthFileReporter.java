package io.propensity.common.health;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.runtime.server.event.ServerShutdownEvent;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps {@code propensity.health.file} ({@code PROPENSITY_HEALTH_FILE}; unset: off) up to date for
 * the container health check: {@code SERVING} while every started server runs and, in a service
 * with a gRPC server, that server runs and its gRPC health service answers {@code SERVING} for
 * {@code ""} (the answer {@code GrpcHealthProbe} gets), else {@code NOT_SERVING}. The first write
 * happens once the gRPC server (the HTTP server in a service without one) listens; from shutdown on
 * the file says {@code NOT_SERVING} and is no longer refreshed. Rewritten every {@code
 * propensity.health.file-interval} (default 5 s).
 */
@Singleton
@Requires(property = "propensity.health.file")
public final class HealthFileReporter implements ApplicationEventListener<ServerStartupEvent> {
  private final HealthFile file;
  @Nullable private final HealthStatusManager health;
  private final List<EmbeddedServer> servers = new CopyOnWriteArrayList<>();
  private volatile GrpcEmbeddedServer grpc;

  HealthFileReporter(
      @Value("${propensity.health.file}") String path,
      @Value("${propensity.health.file-interval:5s}") Duration interval,
      @Nullable HealthStatusManager health) {
    this.health = health;
    this.file = new HealthFile(Path.of(path), this::status, interval);
  }

  @Override
  public void onApplicationEvent(ServerStartupEvent event) {
    EmbeddedServer server = event.getSource();
    servers.add(server);
    if (server instanceof GrpcEmbeddedServer g) {
      grpc = g;
    }
    // nothing is written before the server that answers health checks listens: a file (even one
    // saying NOT_SERVING) means the process is up, which inference-service's check relies on
    if (health == null || grpc != null) {
      file.start();
    }
  }

  /** A server stopping makes the service unhealthy at once, before the JVM exits. */
  @Singleton
  @Requires(property = "propensity.health.file")
  static final class OnShutdown implements ApplicationEventListener<ServerShutdownEvent> {
    private final HealthFileReporter reporter;

    OnShutdown(HealthFileReporter reporter) {
      this.reporter = reporter;
    }

    @Override
    public void onApplicationEvent(ServerShutdownEvent event) {
      reporter.close();
    }
  }

  ServingStatus status() {
    if (servers.isEmpty() || !servers.stream().allMatch(EmbeddedServer::isRunning)) {
      return ServingStatus.NOT_SERVING;
    }
    if (health == null) {
      return ServingStatus.SERVING; // no gRPC server (the dashboard): its HTTP server runs
    }
    GrpcEmbeddedServer g = grpc;
    if (g == null || !g.isRunning() || g.getServer().isShutdown()) {
      return ServingStatus.NOT_SERVING;
    }
    return HealthFile.grpcStatus(health);
  }

  HealthFile file() {
    return file;
  }

  @PreDestroy
  void close() {
    file.close();
  }
}
