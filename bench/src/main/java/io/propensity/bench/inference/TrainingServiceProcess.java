package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * training-service — here only for its model registry — started from its executable jar as a separate
 * JVM bound to loopback, with its own ports, data directory (an embedded SQLite registry), private
 * {@code java.io.tmpdir} and log under the work directory. Its feature-service target is a closed
 * loopback port: no training job runs.
 */
final class TrainingServiceProcess implements AutoCloseable {
  /** Overrides where the service's {@code -all} jar is looked for. */
  static final String JAR_ENV = "PROPENSITY_BENCH_TRAINING_SERVICE_JAR";

  private static final String HOST = "127.0.0.1";

  private final int grpcPort = freePort();
  private final Path log;
  private final ProcessBuilder builder;
  private Process process;

  TrainingServiceProcess(Path workDir) {
    Path tmp = workDir.resolve("training-service-tmp");
    Path data = workDir.resolve("training-service-data");
    try {
      Files.createDirectories(tmp);
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log = workDir.resolve("training-service.log");
    builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
                "-jar",
                serviceJar().toAbsolutePath().toString()));
    builder.environment().put("GRPC_SERVER_PORT", Integer.toString(grpcPort));
    builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(freePort()));
    builder.environment().put("PROPENSITY_BIND_HOST", HOST);
    builder.environment().put("PROPENSITY_DATA_DIR", data.toAbsolutePath().toString());
    // never another helper's feature-service on the default port: a port nobody listens on
    builder.environment().put("PROPENSITY_TRAINING_FEATURE_SERVICE", HOST + ":" + freePort());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  /** {@value #JAR_ENV}, else {@code training-service/target/training-service-*-all.jar} above the working dir. */
  static Path serviceJar() {
    String override = System.getenv(JAR_ENV);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path target = dir.resolve("training-service").resolve("target");
      if (Files.isDirectory(target)) {
        try (Stream<Path> files = Files.list(target)) {
          return files
              .filter(p -> p.getFileName().toString().matches("training-service-.*-all\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException(
                  "no training-service-*-all.jar in " + target + ": run `mvn -DskipTests package -pl training-service -am`"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("training-service/target not found above " + Path.of("").toAbsolutePath() + "; set " + JAR_ENV);
  }

  /** Starts the JVM and waits until its gRPC health answers SERVING. */
  TrainingServiceProcess start(Duration timeout) throws InterruptedException {
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    Instant deadline = Instant.now().plus(timeout);
    ManagedChannel ch = channel();
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("training-service exited with " + process.exitValue() + "; log:\n" + tail());
        }
        try {
          HealthCheckResponse r =
              HealthGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return this;
          }
        } catch (RuntimeException notYet) {
          // not listening yet
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("training-service not SERVING after " + timeout + "; log:\n" + tail());
        }
        Thread.sleep(100);
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** The registry's gRPC address, for inference-service. */
  String target() {
    return HOST + ":" + grpcPort;
  }

  ManagedChannel channel() {
    return ManagedChannelBuilder.forAddress(HOST, grpcPort).usePlaintext().build();
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
