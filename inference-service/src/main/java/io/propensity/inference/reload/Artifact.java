package io.propensity.inference.reload;

import io.propensity.runtime.signing.ModelSignature;
import java.util.Objects;
import java.util.Optional;

/**
 * A downloaded model artifact with what the registry announced about it before the bytes.
 *
 * @param name model name
 * @param version version the bytes belong to
 * @param bytes the artifact, as received
 * @param announcedSha256 SHA-256 the download header announced
 * @param announcedSizeBytes size the download header announced
 * @param signature the registry's signature the download header carried, when the version has one
 */
public record Artifact(
    String name,
    long version,
    byte[] bytes,
    String announcedSha256,
    long announcedSizeBytes,
    Optional<ModelSignature> signature) {

  public Artifact {
    Objects.requireNonNull(signature, "signature");
  }

  /** An artifact that came without a signature. */
  public Artifact(
      String name, long version, byte[] bytes, String announcedSha256, long announcedSizeBytes) {
    this(name, version, bytes, announcedSha256, announcedSizeBytes, Optional.empty());
  }
}
