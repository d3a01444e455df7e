package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.client.security.SecurityDirectory;
import io.propensity.client.security.ServiceTls;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.sources.demo.DemoDataGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the CLI, as a user runs it: {@code demo} starts its own stack on a free base
 * port with a temporary state directory, trains, promotes and serves a model; then {@code models
 * list}, {@code predict}, {@code targets}, {@code status} and {@code demo --no-start} work against
 * that stack, and {@code down} leaves no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoThroughTheCliIT {
  // both demo runs generate the same events even when an hour boundary passes between them
  static final String END = Instant.now().truncatedTo(ChronoUnit.HOURS).toString();
  @TempDir static Path state;
  int base;
  String[] where;

  @BeforeAll
  void needsTheServiceJars() {
    for (String m :
        List.of("feature-service", "training-service", "inference-service", "dashboard")) {
      Assumptions.assumeTrue(
          ServiceProcess.builtJarOf(m).isPresent(),
          m + " jar not built: run `mvn -DskipTests package` first");
    }
    // the stack runs the jars of the checkout this module belongs to
    System.setProperty("propensity.home", Path.of("..").toAbsolutePath().normalize().toString());
    base = CliRun.freeBasePort();
    where =
        new String[] {
          "--feature-service=127.0.0.1:" + (base + 1),
          "--training-service=127.0.0.1:" + (base + 2),
          "--inference-service=127.0.0.1:" + (base + 3)
        };
  }

  @AfterAll
  void stopWhateverIsLeft() {
    CliRun.run("down", "--base-port", Integer.toString(base), "--state-dir", state.toString());
  }

  /**
   * The CLI pointed at the demo's stack by its addresses and, as a user of a stack elsewhere would,
   * by its CA file and admin token.
   */
  CliRun.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(where));
    SecurityDirectory security = new SecurityDirectory(state.resolve("security"));
    all.add("--ca-file=" + security.caFile());
    all.add("--token=" + SecurityDirectory.readToken(security.adminTokenFile()));
    return CliRun.run(all.toArray(String[]::new));
  }

  @Test
  void demoTrainsPromotesAndServesThenTheCommandsUseItAndDownStopsEveryProcess() throws Exception {
    CliRun.Run demo =
        CliRun.run(
            "demo",
            "--base-port",
            Integer.toString(base),
            "--state-dir",
            state.toString(),
            "--end",
            END,
            "--users",
            "400",
            "--days",
            "35",
            "--trials",
            "2",
            "--live-events",
            "8",
            "--speed",
            "1000");
    assertThat(demo.exit()).as(demo.all() + logs()).isZero();
    assertThat(demo.out())
        .contains("gRPC 127.0.0.1:" + (base + 1))
        .contains("gRPC 127.0.0.1:" + (base + 3))
        .contains("version 1 on")
        .contains("[4/7] promotion:")
        .containsPattern("verdict: LightGBM (beats|does not beat)")
        .contains("serving purchase-7d v1")
        .contains("[7/7] replaying 8 live events")
        .contains("./propensity down --base-port " + base)
        .contains("dashboard: https://127.0.0.1:" + (base + 10) + "/")
        .contains("security: TLS")
        .contains(state.resolve("security").resolve("admin.token").toString());
    SecurityDirectory security = new SecurityDirectory(state.resolve("security"));
    assertThat(security.present()).isTrue();
    List<Long> pids = pids();
    assertThat(pids).hasSize(4);

    // the dashboard of the stack shows the promoted model
    HttpResponse<String> models =
        HttpClient.newBuilder()
            .sslContext(ServiceTls.sslContextTrusting(security.caFile()))
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + (base + 10) + "/api/models"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
    assertThat(models.body()).contains("purchase-7d").contains("production");

    CliRun.Run status =
        CliRun.run(
            "status", "--base-port", Integer.toString(base), "--state-dir", state.toString());
    assertThat(status.exit()).as(status.all()).isZero();
    assertThat(status.out())
        .contains("127.0.0.1:" + (base + 2))
        .contains("SERVING")
        .containsPattern("dashboard +https://127.0.0.1:" + (base + 10) + "/ +SERVING");

    // the stack is secure by default: plaintext gets nowhere
    CliRun.Run plaintext =
        CliRun.run(
            "models",
            "list",
            "--insecure",
            "--deadline=5s",
            "--training-service=127.0.0.1:" + (base + 2));
    assertThat(plaintext.exit()).as(plaintext.all()).isEqualTo(4);
    assertThat(plaintext.err()).startsWith("error: UNAVAILABLE");
    // TLS without a credential: refused, with the hint where one is
    CliRun.Run anonymous =
        CliRun.run(
            "models",
            "list",
            "--ca-file=" + security.caFile(),
            "--training-service=127.0.0.1:" + (base + 2));
    assertThat(anonymous.exit()).as(anonymous.all()).isEqualTo(3);
    assertThat(anonymous.err()).startsWith("error: UNAUTHENTICATED").contains("--token");

    CliRun.Run list = cli("models", "list");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).containsPattern("purchase-7d +purchase +v1 +1 +production=v1");

    CliRun.Run predict = cli("predict", "--user", DemoDataGenerator.userId(3), "--explain", "3");
    assertThat(predict.exit()).as(predict.all()).isZero();
    assertThat(predict.out())
        .containsPattern(DemoDataGenerator.userId(3) + " +p=0\\.\\d{4} .* purchase-7d v1");

    // no candidate list: every user stored in feature-service is ranked
    Path out = state.resolve("targets.csv");
    CliRun.Run targets = cli("targets", "--top", "10", "--out", out.toString());
    assertThat(targets.exit()).as(targets.all()).isZero();
    Matcher scored =
        Pattern.compile("scored ([\\d,]+) candidates, selected 10").matcher(targets.out());
    assertThat(scored.find()).as(targets.out()).isTrue();
    assertThat(Integer.parseInt(scored.group(1).replace(",", "")))
        .as("users ranked without a candidate list")
        .isGreaterThan(100);
    List<String> rows = Files.readAllLines(out);
    assertThat(rows).hasSize(11);
    assertThat(rows.subList(1, 11))
        .extracting(r -> r.split(",")[0])
        .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    assertThat(rows.subList(1, 11))
        .extracting(r -> Double.parseDouble(r.split(",")[2]))
        .isSortedAccordingTo(Comparator.reverseOrder());

    // again, on the running stack given by its addresses: everything is a duplicate, a second
    // version is trained
    CliRun.Run again =
        cli(
            "demo",
            "--no-start",
            "--end",
            END,
            "--users",
            "400",
            "--days",
            "35",
            "--trials",
            "1",
            "--live-events",
            "3",
            "--speed",
            "1000");
    assertThat(again.exit()).as(again.all()).isZero();
    assertThat(again.out())
        .contains("[1/7] using the running stack: feature-service 127.0.0.1:" + (base + 1))
        .containsPattern("0 accepted, [\\d,]+ duplicates")
        .contains("version 2 on")
        .contains("[7/7]");

    CliRun.Run down =
        CliRun.run("down", "--base-port", Integer.toString(base), "--state-dir", state.toString());
    assertThat(down.exit()).as(down.all()).isZero();
    assertThat(down.out())
        .contains("inference-service  stopped")
        .contains("feature-service    stopped")
        .contains("dashboard          stopped");
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .as("pid " + pid)
          .isNotEqualTo(Optional.of(true));
    }
    CliRun.Run after =
        CliRun.run(
            "status", "--base-port", Integer.toString(base), "--state-dir", state.toString());
    assertThat(after.exit()).isEqualTo(6);
    assertThat(after.out()).contains("DOWN (no answer)");
  }

  private List<Long> pids() throws Exception {
    try (Stream<Path> files = Files.list(state.resolve("run"))) {
      List<Long> pids = new ArrayList<>();
      for (Path f : files.toList()) {
        pids.add(Long.parseLong(Files.readString(f).trim()));
      }
      return pids;
    }
  }

  private String logs() {
    StringBuilder s = new StringBuilder();
    try (Stream<Path> files = Files.list(state.resolve("logs"))) {
      for (Path f : files.toList()) {
        List<String> lines = Files.readAllLines(f);
        s.append("\n--- ")
            .append(f.getFileName())
            .append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
      }
    } catch (Exception e) {
      s.append("(no logs: ").append(e).append(')');
    }
    return s.toString();
  }
}
