package io.propensity.feature.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.CutoffList;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetOutcomesRequest;
import propensity.features.v1.GetOutcomesResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.Outcome;
import propensity.features.v1.OutcomeQuery;
import propensity.features.v1.OutcomeStatus;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.UserFilter;

/**
 * GetOutcomes through real gRPC: the outcome of a served prediction is the label a training set
 * built with the same user and cutoff gives, for purchase and churn; validation names the fields.
 */
@MicronautTest(environments = "test")
class OutcomesGrpcTest {
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static final int USERS = 40;
  static final Duration HORIZON = Duration.newBuilder().setSeconds(3 * 86400).build();

  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;
  FeatureServiceGrpc.FeatureServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = FeatureServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** Users active on random days of the last 40 (some stop early, some buy now and then). */
  private void seedOnce() {
    GetOutcomesResponse probe =
        stub.getOutcomes(
            GetOutcomesRequest.newBuilder()
                .setTarget(Target.TARGET_PURCHASE)
                .setHorizon(HORIZON)
                .addQueries(query("oc-u0", NOW.minus(java.time.Duration.ofDays(30))))
                .build());
    if (probe.hasObservedUntil()) {
      return;
    }
    SplittableRandom rnd = new SplittableRandom(17);
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    for (int u = 0; u < USERS; u++) {
      String user = "oc-u" + u;
      int lastDay = rnd.nextInt(1, 35); // stops being active this many days before now
      double activity = 0.2 + 0.6 * rnd.nextDouble();
      for (int d = 40; d >= lastDay; d--) {
        if (rnd.nextDouble() > activity) {
          continue;
        }
        Instant at = NOW.minus(java.time.Duration.ofDays(d)).plusSeconds(rnd.nextInt(80_000));
        EventType type =
            rnd.nextDouble() < 0.15
                ? EventType.EVENT_TYPE_PURCHASE
                : EventType.EVENT_TYPE_PAGE_VIEW;
        req.addEvents(
            Event.newBuilder()
                .setEventId(user + "-" + d)
                .setUserId(user)
                .setOccurredAt(ts(at))
                .setType(type)
                .setPrice(10));
      }
    }
    // the newest stored event: now
    req.addEvents(
        Event.newBuilder()
            .setEventId("oc-last")
            .setUserId("oc-last")
            .setOccurredAt(ts(NOW))
            .setType(EventType.EVENT_TYPE_PAGE_VIEW));
    stub.ingestEvents(req.build());
  }

  static OutcomeQuery query(String user, Instant asOf) {
    return OutcomeQuery.newBuilder().setUserId(user).setAsOf(ts(asOf)).build();
  }

  private Map<String, Boolean> trainingLabels(Target target, List<Instant> cutoffs) {
    UserFilter.Builder users = UserFilter.newBuilder();
    for (int u = 0; u < USERS; u++) {
      users.addUserIds("oc-u" + u);
    }
    CutoffList.Builder list = CutoffList.newBuilder();
    cutoffs.forEach(c -> list.addCutoffs(ts(c)));
    Map<String, Boolean> labels = new HashMap<>();
    stub.buildTrainingSet(
            BuildTrainingSetRequest.newBuilder()
                .setSpec(
                    TrainingSetSpec.newBuilder()
                        .setTarget(target)
                        .setHorizon(HORIZON)
                        .setExplicitCutoffs(list)
                        .setUserFilter(users))
                .build())
        .forEachRemaining(
            r -> {
              if (r.hasRows()) {
                r.getRows()
                    .getRowsList()
                    .forEach(
                        row ->
                            labels.put(
                                row.getUserId() + "@" + row.getCutoff().getSeconds(),
                                row.getLabel()));
              }
            });
    return labels;
  }

