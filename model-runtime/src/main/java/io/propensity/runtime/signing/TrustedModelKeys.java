package io.propensity.runtime.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The public keys whose model signatures are accepted, by key id. */
public final class TrustedModelKeys {
  private final Map<String, PublicKey> keys;

  private TrustedModelKeys(Map<String, PublicKey> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** Trusts exactly {@code keys}. */
  public static TrustedModelKeys of(List<PublicKey> keys) {
    Map<String, PublicKey> byId = new LinkedHashMap<>();
    for (PublicKey k : keys) {
      byId.put(ModelKeys.keyId(k), k);
    }
    return new TrustedModelKeys(byId);
  }

  /**
   * Trusts every {@code PUBLIC KEY} block of the PEM files {@code files}.
   *
   * @throws IllegalArgumentException naming the file, when one cannot be read or holds no Ed25519
   *     public key
   */
  public static TrustedModelKeys fromPemFiles(List<Path> files) {
    List<PublicKey> all = new ArrayList<>();
    for (Path f : files) {
      try {
        all.addAll(ModelKeys.readPublicKeys(Files.readString(f)));
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalArgumentException("cannot read the public key file " + f + ": " + e, e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
      }
    }
    return of(all);
  }

  /** Ids of the trusted keys, in the order given. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** Whether no key is trusted. */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * Why {@code signature} does not prove {@code statement} (missing, another algorithm, an unknown
   * key, or bytes that do not verify: a changed artifact, name or schema); empty when it does.
   */
  public Optional<String> whyUntrusted(
      ModelStatement statement, Optional<ModelSignature> signature) {
    if (signature.isEmpty()) {
      return Optional.of("it is not signed");
    }
    ModelSignature s = signature.get();
    if (!ModelSignature.ED25519.equals(s.algorithm())) {
      return Optional.of(
          "its signature is "
              + s.algorithm()
              + ", only "
              + ModelSignature.ED25519
              + " is accepted");
    }
    PublicKey key = keys.get(s.keyId());
    if (key == null) {
      return Optional.of(
          "it is signed by key "
              + s.keyId()
              + ", which is not trusted (trusted: "
              + keyIds()
              + ")");
    }
    boolean valid;
    try {
      Signature v = Signature.getInstance(ModelSignature.ED25519);
      v.initVerify(key);
      v.update(statement.canonicalBytes());
      valid = v.verify(s.signature());
    } catch (GeneralSecurityException e) {
      valid = false; // a malformed signature is as bad as a wrong one
    }
    return valid
        ? Optional.empty()
        : Optional.of(
            "its signature by key "
                + s.keyId()
                + " does not match "
                + statement.describe()
                + " (the bytes, name or schema changed after signing)");
  }
}
