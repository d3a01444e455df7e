package io.propensity.bench.inference;

import io.grpc.ManagedChannel;
import io.propensity.bench.support.Args;
import io.propensity.bench.support.DemoSets;
import io.propensity.bench.support.FeatureServiceProcess;
import io.propensity.bench.support.IngestClient;
import io.propensity.bench.support.LatencyLanes;
import io.propensity.bench.support.Machine;
import io.propensity.bench.support.OnlineBackend;
import io.propensity.bench.support.ProtoEvents;
import io.propensity.bench.support.StoreBackend;
import io.propensity.bench.support.Table;
import io.propensity.bench.support.TempDirs;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.engine.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.PredictionInput;

/**
 * Predict by user id — one GetOnlineFeatures hop from inference-service to a real feature-service
 * holding the demo clickstream — against the empty RPC of the same inference-service, closed-loop
 * and at a fixed rate, in alternating slices with: Predict by user id with explanation, Predict
 * with an inline vector, and, for reference, GetOnlineFeatures and the empty RPC called straight on
 * feature-service. Both services run from their jars as separate JVMs on loopback.
 */
public final class PredictByUserBench {
  private static final String USAGE =
      """
      PredictByUserBench: Predict by user id (inference-service -> feature-service) vs grpc.health.v1.Health/Check.
      """
          + LatencyLanes.usage(2, Duration.ofSeconds(10))
          + """
            --events N      demo events ingested into feature-service first (default 50000)
            --trees N       trees of the served LightGBM model (default 100)
            --leaves N      leaves per tree (default 31)
            --rows N        synthetic users the model is trained on (inline lane inputs) (default 1500)
            --explain-k N   top factors of the explained lane (default 5)
            --call-deadline D  deadline of one call (default 5s)
          """;
  private static final String EMPTY = PredictLatencyBench.EMPTY;

