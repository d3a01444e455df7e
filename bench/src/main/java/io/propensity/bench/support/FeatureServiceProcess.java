package io.propensity.bench.support;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * feature-service started from its executable jar as a separate JVM bound to loopback, with its own
 * ports, data directory and log file: the service measured the way it is deployed.
 */
public final class FeatureServiceProcess implements AutoCloseable {
  /** Overrides where the service's {@code -all} jar is looked for. */
  public static final String JAR_ENV = "PROPENSITY_BENCH_FEATURE_SERVICE_JAR";

  private static final String HOST = ServiceJars.HOST;

  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final int grpcPort;
  private final int httpPort;
  private Process process;

  private FeatureServiceProcess(
      List<String> command, Map<String, String> env, Path log, int grpcPort, int httpPort) {
    this.command = command;
    this.env = env;
    this.log = log;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /**
   * Prepares (does not start) a service storing into {@code backend}, with data and log under
   * {@code workDir}, online state in {@code onlineEnv} (empty: in memory), and extra JVM options.
   */
  public static FeatureServiceProcess of(
      StoreBackend backend, Map<String, String> onlineEnv, List<String> jvmArgs, Path workDir) {
    int grpc = freePort();
    int http = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GRPC_SERVER_PORT", Integer.toString(grpc));
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(http));
    env.put("PROPENSITY_BIND_HOST", HOST);
    // plaintext without credentials (issue 16: security is on by default once TLS and tokens land)
    env.put("PROPENSITY_SECURITY_INSECURE", "true");
    env.put("PROPENSITY_DATA_DIR", workDir.resolve("data").toAbsolutePath().toString());
    env.putAll(backend.serviceEnv());
    env.putAll(onlineEnv);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // an OutOfMemoryError must end the process, so that a check sees it instead of a limping JVM
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(serviceJar().toAbsolutePath().toString());
    return new FeatureServiceProcess(cmd, env, workDir.resolve("feature-service.log"), grpc, http);
  }

  /**
   * The service's executable jar: {@value #JAR_ENV}, else {@code feature-service/target/*-all.jar}
   * above the working dir.
   */
  public static Path serviceJar() {
    return ServiceJars.find("feature-service", JAR_ENV);
  }

  /** Starts the JVM and waits until its gRPC health service answers SERVING. */
  public FeatureServiceProcess start(Duration timeout) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    ServiceJars.awaitServing(process, grpcPort, "feature-service", log, timeout);
    return this;
  }

  /** A new plaintext channel to the service's gRPC port on loopback. */
  public ManagedChannel channel() {
    return ManagedChannelBuilder.forAddress(HOST, grpcPort)
        .usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
  }

  /** The gRPC address, {@code 127.0.0.1:port}, for another service to call. */
  public String target() {
    return HOST + ":" + grpcPort;
  }

  /** Base URL of the HTTP side (Prometheus metrics at {@code /prometheus}). */
  public String httpBase() {
    return "http://" + HOST + ":" + httpPort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Asks the JVM to stop (SIGTERM) and waits for it; kills it if it lingers. */
  public void stop() throws InterruptedException {
    ServiceJars.stop(process);
  }

  /** Whether the log mentions an OutOfMemoryError. */
  public boolean logMentionsOutOfMemory() {
    try {
      return Files.exists(log) && Files.readString(log).contains("OutOfMemoryError");
    } catch (IOException e) {
      return false;
    }
  }

  /** The last lines of the process log, for failure messages. */
  public String tail() {
    return ServiceJars.tail(log);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int freePort() {
    return ServiceJars.freePort();
  }
}
