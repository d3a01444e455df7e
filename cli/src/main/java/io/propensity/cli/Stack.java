package io.propensity.cli;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse;
import io.propensity.client.HealthClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.SecurityDirectory;
import io.propensity.client.security.ServiceTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The local stack: the services as separate JVMs on loopback, with embedded storage under one data
 * directory, logs and pid files under a state directory ({@code .propensity/} by default). Ports
 * derive from a base port, so a second stack (a test's) can run beside a developer's. Secure by
 * default: TLS and authentication with the certificates and tokens of {@code <state>/security/}.
 */
final class Stack {
  /** The base port of the default stack: gRPC 50051-50053, HTTP 8081-8083. */
  static final int DEFAULT_BASE_PORT = 50050;

  /**
   * One process of the stack: its module (whose {@code target/*-all.jar} is run), its port slot
   * (gRPC base+slot, HTTP base+10+slot, or 8080+slot on the default base), its heap, the
   * environment that tells it where the other services are, and whether it is a gRPC service (ready
   * when its gRPC health service answers) or a web application (ready when HTTP {@code /health}
   * answers 200).
   */
  record Service(
      String name,
      String module,
      int slot,
      String heap,
      boolean grpc,
      Function<Stack, Map<String, String>> wiring) {}

  /**
   * The processes, in start order; {@code up} waits for each to be ready ({@link #ready}), {@code
   * down} stops them in reverse order. The dashboard has slot 0: HTTP 8080 on the default base.
   */
  static final List<Service> SERVICES =
      List.of(
          new Service("feature-service", "feature-service", 1, "512m", true, s -> Map.of()),
          new Service(
              "training-service",
              "training-service",
              2,
              "2g",
              true,
              s -> Map.of("PROPENSITY_TRAINING_FEATURE_SERVICE", s.target("feature-service"))),
          new Service(
              "inference-service",
              "inference-service",
              3,
              "256m",
              true,
              s -> localInferenceWiring(s)),
          new Service(
              "dashboard",
              "dashboard",
              0,
              "256m",
              false,
              s ->
                  Map.of(
                      "PROPENSITY_DASHBOARD_FEATURE_SERVICE", s.target("feature-service"),
                      "PROPENSITY_DASHBOARD_TRAINING_SERVICE", s.target("training-service"),
                      "PROPENSITY_DASHBOARD_INFERENCE_SERVICE", s.target("inference-service"))));

  /**
   * The inference-service's addresses, and a feature-service deadline of 2 s for by-user calls
   * unless the environment sets one: the production default (300 ms, for a page view's budget) is
   * too tight for four JVMs starting together on a laptop's cores, where the first calls on a cold
   * JVM can take longer.
   */
  static Map<String, String> localInferenceWiring(Stack s) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PROPENSITY_INFERENCE_REGISTRY_TARGET", s.target("training-service"));
    env.put("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", s.target("feature-service"));
    String deadline = "PROPENSITY_INFERENCE_FEATURE_SERVICE_DEADLINE";
    env.put(deadline, Optional.ofNullable(System.getenv(deadline)).orElse(LOCAL_FEATURE_DEADLINE));
    return env;
  }

  static final String LOCAL_FEATURE_DEADLINE = "2s";

  /** The gRPC services of the stack (every process but the dashboard). */
  static List<Service> grpcServices() {
    return SERVICES.stream().filter(Service::grpc).toList();
  }

  final Path home;
  final Path state;
  final int basePort;

  Stack(Path home, Path state, int basePort) {
    if (basePort < 1024 || basePort > 65_500) {
      throw new CliException("--base-port " + basePort + " is outside 1024 to 65500", 2);
    }
    this.home = home;
    this.state = state;
    this.basePort = basePort;
  }

  /**
   * The stack of the checkout the CLI runs from: the system property {@code propensity.home} (tests
   * set it), else {@code PROPENSITY_HOME} (the {@code ./propensity} script sets it), else the
   * working directory.
   */
  static Stack local(Optional<Path> stateDir, OptionalInt basePort) {
    String h =
        Optional.ofNullable(System.getProperty("propensity.home"))
            .or(() -> Optional.ofNullable(System.getenv("PROPENSITY_HOME")))
            .orElse(".");
    Path home = Path.of(h).toAbsolutePath().normalize();
    return new Stack(
        home,
        stateDir.orElse(home.resolve(".propensity")).toAbsolutePath().normalize(),
        basePort.orElse(DEFAULT_BASE_PORT));
  }

  /** The options that name this stack on a command line; empty for the default stack. */
  String options() {
    String o = basePort == DEFAULT_BASE_PORT ? "" : " --base-port " + basePort;
    return state.equals(home.resolve(".propensity")) ? o : o + " --state-dir " + state;
  }

  static Service service(String name) {
    return SERVICES.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  int grpcPort(Service s) {
    return basePort + s.slot();
  }

  int httpPort(Service s) {
    return basePort == DEFAULT_BASE_PORT ? 8080 + s.slot() : basePort + 10 + s.slot();
  }

  String target(Service s) {
    return "127.0.0.1:" + grpcPort(s);
  }

  /** The dashboard's address, https://127.0.0.1:port/ (http:// when the stack runs insecure). */
  String dashboardUrl() {
    return httpUrl(service("dashboard"), "/");
  }

  /** {@code path} on a process's HTTP port: https unless the stack runs insecure. */
  String httpUrl(Service s, String path) {
    return (insecure() ? "http" : "https") + "://127.0.0.1:" + httpPort(s) + path;
  }

  /** Whether a process of this stack answers its readiness probe (gRPC health or HTTP /health). */
  boolean ready(Service s) {
    return s.grpc()
        ? health(target(s), clientSecurity()).isPresent()
        : httpHealthy(httpUrl(s, "/health"));
  }

  /** Whether HTTP {@code url} answers 200 within a second (over TLS trusting the stack's CA). */
  boolean httpHealthy(String url) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (url.startsWith("https:") && Files.isRegularFile(securityDirectory().caFile())) {
      b.sslContext(ServiceTls.sslContextTrusting(securityDirectory().caFile()));
    }
    try {
      return b.build()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The stack's certificates, keys, principals and admin token ({@code <state>/security/}). */
  SecurityDirectory securityDirectory() {
    return new SecurityDirectory(state.resolve("security"));
  }

  /** Marks a stack started with {@code --insecure}, so later commands talk plaintext to it. */
  private Path insecureMarker() {
    return state.resolve("run").resolve("insecure");
  }

  /** Whether this stack was (last) started with {@code --insecure}. */
  boolean insecure() {
    return Files.exists(insecureMarker());
  }

  /**
   * How a command reaches this stack's services by default: plaintext when it runs insecure, else
   * TLS trusting its CA with its admin token; TLS on the JVM's roots when it has no security
   * directory (a command then fails with a hint to give --ca-file/--token or --insecure).
   */
  ChannelSecurity clientSecurity() {
    if (insecure()) {
      return ChannelSecurity.plaintext();
    }
    SecurityDirectory dir = securityDirectory();
    return dir.present() ? dir.adminClient() : ChannelSecurity.tlsWithSystemRoots();
  }

  String target(String serviceName) {
    return target(service(serviceName));
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
      return files
          .filter(p -> p.getFileName().toString().endsWith("-all.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new CliException(
                      "no executable jar in "
                          + target
                          + ": run ./propensity (it builds them) or `mvn -DskipTests package`",
                      2));
    } catch (IOException e) {
      throw new CliException(
          s.module() + " is not built (" + target + " missing): run `mvn -DskipTests package`", 2);
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
  static Optional<HealthCheckResponse.ServingStatus> health(
      String target, ChannelSecurity security) {
    ManagedChannel ch;
    try {
      ch = security.open(target);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(new HealthClient(ch, Duration.ofSeconds(1)).check().getStatus());
    } catch (RuntimeException e) {
      return Optional.empty();
    } finally {
      ch.shutdownNow();
    }
  }

  /** The environment a service process gets: data dir, its ports, where the others are. */
  Map<String, String> environment(Service s) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PROPENSITY_DATA_DIR", dataDir().toString());
    if (s.grpc()) {
      env.put("GRPC_SERVER_PORT", Integer.toString(grpcPort(s)));
    }
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(httpPort(s)));
    env.putAll(s.wiring().apply(this));
    // always explicit, so a value in the caller's environment never decides it
    if (insecure()) {
      env.put("PROPENSITY_SECURITY_INSECURE", "true");
    } else {
      env.putAll(securityDirectory().serviceEnvironment(s.name()));
    }
    return env;
  }

  /**
   * Starts every service that is not already answering; returns the ones it started. Secure unless
   * {@code insecure}: the first start creates the security directory (a local CA, a certificate per
   * service, principals.txt, admin.token), and each service serves TLS with its certificate,
   * verifies callers against the principals and calls the others with mutual TLS.
   */
  List<Service> up(PrintWriter out, boolean insecure) throws IOException, InterruptedException {
    Files.createDirectories(state.resolve("logs"));
    Files.createDirectories(state.resolve("run"));
    Files.createDirectories(dataDir());
    if (insecure) {
      Files.writeString(insecureMarker(), "started with --insecure: plaintext, no credentials\n");
      out.println("  security: OFF (--insecure): plaintext gRPC and HTTP, no authentication");
    } else {
      Files.deleteIfExists(insecureMarker());
      SecurityDirectory dir = securityDirectory();
      SecurityDirectory.Init init = dir.init(List.of(), false);
      out.printf(
          "  security: TLS and tokens; %s %s (admin token: %s)%n",
          init.unchanged() ? "certificates in" : "generated a local CA and certificates in",
          shortPath(dir.dir()),
          shortPath(dir.adminTokenFile()));
    }
    List<Service> started = new ArrayList<>();
    for (Service s : SERVICES) {
      if (ready(s)) {
        out.printf(
            "  %-18s already running on %s%n", s.name(), s.grpc() ? target(s) : dashboardUrl());
        continue;
      }
      Path tmp = state.resolve("tmp").resolve(s.name());
      Files.createDirectories(tmp);
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx" + s.heap(),
                  // LightGBM natives are extracted to java.io.tmpdir: one directory per JVM
                  "-Djava.io.tmpdir=" + tmp,
                  "-Dlogback.configurationFile=logback-text.xml",
                  "-jar",
                  jar(s).toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(environment(s));
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(s).toFile()));
      Process p = pb.start();
      Files.writeString(pidFile(s), Long.toString(p.pid()));
      started.add(s);
      if (s.grpc()) {
        out.printf(
            "  %-18s starting (pid %d, gRPC %s, metrics %s, log %s)%n",
            s.name(), p.pid(), target(s), httpUrl(s, "/prometheus"), shortPath(log(s)));
      } else {
        out.printf(
            "  %-18s starting (pid %d, %s, log %s)%n",
            s.name(), p.pid(), dashboardUrl(), shortPath(log(s)));
      }
      out.flush();
    }
    for (Service s : started) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      while (!ready(s)) {
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

  private String shortPath(Path p) {
    return p.startsWith(home) ? home.relativize(p).toString() : p.toString();
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
        try {
          p.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception stillThere) {
          out.printf("  %-18s did not exit after SIGKILL (pid %d)%n", s.name(), p.get().pid());
        }
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
