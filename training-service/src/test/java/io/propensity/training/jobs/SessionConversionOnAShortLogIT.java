package io.propensity.training.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.client.EventProtoMapper;
import io.propensity.common.testing.ServiceProcess;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.features.v1.CutoffRange;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.training.v1.DataSource;
import propensity.training.v1.JobState;
import propensity.training.v1.SearchStrategy;
import propensity.training.v1.SplitSpec;
import propensity.training.v1.SplitStrategy;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.TrainingServiceGrpc;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.TuningSpec;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

/**
 * A log of three hours, shaped like a multi-category store's raw event export (views, carts, a few
 * purchases, several short sessions per user), goes into a real feature-service process; a
 * session-conversion job with the time split and cutoffs every 10 minutes trains on it. Before
 * issue 11 the step had to be an hour or more, and the split purged by the (meaningless) horizon,
 * leaving a train set of negative rows only.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionConversionOnAShortLogIT implements TestPropertyProvider {
  static final Instant END = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
  static final Instant START = END.minus(Duration.ofHours(3));
  static final List<Event> LOG = threeHourLog(600, 11);

  /**
   * What the CLI picks for {@code --step 10m}: the 30-minute session gap before the newest event,
   * on the 10-minute grid.
   */
  static final Instant LAST_CUTOFF =
      Instant.ofEpochSecond(
          Math.floorDiv(
                  LOG.get(LOG.size() - 1)
                      .occurredAt()
                      .minus(Duration.ofMinutes(30))
                      .getEpochSecond(),
                  600)
              * 600);

  ServiceProcess featureService;
  @Inject GrpcEmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    featureService = FeatureServiceWithEvents.start("fs-short-it", LOG.iterator());
    return Map.of("propensity.training.feature-service", "127.0.0.1:" + featureService.grpcPort());
  }

  @AfterAll
  void stop() throws Exception {
    if (featureService != null) {
      featureService.stop();
    }
  }

  @Test
  void sessionConversionWithATimeSplitTrainsOnAThreeHourLogWithTenMinuteCutoffs() {
    ManagedChannel ch =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      // what the CLI sends for `--target session-conversion --step 10m` on this log: from the
      // start of the dense part to the 30-minute session gap before its end
      TrainingSetSpec set =
          TrainingSetSpec.newBuilder()
              .setTarget(Target.TARGET_SESSION_CONVERSION)
              .setRollingCutoffs(
                  CutoffRange.newBuilder()
                      .setStart(EventProtoMapper.timestamp(START))
                      .setEnd(EventProtoMapper.timestamp(LAST_CUTOFF))
                      .setStep(EventProtoMapper.duration(Duration.ofMinutes(10))))
              .build();
      var training = TrainingServiceGrpc.newBlockingStub(ch);
      var started =
          training
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .startTraining(
                  StartTrainingRequest.newBuilder()
                      .setSpec(
                          TrainingSpec.newBuilder()
                              .setModelName("session-conversion")
                              .setDataSource(
                                  DataSource.newBuilder().setFeatureServiceTrainingSet(set))
                              .setSplit(
                                  SplitSpec.newBuilder()
                                      .setStrategy(SplitStrategy.SPLIT_STRATEGY_TIME))
                              .setTuning(
                                  TuningSpec.newBuilder()
                                      .setStrategy(SearchStrategy.SEARCH_STRATEGY_TPE)
                                      .setMaxTrials(2)
                                      .setFolds(3)))
                      .build());
      List<WatchJobResponse> updates = new ArrayList<>();
      training
          .withDeadlineAfter(300, TimeUnit.SECONDS)
          .watchJob(WatchJobRequest.newBuilder().setJobId(started.getJobId()).build())
          .forEachRemaining(updates::add);
      var job = updates.get(updates.size() - 1).getJob();

      assertThat(job.getState()).as(job.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(job.getEvaluation().getTestRowCount()).isPositive();
      assertThat(job.getEvaluation().getModel().getRocAuc())
          .as("carts predict a purchase later in the session")
          .isGreaterThan(0.6);
      System.out.printf(
          "session-conversion on a 3-hour log: test ROC-AUC %.3f (baseline %.3f), %d test rows%n",
          job.getEvaluation().getModel().getRocAuc(),
          job.getEvaluation().getBaseline().getRocAuc(),
          job.getEvaluation().getTestRowCount());
    } finally {
      ch.shutdownNow();
    }
  }

  /**
   * {@code users} users over three hours, each with one to three short sessions of product views a
   * minute or two apart; about a third of the sessions cart an item, and about 40% of those go on
   * to buy it a few minutes later: roughly one session in eight converts, the rest never do.
   */
  static List<Event> threeHourLog(int users, long seed) {
    Random rnd = new Random(seed);
    List<Event> out = new ArrayList<>();
    long span = Duration.between(START, END).toSeconds();
    for (int u = 0; u < users; u++) {
      String user = "short-u" + u;
      int sessions = 1 + rnd.nextInt(3);
      for (int s = 0; s < sessions; s++) {
        Instant t = START.plusSeconds((long) (rnd.nextDouble() * (span - 40 * 60)));
        int views = 2 + rnd.nextInt(8);
        boolean carts = rnd.nextDouble() < 0.35;
        boolean buys = carts && rnd.nextDouble() < 0.4;
        String category = "cat" + rnd.nextInt(12);
        double price = 5 + rnd.nextInt(200);
        String carted = "";
        for (int v = 0; v < views; v++) {
          String item = "item" + rnd.nextInt(300);
          out.add(event(user, u, s, v, t, EventType.PRODUCT_VIEW, item, category, price));
          t = t.plusSeconds(30 + rnd.nextInt(120));
          if (carts && v == views / 2) {
            out.add(event(user, u, s, 100 + v, t, EventType.ADD_TO_CART, item, category, price));
            carted = item;
            t = t.plusSeconds(30 + rnd.nextInt(90));
          }
        }
        if (buys) {
          out.add(event(user, u, s, 999, t, EventType.PURCHASE, carted, category, price));
        }
      }
    }
    out.sort((a, b) -> a.occurredAt().compareTo(b.occurredAt()));
    return out;
  }

  private static Event event(
      String user,
      int u,
      int s,
      int k,
      Instant at,
      EventType type,
      String item,
      String category,
      double price) {
    return Event.builder("short-" + u + "-" + s + "-" + k, user, at, type)
        .itemId(item)
        .category(category)
        .price(price)
        .build();
  }
}
