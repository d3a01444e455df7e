package io.propensity.runtime.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSignatureTest {
  static final ModelStatement STATEMENT =
      new ModelStatement("purchase-7d", "lightgbm_text", "ab".repeat(32), 1234, "schema-1");

  final KeyPair keys = ModelKeys.generate();
  final ModelSigner signer = new ModelSigner(keys);
  final TrustedModelKeys trusted = TrustedModelKeys.of(List.of(keys.getPublic()));

  @Test
  void aSignatureByATrustedKeyVerifies() {
    ModelSignature s = signer.sign(STATEMENT);

    assertThat(s.keyId()).isEqualTo(ModelKeys.keyId(keys.getPublic())).hasSize(16);
    assertThat(s.algorithm()).isEqualTo("Ed25519");
    assertThat(s.signature()).hasSize(64);
    assertThat(trusted.whyUntrusted(STATEMENT, Optional.of(s))).isEmpty();
  }

  @Test
  void aTamperedArtifactNameOrSchemaFailsVerification() {
    Optional<ModelSignature> s = Optional.of(signer.sign(STATEMENT));

    for (ModelStatement changed :
        List.of(
            new ModelStatement("purchase-7d", "lightgbm_text", "cd".repeat(32), 1234, "schema-1"),
            new ModelStatement("purchase-7d", "lightgbm_text", "ab".repeat(32), 1235, "schema-1"),
            new ModelStatement("churn-30d", "lightgbm_text", "ab".repeat(32), 1234, "schema-1"),
            new ModelStatement(
                "purchase-7d", "lightgbm_text", "ab".repeat(32), 1234, "schema-2"))) {
      assertThat(trusted.whyUntrusted(changed, s))
          .hasValueSatisfying(why -> assertThat(why).contains("does not match"));
    }
  }

  @Test
  void aSignatureByAnotherKeyIsNotTrusted() {
    ModelSigner stranger = new ModelSigner(ModelKeys.generate());

    assertThat(trusted.whyUntrusted(STATEMENT, Optional.of(stranger.sign(STATEMENT))))
        .hasValueSatisfying(
            why -> assertThat(why).contains(stranger.keyId()).contains("not trusted"));
  }

  @Test
  void aSignatureClaimingATrustedKeyIdButMadeByAnotherKeyFails() {
    ModelSignature forged =
        new ModelSignature(
            signer.keyId(),
            "Ed25519",
            new ModelSigner(ModelKeys.generate()).sign(STATEMENT).signature());

    assertThat(trusted.whyUntrusted(STATEMENT, Optional.of(forged)))
        .hasValueSatisfying(why -> assertThat(why).contains("does not match"));
  }

  @Test
  void aMissingOrMalformedSignatureIsNotTrusted() {
    assertThat(trusted.whyUntrusted(STATEMENT, Optional.empty())).hasValue("it is not signed");
    assertThat(
            trusted.whyUntrusted(
                STATEMENT, Optional.of(new ModelSignature(signer.keyId(), "Ed25519", new byte[3]))))
        .isPresent();
    assertThat(
            trusted.whyUntrusted(
                STATEMENT,
                Optional.of(
                    new ModelSignature(signer.keyId(), "RSA", signer.sign(STATEMENT).signature()))))
        .hasValueSatisfying(why -> assertThat(why).contains("only Ed25519"));
  }

  @Test
  void valuesCannotBeShiftedBetweenFieldsOfTheStatement() {
    ModelStatement a = new ModelStatement("a", "lightgbm_text", "ab".repeat(32), 1, "x\nname:1:b");
    ModelStatement b = new ModelStatement("a", "lightgbm_text", "ab".repeat(32), 1, "x");

    assertThat(a.canonicalBytes()).isNotEqualTo(b.canonicalBytes());
    assertThat(trusted.whyUntrusted(b, Optional.of(signer.sign(a)))).isPresent();
  }

  @Test
  void keysRoundTripThroughPemFilesAsOpensslWritesThem(@TempDir Path dir) throws Exception {
    Path pub = dir.resolve("registry.pub.pem");
    Files.writeString(
        pub,
        ModelKeys.publicKeyPem(ModelKeys.generate().getPublic())
            + ModelKeys.publicKeyPem(keys.getPublic()));

    TrustedModelKeys fromFile = TrustedModelKeys.fromPemFiles(List.of(pub));
    KeyPair reread =
        new KeyPair(
            ModelKeys.readPublicKeys(ModelKeys.publicKeyPem(keys.getPublic())).get(0),
            ModelKeys.readPrivateKey(ModelKeys.privateKeyPem(keys.getPrivate())));

    assertThat(fromFile.keyIds()).hasSize(2).contains(signer.keyId());
    assertThat(
            fromFile.whyUntrusted(STATEMENT, Optional.of(new ModelSigner(reread).sign(STATEMENT))))
        .isEmpty();
  }

  @Test
  void aFileWithoutAnEd25519PublicKeyIsRefusedByName(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here");

    assertThatThrownBy(() -> TrustedModelKeys.fromPemFiles(List.of(empty)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.pem")
        .hasMessageContaining("PUBLIC KEY");
    assertThatThrownBy(() -> TrustedModelKeys.fromPemFiles(List.of(dir.resolve("missing.pem"))))
        .hasMessageContaining("missing.pem");
  }

  @Test
  void aPrivateKeyOfAnotherPairIsRefused() {
    assertThatThrownBy(
            () -> new ModelSigner(new KeyPair(keys.getPublic(), ModelKeys.generate().getPrivate())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
