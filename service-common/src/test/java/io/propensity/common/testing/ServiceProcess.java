package io.propensity.common.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckResponse;
import io.propensity.client.HealthClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A service started from its executable jar as a separate JVM on loopback, for tests that need a
 * real process (crash with {@code kill -9}, restart, memory limits).
 */
public final class ServiceProcess implements AutoCloseable {
  private final Path jar;
  private final Map<String, String> env;
  private final List<String> jvmArgs;
  private final Path log;
  private final int grpcPort;
  private final int httpPort;
  private Process process;

  private ServiceProcess(
      Path jar,
      Map<String, String> env,
      List<String> jvmArgs,
      Path log,
      int grpcPort,
      int httpPort) {
    this.jar = jar;
    this.env = env;
    this.jvmArgs = jvmArgs;
    this.log = log;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /** The executable ({@code -all}) jar Maven built in {@code target/} of the current module. */
  public static Path builtJar() {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-all.jar"))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("no *-all.jar in target/: run `mvn package` first"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The executable jar of a sibling module (e.g. {@code feature-service}), if it has been built.
   */
  public static java.util.Optional<Path> builtJarOf(String module) {
    try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** A free TCP port on loopback. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prepares (does not start) a process of {@code jar} with its own ports and extra environment.
   */
  public static ServiceProcess of(
      Path jar, Map<String, String> extraEnv, List<String> jvmArgs, Path log) {
    int grpc = freePort();
    int http = freePort();
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("GRPC_SERVER_PORT", Integer.toString(grpc));
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(http));
    return new ServiceProcess(jar, env, jvmArgs, log, grpc, http);
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** Starts the JVM and waits until its gRPC health service says SERVING. */
  public ServiceProcess start(Duration timeout) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = pb.start();
    Instant deadline = Instant.now().plus(timeout);
    ManagedChannel ch = channel();
    HealthClient health = new HealthClient(ch, Duration.ofSeconds(1));
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "service exited with " + process.exitValue() + "; log: " + tail());
        }
        try {
          HealthCheckResponse r = health.check();
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return this;
          }
        } catch (RuntimeException notYet) {
          // not listening yet
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "service not SERVING after " + timeout + "; log: " + tail());
        }
        Thread.sleep(100);
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** A new plaintext channel to the service's gRPC port. */
  public ManagedChannel channel() {
    return ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
  }

  /** Kills the JVM at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Asks the JVM to stop (SIGTERM) and waits for it. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The last lines of the process log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(
          System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** Path separator-safe string of a file, for environment variables. */
  public static String path(File f) {
    return f.getAbsolutePath();
  }
}
