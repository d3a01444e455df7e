package io.propensity.training.registry;

import io.propensity.runtime.signing.ModelSignature;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller registers (besides the bytes): the queryable fields of the new version and its
 * details. The registry assigns the number and the time, and computes size and SHA-256.
 *
 * @param name model name, {@code [a-z][a-z0-9-]{0,62}}
 * @param target target of the model, e.g. {@code purchase}; empty when the label was a column
 * @param featureSchemaHash version hash of the feature schema, not blank
 * @param threshold decision threshold on the probability, 0 to 1
 * @param artifactFormat format of the artifact, e.g. {@code lightgbm_text}, not blank
 * @param metrics evaluation metrics on the held-out test rows, finite
 * @param expectedArtifact size and SHA-256 the caller announced for the artifact; when present the
 *     registration fails unless the bytes match
 * @param expectedReport the same for the report; when present a report must be given
 * @param details what the version says about itself, stored and returned unchanged
 * @param uploadSignature the uploader's own signature of the version's statement, checked against
 *     the keys the registry trusts (see {@link RegistrySigning})
 */
public record NewModelVersion(
    String name,
    Optional<String> target,
    String featureSchemaHash,
    double threshold,
    String artifactFormat,
    Map<Metric, Double> metrics,
    Optional<BlobInfo> expectedArtifact,
    Optional<BlobInfo> expectedReport,
    VersionDetails details,
    Optional<ModelSignature> uploadSignature) {

  public NewModelVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(featureSchemaHash, "featureSchemaHash");
    Objects.requireNonNull(artifactFormat, "artifactFormat");
    Objects.requireNonNull(expectedArtifact, "expectedArtifact");
    Objects.requireNonNull(expectedReport, "expectedReport");
    metrics = metrics.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(metrics));
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(uploadSignature, "uploadSignature");
  }

  /** This version with {@code d} as its details. */
  public NewModelVersion withDetails(VersionDetails d) {
    return new NewModelVersion(
        name,
        target,
        featureSchemaHash,
        threshold,
        artifactFormat,
        metrics,
        expectedArtifact,
        expectedReport,
        d,
        uploadSignature);
  }

  /** A builder with the required fields; the rest default to empty. */
  public static Builder builder(String name, String featureSchemaHash, double threshold) {
    return new Builder(name, featureSchemaHash, threshold);
  }

  @Override
  public String toString() {
    return "NewModelVersion["
        + name
        + ", target "
        + target.orElse("-")
        + ", schema "
        + featureSchemaHash
        + ", threshold "
        + threshold
        + ", "
        + artifactFormat
        + ", metrics "
        + metrics
        + "]";
  }

  /** Builds a {@link NewModelVersion}. */
  public static final class Builder {
    private final String name;
    private final String featureSchemaHash;
    private final double threshold;
    private Optional<String> target = Optional.empty();
    private String artifactFormat = "lightgbm_text";
    private final Map<Metric, Double> metrics = new EnumMap<>(Metric.class);
    private Optional<BlobInfo> expectedArtifact = Optional.empty();
    private Optional<BlobInfo> expectedReport = Optional.empty();
    private VersionDetails details = VersionDetails.EMPTY;
    private Optional<ModelSignature> uploadSignature = Optional.empty();

    private Builder(String name, String featureSchemaHash, double threshold) {
      this.name = name;
      this.featureSchemaHash = featureSchemaHash;
      this.threshold = threshold;
    }

    public Builder target(String value) {
      target = Optional.of(value);
      return this;
    }

    public Builder artifactFormat(String value) {
      artifactFormat = value;
      return this;
    }

    public Builder metric(Metric metric, double value) {
      metrics.put(metric, value);
      return this;
    }

    public Builder metrics(Map<Metric, Double> values) {
      metrics.putAll(values);
      return this;
    }

    public Builder expectedArtifact(BlobInfo value) {
      expectedArtifact = Optional.of(value);
      return this;
    }

    public Builder expectedReport(BlobInfo value) {
      expectedReport = Optional.of(value);
      return this;
    }

    public Builder details(VersionDetails value) {
      details = value;
      return this;
    }

    public Builder uploadSignature(ModelSignature value) {
      uploadSignature = Optional.of(value);
      return this;
    }

    public NewModelVersion build() {
      return new NewModelVersion(
          name,
          target,
          featureSchemaHash,
          threshold,
          artifactFormat,
          metrics,
          expectedArtifact,
          expectedReport,
          details,
          uploadSignature);
    }
  }
}
