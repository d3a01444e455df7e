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
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.client.FeatureServiceClient;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
import propensity.features.v1.RecordCampaignResponse;

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
  private FeatureServiceClient client;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = FeatureServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    client = new FeatureServiceClient(channel, Duration.ofSeconds(60));
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
                client.recordCampaign(
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

    client.recordCampaign(
        campaign("dup").addTargeted(member("a", 0.5, 1)).addControl(member("b", 0.5, 2)).build());
    StatusRuntimeException dup =
        catchThrowableOfType(
            () ->
                client.recordCampaign(
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
    client.recordCampaign(c.build());
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

  /**
   * 150,000 targeted and 40,000 control users (about 6.5 MiB of members, over the server's 4 MiB
   * message limit) go over one RecordCampaign stream in the client's messages of 20,000; the
   * campaign is stored whole and reported on.
   */
  @Test
  void aCampaignLargerThanOneMessageIsRecordedWhole() {
    RecordCampaignRequest.Builder c = campaign("large-campaign");
    int targeted = 150_000;
    int control = 40_000;
    for (int i = 0; i < targeted + control; i++) {
      CampaignMember m = member(String.format("large-campaign-user-%08d", i), 0.1, i + 1);
      if (i < targeted) {
        c.addTargeted(m);
      } else {
        c.addControl(m);
      }
    }
    RecordCampaignRequest whole = c.build();
    assertThat(whole.getSerializedSize()).isGreaterThan(4 * 1024 * 1024);

    RecordCampaignResponse recorded = client.recordCampaign(whole);

    assertThat(recorded.getCampaign().getTargetedCount()).isEqualTo(targeted);
    assertThat(recorded.getCampaign().getControlCount()).isEqualTo(control);
    GetCampaignReportResponse r =
        stub.getCampaignReport(
            GetCampaignReportRequest.newBuilder().setName("large-campaign").build());
    assertThat(r.getTargeted().getUsers()).isEqualTo(targeted);
    assertThat(r.getControl().getUsers()).isEqualTo(control);
    assertThat(r.getControl().getPredictedMean())
        .isEqualTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
  }

  /**
   * Errors of a streamed campaign name the member by its position over the whole stream; campaign
   * fields in a later message are refused; a stream the client cancels stores nothing.
   */
  @Test
  void streamedCampaignsAreCheckedWholeAndStoredOnlyWhenComplete() throws Exception {
    RecordCampaignRequest.Builder c = campaign("streamed-duplicate");
    for (int i = 0; i < 30_000; i++) {
      c.addTargeted(member("sd-" + i, 0.5, i + 1));
    }
    c.addControl(member("sd-25000", 0.5, 30_001));
    StatusRuntimeException dup =
        catchThrowableOfType(() -> client.recordCampaign(c.build()), StatusRuntimeException.class);
    assertThat(dup.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(dup)).containsExactly("control[0].user_id");
    assertThat(dup.getStatus().getDescription()).contains("targeted[25000]");

    StatusRuntimeException header =
        catchThrowableOfType(
            () ->
                send(
                    List.of(
                        campaign("header-twice").addTargeted(member("h1", 0.5, 1)).build(),
                        RecordCampaignRequest.newBuilder()
                            .setModelName("other")
                            .addControl(member("h2", 0.5, 2))
                            .build()),
                    false),
            StatusRuntimeException.class);
    assertThat(header.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(header)).containsExactly("model_name");
    assertThat(header.getStatus().getDescription()).contains("message 1 of the stream");

    StatusRuntimeException cancelled =
        catchThrowableOfType(
            () ->
                send(
                    List.of(
                        campaign("cancelled-stream")
                            .addTargeted(member("c1", 0.5, 1))
                            .addControl(member("c2", 0.5, 2))
                            .build()),
                    true),
            StatusRuntimeException.class);
    assertThat(cancelled.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);

    assertThat(stub.listCampaigns(ListCampaignsRequest.getDefaultInstance()).getCampaignsList())
        .noneMatch(
            info ->
                List.of("streamed-duplicate", "header-twice", "cancelled-stream")
                    .contains(info.getName()));
    // the names are still free: nothing of the refused or cancelled streams was stored
    assertThat(
            client
                .recordCampaign(
                    campaign("cancelled-stream")
                        .addTargeted(member("c1", 0.5, 1))
                        .addControl(member("c2", 0.5, 2))
                        .build())
                .getCampaign()
                .getTargetedCount())
        .isEqualTo(1);
  }

  /** Sends the messages over one RecordCampaign stream, then half-closes it or cancels it. */
  private RecordCampaignResponse send(List<RecordCampaignRequest> messages, boolean cancel)
      throws InterruptedException {
    CompletableFuture<RecordCampaignResponse> answer = new CompletableFuture<>();
    StreamObserver<RecordCampaignRequest> out =
        FeatureServiceGrpc.newStub(channel)
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .recordCampaign(
                new StreamObserver<>() {
                  @Override
                  public void onNext(RecordCampaignResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    messages.forEach(out::onNext);
    if (cancel) {
      out.onError(Status.CANCELLED.withDescription("test: client gave up").asRuntimeException());
    } else {
      out.onCompleted();
    }
    try {
      return answer.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer in 60 s", e);
    }
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
