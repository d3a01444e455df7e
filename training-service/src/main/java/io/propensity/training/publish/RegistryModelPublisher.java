package io.propensity.training.publish;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.runtime.metrics.BinaryEvaluation;
import io.propensity.training.jobs.JobDefinition;
import io.propensity.training.jobs.ModelPublisher;
import io.propensity.training.pipeline.TrainingResult;
import io.propensity.training.registry.Metric;
import io.propensity.training.registry.ModelRegistry;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.NewModelVersion;
import io.propensity.training.registry.PromotionDecision;
import io.propensity.training.registry.VersionDetails.TrainingSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Publishes training results into the model registry, with their details, report and promotion. */
public final class RegistryModelPublisher implements ModelPublisher {
  /** Artifact format recorded for LightGBM text models. */
  public static final String LIGHTGBM_TEXT = ModelRegistry.LIGHTGBM_TEXT;

  private final ModelRegistry registry;

  public RegistryModelPublisher(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Published publish(String jobId, JobDefinition<?> job, TrainingResult result) {
    String schemaHash = schemaHash(result);
    NewModelVersion.Builder nv =
        NewModelVersion.builder(job.modelName(), schemaHash, result.threshold())
            .artifactFormat(LIGHTGBM_TEXT)
            .metrics(metrics(result.modelEvaluation()))
            .details(ModelVersionDetails.of(jobId, result, schemaHash, job.dataSource()));
    if (job.dataSource() instanceof TrainingSet set) {
      set.target().ifPresent(t -> nv.target(t.name().toLowerCase(Locale.ROOT)));
    }
    ModelVersionRecord record =
        registry.register(
            nv.build(),
            result.modelText().getBytes(StandardCharsets.UTF_8),
            Optional.of(result.reportHtml().getBytes(StandardCharsets.UTF_8)));
    Optional<PromotionOutcome> promotion = Optional.empty();
    if (job.promotion().isPresent()) {
      JobDefinition.Promotion p = job.promotion().get();
      PromotionDecision d =
          registry.promoteIfBetter(job.modelName(), record.version(), p.metric(), p.minMargin());
      promotion =
          Optional.of(
              new PromotionOutcome(
                  d.promoted(), p.alias(), d.productionVersion().orElse(0), d.explanation()));
    }
    return new Published(record.version(), promotion);
  }

  static Map<Metric, Double> metrics(BinaryEvaluation e) {
    Map<Metric, Double> m = new EnumMap<>(Metric.class);
    put(m, Metric.F1, e.f1());
    put(m, Metric.PRECISION, e.precision());
    put(m, Metric.RECALL, e.recall());
    put(m, Metric.ROC_AUC, e.rocAuc());
    put(m, Metric.PR_AUC, e.prAuc());
    put(m, Metric.LOG_LOSS, e.logLoss());
    put(m, Metric.BRIER, e.brierScore());
    return m;
  }

  private static void put(Map<Metric, Double> m, Metric k, double v) {
    if (Double.isFinite(v)) {
      m.put(k, v);
    }
  }

  /**
   * The feature schema hash of a model: feature-engine's when it was trained on its features (so
   * inference can check compatibility), else a hash of the file's column names and kinds.
   */
  static String schemaHash(TrainingResult r) {
    if (r.featureNames().equals(FeatureCatalog.schema().names())) {
      return FeatureCatalog.schema().versionHash();
    }
    StringBuilder canonical = new StringBuilder("tabular\n");
    for (int i = 0; i < r.featureNames().size(); i++) {
      canonical
          .append(r.featureNames().get(i))
          .append('\t')
          .append(r.featureKinds().get(i))
          .append('\n');
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
