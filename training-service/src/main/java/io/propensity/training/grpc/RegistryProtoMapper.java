package io.propensity.training.grpc;

import com.google.protobuf.Timestamp;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.ModelRegistry;
import io.propensity.training.registry.ModelSummary;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.NewModelVersion;
import io.propensity.training.registry.VersionSelector;
import io.propensity.training.registry.VersionUpload;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import propensity.features.v1.Target;
import propensity.registry.v1.AliasChange;
import propensity.registry.v1.AliasChangeKind;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.GoldenRow;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;

/** Translates between the registry.v1 contract and the registry's domain types. */
final class RegistryProtoMapper {
  /** Largest piece of a file in one message, both ways. */
  static final int MAX_CHUNK_BYTES = VersionUpload.MAX_CHUNK_BYTES;

  static final String ARTIFACT_CONTENT_TYPE = "text/plain";
  static final String REPORT_CONTENT_TYPE = "text/html; charset=utf-8";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_DESCRIPTION_CHARS = 1024;
  private static final int MAX_GOLDEN_ROWS = 100;
  private static final int MAX_CALIBRATION_POINTS = 10_000;
  private static final int MAX_REASON_CHARS = 1024;
  private static final String VERSIONS_TOKEN = "v:";
  private static final String MODELS_TOKEN = "m:";

  private RegistryProtoMapper() {}

  // ---------------------------------------------------------------------------------------------
  // registration

