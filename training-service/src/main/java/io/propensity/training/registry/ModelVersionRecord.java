package io.propensity.training.registry;

import io.propensity.runtime.signing.ModelSignature;
import io.propensity.runtime.signing.ModelStatement;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * One registered, immutable version of a model: the fields the registry queries and compares, plus
 * the {@link VersionDetails} the registering caller supplied and gets back unchanged.
 *
 * @param name model name
 * @param version version number, 1 for a model's first version
 * @param createdAt when the version was registered
 * @param target target of the model (e.g. {@code purchase}), when it has one
 * @param featureSchemaHash version hash of the feature schema of the model's input vectors
 * @param threshold decision threshold on the probability, 0 to 1
 * @param artifactFormat format of the artifact, e.g. {@code lightgbm_text}
 * @param artifact size and SHA-256 of the artifact, computed from the stored bytes
 * @param report size and SHA-256 of the HTML report, when there is one
 * @param metrics evaluation metrics on the held-out test rows, those the caller gave
 * @param aliases aliases pointing at this version when it was read, sorted
 * @param details what the version says about how it was made and how good it is
 * @param signature the registry's signature, made after the artifact passed the registration
 *     checks; empty for versions registered before the registry signed, and for formats it does not
 *     check
 * @param uploadSignature the uploader's signature as verified at registration, when one was given
 */
public record ModelVersionRecord(
    String name,
    long version,
    Instant createdAt,
    Optional<String> target,
    String featureSchemaHash,
    double threshold,
    String artifactFormat,
    BlobInfo artifact,
    Optional<BlobInfo> report,
    Map<Metric, Double> metrics,
    Set<String> aliases,
    VersionDetails details,
    Optional<ModelSignature> signature,
    Optional<ModelSignature> uploadSignature) {

  public ModelVersionRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(featureSchemaHash, "featureSchemaHash");
    Objects.requireNonNull(artifactFormat, "artifactFormat");
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(report, "report");
    metrics = metrics.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(metrics));
    aliases = Collections.unmodifiableSet(new TreeSet<>(aliases));
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(uploadSignature, "uploadSignature");
  }

  /** The statement the signatures of this version vouch for. */
  public ModelStatement statement() {
    return new ModelStatement(
        name, artifactFormat, artifact.sha256(), artifact.sizeBytes(), featureSchemaHash);
  }

  /** The value of {@code metric}, when the version has it. */
  public OptionalDouble metric(Metric metric) {
    Double v = metrics.get(metric);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** Size and checksum of the artifact or the report. */
  public Optional<BlobInfo> blob(BlobKind kind) {
    return kind == BlobKind.ARTIFACT ? Optional.of(artifact) : report;
  }

  /** This record with {@code aliases} instead of its own. */
  public ModelVersionRecord withAliases(Set<String> newAliases) {
    return new ModelVersionRecord(
        name,
        version,
        createdAt,
        target,
        featureSchemaHash,
        threshold,
        artifactFormat,
        artifact,
        report,
        metrics,
        newAliases,
        details,
        signature,
        uploadSignature);
  }

  @Override
  public String toString() {
    return "ModelVersionRecord["
        + name
        + " v"
        + version
        + ", created "
        + createdAt
        + ", target "
        + target.orElse("-")
        + ", schema "
        + featureSchemaHash
        + ", threshold "
        + threshold
        + ", "
        + artifactFormat
        + " "
        + artifact
        + ", report "
        + report
        + ", metrics "
        + metrics
        + ", aliases "
        + aliases
        + ", signed by "
        + signature.map(ModelSignature::keyId).orElse("-")
        + "]";
  }
}
