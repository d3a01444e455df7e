package io.propensity.training.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.client.EventProtoMapper;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.training.v1.DataSource;
import propensity.training.v1.JobState;
import propensity.training.v1.PromoteIfBetter;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TrainingServiceGrpc;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

/**
 * feature → train: demo events go into a real feature-service process, a training job pulls a
 * point-in-time training set from it, tunes, trains, registers and promotes a purchase model.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingFromFeatureServiceIT implements TestPropertyProvider {
  static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS);
  ServiceProcess featureService;
  @Inject GrpcEmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    featureService =
        FeatureServiceWithEvents.start(
            "fs-it", new DemoDataGenerator(DemoConfig.defaults(1500, END)).events().iterator());
    return Map.of("propensity.training.feature-service", "127.0.0.1:" + featureService.grpcPort());
  }

  @AfterAll
  void stop() throws Exception {
    if (featureService != null) {
      featureService.stop();
    }
  }

  @Test
  void trainsAPurchaseModelFromFeatureServiceAndPromotesIt() {
    ManagedChannel ch =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      TrainingSetSpec set =
          TrainingSetSpec.newBuilder()
              .setTarget(Target.TARGET_PURCHASE)
              .setHorizon(EventProtoMapper.duration(Duration.ofDays(7)))
              .setRollingCutoffs(
                  CutoffRange.newBuilder()
                      .setStart(EventProtoMapper.timestamp(END.minus(Duration.ofDays(35))))
                      .setEnd(EventProtoMapper.timestamp(END.minus(Duration.ofDays(8))))
                      .setStep(EventProtoMapper.duration(Duration.ofDays(3))))
              .build();
      var training = TrainingServiceGrpc.newBlockingStub(ch);
      var started =
          training
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .startTraining(
                  StartTrainingRequest.newBuilder()
                      .setSpec(
                          TrainingSpec.newBuilder()
                              .setModelName("purchase-7d")
                              .setDataSource(
                                  DataSource.newBuilder().setFeatureServiceTrainingSet(set))
                              .setTuning(
                                  TuningSpec.newBuilder()
                                      .setStrategy(SearchStrategy.SEARCH_STRATEGY_TPE)
                                      .setMaxTrials(4)
                                      .setFolds(3))
                              .setPromotion(
                                  PromotionPolicy.newBuilder()
                                      .setPromoteIfBetter(PromoteIfBetter.getDefaultInstance())))
                      .build());
      List<WatchJobResponse> updates = new ArrayList<>();
      training
          .withDeadlineAfter(300, TimeUnit.SECONDS)
          .watchJob(WatchJobRequest.newBuilder().setJobId(started.getJobId()).build())
          .forEachRemaining(updates::add);
      var job = updates.get(updates.size() - 1).getJob();

      assertThat(job.getState()).as(job.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(job.getEvaluation().getModel().getRocAuc())
          .as("ROC-AUC on later cutoffs")
          .isGreaterThan(0.7);
      // promote-if-better (on ROC-AUC when the metric is unset) with no production promotes
      // unless the model does not beat its baseline on ROC-AUC by more than the interval; then
      // it says so and the test promotes it
      var rocAuc = job.getEvaluation().getBaselineDifference().getRocAuc();
      if (rocAuc.getLower() > 0) {
        assertThat(job.getPromotion().getPromoted()).as(job.getPromotion().getReason()).isTrue();
      } else {
        assertThat(job.getPromotion().getPromoted()).isFalse();
        assertThat(job.getPromotion().getReason())
            .contains("does not beat its logistic baseline on roc_auc by more than the 95%");
        ModelRegistryServiceGrpc.newBlockingStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .setAlias(
                propensity.registry.v1.SetAliasRequest.newBuilder()
                    .setName("purchase-7d")
                    .setAlias("production")
                    .setVersion(job.getModelVersion())
                    .build());
      }
      assertThat(job.getEvaluation().getVerdict()).contains("logistic baseline");
      assertThat(job.getEvaluation().getRulesList())
          .extracting(r -> r.getName())
          .contains("bought_in_last_30d");
      ModelVersion v =
          ModelRegistryServiceGrpc.newBlockingStub(ch)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getModelVersion(
                  GetModelVersionRequest.newBuilder()
                      .setName("purchase-7d")
                      .setAlias("production")
                      .build())
              .getModelVersion();
      assertThat(v.getFeatureSchema().getVersionHash())
          .isEqualTo(FeatureCatalog.schema().versionHash());
      assertThat(v.getFeatureSchema().getSource())
          .isEqualTo(propensity.features.v1.FeatureSource.FEATURE_SOURCE_ENGINE);
      assertThat(v.getFeatureSchema().getFeaturesList())
          .extracting(f -> f.getMissingValues())
          .containsOnly(propensity.features.v1.MissingValues.MISSING_VALUES_UNSPECIFIED);
      assertThat(v.getTuningTrialsCount()).isBetween(1, 4);
      assertThat(v.getLineage().getTestRowCount()).isPositive();
      assertThat(v.getLineage().hasFeatureServiceTrainingSet()).isTrue();
      // every cutoff of the rolling range (35 to 8 days back, every 3 days) is in the lineage,
      // ascending
      assertThat(v.getLineage().getCutoffsList())
          .extracting(EventProtoMapper::instant)
          .hasSize(10)
          .isSorted()
          .startsWith(END.minus(Duration.ofDays(35)))
          .endsWith(END.minus(Duration.ofDays(8)));
      System.out.printf(
          "purchase-7d: test ROC-AUC %.3f PR-AUC %.3f F1 %.3f (baseline ROC-AUC %.3f F1 %.3f), %d test rows%n",
          job.getEvaluation().getModel().getRocAuc(),
          job.getEvaluation().getModel().getPrAuc(),
          job.getEvaluation().getModel().getF1(),
          job.getEvaluation().getBaseline().getRocAuc(),
          job.getEvaluation().getBaseline().getF1(),
          job.getEvaluation().getTestRowCount());
    } finally {
      ch.shutdownNow();
    }
  }
}
