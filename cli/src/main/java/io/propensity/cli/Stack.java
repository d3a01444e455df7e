package io.propensity.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local stack: the three services as separate JVMs on loopback, with embedded storage under one
 * data directory, logs and pid files under a state directory ({@code .propensity/} by default).
 */
final class Stack {
  /** One service of the stack. */
  record Service(String name, String module, int grpcPort, int httpPort, String heap) {
    String target() {
      return "127.0.0.1:" + grpcPort;
    }
  }

  static final List<Service> SERVICES =
      List.of(
          new Service("feature-service", "feature-service", 50051, 8081, "512m"),
          new Service("training-service", "training-service", 50052, 8082, "2g"),
          new Service("inference-service", "inference-service", 50053, 8083, "256m"));

  final Path home;
  final Path state;

  Stack(Path home, Path state) {
    this.home = home;
    this.state = state;
  }

  /** The stack of the checkout the CLI runs from ({@code PROPENSITY_HOME}, else the working directory). */
  static Stack local(Optional<Path> stateDir) {
    Path home = Path.of(Optional.ofNullable(System.getenv("PROPENSITY_HOME")).orElse(".")).toAbsolutePath().normalize();
    return new Stack(home, stateDir.orElse(home.resolve(".propensity")).toAbsolutePath().normalize());
  }

  Path dataDir() {
    return state.resolve("data");
  }

  Path log(Service s) {
    return state.resolve("logs").resolve(s.name() + ".log");
  }

  private Path pidFile(Service s) {
    return state.resolve("run").resolve(s.name() + ".pid");
  }

  Path jar(Service s) {
    Path target = home.resolve(s.module()).resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
          .orElseThrow(() -> new CliException("no executable jar in " + target + ": run ./propensity (it builds them) or `mvn -DskipTests package`", 2));
    } catch (IOException e) {
      throw new CliException(s.module() + " is not built (" + target + " missing): run `mvn -DskipTests package`", 2);
    }
  }

  /** The running process of a service started by this stack, if any. */
  Optional<ProcessHandle> process(Service s) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile(s)).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** gRPC health of a service, or empty when it does not answer. */
  static Optional<HealthCheckResponse.ServingStatus> health(String target) {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      return Optional.of(HealthGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    } catch (RuntimeException e) {
      return Optional.empty();
    } finally {
      ch.shutdownNow();
    }
  }

  /** Starts every service that is not already answering; returns the ones it started. */
  List<Service> up(PrintWriter out) throws IOException, InterruptedException {
    Files.createDirectories(state.resolve("logs"));
    Files.createDirectories(state.resolve("run"));
    Files.createDirectories(dataDir());
    List<Service> started = new ArrayList<>();
    for (Service s : SERVICES) {
      if (health(s.target()).isPresent()) {
        out.printf("  %-18s already running on %s%n", s.name(), s.target());
        continue;
      }
      Path tmp = state.resolve("tmp").resolve(s.name());
      Files.createDirectories(tmp);
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + s.heap(),
          // LightGBM natives are extracted to java.io.tmpdir: one directory per JVM
          "-Djava.io.tmpdir=" + tmp,
          "-Dlogback.configurationFile=logback-text.xml",
          "-jar", jar(s).toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("PROPENSITY_DATA_DIR", dataDir().toString());
      pb.environment().put("GRPC_SERVER_PORT", Integer.toString(s.grpcPort()));
      pb.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(s.httpPort()));
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(s).toFile()));
      Process p = pb.start();
      Files.writeString(pidFile(s), Long.toString(p.pid()));
      started.add(s);
      out.printf("  %-18s starting (pid %d, gRPC %s, metrics http://127.0.0.1:%d/prometheus, log %s)%n",
          s.name(), p.pid(), s.target(), s.httpPort(), home.relativize(log(s)));
      out.flush();
    }
    for (Service s : started) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      while (health(s.target()).isEmpty()) {
        if (process(s).isEmpty()) {
          throw new CliException(s.name() + " exited during start; see " + log(s), 1);
        }
        if (Instant.now().isAfter(deadline)) {
          throw new CliException(s.name() + " did not answer within 120 s; see " + log(s), 1);
        }
        Thread.sleep(200);
      }
      out.printf("  %-18s up%n", s.name());
      out.flush();
    }
    return started;
  }

  /** Stops the given services (SIGTERM, then SIGKILL after 20 s). */
  void down(List<Service> services, PrintWriter out) {
    for (Service s : services) {
      Optional<ProcessHandle> p = process(s);
      if (p.isEmpty()) {
        out.printf("  %-18s not running (started by this stack)%n", s.name());
        continue;
      }
      p.get().destroy();
      try {
        p.get().onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.get().destroyForcibly();
      }
      try {
        Files.deleteIfExists(pidFile(s));
      } catch (IOException ignored) {
        // a stale pid file is harmless: process() checks liveness
      }
      out.printf("  %-18s stopped%n", s.name());
      out.flush();
    }
  }
}
