package io.propensity.dashboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.TrainingServiceClient;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.IOException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ProvidedFeatures;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.SetAliasRequest;
import propensity.training.v1.DataSource;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.PromoteIfBetter;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TabularFileSource;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;
import propensity.training.v1.WatchJobRequest;

/**
 * The whole stack as separate processes on free loopback ports, as a user runs it: feature-service,
 * training-service, inference-service and the dashboard from their built jars, with a small demo
 * data set ingested. {@link #trainAndServe()} trains two versions of {@value #MODEL} (the first
 * promoted to production, the second only registered) and starts inference on them; until then the
 * registry is empty and inference is not running, which the empty-state tests look at.
 */
public final class RunningStack implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  public static final String MODEL = "purchase-7d";

  /** A model of a team's own session table (string categoricals), trained from a CSV file. */
  public static final String PROVIDED_MODEL = "sessions-csv";

  static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS);

  private final Path dir;
  private final ServiceProcess features;
  private final ServiceProcess training;
  private final ServiceProcess inference;
  private final Process dashboard;
  private final int dashboardPort;
  // a channel connects on its first call, so both are made up front (inference starts later)
  private final ManagedChannel registryChannel;
  private final ManagedChannel inferenceChannel;
  private boolean served;
  private boolean providedServed;

  private RunningStack() throws Exception {
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "stack");
    Path data = dir.resolve("data");
    features =
        ServiceProcess.of(
            jar("feature-service"),
            Map.of("PROPENSITY_DATA_DIR", data.toString()),
            jvm("feature-service", "384m"),
            dir.resolve("feature-service.log"));
    features.start(Duration.ofSeconds(90));
    training =
        ServiceProcess.of(
            jar("training-service"),
            Map.of(
                "PROPENSITY_DATA_DIR",
                data.toString(),
                "PROPENSITY_TRAINING_FEATURE_SERVICE",
                target(features)),
            jvm("training-service", "768m"),
            dir.resolve("training-service.log"));
    // prepared now for its port; started once a model is in production (it is NOT_SERVING before)
    inference =
        ServiceProcess.of(
            jar("inference-service"),
            // generous hops to feature-service: a busy CI machine can stall a call past the
            // production
            // defaults (300 ms by user, 2 s for a replay's history seed), which is not what these
            // tests test
            Map.of(
                "PROPENSITY_INFERENCE_REGISTRY_TARGET",
                target(training),
                "PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET",
                target(features),
                "PROPENSITY_INFERENCE_FEATURE_SERVICE_DEADLINE",
                "5s",
                "PROPENSITY_INFERENCE_FEATURE_SERVICE_READ_DEADLINE",
                "10s"),
            jvm("inference-service", "256m"),
            dir.resolve("inference-service.log"));
    registryChannel = training.channel();
    inferenceChannel = inference.channel();
    dashboardPort = ServiceProcess.freePort();
    dashboard = startDashboard();
    training.start(Duration.ofSeconds(90));
    ingestDemoData();
    awaitDashboard();
  }

  /**
   * The stack shared by every test of this JVM, started on first use and stopped after the last
   * test.
   */
  public static RunningStack shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            RunningStack.class,
            k -> {
              try {
                return new RunningStack();
              } catch (Exception e) {
                throw new IllegalStateException("stack did not start: " + e.getMessage(), e);
              }
            },
            RunningStack.class);
  }

  /** Whether the services' and the dashboard's jars are built (else the tests skip). */
  public static String missingJars() {
    List<String> missing = new ArrayList<>();
    for (String m : List.of("feature-service", "training-service", "inference-service")) {
      if (ServiceProcess.builtJarOf(m).isEmpty()) {
        missing.add(m);
      }
    }
    try {
      ServiceProcess.builtJar();
    } catch (IllegalStateException e) {
      missing.add("dashboard");
    }
    return missing.isEmpty() ? "" : "not built: " + missing + " (run `mvn package` first)";
  }

  private static Path jar(String module) {
    return ServiceProcess.builtJarOf(module)
        .orElseThrow(() -> new IllegalStateException(module + " jar not built"));
  }

  /**
   * JVM options: a private java.io.tmpdir per process (LightGBM rewrites its native library there).
   */
  private List<String> jvm(String name, String heap) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp-" + name));
    return List.of("-Xmx" + heap, "-Djava.io.tmpdir=" + tmp, "-XX:TieredStopAtLevel=1");
  }

  private static String target(ServiceProcess p) {
    return "127.0.0.1:" + p.grpcPort();
  }

  private Process startDashboard() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm("dashboard", "256m"));
    cmd.add("-jar");
    cmd.add(ServiceProcess.builtJar().toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = new HashMap<>();
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(dashboardPort));
    env.put("PROPENSITY_DASHBOARD_FEATURE_SERVICE", target(features));
    env.put("PROPENSITY_DASHBOARD_TRAINING_SERVICE", "127.0.0.1:" + training.grpcPort());
    env.put("PROPENSITY_DASHBOARD_INFERENCE_SERVICE", target(inference));
    env.put("PROPENSITY_DASHBOARD_LIVE_EVENTS_PER_SECOND", "20");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dashboard.log").toFile()));
    return pb.start();
  }

  private void awaitDashboard() {
    HttpClient http = HttpClient.newHttpClient();
    await("dashboard /health")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              assertThat(dashboard.isAlive())
                  .as("dashboard process alive; log in " + dir.resolve("dashboard.log"))
                  .isTrue();
              return http.send(
                          HttpRequest.newBuilder(URI.create(url("/health"))).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .statusCode()
                  == 200;
            });
  }

  private void ingestDemoData() {
    DemoConfig config =
        DemoConfig.defaults(400, END).withWindow(END.minus(Duration.ofDays(30)), END);
    try (FeatureServiceClient client =
        FeatureServiceClient.connect(target(features), Duration.ofSeconds(30))) {
      var summary =
          client.ingest(
              new DemoDataGenerator(config).events().iterator(),
              1000,
              Duration.ofMinutes(5),
              n -> {});
      assertThat(summary.getRejectedCount()).isZero();
    }
  }

  /**
   * Records a campaign over the demo users: the first {@code users} demo users, every tenth held
   * out as control, the window the demo data's last 30 days.
   */
  public void recordDemoCampaign(String name, int users) {
    var req =
        propensity.features.v1.RecordCampaignRequest.newBuilder()
            .setName(name)
            .setModelName(MODEL)
            .setModelVersion(1)
            .setGoalEventType(propensity.events.v1.EventType.EVENT_TYPE_PURCHASE)
            .setWindowStart(EventProtoMapper.timestamp(END.minus(Duration.ofDays(30))))
            .setWindowEnd(EventProtoMapper.timestamp(END));
    for (int i = 0; i < users; i++) {
      var m =
          propensity.features.v1.CampaignMember.newBuilder()
              .setUserId(DemoDataGenerator.userId(i))
              .setProbability(0.1)
              .setRank(i + 1)
              .build();
      if (i % 10 == 9) {
        req.addControl(m);
      } else {
        req.addTargeted(m);
      }
    }
    try (FeatureServiceClient client =
        FeatureServiceClient.connect(target(features), Duration.ofSeconds(30))) {
      client.recordCampaign(req.build());
    }
  }

  /** The dashboard URL of a path, e.g. {@code url("/models.html")}. */
  public String url(String path) {
    return "http://127.0.0.1:" + dashboardPort + path;
  }

  /** The channel to the training-service (registry); closed with the stack. */
  public ManagedChannel registryChannel() {
    return registryChannel;
  }

  /** The channel to the inference-service (started by {@link #trainAndServe()}). */
  public ManagedChannel inferenceChannel() {
    return inferenceChannel;
  }

  /**
   * What inference-service's Predict answers for a row of {@value #PROVIDED_MODEL}, with its top 5
   * factors.
   */
  public Prediction predictProvided(ProvidedFeatures row) {
    return new InferenceServiceClient(inferenceChannel, Duration.ofSeconds(10))
        .predict(
            PredictRequest.newBuilder()
                .setModelName(PROVIDED_MODEL)
                .setInput(PredictionInput.newBuilder().setProvided(row))
                .setExplainTopK(5)
                .build())
        .getPrediction();
  }

  /** The version the production alias of {@value #MODEL} points at, read from the registry. */
  public long productionVersion() {
    return new ModelRegistryClient(registryChannel(), Duration.ofSeconds(5))
        .getModelVersion(
            GetModelVersionRequest.newBuilder().setName(MODEL).setAlias("production").build())
        .getModelVersion()
        .getVersion();
  }

  /** The version inference-service serves for {@value #MODEL}, from its GetModelInfo. */
  public long servedVersion() {
    return new InferenceServiceClient(inferenceChannel, Duration.ofSeconds(5))
        .getModelInfo(GetModelInfoRequest.newBuilder().setModelName(MODEL).build())
        .getModels(0)
        .getVersion();
  }

  /**
   * Waits until inference-service serves {@code version}. A promotion returns once the registry
   * moved the alias; the hot reload follows asynchronously (a few hundred ms), one alias change at
   * a time, so a test that moves production waits for each move before the next and leaves the
   * stack settled.
   */
  public void awaitServing(long version) {
    await("inference serves v" + version)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> servedVersion() == version);
  }

  /**
   * Trains v1 (promoted to production) and v2 (registered only) of {@value #MODEL} on the demo
   * data, then starts inference and waits until it serves v1. Runs once; later calls return at
   * once.
   */
  public synchronized void trainAndServe() throws Exception {
    if (served) {
      return;
    }
    ManagedChannel ch = registryChannel();
    Job v1 = train(ch, 2, true);
    assertThat(v1.getModelVersion()).isEqualTo(1);
    if (!v1.getPromotion().getPromoted()) {
      // refused because it does not beat its baseline by more than the confidence interval on
      // this small demo set; the pages need a production version, so promote it explicitly
      new ModelRegistryClient(ch, Duration.ofSeconds(10))
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setName(MODEL)
                  .setAlias("production")
                  .setVersion(1)
                  .build());
    }
    Job v2 = train(ch, 1, false);
    assertThat(v2.getModelVersion()).isEqualTo(2);
    inference.start(Duration.ofSeconds(120));
    awaitServing(1);
    served = true;
  }

  /**
   * After {@link #trainAndServe()}: trains {@value #PROVIDED_MODEL} through the training service
   * from a CSV of shop sessions (string categoricals {@code Month} and {@code VisitorType} with
   * empty cells, a boolean, numbers with empty cells), as {@code propensity train --csv} does,
   * promotes v1 to production and waits until inference serves it beside {@value #MODEL}. Runs
   * once.
   */
  public synchronized void trainProvidedAndServe() throws Exception {
    trainAndServe();
    if (providedServed) {
      return;
    }
    Path csv = dir.resolve("sessions.csv");
    Files.writeString(csv, SessionsTable.csv(600, 5));
    TrainingSpec.Builder spec =
        TrainingSpec.newBuilder()
            .setModelName(PROVIDED_MODEL)
            .setDescription("dashboard test: a team's own sessions table")
            .setDataSource(
                DataSource.newBuilder()
                    .setTabularFile(
                        TabularFileSource.newBuilder()
                            .setPath(csv.toAbsolutePath().toString())
                            .setLabelColumn(SessionsTable.LABEL)))
            .setSeed(3)
            .setTuning(
                TuningSpec.newBuilder()
                    .setStrategy(SearchStrategy.SEARCH_STRATEGY_TPE)
                    .setMaxTrials(2)
                    .setFolds(2));
    Job v1 = run(registryChannel(), spec);
    assertThat(v1.getModelVersion()).isEqualTo(1);
    new ModelRegistryClient(registryChannel(), Duration.ofSeconds(10))
        .setAlias(
            SetAliasRequest.newBuilder()
                .setName(PROVIDED_MODEL)
                .setAlias("production")
                .setVersion(1)
                .build());
    await("inference serves " + PROVIDED_MODEL + " v1")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                new InferenceServiceClient(inferenceChannel, Duration.ofSeconds(5))
                        .getModelInfo(
                            GetModelInfoRequest.newBuilder().setModelName(PROVIDED_MODEL).build())
                        .getModels(0)
                        .getVersion()
                    == 1);
    providedServed = true;
  }

  private static Job train(ManagedChannel ch, int trials, boolean promote) {
    TrainingSetSpec set =
        TrainingSetSpec.newBuilder()
            .setTarget(Target.TARGET_PURCHASE)
            .setHorizon(EventProtoMapper.duration(Duration.ofDays(7)))
            .setRollingCutoffs(
                CutoffRange.newBuilder()
                    .setStart(EventProtoMapper.timestamp(END.minus(Duration.ofDays(24))))
                    .setEnd(EventProtoMapper.timestamp(END.minus(Duration.ofDays(8))))
                    .setStep(EventProtoMapper.duration(Duration.ofDays(2))))
            .build();
    TrainingSpec.Builder spec =
        TrainingSpec.newBuilder()
            .setModelName(MODEL)
            .setDescription(promote ? "dashboard test: tuned" : "dashboard test: challenger")
            .setDataSource(DataSource.newBuilder().setFeatureServiceTrainingSet(set))
            .setSeed(promote ? 7 : 11)
            .setTuning(
                TuningSpec.newBuilder()
                    .setStrategy(SearchStrategy.SEARCH_STRATEGY_TPE)
                    .setMaxTrials(trials)
                    .setFolds(2));
    if (promote) {
      spec.setPromotion(
          PromotionPolicy.newBuilder().setPromoteIfBetter(PromoteIfBetter.getDefaultInstance()));
    }
    return run(ch, spec);
  }

  /** Runs a training job to its end; it must succeed. */
  private static Job run(ManagedChannel ch, TrainingSpec.Builder spec) {
    var trainer = new TrainingServiceClient(ch, Duration.ofSeconds(10));
    String jobId =
        trainer.startTraining(StartTrainingRequest.newBuilder().setSpec(spec).build()).getJobId();
    Job last = null;
    var updates =
        trainer
            .withDeadline(Duration.ofMinutes(5))
            .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
    while (updates.hasNext()) {
      last = updates.next().getJob();
    }
    assertThat(last).isNotNull();
    assertThat(last.getState()).as(last.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    return last;
  }

  /** Where the processes log, for failure messages. */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    registryChannel.shutdownNow();
    inferenceChannel.shutdownNow();
    dashboard.destroy();
    if (!dashboard.waitFor(20, TimeUnit.SECONDS)) {
      dashboard.destroyForcibly();
    }
    inference.stop();
    training.stop();
    features.stop();
  }
}
