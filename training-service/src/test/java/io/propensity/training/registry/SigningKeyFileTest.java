package io.propensity.training.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.runtime.signing.ModelKeys;
import io.propensity.runtime.signing.ModelSigner;
import io.propensity.runtime.signing.ModelStatement;
import io.propensity.runtime.signing.TrustedModelKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyFileTest {
  static final ModelStatement STATEMENT =
      new ModelStatement("m", "lightgbm_text", "ab".repeat(32), 10, "s");

  @Test
  void aKeyIsGeneratedOnFirstStartOwnerOnlyAndTheSameKeySignsAfterARestart(@TempDir Path dir)
      throws Exception {
    Path keyFile = dir.resolve("signing/registry-signing-key.pem");

    ModelSigner first = SigningKeyFile.load(keyFile, true);
    ModelSigner again = SigningKeyFile.load(keyFile, true);
    TrustedModelKeys published =
        TrustedModelKeys.fromPemFiles(List.of(SigningKeyFile.publicKeyFile(keyFile)));

    assertThat(again.keyId()).isEqualTo(first.keyId());
    assertThat(published.keyIds()).containsExactly(first.keyId());
    assertThat(published.whyUntrusted(STATEMENT, Optional.of(again.sign(STATEMENT)))).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
  }

  @Test
  void aConfiguredPkcs8KeyWithoutItsPublicHalfSignsAndItsPublicKeyIsWrittenBesideIt(
      @TempDir Path dir) throws Exception {
    var keys = ModelKeys.generate();
    Path keyFile =
        Files.writeString(dir.resolve("key.pem"), ModelKeys.privateKeyPem(keys.getPrivate()));

    ModelSigner signer = SigningKeyFile.load(keyFile, false);

    assertThat(signer.keyId()).isEqualTo(ModelKeys.keyId(keys.getPublic()));
    assertThat(Files.readString(dir.resolve("key.pem.pub.pem")))
        .isEqualTo(ModelKeys.publicKeyPem(keys.getPublic()));
  }

  @Test
  void aConfiguredKeyFileThatIsMissingOrNotEd25519StopsTheStart(@TempDir Path dir)
      throws Exception {
    Path notAKey =
        Files.writeString(
            dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> SigningKeyFile.load(dir.resolve("missing.pem"), false))
        .hasMessageContaining("missing.pem")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> SigningKeyFile.load(notAKey, false))
        .hasMessageContaining("cert.pem")
        .hasMessageContaining("PRIVATE KEY");
  }
}
