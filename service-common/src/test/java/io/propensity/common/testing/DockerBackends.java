package io.propensity.common.testing;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL and Redis in Docker containers (Testcontainers) for the Docker lane of the backend
 * suites: one container of each per test JVM, started on first use, published on 127.0.0.1 only.
 *
 * <p>Images come from configuration (system property or environment variable), default the official
 * ones, and are declared compatible substitutes of them: {@code PROPENSITY_TEST_POSTGRES_IMAGE}
 * ({@code postgres:15}) and {@code PROPENSITY_TEST_REDIS_IMAGE} ({@code redis:7}); {@code
 * docker/build-images.sh} builds {@code propensity/postgres:15} and {@code propensity/redis:7} from
 * Debian packages. Images are never pulled: a test whose image is not in the local engine is
 * skipped with a message, as is one run where no Docker engine answers.
 */
public final class DockerBackends {
  public static final String POSTGRES_IMAGE_ENV = "PROPENSITY_TEST_POSTGRES_IMAGE";
  public static final String REDIS_IMAGE_ENV = "PROPENSITY_TEST_REDIS_IMAGE";

  private static PostgreSQLContainer<?> postgres;
  private static GenericContainer<?> redis;

  private DockerBackends() {}

  /** Skips the calling test, with a message, when no Docker engine answers. */
  public static void assumeDocker() {
    Assumptions.assumeTrue(
        dockerAvailable(),
        "Docker not available: no engine answers (DOCKER_HOST or /var/run/docker.sock); .ci/run starts"
            + " dockerd from Debian's docker.io where it can");
  }

  /** Whether a Docker engine answers. */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The image named by {@code property} / {@code env} (default {@code official}), as a compatible
   * substitute of the official one; skips the calling test when it is not in the local engine.
   */
  public static DockerImageName localImage(String property, String env, String official) {
    assumeDocker();
    String name =
        Optional.ofNullable(System.getProperty(property))
            .or(() -> Optional.ofNullable(System.getenv(env)))
            .filter(s -> !s.isBlank())
            .orElse(official);
    try {
      DockerClientFactory.instance().client().inspectImageCmd(name).exec();
    } catch (NotFoundException e) {
      Assumptions.abort(
          "image "
              + name
              + " is not in the local Docker engine (tests never pull): build it"
              + " with docker/build-images.sh and set "
              + env
              + ", or `docker pull "
              + name
              + "`");
    }
    return DockerImageName.parse(name).asCompatibleSubstituteFor(official.replaceAll(":.*", ""));
  }

  /**
   * The PostgreSQL container of this JVM (database {@code propensity_test}), started on first use.
   */
  public static synchronized TestPostgres.Server postgres() {
    if (postgres == null) {
      DockerImageName image =
          localImage("propensity.test.postgres-image", POSTGRES_IMAGE_ENV, "postgres:15");
      PostgreSQLContainer<?> c =
          new PostgreSQLContainer<>(image)
              .withDatabaseName("propensity_test")
              .withUsername("propensity")
              .withPassword("propensity")
              .withStartupTimeout(Duration.ofMinutes(2))
              .withCreateContainerCmdModifier(
                  cmd -> publishOnLoopback(cmd, PostgreSQLContainer.POSTGRESQL_PORT));
      start(c);
      postgres = c;
    }
    return new TestPostgres.Server(
        "jdbc:postgresql://127.0.0.1:"
            + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
            + "/propensity_test",
        postgres.getUsername(),
        postgres.getPassword());
  }

  /** The URL of the Redis container of this JVM, started on first use. */
  public static synchronized String redisUrl() {
    if (redis == null) {
      DockerImageName image = localImage("propensity.test.redis-image", REDIS_IMAGE_ENV, "redis:7");
      GenericContainer<?> c =
          new GenericContainer<>(image)
              .withExposedPorts(6379)
              .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1))
              .withStartupTimeout(Duration.ofMinutes(1))
              .withCreateContainerCmdModifier(cmd -> publishOnLoopback(cmd, 6379));
      start(c);
      redis = c;
    }
    return "redis://127.0.0.1:" + redis.getMappedPort(6379);
  }

  /**
   * Publishes {@code ports} on 127.0.0.1 with ports Docker picks, instead of on every interface.
   */
  public static void publishOnLoopback(CreateContainerCmd cmd, int... ports) {
    Ports bindings = new Ports();
    for (int p : ports) {
      bindings.bind(ExposedPort.tcp(p), Ports.Binding.bindIp("127.0.0.1"));
    }
    cmd.getHostConfig().withPublishAllPorts(false).withPortBindings(bindings);
  }

  private static void start(GenericContainer<?> c) {
    long t0 = System.nanoTime();
    c.start();
    c.getContainerInfo()
        .getNetworkSettings()
        .getPorts()
        .getBindings()
        .forEach(
            (port, bindings) -> {
              for (Ports.Binding b : bindings == null ? new Ports.Binding[0] : bindings) {
                if (!"127.0.0.1".equals(b.getHostIp())) {
                  c.stop();
                  throw new IllegalStateException(
                      port + " of " + c.getDockerImageName() + " is published on " + b.getHostIp());
                }
              }
            });
    // no Ryuk (its image would come from a registry): the JVM's shutdown stops what it started
    Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "stop-" + c.getDockerImageName()));
    System.out.printf(
        "started %s on 127.0.0.1 in %.1f s%n",
        c.getDockerImageName(), (System.nanoTime() - t0) / 1e9);
  }
}
