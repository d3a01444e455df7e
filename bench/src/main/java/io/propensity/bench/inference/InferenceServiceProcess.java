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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * inference-service started from its executable jar as a separate JVM bound to loopback, following
 * the given registry, with {@code -Xmx256m}, its own ports, a private {@code java.io.tmpdir} (LightGBM
 * extracts its native library there) and a log file, all under the work directory.
 */
final class InferenceServiceProcess implements AutoCloseable {
  /** Overrides where the service's {@code -all} jar is looked for. */
  static final String JAR_ENV = "PROPENSITY_BENCH_INFERENCE_SERVICE_JAR";

  private static final String HOST = "127.0.0.1";

  private final int grpcPort = freePort();
  private final int httpPort = freePort();
  private final Path log;
  private final ProcessBuilder builder;
  private Process process;

  InferenceServiceProcess(String registryTarget, String defaultModel, Path workDir) {
    this(registryTarget, defaultModel, workDir, Map.of());
  }

  /** As above, with more environment for the service (e.g. its feature-service target). */
  InferenceServiceProcess(String registryTarget, String defaultModel, Path workDir, Map<String, String> extraEnv) {
    Path tmp = workDir.resolve("tmp");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log = workDir.resolve("inference-service.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
    cmd.add("-jar");
    cmd.add(serviceJar().toAbsolutePath().toString());
    builder = new ProcessBuilder(cmd);
    builder.environment().put("GRPC_SERVER_PORT", Integer.toString(grpcPort));
    builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(httpPort));
    builder.environment().put("PROPENSITY_BIND_HOST", HOST);
    builder.environment().put("PROPENSITY_INFERENCE_REGISTRY_TARGET", registryTarget);
    builder.environment().put("PROPENSITY_INFERENCE_DEFAULT_MODEL", defaultModel);
    builder.environment().putAll(extraEnv);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  /** {@value #JAR_ENV}, else {@code inference-service/target/inference-service-*-all.jar} above the working dir. */
  static Path serviceJar() {
    String override = System.getenv(JAR_ENV);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path target = dir.resolve("inference-service").resolve("target");
      if (Files.isDirectory(target)) {
        try (Stream<Path> files = Files.list(target)) {
          return files
              .filter(p -> p.getFileName().toString().matches("inference-service-.*-all\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException(
                  "no inference-service-*-all.jar in " + target + ": run `mvn -DskipTests package -pl inference-service -am`"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("inference-service/target not found above " + Path.of("").toAbsolutePath() + "; set " + JAR_ENV);
  }

  /** Starts the JVM and waits until its gRPC health answers SERVING (a model is loaded). */
  InferenceServiceProcess start(Duration timeout) throws InterruptedException {
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
          throw new IllegalStateException("inference-service exited with " + process.exitValue() + "; log:\n" + tail());
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
          throw new IllegalStateException("inference-service not SERVING after " + timeout + "; log:\n" + tail());
        }
        Thread.sleep(100);
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** Base URL of the HTTP side (Prometheus metrics at {@code /prometheus}). */
  String httpBase() {
    return "http://" + HOST + ":" + httpPort;
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
