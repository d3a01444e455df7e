package io.propensity.runtime.signing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Signs {@link ModelStatement}s with one Ed25519 private key. */
public final class ModelSigner {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  /** A signer with {@code keys}' private key, known by the id of its public key. */
  public ModelSigner(KeyPair keys) {
    this.privateKey = Objects.requireNonNull(keys.getPrivate(), "private key");
    this.publicKey = Objects.requireNonNull(keys.getPublic(), "public key");
    this.keyId = ModelKeys.keyId(publicKey);
    // a private key that does not belong to its public key would sign what nobody can verify
    if (TrustedModelKeys.of(List.of(publicKey))
        .whyUntrusted(probe(), Optional.of(sign(probe())))
        .isPresent()) {
      throw new IllegalArgumentException("the private and public keys are not a pair");
    }
  }

  private static ModelStatement probe() {
    return new ModelStatement("probe", "probe", "0".repeat(64), 1, "probe");
  }

  /** The signature of {@code statement}. */
  public ModelSignature sign(ModelStatement statement) {
    try {
      Signature s = Signature.getInstance(ModelSignature.ED25519);
      s.initSign(privateKey);
      s.update(statement.canonicalBytes());
      return new ModelSignature(keyId, ModelSignature.ED25519, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e, e);
    }
  }

  /** Id of the key, as signatures name it. */
  public String keyId() {
    return keyId;
  }

  /** The public key that verifies this signer's signatures. */
  public PublicKey publicKey() {
    return publicKey;
  }
}
