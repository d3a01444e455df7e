package io.propensity.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrincipalsFileTest {
  @TempDir Path dir;

  @Test
  void tokensAreFoundByTheirHashAndCertificatesByTheirCn() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("principals.txt"),
            "# kind name scopes credential\n"
                + "token  demo-admin  ingest,predict  "
                + PrincipalsFile.hashToken("s3cret")
                + "   # the CLI\n"
                + "\n"
                + "cert   inference-service  read-features,predict  inference-service\n");
    PrincipalsFile principals = PrincipalsFile.load(file);

    assertThat(principals.byToken("s3cret"))
        .contains(new Principal("demo-admin", Set.of("ingest", "predict")));
    assertThat(principals.byToken("s3cret ")).isEmpty();
    assertThat(principals.byCertificateCn("inference-service").map(Principal::name))
        .contains("inference-service");
    assertThat(principals.byCertificateCn("dashboard")).isEmpty();
  }

  @Test
  void anAddedTokenWorksWithoutARestart() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("principals.txt"),
            "token a predict " + PrincipalsFile.hashToken("token-a") + "\n");
    PrincipalsFile principals = PrincipalsFile.load(file);
    assertThat(principals.byToken("token-b")).isEmpty();

    Files.writeString(
        file,
        "token a predict "
            + PrincipalsFile.hashToken("token-a")
            + "\ntoken b * "
            + PrincipalsFile.hashToken("token-b")
            + "\n");

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> principals.byToken("token-b").map(Principal::name), Optional::isPresent);
    assertThat(principals.byToken("token-b").orElseThrow().holds("promote")).isTrue();
  }

  @Test
  void aBrokenEditKeepsThePreviousPrincipals() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("principals.txt"),
            "token a predict " + PrincipalsFile.hashToken("token-a") + "\n");
    PrincipalsFile principals = PrincipalsFile.load(file);
    Files.writeString(file, "token a predict not-a-hash\n");
    // past the one-second re-check interval, the broken file has been looked at and refused
    Awaitility.await()
        .pollDelay(Duration.ofMillis(1200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> principals.byToken("token-a").isPresent());
  }

  @Test
  void malformedLinesAreNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("p.txt"), "token a predict\n");
    assertThatThrownBy(() -> PrincipalsFile.load(file)).hasMessageContaining("p.txt line 1");
    Files.writeString(file, "user a predict x\n");
    assertThatThrownBy(() -> PrincipalsFile.load(file)).hasMessageContaining("token or cert");
  }
}
