package io.propensity.bench.support;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse;
import io.propensity.client.HealthClient;
import io.propensity.client.security.ChannelSecurity;
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
 * What every service the benchmarks start as a separate JVM shares: finding its executable jar,
 * free loopback ports, waiting for its gRPC health to answer SERVING, its log's tail, stopping it.
 */
public final class ServiceJars {
  /** The loopback address every service binds to. */
  public static final String HOST = "127.0.0.1";

  private ServiceJars() {}

  /**
   * The module's executable jar: the path in environment variable {@code jarEnv} when set, else
   * {@code <module>/target/<module>-*-all.jar} in the first directory above the working directory
   * that has {@code <module>/target}.
   */
  public static Path find(String module, String jarEnv) {
    String override = System.getenv(jarEnv);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path target = dir.resolve(module).resolve("target");
      if (Files.isDirectory(target)) {
        try (Stream<Path> files = Files.list(target)) {
          return files
              .filter(p -> p.getFileName().toString().matches(module + "-.*-all\\.jar"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no "
                              + module
                              + "-*-all.jar in "
                              + target
                              + ": run `mvn -DskipTests package -pl "
                              + module
                              + " -am`"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException(
        module + "/target not found above " + Path.of("").toAbsolutePath() + "; set " + jarEnv);
  }

  /** A port nobody listens on at this moment, on loopback. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the process's gRPC health on {@code grpcPort} answers SERVING; fails with the log's
   * tail when the process exits or {@code timeout} passes first.
   */
  public static void awaitServing(
      Process process, int grpcPort, String name, Path log, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    ManagedChannel ch = ChannelSecurity.plaintext().open(HOST + ":" + grpcPort);
    HealthClient health = new HealthClient(ch, Duration.ofSeconds(1));
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + "; log:\n" + tail(log));
        }
        try {
          HealthCheckResponse r = health.check();
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (RuntimeException notYet) {
          // not listening yet
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              name + " not SERVING after " + timeout + "; log:\n" + tail(log));
        }
        Thread.sleep(100);
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** The last 40 lines of a log, for failure messages. */
  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(
          System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Asks the JVM to stop (SIGTERM) and waits for it; kills it if it lingers past 30 s. */
  public static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