  /**
   * The domain registration of a ModelVersion sent by a client, or every reason it is malformed,
   * named by their path in the request. Output-only fields are ignored.
   */
  static NewModelVersion toNewVersion(ModelVersion mv) {
    String p = "model_version.";
    List<FieldError> problems = new ArrayList<>();
    if (mv.getName().isEmpty()) {
      problems.add(new FieldError(p + "name", "is required"));
    } else if (!ModelRegistry.isValidName(mv.getName())) {
      problems.add(
          new FieldError(
              p + "name",
              "'"
                  + mv.getName()
                  + "' is not a model name: a lower-case letter, then up to 62 lower-case"
                  + " letters, digits or '-'"));
    }
    if (mv.getDescription().length() > MAX_DESCRIPTION_CHARS) {
      problems.add(
          new FieldError(
              p + "description",
              mv.getDescription().length() + " characters is more than " + MAX_DESCRIPTION_CHARS));
    }
    Map<Metric, Double> metrics = new EnumMap<>(Metric.class);
    if (!mv.hasEvaluation()) {
      problems.add(new FieldError(p + "evaluation", "is required"));
    } else {
      Evaluation e = mv.getEvaluation();
      metrics.put(Metric.F1, e.getF1());
      metrics.put(Metric.PRECISION, e.getPrecision());
      metrics.put(Metric.RECALL, e.getRecall());
      metrics.put(Metric.ROC_AUC, e.getRocAuc());
      metrics.put(Metric.PR_AUC, e.getPrAuc());
      metrics.put(Metric.LOG_LOSS, e.getLogLoss());
      metrics.put(Metric.BRIER, e.getBrier());
      for (Map.Entry<Metric, Double> m : metrics.entrySet()) {
        if (!Double.isFinite(m.getValue())) {
          problems.add(
              new FieldError(
                  p + "evaluation." + m.getKey().name().toLowerCase(Locale.ROOT),
                  m.getValue() + " is not a finite number"));
        }
      }
      if (Math.abs(e.getThreshold() - mv.getThreshold()) > 1e-12) {
        problems.add(
            new FieldError(
                p + "threshold",
                mv.getThreshold() + " differs from evaluation.threshold " + e.getThreshold()));
      }
    }
    if (!(mv.getThreshold() >= 0 && mv.getThreshold() <= 1)) {
      problems.add(new FieldError(p + "threshold", mv.getThreshold() + " is outside 0 to 1"));
    }
    if (!mv.hasFeatureSchema()) {
      problems.add(new FieldError(p + "feature_schema", "is required"));
    } else if (mv.getFeatureSchema().getVersionHash().isEmpty()) {
      problems.add(new FieldError(p + "feature_schema.version_hash", "is required"));
    }
    Optional<String> target = Optional.empty();
    if (!mv.hasLineage()) {
      problems.add(new FieldError(p + "lineage", "is required"));
    } else if (mv.getLineage().getTarget() == Target.UNRECOGNIZED) {
      problems.add(
          new FieldError(
              p + "lineage.target", "unknown target " + mv.getLineage().getTargetValue()));
    } else if (mv.getLineage().getTarget() != Target.TARGET_UNSPECIFIED) {
      target = Optional.of(targetName(mv.getLineage().getTarget()));
    }
    String format = "";
    if (mv.getArtifactFormat() == ArtifactFormat.ARTIFACT_FORMAT_UNSPECIFIED) {
      problems.add(new FieldError(p + "artifact_format", "is required"));
    } else if (mv.getArtifactFormat() == ArtifactFormat.UNRECOGNIZED) {
      problems.add(
          new FieldError(p + "artifact_format", "unknown format " + mv.getArtifactFormatValue()));
    } else {
      format = formatName(mv.getArtifactFormat());
    }
    if (!SHA256.matcher(mv.getArtifactSha256()).matches()) {
      problems.add(
          new FieldError(
              p + "artifact_sha256",
              mv.getArtifactSha256().isEmpty()
                  ? "is required"
                  : "'" + mv.getArtifactSha256() + "' is not 64 lower-case hex digits"));
    }
    if (mv.getArtifactSizeBytes() <= 0) {
      problems.add(
          new FieldError(p + "artifact_size_bytes", mv.getArtifactSizeBytes() + " is not > 0"));
    }
    boolean hasReport = !mv.getReportSha256().isEmpty() || mv.getReportSizeBytes() != 0;
    if (hasReport) {
      if (!SHA256.matcher(mv.getReportSha256()).matches()) {
        problems.add(
            new FieldError(
                p + "report_sha256",
                mv.getReportSha256().isEmpty()
                    ? "is required when report_size_bytes is set"
                    : "'" + mv.getReportSha256() + "' is not 64 lower-case hex digits"));
      }
      if (mv.getReportSizeBytes() <= 0) {
        problems.add(
            new FieldError(
                p + "report_size_bytes",
                mv.getReportSizeBytes() + " is not > 0 although report_sha256 is set"));
      }
    }
    if (mv.getGoldenRowsCount() > MAX_GOLDEN_ROWS) {
      problems.add(
          new FieldError(
              p + "golden_rows",
              mv.getGoldenRowsCount() + " rows is more than " + MAX_GOLDEN_ROWS));
    }
    int features = mv.getFeatureSchema().getFeaturesCount();
    for (int i = 0; i < mv.getGoldenRowsCount(); i++) {
      GoldenRow row = mv.getGoldenRows(i);
      if (features > 0 && row.getValuesCount() != features) {
        problems.add(
            new FieldError(
                p + "golden_rows[" + i + "].values",
                row.getValuesCount()
                    + " values but the feature schema has "
                    + features
                    + " features"));
      }
      if (!(row.getExpectedProbability() >= 0 && row.getExpectedProbability() <= 1)) {
        problems.add(
            new FieldError(
                p + "golden_rows[" + i + "].expected_probability",
                row.getExpectedProbability() + " is outside 0 to 1"));
      }
    }
    if (mv.hasCalibration()) {
      checkCalibration(mv.getCalibration(), p + "calibration", problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(
          problems.size() == 1
              ? problems.get(0).toString()
              : problems.size() + " invalid fields: " + problems,
          problems);
    }
    NewModelVersion.Builder b =
        NewModelVersion.builder(
                mv.getName(), mv.getFeatureSchema().getVersionHash(), mv.getThreshold())
            .artifactFormat(format)
            .metrics(metrics)
            .expectedArtifact(new BlobInfo(mv.getArtifactSha256(), mv.getArtifactSizeBytes()))
            .details(VersionDetailsProtoMapper.toDetails(mv));
    target.ifPresent(b::target);
    if (hasReport) {
      b.expectedReport(new BlobInfo(mv.getReportSha256(), mv.getReportSizeBytes()));
    }
    return b.build();
  }

  /**
   * Adds what is wrong with a calibration: the numbers must make a monotone map (the domain
   * calibration's own rules, named by the sub-message that breaks them) within the contract's
   * limits.
   */
  private static void checkCalibration(
      propensity.registry.v1.Calibration c, String path, List<FieldError> problems) {
    if (c.getIsotonic().getPointsCount() > MAX_CALIBRATION_POINTS) {
      problems.add(
          new FieldError(
              path + ".isotonic.points",
              c.getIsotonic().getPointsCount() + " points is more than " + MAX_CALIBRATION_POINTS));
      return;
    }
    if (c.getReason().length() > MAX_REASON_CHARS) {
      problems.add(
          new FieldError(
              path + ".reason",
              c.getReason().length() + " characters is more than " + MAX_REASON_CHARS));
    }
    long rows = c.getValidationRowCount();
    long positives = c.getValidationPositiveCount();
    if (rows < 0) {
      problems.add(new FieldError(path + ".validation_row_count", rows + " is negative"));
      return;
    }
    if (positives < 0 || positives > rows) {
      problems.add(
          new FieldError(
              path + ".validation_positive_count",
              positives + " is outside 0 to validation_row_count " + rows));
      return;
    }
    try {
      VersionDetailsProtoMapper.calibration(c);
    } catch (IllegalArgumentException e) {
      String where =
          switch (c.getMethodCase()) {
            case PLATT -> path + ".platt";
            case ISOTONIC -> path + ".isotonic.points";
            default -> path;
          };
      problems.add(new FieldError(where, e.getMessage()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  /** The stored version as the contract shows it; BASIC leaves the bulky lists empty. */
  static ModelVersion toProto(ModelVersionRecord r, ModelVersionView view) {
    ModelVersion.Builder b =
        VersionDetailsProtoMapper.toProto(r.details())
            .setName(r.name())
            .setVersion(r.version())
            .addAllAliases(r.aliases())
            .setCreatedAt(timestamp(r.createdAt()))
            .setThreshold(r.threshold())
            .setArtifactFormat(artifactFormat(r.artifactFormat()))
            .setArtifactSha256(r.artifact().sha256())
            .setArtifactSizeBytes(r.artifact().sizeBytes())
            .setReportSha256(r.report().map(BlobInfo::sha256).orElse(""))
            .setReportSizeBytes(r.report().map(BlobInfo::sizeBytes).orElse(0L));
    b.getFeatureSchemaBuilder().setVersionHash(r.featureSchemaHash());
    if (view == ModelVersionView.MODEL_VERSION_VIEW_BASIC) {
      b.clearGoldenRows().clearFeatureImportances().clearTuningTrials();
      // the calibration stays whole: it is how the version scores
      if (b.hasEvaluation()) {
        b.setEvaluation(basic(b.getEvaluation()));
      }
      if (b.hasBaselineEvaluation()) {
        b.setBaselineEvaluation(basic(b.getBaselineEvaluation()));
      }
      if (b.hasComparison()) {
        for (var ref : b.getComparisonBuilder().getReferenceEvaluationsBuilderList()) {
          if (ref.hasEvaluation()) {
            ref.setEvaluation(basic(ref.getEvaluation()));
          }
        }
      }
    }
    return b.build();
  }

  private static Evaluation basic(Evaluation e) {
    Evaluation.Builder b = e.toBuilder().clearCalibrationBins().clearRocCurve().clearPrCurve();
    if (b.hasUncalibrated()) {
      b.getUncalibratedBuilder().clearCalibrationBins();
    }
    return b.build();
  }

  /** The view asked for, {@code fallback} when unspecified. */
  static ModelVersionView view(ModelVersionView requested, ModelVersionView fallback) {
    return switch (requested) {
      case MODEL_VERSION_VIEW_UNSPECIFIED -> fallback;
      case MODEL_VERSION_VIEW_BASIC, MODEL_VERSION_VIEW_FULL -> requested;
      default -> throw InvalidInputException.of("view", "unknown view " + requested);
    };
  }

  static Model toProto(ModelSummary m) {
    Model.Builder b =
        Model.newBuilder()
            .setName(m.name())
            .setLatestVersion(m.latestVersion())
            .setVersionCount(m.versionCount())
            .putAllAliases(m.aliases())
            .setCreatedAt(timestamp(m.createdAt()))
            .setUpdatedAt(timestamp(m.updatedAt()));
    m.target().ifPresent(t -> b.setTarget(target(t)));
    return b.build();
  }

  static AliasChange toProto(io.propensity.training.registry.AliasChange c) {
    return AliasChange.newBuilder()
        .setName(c.name())
        .setAlias(c.alias())
        .setVersion(c.version())
        .setPreviousVersion(c.previousVersion().orElse(0))
        .setKind(
            switch (c.kind()) {
              case INITIAL -> AliasChangeKind.ALIAS_CHANGE_KIND_INITIAL;
              case SET -> AliasChangeKind.ALIAS_CHANGE_KIND_SET;
              case ROLLBACK -> AliasChangeKind.ALIAS_CHANGE_KIND_ROLLBACK;
            })
        .setChangedAt(timestamp(c.changedAt()))
        .setActor(c.actor())
        .build();
  }

  /** A version selector from a request's oneof; neither set means the latest version. */
  static VersionSelector selector(
      boolean hasVersion, long version, boolean hasAlias, String alias) {
    if (hasVersion) {
      return VersionSelector.version(version);
    }
    if (hasAlias) {
      return VersionSelector.alias(alias);
    }
    return VersionSelector.latest();
  }

  static ArtifactFormat artifactFormat(String domainFormat) {
    try {
      return ArtifactFormat.valueOf("ARTIFACT_FORMAT_" + domainFormat.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return ArtifactFormat.ARTIFACT_FORMAT_UNSPECIFIED;
    }
  }

  static String contentType(ArtifactFormat format) {
    return format == ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT
        ? ARTIFACT_CONTENT_TYPE
        : "application/octet-stream";
  }

  private static String formatName(ArtifactFormat f) {
    return f.name().substring("ARTIFACT_FORMAT_".length()).toLowerCase(Locale.ROOT);
  }

  private static String targetName(Target t) {
    return t.name().substring("TARGET_".length()).toLowerCase(Locale.ROOT);
  }

  private static Target target(String domainTarget) {
    try {
      return Target.valueOf("TARGET_" + domainTarget.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return Target.TARGET_UNSPECIFIED;
    }
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  // ---------------------------------------------------------------------------------------------
  // paging

  /** Page size of a request: 0 means 50; otherwise 1 to 500. */
  static int pageSize(int requested) {
    if (requested == 0) {
      return 50;
    }
    if (requested < 0 || requested > ModelRegistry.MAX_PAGE_SIZE) {
      throw InvalidInputException.of(
          "page_size", requested + " is outside 0 to " + ModelRegistry.MAX_PAGE_SIZE);
    }
    return requested;
  }

  static String versionsToken(OptionalLong beforeVersion) {
    return beforeVersion.isPresent() ? encode(VERSIONS_TOKEN + beforeVersion.getAsLong()) : "";
  }

  static OptionalLong parseVersionsToken(String token) {
    if (token.isEmpty()) {
      return OptionalLong.empty();
    }
    String raw = decode(token);
    if (raw.startsWith(VERSIONS_TOKEN)) {
      try {
        long before = Long.parseLong(raw.substring(VERSIONS_TOKEN.length()));
        if (before >= 1) {
          return OptionalLong.of(before);
        }
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw badToken();
  }

  static String modelsToken(Optional<String> afterName) {
    return afterName.map(n -> encode(MODELS_TOKEN + n)).orElse("");
  }

  static Optional<String> parseModelsToken(String token) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String raw = decode(token);
    if (raw.startsWith(MODELS_TOKEN) && raw.length() > MODELS_TOKEN.length()) {
      return Optional.of(raw.substring(MODELS_TOKEN.length()));
    }
    throw badToken();
  }

  private static String encode(String raw) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw badToken();
    }
  }

  private static InvalidInputException badToken() {
    return InvalidInputException.of(
        "page_token",
        "is not a next_page_token of this listing; pass it back unchanged or leave it empty");
  }
}
