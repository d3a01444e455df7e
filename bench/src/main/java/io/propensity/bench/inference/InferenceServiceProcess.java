package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.ServiceJars;
import io.propensity.client.security.ChannelSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * inference-service started from its executable jar as a separate JVM bound to loopback, following
 * the given registry, with {@code -Xmx256m} (unless told otherwise), its own ports, a private
 * {@code java.io.tmpdir} (LightGBM extracts its native library there) and a log file, all under the
 * work directory.
 */
public final class InferenceServiceProcess implements AutoCloseable {
  /** Overrides where the service's {@code -all} jar is looked for. */
  static final String JAR_ENV = "PROPENSITY_BENCH_INFERENCE_SERVICE_JAR";

  private static final String HOST = ServiceJars.HOST;

  private final int grpcPort = freePort();
  private final int httpPort = freePort();
  private final Path log;
  private final ProcessBuilder builder;
  private Process process;

  InferenceServiceProcess(String registryTarget, String defaultModel, Path workDir) {
    this(registryTarget, defaultModel, workDir, Map.of());
  }

  /** As above, with more environment for the service (e.g. its feature-service target). */
  public InferenceServiceProcess(
      String registryTarget, String defaultModel, Path workDir, Map<String, String> extraEnv) {
    this(registryTarget, defaultModel, workDir, extraEnv, List.of("-Xmx256m"));
  }

  /** As above, with the service JVM's heap and other options instead of {@code -Xmx256m}. */
  public InferenceServiceProcess(
      String registryTarget,
      String defaultModel,
      Path workDir,
      Map<String, String> extraEnv,
      List<String> jvmArgs) {
    Path tmp = workDir.resolve("tmp");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log = workDir.resolve("inference-service.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
    cmd.add("-jar");
    cmd.add(serviceJar().toAbsolutePath().toString());
    builder = new ProcessBuilder(cmd);
    builder.environment().put("GRPC_SERVER_PORT", Integer.toString(grpcPort));
    builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(httpPort));
    builder.environment().put("PROPENSITY_BIND_HOST", HOST);
    // benchmarks measure the service, not TLS: plaintext by the explicit switch
    builder.environment().put("PROPENSITY_SECURITY_INSECURE", "true");
    builder.environment().put("PROPENSITY_INFERENCE_REGISTRY_TARGET", registryTarget);
    builder.environment().put("PROPENSITY_INFERENCE_DEFAULT_MODEL", defaultModel);
    // the served-prediction log's embedded file goes to the work dir, not the repository
    builder
        .environment()
        .put("PROPENSITY_DATA_DIR", workDir.resolve("data").toAbsolutePath().toString());
    builder.environment().putAll(extraEnv);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  /**
   * {@value #JAR_ENV}, else {@code inference-service/target/inference-service-*-all.jar} above the
   * working dir.
   */
  static Path serviceJar() {
    return ServiceJars.find("inference-service", JAR_ENV);
  }

  /** Starts the JVM and waits until its gRPC health answers SERVING (a model is loaded). */
  public InferenceServiceProcess start(Duration timeout) throws InterruptedException {
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    ServiceJars.awaitServing(process, grpcPort, "inference-service", log, timeout);
    return this;
  }

  /** Base URL of the HTTP side (Prometheus metrics at {@code /prometheus}). */
  public String httpBase() {
    return "http://" + HOST + ":" + httpPort;
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
