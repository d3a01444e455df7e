package io.propensity.training.registry;

import java.time.Instant;
import java.util.Arrays;
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
 * an opaque {@code details} blob the registering caller supplied and gets back unchanged (the gRPC
 * layer keeps the whole {@code registry.v1.ModelVersion} there; the registry never reads it).
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
 * @param details opaque bytes stored with the version
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
    byte[] details) {

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
    details = details.clone();
  }

  /** A copy of the opaque details. */
  @Override
  public byte[] details() {
    return details.clone();
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
        details);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelVersionRecord r
        && name.equals(r.name)
        && version == r.version
        && createdAt.equals(r.createdAt)
        && target.equals(r.target)
        && featureSchemaHash.equals(r.featureSchemaHash)
        && Double.compare(threshold, r.threshold) == 0
        && artifactFormat.equals(r.artifactFormat)
        && artifact.equals(r.artifact)
        && report.equals(r.report)
        && metrics.equals(r.metrics)
        && aliases.equals(r.aliases)
        && Arrays.equals(details, r.details);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, createdAt, artifact) * 31 + Arrays.hashCode(details);
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
        + ", details "
        + details.length
        + " bytes]";
  }
}
