package io.propensity.runtime.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a model signature vouches for: these bytes, under this name, read with this feature schema.
 *
 * <p>The version number is deliberately not part of it. The registry assigns it inside the
 * transaction that stores the version, after an uploader may already have signed; and a signature
 * moved to another version of the same model still vouches for the same bytes under the same
 * schema, which is what a serving system needs to know before it parses them.
 *
 * @param name model name
 * @param artifactFormat artifact format as the registry names it, e.g. {@code lightgbm_text}
 * @param artifactSha256 lower-case hex SHA-256 of the artifact bytes
 * @param artifactSizeBytes size of the artifact, in bytes
 * @param featureSchemaHash version hash of the feature schema the model reads
 */
public record ModelStatement(
    String name,
    String artifactFormat,
    String artifactSha256,
    long artifactSizeBytes,
    String featureSchemaHash) {

  /** The artifact format of LightGBM text models, as the registry names it. */
  public static final String LIGHTGBM_TEXT = "lightgbm_text";

  /** Tag of the canonical encoding; a new encoding gets a new tag, never a changed meaning. */
  static final String ENCODING = "propensity-model-statement/v1";

  public ModelStatement {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(artifactFormat, "artifactFormat");
    Objects.requireNonNull(artifactSha256, "artifactSha256");
    Objects.requireNonNull(featureSchemaHash, "featureSchemaHash");
  }

  /**
   * The bytes signed: the encoding tag, then every field as {@code key:length:value} on its own
   * line. The lengths make the encoding unambiguous whatever a value contains (a schema hash of a
   * provided table is the caller's string, and may hold a newline).
   */
  public byte[] canonicalBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    line(out, "encoding", ENCODING);
    line(out, "name", name);
    line(out, "artifact_format", artifactFormat);
    line(out, "artifact_sha256", artifactSha256);
    line(out, "artifact_size_bytes", Long.toString(artifactSizeBytes));
    line(out, "feature_schema_hash", featureSchemaHash);
    return out.toByteArray();
  }

  private static void line(ByteArrayOutputStream out, String key, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes((key + ":" + v.length + ":").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(v);
    out.write('\n');
  }

  /** {@code name}, SHA-256 prefix and schema, for messages. */
  public String describe() {
    return "model '"
        + name
        + "' artifact "
        + artifactSha256.substring(0, Math.min(12, artifactSha256.length()))
        + "... ("
        + artifactSizeBytes
        + " bytes) on schema "
        + featureSchemaHash;
  }
}