  @Test
  void outcomesAreTheLabelsOfATrainingSetWithTheSameUsersAndCutoffs() {
    seedOnce();
    List<Instant> cutoffs =
        List.of(
            NOW.minus(java.time.Duration.ofDays(25)),
            NOW.minus(java.time.Duration.ofDays(14)),
            NOW.minus(java.time.Duration.ofDays(6)).plusSeconds(3_600));
    for (Target target : List.of(Target.TARGET_PURCHASE, Target.TARGET_CHURN)) {
      Map<String, Boolean> training = trainingLabels(target, cutoffs);
      GetOutcomesRequest.Builder req =
          GetOutcomesRequest.newBuilder().setTarget(target).setHorizon(HORIZON);
      List<String> keys = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        for (Instant c : cutoffs) {
          req.addQueries(query("oc-u" + u, c));
          keys.add("oc-u" + u + "@" + c.getEpochSecond());
        }
      }
      GetOutcomesResponse r = stub.getOutcomes(req.build());
      assertThat(r.getOutcomesCount()).isEqualTo(keys.size());
      int positives = 0;
      int negatives = 0;
      for (int i = 0; i < keys.size(); i++) {
        Outcome o = r.getOutcomes(i);
        String key = keys.get(i);
        assertThat(o.getUserId() + "@" + o.getAsOf().getSeconds()).isEqualTo(key);
        if (o.getStatus() == OutcomeStatus.OUTCOME_STATUS_NOT_ELIGIBLE) {
          assertThat(training).as(target + " " + key).doesNotContainKey(key);
        } else {
          assertThat(o.getStatus())
              .as(target + " " + key)
              .isEqualTo(
                  training.get(key)
                      ? OutcomeStatus.OUTCOME_STATUS_POSITIVE
                      : OutcomeStatus.OUTCOME_STATUS_NEGATIVE);
          if (training.get(key)) {
            positives++;
          } else {
            negatives++;
          }
        }
        assertThat(o.getFinalAt().getSeconds())
            .isEqualTo(o.getAsOf().getSeconds() + HORIZON.getSeconds());
      }
      assertThat(positives + negatives).isEqualTo(training.size());
      assertThat(positives).as(target + " has both classes").isPositive();
      assertThat(negatives).as(target + " has both classes").isPositive();
    }
  }

  @Test
  void anOutcomeWhoseWindowEndsAfterTheNewestEventIsNotFinal() {
    seedOnce();
    GetOutcomesResponse r =
        stub.getOutcomes(
            GetOutcomesRequest.newBuilder()
                .setTarget(Target.TARGET_PURCHASE)
                .setHorizon(HORIZON)
                .addQueries(query("oc-u1", NOW.minus(java.time.Duration.ofDays(2))))
                .addQueries(query("oc-u1", NOW.minus(java.time.Duration.ofDays(3))))
                .build());
    assertThat(r.getOutcomes(0).getStatus()).isEqualTo(OutcomeStatus.OUTCOME_STATUS_NOT_FINAL);
    assertThat(r.getOutcomes(1).getStatus()).isNotEqualTo(OutcomeStatus.OUTCOME_STATUS_NOT_FINAL);
    assertThat(r.getObservedUntil().getSeconds()).isEqualTo(NOW.getEpochSecond());
  }

  @Test
  void badRequestsNameEveryBadField() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.getOutcomes(
                    GetOutcomesRequest.newBuilder()
                        .setTarget(Target.TARGET_SESSION_CONVERSION)
                        .addQueries(OutcomeQuery.newBuilder().setUserId(""))
                        .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(e))
        .containsExactly("target", "horizon", "queries[0].user_id", "queries[0].as_of");

    GetOutcomesRequest.Builder tooMany =
        GetOutcomesRequest.newBuilder()
            .setTarget(Target.TARGET_CHURN)
            .setHorizon(Duration.newBuilder().setSeconds(60));
    for (int i = 0; i <= 10_000; i++) {
      tooMany.addQueries(query("u" + i, NOW));
    }
    e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.getOutcomes(tooMany.build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(e)).containsExactly("horizon", "queries");

    e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.getOutcomes(
                    GetOutcomesRequest.newBuilder().setTarget(Target.TARGET_PURCHASE).build()));
    assertThat(fields(e)).containsExactly("horizon", "queries");
  }

  static List<String> fields(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .flatMap(
            a -> {
              try {
                return a.unpack(BadRequest.class).getFieldViolationsList().stream();
              } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new AssertionError(x);
              }
            })
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }
}
