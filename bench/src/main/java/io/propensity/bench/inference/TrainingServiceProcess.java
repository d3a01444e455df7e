package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.ServiceJars;
import io.propensity.client.security.ChannelSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * training-service — here only for its model registry — started from its executable jar as a
 * separate JVM bound to loopback, with its own ports, data directory (an embedded SQLite registry),
 * private {@code java.io.tmpdir} and log under the work directory. Its feature-service target is a
 * closed loopback port: no training job runs.
 */
public final class TrainingServiceProcess implements AutoCloseable {
  /** Overrides where the service's {@code -all} jar is looked for. */
  static final String JAR_ENV = "PROPENSITY_BENCH_TRAINING_SERVICE_JAR";

  private static final String HOST = ServiceJars.HOST;

  private final int grpcPort = freePort();
  private final Path log;
  private final ProcessBuilder builder;
  private Process process;

  public TrainingServiceProcess(Path workDir) {
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
    // benchmarks measure the service, not TLS: plaintext by the explicit switch
    builder.environment().put("PROPENSITY_SECURITY_INSECURE", "true");
    builder.environment().put("PROPENSITY_DATA_DIR", data.toAbsolutePath().toString());
    // never another helper's feature-service on the default port: a port nobody listens on
    builder.environment().put("PROPENSITY_TRAINING_FEATURE_SERVICE", HOST + ":" + freePort());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  /**
   * {@value #JAR_ENV}, else {@code training-service/target/training-service-*-all.jar} above the
   * working dir.
   */
  static Path serviceJar() {
    return ServiceJars.find("training-service", JAR_ENV);
  }

  /** Starts the JVM and waits until its gRPC health answers SERVING. */
  public TrainingServiceProcess start(Duration timeout) throws InterruptedException {
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    ServiceJars.awaitServing(process, grpcPort, "training-service", log, timeout);
    return this;
  }

  /** The registry's gRPC address, for inference-service. */
  public String target() {
    return HOST + ":" + grpcPort;
  }

  public ManagedChannel channel() {
    return ChannelSecurity.plaintext().open(HOST + ":" + grpcPort);
  }

  String tail() {
    return ServiceJars.tail(log);
  }

  /** The service JVM's process id (heap and open file descriptors of a soak are read by it). */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    ServiceJars.stop(process);
  }

  private static int freePort() {
    return ServiceJars.freePort();
  }
}