  private PredictByUserBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, USAGE);
    LatencyLanes.Plan plan = LatencyLanes.plan(args, 2, Duration.ofSeconds(10));
    long events = args.longValue("events", 50_000, 1_000, 5_000_000);
    PredictLatencyBench.ModelOptions options = PredictLatencyBench.ModelOptions.parse(args);
    int explainK = options.explainK();
    Duration callDeadline = options.callDeadline();
    args.done();
    System.out.println(Machine.describe());

    BenchModel.Trained model = options.train();
    var vectors = PredictLatencyBench.vectors(model);

    Path work = TempDirs.create("propensity-bench-inference-user-");
    Path featureTmp = Files.createDirectories(work.resolve("feature-service-tmp"));
    OnlineBackend online = OnlineBackend.of("memory");
    try (StoreBackend store = StoreBackend.sqlite(work);
        FeatureServiceProcess features =
            FeatureServiceProcess.of(
                store,
                online.serviceEnv(),
                List.of("-Xmx512m", "-Djava.io.tmpdir=" + featureTmp.toAbsolutePath()),
                work)) {
      System.out.println("starting feature-service...");
      features.start(Duration.ofSeconds(90));
      ManagedChannel featureChannel = features.channel();
      try {
        String[] known = ingest(featureChannel, events);
        try (BenchModelRegistry registry =
                BenchModelRegistry.start(PredictLatencyBench.MODEL, model, 3);
            InferenceServiceProcess service =
                new InferenceServiceProcess(
                    registry.target(),
                    PredictLatencyBench.MODEL,
                    work,
                    Map.of("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", features.target()))) {
          System.out.println(
              "starting inference-service (registry "
                  + registry.target()
                  + ", feature-service "
                  + features.target()
                  + ")...");
          service.start(Duration.ofSeconds(120));
          ManagedChannel channel = service.channel();
          try {
            int k = explainK;
            PredictResponse probe =
                new InferenceServiceClient(channel, callDeadline).predict(byUser(known[0], k));
            if (probe.getPrediction().getColdStart()
                || probe.getPrediction().getFactorsCount() != k) {
              throw new IllegalStateException(
                  "known user "
                      + known[0]
                      + " scored as a cold start or without factors: "
                      + probe);
            }
            String user = "Predict by user";
            String userExplained = "Predict by user explain_top_k=" + k;
            String inline = "Predict inline";
            String online1 = "feature-service GetOnlineFeatures";
            String featureHealth = "feature-service Health/Check";
            List<LatencyLanes.Lane> lanes =
                List.of(
                    PredictLatencyBench.healthLane(EMPTY, channel, callDeadline),
                    userLane(user, channel, callDeadline, known, 0),
                    userLane(userExplained, channel, callDeadline, known, k),
                    PredictLatencyBench.predictLane(
                        inline,
                        channel,
                        callDeadline,
                        random ->
                            PredictLatencyBench.inlineRequest(
                                vectors[random.nextInt(vectors.length)], 0),
                        0),
                    onlineLane(online1, featureChannel, callDeadline, known),
                    PredictLatencyBench.healthLane(featureHealth, featureChannel, callDeadline));
            List<LatencyLanes.Measured> measured = LatencyLanes.measure(lanes, plan);
            LatencyLanes.report(
                "Predict by user id (one GetOnlineFeatures hop), "
                    + Table.count(known.length)
                    + " known users, LightGBM "
                    + model.trees()
                    + " trees x "
                    + model.leaves()
                    + " leaves",
                measured,
                List.of(
                    LatencyLanes.Comparison.of(user, EMPTY),
                    LatencyLanes.Comparison.of(userExplained, EMPTY),
                    new LatencyLanes.Comparison(
                        inline,
                        EMPTY,
                        PredictLatencyBench.GOAL_P50_RATIO,
                        PredictLatencyBench.GOAL_P99_RATIO),
                    LatencyLanes.Comparison.of(user, online1),
                    LatencyLanes.Comparison.of(online1, featureHealth)));
            System.out.println(
                "'"
                    + user
                    + " / "
                    + online1
                    + "' is what the inference hop adds on top of fetching the features alone.");
            System.out.println("at the end, " + Machine.describe());
          } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          }
        }
      } finally {
        featureChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  /** Ingests the first {@code events} demo events (window ending today) and returns their users. */
  private static String[] ingest(ManagedChannel channel, long events) throws InterruptedException {
    Set<String> users = new LinkedHashSet<>();
    Iterator<Event> recording =
        DemoSets.recordingUsers(DemoSets.firstEvents(events, DemoSets.recentEnd()), users);
    System.out.printf(Locale.ROOT, "ingesting %,d demo events into feature-service...%n", events);
    IngestClient.Result r =
        IngestClient.stream(channel, ProtoEvents.requests(recording, 500), Duration.ofMinutes(10));
    System.out.printf(
        Locale.ROOT,
        "ingested %,d events of %,d users in %.1f s%n",
        r.summary().getAcceptedCount(),
        users.size(),
        r.seconds());
    return users.toArray(String[]::new);
  }

  private static PredictRequest byUser(String userId, int explainTopK) {
    return PredictRequest.newBuilder()
        .setModelName(PredictLatencyBench.MODEL)
        .setInput(PredictionInput.newBuilder().setUserId(userId))
        .setExplainTopK(explainTopK)
        .build();
  }

  private static LatencyLanes.Lane userLane(
      String name, ManagedChannel channel, Duration deadline, String[] known, int k) {
    return PredictLatencyBench.predictLane(
        name, channel, deadline, random -> byUser(known[random.nextInt(known.length)], k), k);
  }

  private static LatencyLanes.Lane onlineLane(
      String name, ManagedChannel channel, Duration deadline, String[] known) {
    FeatureServiceClient client = new FeatureServiceClient(channel, deadline);
    return LatencyLanes.lane(
        name,
        random -> client.getOnlineFeatures(request(known[random.nextInt(known.length)])),
        random -> client.getOnlineFeaturesAsync(request(known[random.nextInt(known.length)])),
        (GetOnlineFeaturesResponse r) -> {
          if (r.getUsersCount() != 1 || r.getUsers(0).getColdStart()) {
            throw new IllegalStateException(
                "unexpected answer for a known user: " + r.getUsers(0).getUserId());
          }
        });
  }

  private static GetOnlineFeaturesRequest request(String user) {
    return GetOnlineFeaturesRequest.newBuilder().addUserIds(user).build();
  }
}
