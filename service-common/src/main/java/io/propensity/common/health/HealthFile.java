package io.propensity.common.health;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's health as a one-line file ({@code SERVING} or {@code NOT_SERVING}), rewritten every
 * {@code interval} from a status source, so that a container health check is a shell one-liner
 * (content and age of the file) instead of a JVM started every few seconds. Each write replaces the
 * file atomically (a reader sees the old or the new line, never half of one); {@link #close()}
 * writes {@code NOT_SERVING} and stops refreshing, and a writer that stops for any other reason (a
 * hung JVM) leaves a file that goes stale.
 */
public final class HealthFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthFile.class);

  private final Path file;
  private final Supplier<ServingStatus> status;
  private final Duration interval;
  private final AtomicReference<ServingStatus> last = new AtomicReference<>();
  private ScheduledExecutorService timer;
  private volatile boolean closed;
  private volatile boolean failing;

  public HealthFile(Path file, Supplier<ServingStatus> status, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("health file interval must be positive, got " + interval);
    }
    this.file = file.toAbsolutePath();
    this.status = status;
    this.interval = interval;
  }

  /** Writes the current status now and then every interval, on one daemon thread. */
  public synchronized void start() {
    if (timer != null || closed) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "health-file");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("health file {} refreshed every {} ms", file, interval.toMillis());
  }

  /** Writes the status the source reports now ({@code NOT_SERVING} if it throws). */
  public void refresh() {
    if (closed) {
      return;
    }
    ServingStatus s;
    try {
      s = status.get();
    } catch (RuntimeException e) {
      LOG.warn("health status unavailable, writing NOT_SERVING: {}", e.toString());
      s = ServingStatus.NOT_SERVING;
    }
    write(s == ServingStatus.SERVING ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** The status written last, if any. */
  public ServingStatus lastWritten() {
    return last.get();
  }

  public Path path() {
    return file;
  }

  private synchronized void write(ServingStatus s) {
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        Files.writeString(tmp, s.name() + "\n", StandardCharsets.US_ASCII);
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      ServingStatus before = last.getAndSet(s);
      if (before != s) {
        LOG.info("health file {}: {}", file, s);
      }
      if (failing) {
        failing = false;
        LOG.info("health file {} written again", file);
      }
    } catch (IOException e) {
      // once per failure streak: the file goes stale, which the health check reports
      if (!failing) {
        failing = true;
        LOG.warn("cannot write health file {}: {}", file, e.toString());
      }
    }
  }

  /** Writes {@code NOT_SERVING} and stops refreshing. */
  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (this) {
      if (closed) {
        return;
      }
      t = timer;
      write(ServingStatus.NOT_SERVING);
      closed = true;
    }
    if (t != null) {
      t.shutdownNow();
    }
  }

  /**
   * The overall status ({@code ""}) the gRPC health service of {@code health} answers, asked in
   * process: the same answer a remote {@code grpc.health.v1.Health/Check} gets.
   */
  public static ServingStatus grpcStatus(HealthStatusManager health) {
    if (!(health.getHealthService() instanceof HealthGrpc.AsyncService service)) {
      throw new IllegalStateException("unexpected gRPC health service implementation");
    }
    AtomicReference<ServingStatus> answer = new AtomicReference<>(ServingStatus.UNKNOWN);
    service.check(
        HealthCheckRequest.newBuilder()
            .setService(HealthStatusManager.SERVICE_NAME_ALL_SERVICES)
            .build(),
        new StreamObserver<>() {
          @Override
          public void onNext(HealthCheckResponse r) {
            answer.set(r.getStatus());
          }

          @Override
          public void onError(Throwable t) {
            answer.set(ServingStatus.NOT_SERVING);
          }

          @Override
          public void onCompleted() {}
        });
    return answer.get();
  }
}
