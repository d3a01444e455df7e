package io.propensity.cli;

import io.grpc.stub.StreamObserver;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.TrainingServiceClient;
import io.propensity.engine.event.Event;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.inference.v1.Factor;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ServedModel;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.SetAliasRequest;
import propensity.training.v1.DataSource;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.PromoteIfBetter;
import propensity.training.v1.PromotionPolicy;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;

/**
 * {@code propensity demo}: the whole product in one command — start the stack, load demo data,
 * build a training set, tune and train, register and promote, let inference hot-reload the model,
 * and replay live events through {@code StreamPredict}, printing predictions as they come.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole product in one command, on a local stack it starts (or a running one).",
      "Starts the stack on embedded defaults, generates and ingests demo data, trains with tuning,",
      "promote, hot-reload into inference, and replay live events printing predictions. Ctrl-C stops every",
      "process it started; afterwards the stack keeps running until ./propensity down."
    })
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  static final String MODEL = "purchase-7d";
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--users",
      defaultValue = "3000",
      description = "demo shoppers (default ${DEFAULT-VALUE})")
  int users;

  @Option(
      names = "--days",
      defaultValue = "60",
      description = "days of history ending now (default ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--end",
      paramLabel = "<instant>",
      description =
          "end of the generated history, ISO-8601 (e.g. 2026-11-27T18:00:00Z) or an age (e.g. 2d);"
              + " default now, to the hour. The same end and options regenerate exactly the same events")
  String endOption;

  @Option(
      names = "--trials",
      defaultValue = "8",
      description = "tuning trials (default ${DEFAULT-VALUE})")
  int trials;

  @Option(
      names = "--live-events",
      defaultValue = "40",
      description = "events replayed live (default ${DEFAULT-VALUE})")
  int liveEvents;

  @Option(
      names = "--speed",
      defaultValue = "20",
      description = "replay speed-up of the live events (default ${DEFAULT-VALUE}x)")
  double speed;

  @picocli.CommandLine.Mixin StackOptions stackOptions;
  @picocli.CommandLine.Mixin Endpoints endpoints;

  @Option(
      names = "--no-start",
      description =
          "use an already running stack at the service addresses (--feature-service, --training-service, --inference-service) instead of starting one")
  boolean noStart;

  @Option(names = "--stop", description = "stop the services the demo started when it is done")
  boolean stopAfter;

  PrintWriter out;
  private String logHint = "the inference-service log";

  void say(String format, Object... args) {
    out.printf(Locale.ROOT, format + "%n", args);
    out.flush();
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    long started = System.nanoTime();
    if (noStart) {
      say(
          "[1/7] using the running stack: feature-service %s, training-service %s, inference-service %s",
          endpoints.feature(), endpoints.training(), endpoints.inference());
      try (Endpoints closing = endpoints) {
        run();
      }
      say("done in %.0f s.", (System.nanoTime() - started) / 1e9);
      return 0;
    }
    Stack stack = stackOptions.stack();
    endpoints.pointAt(
        stack.target("feature-service"),
        stack.target("training-service"),
        stack.target("inference-service"));
    logHint = stack.log(Stack.service("inference-service")).toString();
    say("[1/7] starting the stack (state in %s)", stack.state);
    List<Stack.Service> mine = stack.up(out, endpoints.insecureRequested());
    endpoints.useStack(stack);
    Thread stopper =
        new Thread(
            () -> {
              out.println();
              out.println("interrupted: stopping the services this demo started");
              stack.down(mine, out);
            });
    Runtime.getRuntime().addShutdownHook(stopper);
    try (Endpoints closing = endpoints) {
      run();
    } finally {
      Runtime.getRuntime().removeShutdownHook(stopper);
      if (stopAfter) {
        stack.down(mine, out);
      }
    }
    say(
        "done in %.0f s. The stack keeps running: ./propensity status%s | ./propensity down%s",
        (System.nanoTime() - started) / 1e9, stack.options(), stack.options());
    say(
        "metrics: %s (features), :%d (training), :%d (inference)",
        stack.httpUrl(Stack.service("feature-service"), "/prometheus"),
        stack.httpPort(Stack.service("training-service")),
        stack.httpPort(Stack.service("inference-service")));
    say("dashboard: %s", stack.dashboardUrl());
    if (!stack.insecure()) {
      say(
          "security: TLS with the CA %s; the CLI's admin token (all scopes) is %s",
          stack.securityDirectory().caFile(), stack.securityDirectory().adminTokenFile());
    }
    return 0;
  }

  private void run() throws Exception {
    Instant end =
        endOption != null
            ? Args.instantOrAge("--end", endOption, Instant.now())
            : Instant.now().truncatedTo(ChronoUnit.HOURS);
    DemoConfig config =
        DemoConfig.defaults(users, end).withWindow(end.minus(Duration.ofDays(days)), end);
    DemoDataGenerator demo = new DemoDataGenerator(config);

    say("[2/7] generating and ingesting %,d shoppers over %d days", users, days);
    try (FeatureServiceClient features = endpoints.featureClient()) {
      long t0 = System.nanoTime();
      long[] last = {0};
      var summary =
          features.ingest(
              demo.events().iterator(),
              1000,
              Duration.ofMinutes(30),
              sent -> {
                long now = System.nanoTime();
                if (now - last[0] > 2_000_000_000L) {
                  last[0] = now;
                  say("      sent %,d events (%,.0f/s)", sent, sent / ((now - t0) / 1e9));
                }
              });
      say(
          "      %,d accepted, %,d duplicates (already stored), %,d rejected in %.1f s",
          summary.getAcceptedCount(),
          summary.getDuplicateCount(),
          summary.getRejectedCount(),
          (System.nanoTime() - t0) / 1e9);
      var overview = features.overview(3, "UTC");
      say(
          "      store: %,d events, %,d users, %,d sessions",
          overview.getEventCount(), overview.getUserCount(), overview.getSessionCount());
    }

    TrainingServiceClient training = endpoints.trainingClient();
    InferenceServiceClient inference = endpoints.inferenceClient();
    {
      say(
          "[3/7] training %s: point-in-time training set from feature-service, %d TPE trials, promote if better",
          MODEL, trials);
      TrainingSetSpec set =
          TrainingSetSpec.newBuilder()
              .setTarget(Target.TARGET_PURCHASE)
              .setHorizon(EventProtoMapper.duration(Duration.ofDays(7)))
              .setRollingCutoffs(
                  CutoffRange.newBuilder()
                      .setStart(
                          EventProtoMapper.timestamp(
                              end.minus(Duration.ofDays(Math.max(14, days - 10)))))
                      .setEnd(EventProtoMapper.timestamp(end.minus(Duration.ofDays(8))))
                      .setStep(EventProtoMapper.duration(Duration.ofDays(2))))
              .build();
      var start =
          training
              .withDeadline(Duration.ofSeconds(30))
              .startTraining(
                  StartTrainingRequest.newBuilder()
                      .setSpec(
                          TrainingSpec.newBuilder()
                              .setModelName(MODEL)
                              .setDescription("demo: purchase within 7 days")
                              .setDataSource(
                                  DataSource.newBuilder().setFeatureServiceTrainingSet(set))
                              .setTuning(
                                  TuningSpec.newBuilder()
                                      .setStrategy(SearchStrategy.SEARCH_STRATEGY_TPE)
                                      .setMaxTrials(trials)
                                      .setFolds(3))
                              .setPromotion(
                                  PromotionPolicy.newBuilder()
                                      .setPromoteIfBetter(PromoteIfBetter.getDefaultInstance())))
                      .build());
      Job job = Jobs.follow(training, start.getJobId(), Duration.ofHours(1), out, "      ");
      if (job.getState() != JobState.JOB_STATE_SUCCEEDED) {
        throw new CliException(
            "training job " + job.getJobId() + " " + job.getState() + ": " + job.getFailureReason(),
            1);
      }
      var m = job.getEvaluation().getModel();
      var b = job.getEvaluation().getBaseline();
      say(
          "      version %d on %,d test rows (later cutoffs, %.1f%% positive):",
          job.getModelVersion(),
          job.getEvaluation().getTestRowCount(),
          100 * job.getEvaluation().getTestPositiveRate());
      say(
          "        %-10s ROC-AUC %.3f  PR-AUC %.3f  F1 %.3f  precision %.3f  recall %.3f  (threshold %.3f)",
          "LightGBM",
          m.getRocAuc(),
          m.getPrAuc(),
          m.getF1(),
          m.getPrecision(),
          m.getRecall(),
          m.getThreshold());
      say(
          "        %-10s ROC-AUC %.3f  PR-AUC %.3f  F1 %.3f  precision %.3f  recall %.3f",
          "baseline", b.getRocAuc(), b.getPrAuc(), b.getF1(), b.getPrecision(), b.getRecall());
      say("[4/7] promotion: %s", job.getPromotion().getReason());
      Show.comparison(job.getEvaluation()).forEach(line -> say("      %s", line));
      if (!job.getPromotion().getPromoted() && job.getPromotion().getPreviousVersion() == 0) {
        // refused (it does not beat its baseline by more than the interval): the tour needs a
        // served model, so the demo promotes it explicitly, as `propensity models promote` would
        endpoints
            .registryClient()
            .withDeadline(Duration.ofSeconds(10))
            .setAlias(
                SetAliasRequest.newBuilder()
                    .setName(MODEL)
                    .setAlias("production")
                    .setVersion(job.getModelVersion())
                    .build());
        say(
            "      the demo serves version %d anyway so the tour can go on (an explicit promotion,"
                + " as `propensity models promote %s %d`)",
            job.getModelVersion(), MODEL, job.getModelVersion());
      }

      long production =
          endpoints
              .registryClient()
              .withDeadline(Duration.ofSeconds(10))
              .getModelVersion(
                  GetModelVersionRequest.newBuilder().setName(MODEL).setAlias("production").build())
              .getModelVersion()
              .getVersion();
      say("[5/7] waiting for inference-service to hot-reload %s version %d", MODEL, production);
      var infer = inference.withDeadline(Duration.ofSeconds(5));
      ServedModel served = null;
      Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
      while (Instant.now().isBefore(deadline)) {
        try {
          var info =
              infer.getModelInfo(GetModelInfoRequest.newBuilder().setModelName(MODEL).build());
          Optional<ServedModel> s =
              info.getModelsList().stream().filter(x -> x.getName().equals(MODEL)).findFirst();
          if (s.isPresent() && s.get().getVersion() == production) {
            served = s.get();
            break;
          }
        } catch (io.grpc.StatusRuntimeException notYet) {
          // no production model loaded yet
        }
        Thread.sleep(250);
      }
      if (served == null) {
        throw new CliException(
            "inference-service did not load version " + production + " within 90 s; see " + logHint,
            1);
      }
      say(
          "      serving %s v%d (sha256 %s…)",
          served.getName(), served.getVersion(), served.getArtifactSha256().substring(0, 12));

      say("[6/7] scoring shoppers by user id, with their top reasons");
      List<String> sample = new ArrayList<>();
      for (int i = 1; i <= 400 && sample.size() < 5; i += 37) {
        sample.add(DemoDataGenerator.userId(i));
      }
      for (String user : sample) {
        Prediction p =
            infer
                .predict(
                    PredictRequest.newBuilder()
                        .setModelName(MODEL)
                        .setInput(PredictionInput.newBuilder().setUserId(user))
                        .setExplainTopK(3)
                        .build())
                .getPrediction();
        say(
            "      %-8s p(buy in 7d)=%.3f %-8s %s",
            user, p.getProbability(), p.getLabel() ? "TARGET" : "", factors(p));
      }

      say("[7/7] replaying %d live events through StreamPredict at %.0fx", liveEvents, speed);
      replay(inference, demo, end);
    }
  }

  private static String factors(Prediction p) {
    StringBuilder s = new StringBuilder();
    for (Factor f : p.getFactorsList()) {
      s.append(
          String.format(
              Locale.ROOT,
              "%s%s=%s (%+.2f)",
              s.length() == 0 ? "" : ", ",
              f.getFeature(),
              Tables.number(f.getValue()),
              f.getContribution()));
    }
    return s.toString();
  }

  /**
   * Replays the most active shoppers' latest events as if they happened now, printing predictions.
   */
  private void replay(InferenceServiceClient inference, DemoDataGenerator demo, Instant end)
      throws InterruptedException {
    List<Event> recent = new ArrayList<>();
    for (int u = 0; u < Math.min(users, 300) && recent.size() < 4 * liveEvents; u++) {
      List<Event> evs = demo.userEvents(u);
      evs.stream()
          .filter(e -> e.occurredAt().isAfter(end.minus(Duration.ofDays(3))))
          .forEach(recent::add);
    }
    recent.sort(Comparator.comparing(Event::occurredAt));
    List<Event> live = recent.subList(Math.max(0, recent.size() - liveEvents), recent.size());
    if (live.isEmpty()) {
      say("      no recent events to replay");
      return;
    }
    Instant firstOriginal = live.get(0).occurredAt();
    Instant replayStart = Instant.now();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    StreamObserver<StreamPredictRequest> requests =
        inference
            .withDeadline(Duration.ofMinutes(10))
            .streamPredict(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamPredictResponse r) {
                    if (r.hasPrediction()) {
                      Prediction p = r.getPrediction();
                      say(
                          "      %s  %-8s p=%.3f %-6s v%d  %s",
                          Instant.now().truncatedTo(ChronoUnit.SECONDS),
                          p.getUserId(),
                          p.getProbability(),
                          p.getLabel() ? "TARGET" : "",
                          p.getModelVersion(),
                          factors(p));
                    } else {
                      say(
                          "      event %s rejected: %s",
                          r.getEventId(), r.getRejection().getViolationsList());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    failure.set(t);
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    for (Event e : live) {
      Duration offset = Duration.between(firstOriginal, e.occurredAt());
      long waitMs =
          Math.min(
              3000,
              (long) (offset.toMillis() / speed)
                  - Duration.between(replayStart, Instant.now()).toMillis());
      if (waitMs > 0) {
        Thread.sleep(waitMs);
      }
      Event now = e.toBuilder().eventId("live-" + e.eventId()).occurredAt(Instant.now()).build();
      say(
          "      %s  %-8s %s%s",
          Instant.now().truncatedTo(ChronoUnit.SECONDS),
          now.userId(),
          now.type().name().toLowerCase(Locale.ROOT),
          now.itemId().map(i -> " " + i).orElse(""));
      requests.onNext(
          StreamPredictRequest.newBuilder()
              .setModelName(MODEL)
              .setExplainTopK(2)
              .addEvents(EventProtoMapper.toProto(now))
              .build());
    }
    requests.onCompleted();
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new CliException("StreamPredict did not finish", 1);
    }
    if (failure.get() != null) {
      throw new CliException("StreamPredict failed: " + failure.get().getMessage(), 1);
    }
  }
}
