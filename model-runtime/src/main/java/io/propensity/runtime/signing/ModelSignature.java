package io.propensity.runtime.signing;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A signature over a {@link ModelStatement}'s canonical bytes.
 *
 * @param keyId id of the public key that verifies it ({@link ModelKeys#keyId})
 * @param algorithm signature algorithm; {@value #ED25519} is the only one made and accepted
 * @param signature the signature bytes (64 for Ed25519)
 */
public record ModelSignature(String keyId, String algorithm, byte[] signature) {
  /** The JCA name of the one algorithm used. */
  public static final String ED25519 = "Ed25519";

  public ModelSignature {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(algorithm, "algorithm");
    signature = signature.clone();
  }

  /** A copy of the signature bytes. */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The signature bytes in standard base64. */
  public String base64() {
    return Base64.getEncoder().encodeToString(signature);
  }

  /** A signature from its parts, the bytes in standard base64. */
  public static ModelSignature fromBase64(String keyId, String algorithm, String base64) {
    return new ModelSignature(keyId, algorithm, Base64.getDecoder().decode(base64));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSignature s
        && keyId.equals(s.keyId)
        && algorithm.equals(s.algorithm)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, algorithm, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "ModelSignature[" + algorithm + " by " + keyId + "]";
  }
}
