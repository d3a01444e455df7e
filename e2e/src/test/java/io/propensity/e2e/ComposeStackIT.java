package io.propensity.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.HealthClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.TrainingServiceClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.SecurityDirectory;
import io.propensity.client.security.ServiceTls;
import io.propensity.common.testing.DockerBackends;
import io.propensity.engine.event.Event;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.TrainingSetSummary;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;
import propensity.training.v1.DataSource;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.PromoteIfBetter;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;
import propensity.training.v1.WatchJobRequest;

/**
 * The compose stack end to end, through the ports it publishes on 127.0.0.1 only: ingest → training
 * set → train → promote → hot reload → predict; then feature-service is killed and restarted and
 * every acknowledged event is still there exactly once; then the stack is torn down with its
 * volumes.
 *
 * <p>Images: PostgreSQL and Redis from {@code PROPENSITY_TEST_POSTGRES_IMAGE} / {@code
 * PROPENSITY_TEST_REDIS_IMAGE}, the services built on {@code PROPENSITY_TEST_BASE_IMAGE} (defaults:
 * the official images), all of which must be in the local engine (nothing is pulled). Skipped with
 * a message without Docker, a compose client, an image or the service jars.
 */
class ComposeStackIT {
  static final String MODEL = "purchase-7d";
  static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS);
  static final Duration RPC = Duration.ofSeconds(30);

  @Test
  void stackTrainsPromotesReloadsPredictsAndKeepsEveryEventAcrossAFeatureServiceRestart()
      throws Exception {
    DockerBackends.assumeDocker();
    String client = ComposeStack.composeClient().orElse(null);
    Assumptions.assumeTrue(
        client != null, "no compose client: neither `docker compose` nor `docker-compose` runs");
    File composeFile = Path.of("..", "docker-compose.yml").toAbsolutePath().normalize().toFile();
    for (String service : ComposeStack.SERVICES) {
      Assumptions.assumeTrue(
          builtJar(service), service + "/target/*-all.jar not built: run `mvn package` first");
    }
    Assumptions.assumeTrue(
        builtJar("cli"),
        "cli/target/*-all.jar (security-init's image) not built: run `mvn package`");
    // secure by default: security-init writes the CA, certificates and admin token there
    Map<String, String> env =
        ComposeStack.e2eEnvironment(
            List.of(
                "POSTGRES",
                "REDIS",
                "FEATURE_GRPC",
                "FEATURE_HTTP",
                "TRAINING_GRPC",
                "TRAINING_HTTP",
                "INFERENCE_GRPC",
                "INFERENCE_HTTP",
                "DASHBOARD"));
    env.remove("PROPENSITY_INSECURE");
    Path securityDir = ComposeStack.securityDirectory(env);
    SecurityDirectory security = new SecurityDirectory(securityDir);

    long t0 = System.nanoTime();
    try (ComposeStack stack = ComposeStack.start(composeFile, client, env, Duration.ofMinutes(5))) {
      lap("compose up (" + client + ", images built, every service healthy)", t0);
      String feature = stack.target("feature-service", 50051);
      String training = stack.target("training-service", 50052);
      String inference = stack.target("inference-service", 50053);
      assertThat(security.present()).as("security-init wrote the CA and the admin token").isTrue();
      ChannelSecurity admin = security.adminClient();

      // secure by default: plaintext, no credentials and a foreign CA get nowhere, on every port
      Map<String, java.util.function.Consumer<ManagedChannel>> oneCallEach =
          Map.of(
              feature,
              ch -> new FeatureServiceClient(ch, Duration.ofSeconds(10)).schema(),
              training,
              ch ->
                  new io.propensity.client.ModelRegistryClient(ch, Duration.ofSeconds(10))
                      .listModels(propensity.registry.v1.ListModelsRequest.getDefaultInstance()),
              inference,
              ch ->
                  new io.propensity.client.InferenceServiceClient(ch, Duration.ofSeconds(10))
                      .getModelInfo(
                          propensity.inference.v1.GetModelInfoRequest.getDefaultInstance()));
      for (var call : oneCallEach.entrySet()) {
        assertRefused(ChannelSecurity.plaintext(), call, Status.Code.UNAVAILABLE);
        assertRefused(ChannelSecurity.tls(security.caFile()), call, Status.Code.UNAUTHENTICATED);
      }

      // ingest
      long t = System.nanoTime();
      DemoDataGenerator demo = new DemoDataGenerator(DemoConfig.defaults(800, END));
      List<Event> events = demo.events().toList();
      long acknowledged;
      try (FeatureServiceClient features = FeatureServiceClient.connect(feature, admin, RPC)) {
        StreamIngestEventsResponse ingested =
            features.ingest(events.iterator(), 1000, Duration.ofMinutes(5), n -> {});
        assertThat(ingested.getRejectedCount()).isZero();
        assertThat(ingested.getAcceptedCount()).isEqualTo(events.size());
        acknowledged = ingested.getAcceptedCount();
        lap("ingest " + acknowledged + " events", t);

        // training set
        t = System.nanoTime();
        TrainingSetSummary summary = null;
        long rows = 0;
        Iterator<BuildTrainingSetResponse> it =
            features.trainingSet(trainingSet(), Duration.ofMinutes(5));
        while (it.hasNext()) {
          BuildTrainingSetResponse r = it.next();
          if (r.hasRows()) {
            rows += r.getRows().getRowsCount();
          } else if (r.hasSummary()) {
            summary = r.getSummary();
          }
        }
        assertThat(summary).isNotNull();
        assertThat(rows).isEqualTo(summary.getRowCount()).isPositive();
        assertThat(summary.getPositiveCount()).isPositive().isLessThan(rows);
        lap("training set: " + rows + " rows, " + summary.getPositiveCount() + " positive", t);
      }

      ManagedChannel trainingChannel = admin.open(training);
      ManagedChannel inferenceChannel = admin.open(inference);
      try {
        // train and promote
        t = System.nanoTime();
        Job job = train(trainingChannel);
        assertThat(job.getState())
            .as(job.getFailureReason())
            .isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        if (job.getEvaluation().getBaselineDifference().getRocAuc().getLower() > 0) {
          assertThat(job.getPromotion().getPromoted()).as("promoted to production").isTrue();
        } else {
          // refused: it does not beat its baseline on ROC-AUC (the default metric) by more than the
          // interval
          assertThat(job.getPromotion().getReason())
              .contains("does not beat its logistic baseline");
          new io.propensity.client.ModelRegistryClient(trainingChannel, Duration.ofSeconds(10))
              .setAlias(
                  propensity.registry.v1.SetAliasRequest.newBuilder()
                      .setName(MODEL)
                      .setAlias("production")
                      .setVersion(job.getModelVersion())
                      .build());
        }
        assertThat(job.getEvaluation().getModel().getRocAuc())
            .as("ROC-AUC on later cutoffs")
            .isGreaterThan(0.6);
        long version = job.getModelVersion();
        lap(
            "train + promote "
                + MODEL
                + " v"
                + version
                + " (ROC-AUC "
                + String.format("%.3f", job.getEvaluation().getModel().getRocAuc())
                + ")",
            t);

        // hot reload
        t = System.nanoTime();
        await("inference-service serves " + MODEL + " v" + version)
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> servedVersion(inferenceChannel) == version);
        assertThat(new HealthClient(inferenceChannel, Duration.ofSeconds(5)).check().getStatus())
            .isEqualTo(ServingStatus.SERVING);
        lap("hot reload", t);

        // predict by user id, with online features from feature-service
        t = System.nanoTime();
        // the first by-user call of the just-reloaded service opens its channel to feature-service;
        // under the production 300 ms hop deadline a loaded machine may need a second try, as a
        // client would
        Prediction p =
            await("a by-user prediction")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(
                    () -> predict(inferenceChannel, DemoDataGenerator.userId(7)), r -> r != null);
        assertThat(p.getModelVersion()).isEqualTo(version);
        assertThat(p.getProbability()).isBetween(0.0, 1.0);
        assertThat(p.getColdStart()).isFalse();
        assertThat(p.getFactorsList()).hasSize(3);
        lap("predict " + p.getUserId() + ": " + String.format("%.3f", p.getProbability()), t);

        // the dashboard shows the promoted version, through its published port
        t = System.nanoTime();
        HttpResponse<String> models =
            HttpClient.newBuilder()
                .sslContext(ServiceTls.sslContextTrusting(security.caFile()))
                .build()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "https://" + stack.target("dashboard", 8080) + "/api/models"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        assertThat(models.body()).contains(MODEL).contains("production");
        lap("dashboard /api/models", t);

        // feature-service killed and restarted: every acknowledged event is still there, once
        t = System.nanoTime();
        stack.killAndRestart("feature-service");
        await("feature-service healthy again")
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> stack.health("feature-service").equals("healthy"));
        String restarted = stack.target("feature-service", 50051);
        try (FeatureServiceClient features = FeatureServiceClient.connect(restarted, admin, RPC)) {
          StreamIngestEventsResponse again =
              features.ingest(events.iterator(), 1000, Duration.ofMinutes(5), n -> {});
          assertThat(again.getAcceptedCount()).as("nothing was lost, so nothing is new").isZero();
          assertThat(again.getDuplicateCount()).isEqualTo(acknowledged);
          assertThat(features.overview(1, "UTC").getEventCount()).isEqualTo(acknowledged);
        }
        await("inference-service scores by user id again")
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () ->
                    predict(inferenceChannel, DemoDataGenerator.userId(7)).getModelVersion()
                        == version);
        lap(
            "feature-service kill + restart, " + acknowledged + " events re-sent: all duplicates",
            t);
      } finally {
        trainingChannel.shutdownNow();
        inferenceChannel.shutdownNow();
      }
      t = System.nanoTime();
      stack.close();
      lap("compose down -v", t);
    }
    lap("whole stack test", t0);
  }

  static TrainingSetSpec trainingSet() {
    return TrainingSetSpec.newBuilder()
        .setTarget(Target.TARGET_PURCHASE)
        .setHorizon(EventProtoMapper.duration(Duration.ofDays(7)))
        .setRollingCutoffs(
            CutoffRange.newBuilder()
                .setStart(EventProtoMapper.timestamp(END.minus(Duration.ofDays(35))))
                .setEnd(EventProtoMapper.timestamp(END.minus(Duration.ofDays(8))))
                .setStep(EventProtoMapper.duration(Duration.ofDays(3))))
        .build();
  }

  static Job train(ManagedChannel channel) {
    var training = new TrainingServiceClient(channel, RPC);
    var started =
        training.startTraining(
            StartTrainingRequest.newBuilder()
                .setSpec(
                    TrainingSpec.newBuilder()
                        .setModelName(MODEL)
                        .setDataSource(
                            DataSource.newBuilder().setFeatureServiceTrainingSet(trainingSet()))
                        .setTuning(
                            TuningSpec.newBuilder()
                                .setStrategy(SearchStrategy.SEARCH_STRATEGY_TPE)
                                .setMaxTrials(2)
                                .setFolds(2))
                        .setPromotion(
                            PromotionPolicy.newBuilder()
                                .setPromoteIfBetter(PromoteIfBetter.getDefaultInstance())))
                .build());
    List<Job> updates = new ArrayList<>();
    training
        .withDeadline(Duration.ofMinutes(10))
        .watchJob(WatchJobRequest.newBuilder().setJobId(started.getJobId()).build())
        .forEachRemaining(u -> updates.add(u.getJob()));
    return updates.get(updates.size() - 1);
  }

  /** The version of {@link #MODEL} inference-service serves, 0 while it serves none. */
  static long servedVersion(ManagedChannel channel) {
    try {
      return new InferenceServiceClient(channel, Duration.ofSeconds(5))
              .getModelInfo(GetModelInfoRequest.newBuilder().setModelName(MODEL).build())
              .getModelsList()
              .stream()
              .filter(m -> m.getName().equals(MODEL))
              .mapToLong(m -> m.getVersion())
              .findFirst()
              .orElse(0);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return 0; // not loaded yet
      }
      throw e;
    }
  }

  static Prediction predict(ManagedChannel channel, String userId) {
    return new InferenceServiceClient(channel, RPC)
        .predict(
            PredictRequest.newBuilder()
                .setModelName(MODEL)
                .setInput(PredictionInput.newBuilder().setUserId(userId))
                .setExplainTopK(3)
                .build())
        .getPrediction();
  }

  /** The call to the target (key) over a channel with {@code security} ends with {@code code}. */
  private static void assertRefused(
      ChannelSecurity security,
      Map.Entry<String, java.util.function.Consumer<ManagedChannel>> call,
      Status.Code code) {
    ManagedChannel ch = security.open(call.getKey());
    try {
      assertThatThrownBy(() -> call.getValue().accept(ch))
          .as(call.getKey() + " with " + security)
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(code);
    } finally {
      ch.shutdownNow();
    }
  }

  static boolean builtJar(String module) {
    try (var files = Files.list(Path.of("..", module, "target"))) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith("-all.jar"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static void lap(String what, long startNanos) {
    System.out.printf(
        "[compose e2e] %-70s %6.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
  }
}
