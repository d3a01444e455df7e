package io.propensity.training.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.Metric;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.training.v1.CalibrationMethod;
import propensity.training.v1.CalibrationSummary;
import propensity.training.v1.CancelJobRequest;
import propensity.training.v1.DataSource;
import propensity.training.v1.GetJobRequest;
import propensity.training.v1.ImbalanceSpec;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.ListJobsRequest;
import propensity.training.v1.PromoteIfBetter;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TabularFileSource;
import propensity.training.v1.TrainingServiceGrpc;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

/**
 * Training jobs end to end through gRPC: from a CSV file a user brings to a registered, promoted
 * version.
 */
@MicronautTest(environments = "test")
class TrainingJobsGrpcTest {
  @Inject GrpcEmbeddedServer server;
  @TempDir Path dir;
  ManagedChannel channel;
  TrainingServiceGrpc.TrainingServiceBlockingStub training;
  ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registry;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    training = TrainingServiceGrpc.newBlockingStub(channel);
    registry = ModelRegistryServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** 1,500 rows; the label depends non-linearly on x1, x2 and the plan; 8% positives. */
  Path syntheticCsv() throws IOException {
    Path csv = dir.resolve("customers.csv");
    Random r = new Random(11);
    try (Writer w = Files.newBufferedWriter(csv)) {
      w.write("customer,x1,x2,noise,plan,converted\n");
      for (int i = 0; i < 1500; i++) {
        double x1 = r.nextGaussian();
        double x2 = r.nextGaussian();
        String plan = new String[] {"free", "basic", "pro"}[r.nextInt(3)];
        double logit = -3.2 + 1.6 * x1 * x1 - 0.8 * x2 + (plan.equals("pro") ? 1.2 : 0);
        boolean y = r.nextDouble() < 1 / (1 + Math.exp(-logit));
        w.write(
            "c"
                + i
                + ","
                + x1
                + ","
                + x2
                + ","
                + r.nextGaussian()
                + ","
                + plan
                + ","
                + (y ? "TRUE" : "FALSE")
                + "\n");
      }
    }
    return csv;
  }

  static TrainingSpec.Builder csvSpec(String model, Path csv, String label) {
    return TrainingSpec.newBuilder()
        .setModelName(model)
        .setDataSource(
            DataSource.newBuilder()
                .setTabularFile(
                    TabularFileSource.newBuilder()
                        .setPath(csv.toString())
                        .setLabelColumn(label)
                        .addIgnoredColumns("customer")))
        .setTuning(TuningSpec.newBuilder().setStrategy(SearchStrategy.SEARCH_STRATEGY_NONE));
  }

  List<WatchJobResponse> watch(String jobId) {
    List<WatchJobResponse> seen = new ArrayList<>();
    Iterator<WatchJobResponse> it =
        training
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
    it.forEachRemaining(seen::add);
    return seen;
  }

