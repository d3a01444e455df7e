package io.propensity.feature.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.CampaignMember;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetCampaignReportRequest;
import propensity.features.v1.GetCampaignReportResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.ListCampaignsRequest;
import propensity.features.v1.RecordCampaignRequest;

/** Campaigns through real gRPC: validation, and a planted uplift recovered by the report. */
@MicronautTest(environments = "test")
class CampaignsGrpcTest {
  private static final Instant NOW =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  private static final Instant START = NOW.minus(Duration.ofDays(15));
  private static final Instant END = NOW.minus(Duration.ofDays(1));

  @Inject GrpcEmbeddedServer server;
  private ManagedChannel channel;
  private FeatureServiceGrpc.FeatureServiceBlockingStub stub;

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

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static CampaignMember member(String user, double p, long rank) {
    return CampaignMember.newBuilder().setUserId(user).setProbability(p).setRank(rank).build();
  }

  private static RecordCampaignRequest.Builder campaign(String name) {
    return RecordCampaignRequest.newBuilder()
        .setName(name)
        .setModelName("purchase")
        .setModelVersion(4)
        .setGoalEventType(EventType.EVENT_TYPE_PURCHASE)
        .setWindowStart(ts(START))
        .setWindowEnd(ts(END));
  }

  private static List<String> fields(StatusRuntimeException e) {
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

  @Test
  void badCampaignsAreRefusedWithTheFieldsThatAreWrong() {
    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                stub.recordCampaign(
                    campaign("")
                        .setGoalEventType(EventType.EVENT_TYPE_UNSPECIFIED)
                        .setWindowEnd(ts(START.minusSeconds(1)))
                        .addTargeted(member("u1", 0.5, 1))
                        .addControl(member("u1", 0.5, 2))
                        .build()),
            StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(e))
        .containsExactly("name", "goal_event_type", "window_end", "control[0].user_id");

    stub.recordCampaign(
        campaign("dup").addTargeted(member("a", 0.5, 1)).addControl(member("b", 0.5, 2)).build());
    StatusRuntimeException dup =
        catchThrowableOfType(
            () ->
                stub.recordCampaign(
                    campaign("dup")
                        .addTargeted(member("a", 0.5, 1))
                        .addControl(member("b", 0.5, 2))
                        .build()),
            StatusRuntimeException.class);
    assertThat(dup.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(dup)).containsExactly("name");

    StatusRuntimeException missing =
        catchThrowableOfType(
            () ->
                stub.getCampaignReport(
                    GetCampaignReportRequest.newBuilder().setName("never-recorded").build()),
            StatusRuntimeException.class);
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  /**
   * Targeted users convert with p = 0.12, control users with p = 0.08 (the model's prediction for
   * both): the report's 95% interval must hold the planted uplift 0.04 and exclude 0. Purchases
   * outside the window (before its start, after its end) and other event types are planted too, and
   * would bias the rates if counted. Events arrive after the campaign is recorded, as late events
   * do.
   */
  @Test
  void aPlantedUpliftIsRecoveredWithinItsInterval() {
    long seed = 20261207L;
    System.out.println("planted-uplift campaign: seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int perGroup = 5_000;
    RecordCampaignRequest.Builder c = campaign("planted-uplift");
    List<Event> events = new ArrayList<>();
    long window = Duration.between(START, END).toMillis();
    for (int i = 0; i < 2 * perGroup; i++) {
      boolean targeted = i % 2 == 0;
      String user = "pu-" + i;
      CampaignMember m = member(user, 0.08, i + 1);
      if (targeted) {
        c.addTargeted(m);
      } else {
        c.addControl(m);
      }
      if (random.nextDouble() < (targeted ? 0.12 : 0.08)) {
        // a converter: one or two purchases inside the window
        int purchases = 1 + random.nextInt(2);
        for (int k = 0; k < purchases; k++) {
          events.add(
              ev(user + "-p" + k, user, START.plusMillis(random.nextLong(window)), purchase()));
        }
      }
      // noise: purchases outside the window, views inside it
      if (random.nextDouble() < 0.3) {
        events.add(ev(user + "-before", user, START.minusSeconds(60), purchase()));
      }
      if (random.nextDouble() < 0.3) {
        events.add(ev(user + "-after", user, END.plusSeconds(60), purchase()));
      }
      events.add(ev(user + "-view", user, START.plusSeconds(60), EventType.EVENT_TYPE_PAGE_VIEW));
    }
    stub.recordCampaign(c.build());
    for (int from = 0; from < events.size(); from += 5_000) {
      stub.ingestEvents(
          IngestEventsRequest.newBuilder()
              .addAllEvents(events.subList(from, Math.min(events.size(), from + 5_000)))
              .build());
    }

    GetCampaignReportResponse r =
        stub.getCampaignReport(
            GetCampaignReportRequest.newBuilder().setName("planted-uplift").build());
    System.out.printf(
        "planted-uplift campaign: targeted %d/%d, control %d/%d, uplift %.4f [%.4f, %.4f],"
            + " p=%.2g%n",
        r.getTargeted().getConverters(),
        r.getTargeted().getUsers(),
        r.getControl().getConverters(),
        r.getControl().getUsers(),
        r.getUplift(),
        r.getUpliftInterval().getLow(),
        r.getUpliftInterval().getHigh(),
        r.getPValue());
    assertThat(r.getWindowClosed()).isTrue();
    assertThat(r.getObservedUntil()).isEqualTo(ts(END));
    assertThat(r.getTargeted().getUsers()).isEqualTo(perGroup);
    assertThat(r.getControl().getUsers()).isEqualTo(perGroup);
    assertThat(r.getUpliftInterval().getLow()).isLessThan(0.04).isGreaterThan(0);
    assertThat(r.getUpliftInterval().getHigh()).isGreaterThan(0.04);
    assertThat(r.getPValue()).isLessThan(0.001);
    assertThat(r.getControl().getPredictedMean())
        .isEqualTo(0.08, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(r.getControl().getConversionRate()).isBetween(0.06, 0.10);
    assertThat(r.getTargeted().getConversionRate()).isBetween(0.10, 0.14);
    assertThat(r.getIncrementalConversions())
        .isEqualTo(r.getUplift() * perGroup, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(stub.listCampaigns(ListCampaignsRequest.getDefaultInstance()).getCampaignsList())
        .anySatisfy(
            info -> {
              assertThat(info.getName()).isEqualTo("planted-uplift");
              assertThat(info.getTargetedCount()).isEqualTo(perGroup);
              assertThat(info.getControlCount()).isEqualTo(perGroup);
            });
  }

  private static EventType purchase() {
    return EventType.EVENT_TYPE_PURCHASE;
  }

  private static Event ev(String id, String user, Instant at, EventType type) {
    Event.Builder b =
        Event.newBuilder().setEventId(id).setUserId(user).setOccurredAt(ts(at)).setType(type);
    if (type == EventType.EVENT_TYPE_PURCHASE) {
      b.setPrice(20).setItemId("sku-1");
    }
    return b.build();
  }
}
