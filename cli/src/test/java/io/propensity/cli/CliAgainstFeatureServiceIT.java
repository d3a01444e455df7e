package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.common.testing.ServiceProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's CLI flows against a real feature-service process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstFeatureServiceIT {
  @TempDir static Path dir;
  ServiceProcess service;

  record Run(int exit, String out, String err) {}

  Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PropensityCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("generate")) {
      all.add("--feature-service=127.0.0.1:" + service.grpcPort());
      // the service runs plaintext (PROPENSITY_SECURITY_INSECURE from the build); the CLI is TLS
      // unless told otherwise
      all.add("--insecure");
    }
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeAll
  void startService() throws Exception {
    Path jar = ServiceProcess.builtJarOf("feature-service").orElse(null);
    Assumptions.assumeTrue(jar != null, "feature-service jar not built: run `mvn package` first");
    service =
        ServiceProcess.of(
            jar,
            Map.of("PROPENSITY_DATA_DIR", dir.resolve("data").toString()),
            List.of("-Xmx256m"),
            dir.resolve("fs.log"));
    service.start(Duration.ofSeconds(60));
  }

  @AfterAll
  void stopService() throws Exception {
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void importReportsBadRowsByLineAndFeaturesShowTheUsers() throws Exception {
    Instant t = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    Path csv = dir.resolve("log.csv");
    Files.writeString(
        csv,
        String.join(
                "\n",
                "visitor,ts,what,sku,cost",
                "alice," + t.getEpochSecond() + ",pv,,",
                "alice," + (t.getEpochSecond() + 30) + ",view,sku-1,19.9",
                "bob," + t.getEpochSecond() + ",buy,sku-2,-4",
                "bob,not-a-time,pv,,",
                "")
            + "\n");

    Run imported =
        cli(
            "import",
            csv.toString(),
            "-o",
            "user-column=visitor",
            "-o",
            "time-column=ts",
            "-o",
            "time-format=EPOCH_SECONDS",
            "-o",
            "type-column=what",
            "-o",
            "type-map=pv=PAGE_VIEW,view=PRODUCT_VIEW,buy=PURCHASE",
            "-o",
            "item-column=sku",
            "-o",
            "price-column=cost");

    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("4 rows read", "2 rows rejected", "2 accepted");
    assertThat(imported.out()).contains("line 4").contains("negative");
    assertThat(imported.out()).contains("line 5");

    Run features = cli("features", "alice", "nobody");
    assertThat(features.exit()).as(features.err()).isZero();
    assertThat(features.out())
        .contains("events_lifetime")
        .contains("nobody*")
        .contains("cold start");
  }

  @Test
  void generatedDemoDataImportsAndBuildsATrainingSet() throws Exception {
    Path csv = dir.resolve("demo.csv");
    Run gen = cli("generate", "--users", "120", "--days", "40", "--out", csv.toString());
    assertThat(gen.exit()).as(gen.err()).isZero();

    Run imported = cli("import", csv.toString(), "--fail-on-rejects");
    assertThat(imported.exit()).as(imported.out() + imported.err()).isZero();
    assertThat(imported.out()).contains("0 rows rejected");

    Run overview = cli("overview");
    assertThat(overview.exit()).as(overview.err()).isZero();
    assertThat(overview.out()).contains("session funnel").contains("purchase");

    Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS);
    Path set = dir.resolve("set.csv");
    Run built =
        cli(
            "training-set",
            "--target",
            "purchase",
            "--horizon",
            "7d",
            "--from",
            now.minus(Duration.ofDays(20)).toString(),
            "--to",
            now.minus(Duration.ofDays(9)).toString(),
            "--out",
            set.toString());
    assertThat(built.exit()).as(built.err()).isZero();
    List<String> lines = Files.readAllLines(set);
    assertThat(lines.get(0)).startsWith("user_id,cutoff,").endsWith(",label");
    assertThat(lines).hasSizeGreaterThan(100);
  }

  @Test
  void unreachableServiceSaysSoWithAHintAndExitCodeFour() {
    StringWriter err = new StringWriter();
    CommandLine cl = PropensityCli.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int exit =
        cl.execute(
            "features",
            "x",
            "--feature-service=127.0.0.1:" + ServiceProcess.freePort(),
            "--deadline=3s");
    assertThat(exit).isEqualTo(4);
    assertThat(err.toString()).startsWith("error: UNAVAILABLE").contains("is the service running?");
  }
}
