package io.propensity.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.propensity.common.testing.DockerBackends;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startable;

/**
 * The repository's {@code docker-compose.yml} started through Testcontainers with the compose
 * client of this machine ({@code docker compose} v2 if present, else Debian's {@code
 * docker-compose} v1), every port published on 127.0.0.1 with a port Docker picks, images built
 * from the current jars.
 */
final class ComposeStack implements AutoCloseable {
  static final String[] SERVICES = {
    "feature-service", "training-service", "inference-service", "dashboard"
  };

  private final Startable compose;
  private boolean stopped;
  private final java.util.function.Function<String, Optional<ContainerState>> byService;

  private ComposeStack(
      Startable compose, java.util.function.Function<String, Optional<ContainerState>> byService) {
    this.compose = compose;
    this.byService = byService;
  }

  /**
   * The environment the compose end-to-end tests start from: the locally built images ({@link
   * DockerBackends}), tag {@code e2e}, a loopback port picked by Docker for each of {@code ports}
   * ({@code PROPENSITY_<name>_PORT}), a 1 GiB heap for training (training on both cores of a shared
   * machine must not starve the others' health checks), and a fresh directory for security-init's
   * CA, certificates and admin token ({@code PROPENSITY_COMPOSE_SECURITY_DIR}): secure by default.
   */
  static Map<String, String> e2eEnvironment(List<String> ports) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put(
        "PROPENSITY_POSTGRES_IMAGE",
        DockerBackends.localImage(
                "propensity.test.postgres-image", DockerBackends.POSTGRES_IMAGE_ENV, "postgres:15")
            .asCanonicalNameString());
    env.put(
        "PROPENSITY_REDIS_IMAGE",
        DockerBackends.localImage(
                "propensity.test.redis-image", DockerBackends.REDIS_IMAGE_ENV, "redis:7")
            .asCanonicalNameString());
    env.put(
        "PROPENSITY_BASE_IMAGE",
        DockerBackends.localImage(
                "propensity.test.base-image",
                "PROPENSITY_TEST_BASE_IMAGE",
                "eclipse-temurin:17-jre")
            .asCanonicalNameString());
    env.put("PROPENSITY_TAG", "e2e");
    for (String port : ports) {
      env.put("PROPENSITY_" + port + "_PORT", ""); // Docker picks a free port on 127.0.0.1
    }
    env.put("PROPENSITY_TRAINING_JAVA_OPTS", "-Xmx1g");
    // a temporary directory starts owner-only; the services' user (10001) must reach its files
    Path securityDir =
        Files.createTempDirectory(
            "compose-security",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    env.put("PROPENSITY_COMPOSE_SECURITY_DIR", securityDir.toString());
    return env;
  }

  /** The security directory of an environment made by {@link #e2eEnvironment}. */
  static Path securityDirectory(Map<String, String> env) {
    return Path.of(env.get("PROPENSITY_COMPOSE_SECURITY_DIR"));
  }

  /**
   * Which compose client this machine has, if any: "v2" ({@code docker compose}) or "v1" ({@code
   * docker-compose}).
   */
  static Optional<String> composeClient() {
    if (runs("docker", "compose", "version")) {
      return Optional.of("v2");
    }
    if (runs("docker-compose", "version")) {
      return Optional.of("v1");
    }
    return Optional.empty();
  }

  /** Starts the stack (builds the service images, waits for every service's health check). */
  static ComposeStack start(
      File composeFile, String client, Map<String, String> env, Duration timeout) {
    return start(composeFile, client, env, timeout, SERVICES, false);
  }

  /**
   * Starts {@code services} (and what they depend on) of the stack, waiting for each one's health
   * check; with {@code only}, no other service starts (else every service of the active profiles).
   */
  static ComposeStack start(
      File composeFile,
      String client,
      Map<String, String> env,
      Duration timeout,
      String[] services,
      boolean only) {
    ComposeStack stack;
    if (client.equals("v2")) {
      ComposeContainer c =
          new ComposeContainer(composeFile)
              .withLocalCompose(true)
              .withPull(false)
              .withBuild(true)
              .withEnv(env);
      if (only) {
        c.withServices(services);
      }
      for (String s : services) {
        c.waitingFor(s, Wait.forHealthcheck().withStartupTimeout(timeout));
      }
      stack = new ComposeStack(c, c::getContainerByServiceName);
    } else {
      DockerComposeContainer<?> c =
          new DockerComposeContainer<>(composeFile)
              .withLocalCompose(true)
              .withPull(false)
              .withBuild(true)
              .withEnv(env);
      if (only) {
        c.withServices(services);
      }
      for (String s : services) {
        c.waitingFor(s, Wait.forHealthcheck().withStartupTimeout(timeout));
      }
      stack = new ComposeStack(c, c::getContainerByServiceName);
    }
    stack.compose.start();
    return stack;
  }

  /** The id of the (first) container of a service. */
  String containerId(String service) {
    return byService
        .apply(service)
        .orElseThrow(() -> new IllegalStateException("no container for service " + service))
        .getContainerId();
  }

  /** {@code 127.0.0.1:<port>} where the service's container port is published now. */
  String target(String service, int containerPort) {
    InspectContainerResponse info = docker().inspectContainerCmd(containerId(service)).exec();
    Ports.Binding[] bindings =
        info.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(containerPort));
    if (bindings == null || bindings.length == 0) {
      throw new IllegalStateException(service + " does not publish port " + containerPort);
    }
    if (!"127.0.0.1".equals(bindings[0].getHostIp())) {
      throw new IllegalStateException(
          service
              + " publishes "
              + containerPort
              + " on "
              + bindings[0].getHostIp()
              + ", not 127.0.0.1");
    }
    return "127.0.0.1:" + bindings[0].getHostPortSpec();
  }

  /**
   * The container's health as Docker sees it ("starting", "healthy", "unhealthy"), or its state.
   */
  String health(String service) {
    InspectContainerResponse.ContainerState state =
        docker().inspectContainerCmd(containerId(service)).exec().getState();
    return state.getHealth() != null
        ? state.getHealth().getStatus()
        : String.valueOf(state.getStatus());
  }

  /**
   * Restarts a service's container without a grace period: the JVM is killed, then started again.
   */
  void killAndRestart(String service) {
    docker().restartContainerCmd(containerId(service)).withTimeout(0).exec();
  }

  /** SIGKILL to a service's container, which stays down (a killed container is not restarted). */
  void kill(String service) {
    docker().killContainerCmd(containerId(service)).exec();
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  private static boolean runs(String... cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the stack and removes its containers and volumes. */
  @Override
  public void close() {
    if (!stopped) {
      stopped = true;
      compose.stop();
    }
  }
}
