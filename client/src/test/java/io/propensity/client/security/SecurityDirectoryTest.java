package io.propensity.client.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityDirectoryTest {
  @TempDir Path dir;

  @Test
  void initWritesACaACertificatePerIdentityThePrincipalsAndAnOwnerOnlyAdminToken()
      throws Exception {
    SecurityDirectory s = new SecurityDirectory(dir.resolve("security"));

    SecurityDirectory.Init init = s.init(List.of("propensity.example", "10.1.2.3"), false);

    assertThat(init.kept()).isEmpty();
    assertThat(s.present()).isTrue();
    X509Certificate ca = LocalCa.readCertificate(s.caFile());
    for (String id : SecurityDirectory.IDENTITIES) {
      X509Certificate c = LocalCa.readCertificate(s.certFile(id));
      c.verify(ca.getPublicKey());
      assertThat(c.getSubjectX500Principal().getName()).contains("CN=" + id);
      List<String> sans = new ArrayList<>();
      c.getSubjectAlternativeNames().forEach(n -> sans.add(n.get(1).toString()));
      assertThat(sans).contains(id, "localhost", "127.0.0.1", "propensity.example", "10.1.2.3");
      assertThat(Files.getPosixFilePermissions(s.keyFile(id)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.getPosixFilePermissions(s.adminTokenFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String token = SecurityDirectory.readToken(s.adminTokenFile());
    assertThat(token).matches("[A-Za-z0-9_-]{43}");

    Map<String, List<String>> principals = parse(s.principalsFile());
    assertThat(principals.get("admin"))
        .containsExactly("token", "*", "sha256:" + SecurityDirectory.sha256(token));
    assertThat(principals.get("inference-service"))
        .containsExactly("cert", "read-features,predict", "inference-service");
    assertThat(principals.get("training-service"))
        .containsExactly("cert", "read-features", "training-service");
    assertThat(principals.get("dashboard"))
        .containsExactly("cert", "read-features,predict", "dashboard");
    assertThat(Files.readString(s.principalsFile())).doesNotContain(token);

    // the registry's Ed25519 signing key (owner-only) and its public half, which verify each other
    assertThat(Files.getPosixFilePermissions(s.registrySigningKeyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    java.security.PrivateKey signing =
        java.security.KeyFactory.getInstance("Ed25519")
            .generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(der(s.registrySigningKeyFile())));
    java.security.PublicKey verifying =
        java.security.KeyFactory.getInstance("Ed25519")
            .generatePublic(
                new java.security.spec.X509EncodedKeySpec(der(s.registrySigningPublicKeyFile())));
    java.security.Signature sig = java.security.Signature.getInstance("Ed25519");
    sig.initSign(signing);
    sig.update(new byte[] {1, 2, 3});
    byte[] signature = sig.sign();
    sig.initVerify(verifying);
    sig.update(new byte[] {1, 2, 3});
    assertThat(sig.verify(signature)).isTrue();
    assertThat(s.serviceEnvironment("training-service"))
        .containsEntry(
            "PROPENSITY_REGISTRY_SIGNING_KEY_FILE", s.registrySigningKeyFile().toString());
    assertThat(s.serviceEnvironment("inference-service"))
        .containsEntry(
            "PROPENSITY_INFERENCE_TRUSTED_MODEL_KEYS", s.registrySigningPublicKeyFile().toString());
  }

  private static byte[] der(Path pem) throws Exception {
    String text = Files.readString(pem);
    String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return java.util.Base64.getDecoder().decode(body);
  }

  @Test
  void initIsIdempotentAndForceRenewsEverything() throws Exception {
    SecurityDirectory s = new SecurityDirectory(dir);
    s.init(List.of(), false);
    String token = Files.readString(s.adminTokenFile());
    String caPem = Files.readString(s.caFile());
    Files.writeString(
        s.principalsFile(),
        SecurityDirectory.tokenLine("shop", "ingest", "t0k") + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    String principals = Files.readString(s.principalsFile());

    SecurityDirectory.Init again = s.init(List.of(), false);

    assertThat(again.unchanged()).isTrue();
    assertThat(Files.readString(s.adminTokenFile())).isEqualTo(token);
    assertThat(Files.readString(s.caFile())).isEqualTo(caPem);
    assertThat(Files.readString(s.principalsFile())).isEqualTo(principals);

    // a lost certificate is issued again by the same CA
    Files.delete(s.certFile("dashboard"));
    assertThat(s.init(List.of(), false).written())
        .containsExactly(s.certFile("dashboard"), s.keyFile("dashboard"));
    LocalCa.readCertificate(s.certFile("dashboard"))
        .verify(LocalCa.readCertificate(s.caFile()).getPublicKey());

    SecurityDirectory.Init forced = s.init(List.of(), true);
    assertThat(forced.kept()).isEmpty();
    assertThat(Files.readString(s.caFile())).isNotEqualTo(caPem);
    assertThat(Files.readString(s.adminTokenFile())).isNotEqualTo(token);
    assertThat(parse(s.principalsFile())).doesNotContainKey("shop");
  }

  @Test
  void aLostAdminTokenIsReplacedAndItsLineAppendedKeepingTheOthers() throws Exception {
    SecurityDirectory s = new SecurityDirectory(dir);
    s.init(List.of(), false);
    Files.writeString(
        s.principalsFile(),
        SecurityDirectory.tokenLine("shop", "ingest", "t0k") + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.delete(s.adminTokenFile());

    s.init(List.of(), false);

    String token = SecurityDirectory.readToken(s.adminTokenFile());
    assertThat(Files.readString(s.principalsFile()))
        .contains(SecurityDirectory.sha256(token))
        .contains(SecurityDirectory.sha256("t0k"));
  }

  /** The principals file as the contract reads it: name -> kind, scopes, credential. */
  static Map<String, List<String>> parse(Path file) throws Exception {
    Map<String, List<String>> byName = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] cols = l.split("\\s+");
      assertThat(cols).hasSize(4);
      byName.put(cols[1], List.of(cols[0], cols[2], cols[3]));
    }
    return byName;
  }
}
