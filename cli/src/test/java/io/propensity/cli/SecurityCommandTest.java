package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.SecurityDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecurityCommandTest {
  @TempDir Path dir;

  @Test
  void securityInitWritesTheStackFilesOnceAndKeepsThemAfterwards() throws Exception {
    Path d = dir.resolve("sec");
    CliRun.Run first = CliRun.run("security", "init", "--dir", d.toString(), "--hosts", "shop.lan");
    assertThat(first.exit()).as(first.all()).isZero();
    assertThat(first.out())
        .contains("ca.pem")
        .contains("dashboard-key.pem")
        .contains("admin.token");
    SecurityDirectory s = new SecurityDirectory(d);
    assertThat(s.present()).isTrue();
    String ca = Files.readString(s.caFile());

    CliRun.Run again = CliRun.run("security", "init", "--dir", d.toString());
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("kept every file");
    assertThat(Files.readString(s.caFile())).isEqualTo(ca);

    CliRun.Run forced = CliRun.run("security", "init", "--dir", d.toString(), "--force");
    assertThat(forced.exit()).isZero();
    assertThat(Files.readString(s.caFile())).isNotEqualTo(ca);
  }

  @Test
  void securityTokenPrintsATokenWhoseHashItAddsToThePrincipals() throws Exception {
    Path d = dir.resolve("sec");
    CliRun.run("security", "init", "--dir", d.toString());

    CliRun.Run r =
        CliRun.run(
            "security",
            "token",
            "--name",
            "shop-web",
            "--scopes",
            "ingest,predict",
            "--add",
            "--dir",
            d.toString());

    assertThat(r.exit()).as(r.all()).isZero();
    Matcher m = Pattern.compile("token: (\\S+)").matcher(r.out());
    assertThat(m.find()).isTrue();
    String principals = Files.readString(d.resolve("principals.txt"));
    assertThat(principals)
        .containsPattern(
            "token +shop-web +ingest,predict +sha256:" + SecurityDirectory.sha256(m.group(1)))
        .doesNotContain(m.group(1));

    CliRun.Run bad = CliRun.run("security", "token", "--name", "x y", "--scopes", "predict");
    assertThat(bad.exit()).isEqualTo(2);
  }

  private static Endpoints endpoints(String... args) {
    Endpoints e = new Endpoints();
    new CommandLine(
            new Object() {
              @CommandLine.Mixin Endpoints endpoints = e;
            })
        .parseArgs(args);
    return e;
  }

  @Test
  void theCliTakesOptionsThenEnvironmentThenTheStacksOwnCredentials() throws Exception {
    Stack stack = new Stack(dir, dir.resolve("state"), 40_000);
    SecurityDirectory s = stack.securityDirectory();
    s.init(java.util.List.of(), false);
    String admin = SecurityDirectory.readToken(s.adminTokenFile());

    // nothing given: the stack's CA and admin token
    assertThat(endpoints().useStack(stack).resolveSecurity(Map.of()))
        .isEqualTo(ChannelSecurity.tls(s.caFile()).withToken(admin));
    // the environment: its token, the stack's CA
    assertThat(endpoints().useStack(stack).resolveSecurity(Map.of("PROPENSITY_TOKEN", "from-env")))
        .isEqualTo(ChannelSecurity.tls(s.caFile()).withToken("from-env"));
    // an option beats the environment, which cannot make it plaintext either
    assertThat(
            endpoints("--token", "opt")
                .useStack(stack)
                .resolveSecurity(Map.of("PROPENSITY_TOKEN", "env", "PROPENSITY_INSECURE", "true")))
        .isEqualTo(ChannelSecurity.tls(s.caFile()).withToken("opt"));
    assertThat(endpoints().useStack(stack).resolveSecurity(Map.of("PROPENSITY_INSECURE", "true")))
        .isEqualTo(ChannelSecurity.plaintext());
    assertThat(
            endpoints("--cert-file", "c.pem", "--key-file", "k.pem", "--ca-file", "ca.pem")
                .useStack(stack)
                .resolveSecurity(Map.of()))
        .isEqualTo(
            ChannelSecurity.tls(Path.of("ca.pem"))
                .withClientCertificate(Path.of("c.pem"), Path.of("k.pem")));
    assertThatThrownBy(
            () -> endpoints("--insecure", "--token", "t").useStack(stack).resolveSecurity(Map.of()))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("excludes");
    assertThat(endpoints().useStack(stack).resolveSecurity(Map.of()).token())
        .isEqualTo(Optional.of(admin));
  }
}