  @Test
  void aCsvJobTrainsRegistersAndPromotesAVersion() throws Exception {
    Path csv = syntheticCsv();
    var started =
        training
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .startTraining(
                StartTrainingRequest.newBuilder()
                    .setSpec(
                        csvSpec("csv-conversion", csv, "converted")
                            .setImbalance(
                                ImbalanceSpec.newBuilder()
                                    .setClassWeights(
                                        propensity.training.v1.ClassWeights.getDefaultInstance()))
                            .setPromotion(
                                PromotionPolicy.newBuilder()
                                    .setPromoteIfBetter(
                                        PromoteIfBetter.newBuilder()
                                            .setMetric(Metric.METRIC_ROC_AUC))))
                    .build());
    assertThat(started.getJob().getState())
        .isIn(JobState.JOB_STATE_QUEUED, JobState.JOB_STATE_RUNNING);

    List<WatchJobResponse> updates = watch(started.getJobId());
    Job done = updates.get(updates.size() - 1).getJob();

    assertThat(done.getState()).as(done.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(updates).extracting(WatchJobResponse::getState).contains(JobState.JOB_STATE_RUNNING);
    assertThat(updates.stream().filter(WatchJobResponse::hasProgress).count()).isGreaterThan(1);
    assertThat(done.getModelVersion()).isEqualTo(1);
    assertThat(done.getEvaluation().getModel().getRocAuc()).isGreaterThan(0.7);
    assertThat(done.getPromotion().getPromoted()).isTrue();

    ModelVersion v =
        registry
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getModelVersion(
                GetModelVersionRequest.newBuilder()
                    .setName("csv-conversion")
                    .setAlias("production")
                    .build())
            .getModelVersion();
    assertThat(v.getVersion()).isEqualTo(1);
    assertThat(v.getArtifactSha256()).hasSize(64);
    // audit: the policy's promotion and a caller's alias move each record who made them (this
    // test runs with the insecure switch, so the caller is anonymous)
    assertThat(
            registry
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .setAlias(
                    propensity.registry.v1.SetAliasRequest.newBuilder()
                        .setName("csv-conversion")
                        .setAlias("staging")
                        .setVersion(1)
                        .build())
                .getActor())
        .isEqualTo("anonymous (insecure)");
    assertThat(
            registry
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .watchModels(
                    propensity.registry.v1.WatchModelsRequest.newBuilder()
                        .addNames("csv-conversion")
                        .setSendInitialState(true)
                        .build())
                .next()
                .getChangesList())
        .extracting(a -> a.getAlias() + " by " + a.getActor())
        .containsExactlyInAnyOrder(
            "production by promotion-policy", "staging by anonymous (insecure)");
    assertThat(v.getEvaluation().getRocAuc())
        .isEqualTo(done.getEvaluation().getModel().getRocAuc());
    assertThat(v.getFeatureSchema().getFeaturesList())
        .extracting(f -> f.getName())
        .containsExactly("x1", "x2", "noise", "plan");
    // a model of a table scores the rows a caller sends: its schema says so, with each level's
    // code (its index) as training encoded it and missing values fed natively
    assertThat(v.getFeatureSchema().getSource())
        .isEqualTo(propensity.features.v1.FeatureSource.FEATURE_SOURCE_PROVIDED);
    propensity.features.v1.FeatureDefinition plan = v.getFeatureSchema().getFeatures(3);
    assertThat(plan.getType())
        .isEqualTo(propensity.features.v1.FeatureType.FEATURE_TYPE_CATEGORICAL);
    assertThat(plan.getCategoriesList()).containsExactly("(missing)", "basic", "free", "pro");
    assertThat(v.getFeatureSchema().getFeaturesList())
        .extracting(f -> f.getMissingValues())
        .containsOnly(propensity.features.v1.MissingValues.MISSING_VALUES_NATIVE);
    assertThat(v.getFeatureSchema().getFeatures(0).getType())
        .isEqualTo(propensity.features.v1.FeatureType.FEATURE_TYPE_NUMERIC);
    assertThat(v.getGoldenRowsList())
        .extracting(g -> g.getValues(3))
        .allSatisfy(code -> assertThat(code).isIn(1.0, 2.0, 3.0));
    assertThat(v.getGoldenRowsCount()).isPositive();
    assertThat(v.getFeatureImportancesCount()).isEqualTo(4);
    // class weights inflate the probabilities; the calibration fitted on held-out rows (auto by
    // default) repairs them, is stored with the version and summarised on the job
    CalibrationSummary c = done.getEvaluation().getCalibration();
    assertThat(c.getMethod())
        .isIn(
            CalibrationMethod.CALIBRATION_METHOD_PLATT,
            CalibrationMethod.CALIBRATION_METHOD_ISOTONIC);
    assertThat(c.getReason()).startsWith("auto chose");
    assertThat(c.getExpectedCalibrationError())
        .isLessThan(c.getUncalibratedExpectedCalibrationError());
    assertThat(c.getBrier()).isLessThan(c.getUncalibratedBrier());
    assertThat(v.getCalibration().getMethodCase().name())
        .isEqualTo(c.getMethod().name().replace("CALIBRATION_METHOD_", ""));
    // the refitted model of rows split at random is calibrated on out-of-fold scores of every
    // training + validation row
    assertThat(v.getCalibration().getValidationRowCount())
        .isEqualTo(v.getLineage().getTrainRowCount() + v.getLineage().getValidationRowCount());
    assertThat(v.getEvaluation().getExpectedCalibrationError())
        .isEqualTo(c.getExpectedCalibrationError());
    assertThat(v.getEvaluation().getUncalibrated().getBrier()).isEqualTo(c.getUncalibratedBrier());
    assertThat(v.getEvaluation().getUncalibrated().getCalibrationBinsCount()).isEqualTo(10);

    // intervals, the verdict and the naive rules, which a tabular file cannot feed
    var e = done.getEvaluation();
    assertThat(e.getVerdict()).contains("logistic baseline");
    assertThat(e.getIntervalMethod()).contains("resamples");
    assertThat(e.getModel().getIntervals().getRocAuc().getLower())
        .isLessThanOrEqualTo(e.getModel().getRocAuc());
    assertThat(e.getModel().getIntervals().getRocAuc().getUpper())
        .isGreaterThanOrEqualTo(e.getModel().getRocAuc());
    assertThat(e.getRulesList())
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.getStatus())
                  .isEqualTo(
                      propensity.registry.v1.ReferenceStatus.REFERENCE_STATUS_NOT_APPLICABLE);
              assertThat(r.getNote()).isNotEmpty();
            });
    assertThat(v.getComparison().getVerdict()).isEqualTo(e.getVerdict());
    assertThat(v.getComparison().getBootstrapUnit())
        .isEqualTo(propensity.registry.v1.BootstrapUnit.BOOTSTRAP_UNIT_ROW);
    assertThat(v.getEvaluation().getIntervals()).isEqualTo(e.getModel().getIntervals());
  }

  @Test
  void badDataFailsTheJobWithAReasonAUserCanActOn() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "a,b,outcome\n1,2,TRUE\n3,x,FALSE\n");
    var started =
        training
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .startTraining(
                StartTrainingRequest.newBuilder()
                    .setSpec(csvSpec("bad-data", csv, "label"))
                    .build());
    List<WatchJobResponse> updates = watch(started.getJobId());
    Job done = updates.get(updates.size() - 1).getJob();
    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(done.getFailureReason())
        .contains("label")
        .contains("outcome")
        .doesNotContain("Exception");
  }

  @Test
  void malformedSpecIsInvalidArgumentNamingTheField() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                training
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .startTraining(
                        StartTrainingRequest.newBuilder()
                            .setSpec(TrainingSpec.newBuilder().setModelName("Bad Name!"))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("spec.model_name");
  }

  @Test
  void unknownJobIsNotFoundAndJobsCanBeListedAndCancelled() throws Exception {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                training
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getJob(GetJobRequest.newBuilder().setJobId("job-nope").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    Path csv = syntheticCsv();
    var started =
        training
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .startTraining(
                StartTrainingRequest.newBuilder()
                    .setSpec(
                        csvSpec("cancel-me", csv, "converted")
                            .setTuning(
                                TuningSpec.newBuilder()
                                    .setStrategy(SearchStrategy.SEARCH_STRATEGY_RANDOM)
                                    .setMaxTrials(200)))
                    .build());
    Job cancelled =
        training
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .cancelJob(CancelJobRequest.newBuilder().setJobId(started.getJobId()).build())
            .getJob();
    List<WatchJobResponse> updates = watch(started.getJobId());
    assertThat(updates.get(updates.size() - 1).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(cancelled.getJobId()).isEqualTo(started.getJobId());
    assertThat(
            training
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .listJobs(ListJobsRequest.newBuilder().setModelName("cancel-me").build())
                .getJobsList())
        .extracting(Job::getJobId)
        .containsExactly(started.getJobId());
  }
}
