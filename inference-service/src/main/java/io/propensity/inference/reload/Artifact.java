package io.propensity.inference.reload;

/**
 * A downloaded model artifact with what the registry announced about it before the bytes.
 *
 * @param name model name
 * @param version version the bytes belong to
 * @param bytes the artifact, as received
 * @param announcedSha256 SHA-256 the download header announced
 * @param announcedSizeBytes size the download header announced
 */
public record Artifact(
    String name, long version, byte[] bytes, String announcedSha256, long announcedSizeBytes) {}
