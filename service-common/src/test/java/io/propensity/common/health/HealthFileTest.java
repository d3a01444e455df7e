package io.propensity.common.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthFileTest {
  private static final Duration FAST = Duration.ofMillis(50);
  private final HealthStatusManager health = new HealthStatusManager();
  @TempDir Path dir;

  private static String content(Path f) throws IOException {
    return Files.exists(f) ? Files.readString(f).strip() : "";
  }

  @Test
  void fileFollowsTheGrpcHealthStatus() throws IOException {
    Path f = dir.resolve("health");
    try (HealthFile file = new HealthFile(f, () -> HealthFile.grpcStatus(health), FAST)) {
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
      file.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> content(f).equals("NOT_SERVING"));
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      await().atMost(Duration.ofSeconds(10)).until(() -> content(f).equals("SERVING"));
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
      await().atMost(Duration.ofSeconds(10)).until(() -> content(f).equals("NOT_SERVING"));
      // refreshed, not only written on change: the modification time moves on
      Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(120)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Files.getLastModifiedTime(f).toInstant().isAfter(Instant.now().minusSeconds(60)));
    }
    // no temporary files left next to it
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("health");
    }
  }

  @Test
  void closeWritesNotServingAndStopsRefreshingSoTheFileGoesStale() throws IOException {
    Path f = dir.resolve("health");
    HealthFile file = new HealthFile(f, () -> ServingStatus.SERVING, FAST);
    file.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> content(f).equals("SERVING"));
    file.close();
    assertThat(content(f)).isEqualTo("NOT_SERVING");
    FileTime old = FileTime.from(Instant.now().minusSeconds(120));
    Files.setLastModifiedTime(f, old);
    // many intervals later nothing has rewritten it
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.getLastModifiedTime(f).equals(old) && content(f).equals("NOT_SERVING"));
  }

  @Test
  void aStatusSourceThatFailsIsNotServing() throws IOException {
    Path f = dir.resolve("sub/health"); // the directory is created
    HealthFile file =
        new HealthFile(
            f,
            () -> {
              throw new IllegalStateException("boom");
            },
            FAST);
    file.refresh();
    assertThat(content(f)).isEqualTo("NOT_SERVING");
    file.close();
  }

  @Test
  void unknownAndServiceUnknownAreWrittenAsNotServing() throws IOException {
    Path f = dir.resolve("health");
    try (HealthFile file = new HealthFile(f, () -> ServingStatus.SERVICE_UNKNOWN, FAST)) {
      file.refresh();
      assertThat(content(f)).isEqualTo("NOT_SERVING");
    }
    HealthStatusManager fresh = new HealthStatusManager();
    fresh.clearStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES);
    assertThat(HealthFile.grpcStatus(fresh)).isEqualTo(ServingStatus.NOT_SERVING);
  }

  /**
   * The images' HEALTHCHECK commands, run by {@code sh} as Docker runs them, against a file this
   * class wrote: healthy only while fresh and SERVING (inference-service: SERVING or NOT_SERVING).
   */
  @Test
  void dockerfileHealthChecksAcceptOnlyAFreshFileWithTheRightStatus() throws Exception {
    Map<String, Boolean> images =
        Map.of(
            "feature-service", false,
            "training-service", false,
            "inference-service", true);
    for (var image : images.entrySet()) {
      String check = healthCheck(Path.of("..", image.getKey(), "Dockerfile"));
      Path f = dir.resolve(image.getKey() + ".health");
      assertThat(runs(check, f)).as(image.getKey() + ": no file").isFalse();
      try (HealthFile file = new HealthFile(f, () -> ServingStatus.SERVING, FAST)) {
        file.refresh();
        assertThat(runs(check, f)).as(image.getKey() + ": fresh SERVING").isTrue();
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(45)));
        assertThat(runs(check, f)).as(image.getKey() + ": stale SERVING").isFalse();
      }
      // closed: NOT_SERVING, fresh
      assertThat(runs(check, f))
          .as(image.getKey() + ": fresh NOT_SERVING")
          .isEqualTo(image.getValue());
      Files.writeString(f, "garbage\n");
      assertThat(runs(check, f)).as(image.getKey() + ": other content").isFalse();
    }
  }

  private static String healthCheck(Path dockerfile) throws IOException {
    String text = Files.readString(dockerfile);
    Matcher m =
        Pattern.compile(
                "HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD \\[\"sh\", \"-c\", \"((?:[^\"\\\\]|\\\\.)*)\"\\]")
            .matcher(text);
    assertThat(m.find()).as(dockerfile + " has a sh -c HEALTHCHECK").isTrue();
    return m.group(1).replace("\\\"", "\"");
  }

  private static boolean runs(String check, Path file) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(List.of("sh", "-c", check))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PROPENSITY_HEALTH_FILE", file.toString());
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0;
  }
}
