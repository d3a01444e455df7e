package io.propensity.feature.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.engine.features.FeatureCatalog;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.CutoffList;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.FunnelStage;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetFeatureSchemaRequest;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.UserActivity;
import propensity.features.v1.UserFeatures;

@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeaturesGrpcTest {
  static final Instant NOW = Instant.now();
  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;
  FeatureServiceGrpc.FeatureServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = FeatureServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    if (stub.getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder().addUserIds("fg-u1").build())
        .getUsers(0)
        .getColdStart()) {
      seed();
    }
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static Event ev(String id, String user, Instant at, EventType type) {
    return Event.newBuilder()
        .setEventId(id)
        .setUserId(user)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
        .setType(type)
        .setPrice(10)
        .build();
  }

  /** Two users over 20 days; u1 buys 3 days before now, u2 only browses. */
  void seed() {
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    for (int d = 20; d >= 1; d--) {
      Instant day = NOW.minus(java.time.Duration.ofDays(d));
      req.addEvents(ev("fg-u1-" + d + "-v", "fg-u1", day, EventType.EVENT_TYPE_PRODUCT_VIEW));
      req.addEvents(
          ev("fg-u2-" + d + "-v", "fg-u2", day.plusSeconds(60), EventType.EVENT_TYPE_PAGE_VIEW));
    }
    req.addEvents(
        ev(
            "fg-u1-buy",
            "fg-u1",
            NOW.minus(java.time.Duration.ofDays(3)),
            EventType.EVENT_TYPE_PURCHASE));
    assertThat(stub.ingestEvents(req.build()).getAcceptedCount()).isEqualTo(41);
  }

  @Test
  void onlineFeaturesFollowTheSchemaAndFlagUnknownUsersAsColdStart() {
    GetOnlineFeaturesResponse r =
        stub.getOnlineFeatures(
            GetOnlineFeaturesRequest.newBuilder()
                .addUserIds("fg-u1")
                .addUserIds("nobody")
                .setIncludeSchema(true)
                .build());

    assertThat(r.getSchemaVersionHash()).isEqualTo(FeatureCatalog.schema().versionHash());
    assertThat(r.getSchema().getFeaturesCount())
        .isEqualTo(FeatureCatalog.schema().size())
        .isGreaterThanOrEqualTo(30);
    UserFeatures known = r.getUsers(0);
    UserFeatures unknown = r.getUsers(1);
    assertThat(known.getColdStart()).isFalse();
    assertThat(known.getVector().getValuesCount()).isEqualTo(r.getSchema().getFeaturesCount());
    int purchases = FeatureCatalog.schema().indexOf("purchases_lifetime");
    assertThat(known.getVector().getValues(purchases)).isEqualTo(1.0);
    assertThat(unknown.getColdStart()).isTrue();
    assertThat(unknown.getVector().getValuesList())
        .containsExactlyElementsOf(
            io.propensity.engine.features.BatchFeatureComputer.coldStart().asMap().values());
  }

  @Test
  void tooManyOrEmptyUserIdsAreInvalidArgument() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.getOnlineFeatures(
                    GetOnlineFeaturesRequest.newBuilder().addUserIds("").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("empty user id");
  }

  @Test
  void schemaIsServed() {
    assertThat(
            stub.getFeatureSchema(GetFeatureSchemaRequest.getDefaultInstance())
                .getSchema()
                .getVersionHash())
        .isEqualTo(FeatureCatalog.schema().versionHash());
  }

  @Test
  void trainingSetStreamsHeaderRowsAndSummaryWithPointInTimeLabels() {
    Instant cutoff = NOW.minus(java.time.Duration.ofDays(10));
    Iterator<BuildTrainingSetResponse> it =
        stub.buildTrainingSet(
            BuildTrainingSetRequest.newBuilder()
                .setSpec(
                    TrainingSetSpec.newBuilder()
                        .setTarget(Target.TARGET_PURCHASE)
                        .setHorizon(Duration.newBuilder().setSeconds(8 * 86400))
                        .setExplicitCutoffs(
                            CutoffList.newBuilder()
                                .addCutoffs(
                                    Timestamp.newBuilder().setSeconds(cutoff.getEpochSecond())))
                        .setUserFilter(
                            propensity.features.v1.UserFilter.newBuilder()
                                .addUserIds("fg-u1")
                                .addUserIds("fg-u2")))
                .build());
    List<BuildTrainingSetResponse> all = new ArrayList<>();
    it.forEachRemaining(all::add);

    assertThat(all.get(0).hasHeader()).isTrue();
    assertThat(all.get(0).getHeader().getSchema().getVersionHash())
        .isEqualTo(FeatureCatalog.schema().versionHash());
    assertThat(all.get(all.size() - 1).hasSummary()).isTrue();
    List<propensity.features.v1.TrainingRow> rows =
        all.stream()
            .filter(BuildTrainingSetResponse::hasRows)
            .flatMap(r -> r.getRows().getRowsList().stream())
            .toList();
    assertThat(rows)
        .extracting(r -> r.getUserId() + "=" + r.getLabel())
        .containsExactly("fg-u1=true", "fg-u2=false");
    int purchases = FeatureCatalog.schema().indexOf("purchases_lifetime");
    assertThat(rows.get(0).getValues(purchases))
        .as("the purchase after the cutoff never leaks into features")
        .isZero();
    assertThat(all.get(all.size() - 1).getSummary().getPositiveCount()).isEqualTo(1);
  }

  @Test
  void trainingSetWhoseLabelsWouldBeIncompleteIsFailedPrecondition() {
    Instant cutoff = NOW.minus(java.time.Duration.ofDays(2));
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.buildTrainingSet(
                        BuildTrainingSetRequest.newBuilder()
                            .setSpec(
                                TrainingSetSpec.newBuilder()
                                    .setTarget(Target.TARGET_PURCHASE)
                                    .setHorizon(Duration.newBuilder().setSeconds(7 * 86400))
                                    .setExplicitCutoffs(
                                        CutoffList.newBuilder()
                                            .addCutoffs(
                                                Timestamp.newBuilder()
                                                    .setSeconds(cutoff.getEpochSecond()))))
                            .build())
                    .next());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).contains("labels would be incomplete");
  }

  @Test
  void trainingSetWithoutTargetIsInvalidArgument() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.buildTrainingSet(BuildTrainingSetRequest.getDefaultInstance()).next());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("spec.target");
  }

  @Test
  void overviewDescribesTheStoredData() {
    GetDataOverviewResponse o =
        stub.getDataOverview(GetDataOverviewRequest.newBuilder().setSampleSize(5).build());
    assertThat(o.getEventCount()).isGreaterThanOrEqualTo(41);
    assertThat(o.getUserCount()).isGreaterThanOrEqualTo(2);
    assertThat(o.getSessionCount()).isGreaterThanOrEqualTo(40);
    assertThat(o.getSampleEventsList()).hasSize(5);
    assertThat(o.getSampleFeatureRowsList()).isNotEmpty();
    assertThat(o.getDwellByHourList()).hasSize(24);
    assertThat(o.getFunnelList())
        .extracting(f -> f.getStage())
        .contains(FunnelStage.FUNNEL_STAGE_PURCHASE);
    assertThat(o.getEventsPerDayList()).hasSizeGreaterThanOrEqualTo(20);
  }

  @Test
  void unknownTimeZoneIsInvalidArgument() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.getDataOverview(
                    GetDataOverviewRequest.newBuilder().setTimeZone("Mars/Olympus").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  /** Five extra users, fg-list-0..4, each last active i days before now, with i + 1 events. */
  void seedListedUsers() {
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    for (int u = 0; u < 5; u++) {
      for (int i = 0; i <= u; i++) {
        req.addEvents(
            ev(
                "fg-list-" + u + "-" + i,
                "fg-list-" + u,
                NOW.minus(java.time.Duration.ofDays(u + i)),
                EventType.EVENT_TYPE_PAGE_VIEW));
      }
    }
    stub.ingestEvents(req.build());
  }

  List<UserActivity> walk(ListUsersRequest first) {
    List<UserActivity> all = new ArrayList<>();
    ListUsersRequest req = first;
    int pages = 0;
    while (true) {
      ListUsersResponse page = stub.listUsers(req);
      pages++;
      assertThat(page.getUsersCount()).isLessThanOrEqualTo(first.getPageSize());
      all.addAll(page.getUsersList());
      if (page.getNextPageToken().isEmpty()) {
        return all;
      }
      assertThat(page.getUsersCount())
          .as("only the last page is short")
          .isEqualTo(first.getPageSize());
      assertThat(pages).isLessThan(100);
      req = first.toBuilder().setPageToken(page.getNextPageToken()).build();
    }
  }

  @Test
  void listUsersWalksEveryUserOnceInIdOrderWithTheirActivity() {
    seedListedUsers();
    List<UserActivity> all = walk(ListUsersRequest.newBuilder().setPageSize(2).build());

    assertThat(all)
        .extracting(UserActivity::getUserId)
        .contains("fg-u1", "fg-u2", "fg-list-0", "fg-list-4")
        .doesNotHaveDuplicates()
        .isSorted();
    UserActivity u1 =
        all.stream().filter(u -> u.getUserId().equals("fg-u1")).findFirst().orElseThrow();
    assertThat(u1.getEventCount()).isEqualTo(21);
    assertThat(u1.getFirstEventAt().getSeconds())
        .isEqualTo(NOW.minus(java.time.Duration.ofDays(20)).getEpochSecond());
    assertThat(u1.getLastEventAt().getSeconds())
        .isEqualTo(NOW.minus(java.time.Duration.ofDays(1)).getEpochSecond());
    assertThat(stub.listUsers(ListUsersRequest.getDefaultInstance()).getUsersList())
        .containsExactlyElementsOf(all);
  }

  @Test
  void listUsersKeepsOnlyUsersLastActiveInTheRange() {
    seedListedUsers();
    // fg-list-u is last active u days ago; fg-u1 and fg-u2 1 day ago (plus a minute for fg-u2).
    List<UserActivity> lapsed =
        walk(
            ListUsersRequest.newBuilder()
                .setPageSize(1)
                .setActiveSince(ts(NOW.minus(java.time.Duration.ofDays(3)).minusSeconds(1)))
                .setActiveBefore(ts(NOW.minus(java.time.Duration.ofDays(2))))
                .build());
    assertThat(lapsed)
        .extracting(UserActivity::getUserId)
        .containsExactly("fg-list-2", "fg-list-3");
    assertThat(lapsed.get(1).getEventCount()).isEqualTo(4);
  }

  @Test
  void badListUsersRequestsAreInvalidArgumentNamingEachField() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.listUsers(
                    ListUsersRequest.newBuilder()
                        .setPageSize(10_001)
                        .setPageToken("not-a-token")
                        .setActiveSince(ts(NOW))
                        .setActiveBefore(ts(NOW.minusSeconds(1)))
                        .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(e)).containsExactly("page_size", "page_token", "active_since");
  }

  @Test
  void userHistoryGivesTheNewestStoredEventsOldestFirstAsIngested() {
    GetUserHistoryResponse all =
        stub.getUserHistory(GetUserHistoryRequest.newBuilder().setUserId("fg-u1").build());
    assertThat(all.getEventsCount()).isEqualTo(21);
    assertThat(all.getTruncated()).isFalse();
    assertThat(all.getEventsList()).extracting(ev -> ev.getOccurredAt().getSeconds()).isSorted();
    assertThat(all.getEventsList())
        .filteredOn(ev -> ev.getEventId().equals("fg-u1-buy"))
        .singleElement()
        .satisfies(
            buy -> {
              assertThat(buy.getType()).isEqualTo(EventType.EVENT_TYPE_PURCHASE);
              assertThat(buy.getPrice()).isEqualTo(10);
              assertThat(buy.getOccurredAt())
                  .isEqualTo(ts(NOW.minus(java.time.Duration.ofDays(3))));
            });

    GetUserHistoryResponse newest =
        stub.getUserHistory(
            GetUserHistoryRequest.newBuilder().setUserId("fg-u1").setMaxEvents(3).build());
    assertThat(newest.getEventsList())
        .extracting(Event::getEventId)
        .containsExactly("fg-u1-buy", "fg-u1-2-v", "fg-u1-1-v");
    assertThat(newest.getTruncated()).isTrue();

    GetUserHistoryResponse since =
        stub.getUserHistory(
            GetUserHistoryRequest.newBuilder()
                .setUserId("fg-u1")
                .setSince(ts(NOW.minus(java.time.Duration.ofDays(2))))
                .build());
    assertThat(since.getEventsList())
        .extracting(Event::getEventId)
        .containsExactly("fg-u1-2-v", "fg-u1-1-v");

    GetUserHistoryResponse unknown =
        stub.getUserHistory(GetUserHistoryRequest.newBuilder().setUserId("nobody").build());
    assertThat(unknown.getEventsList()).isEmpty();
    assertThat(unknown.getTruncated()).isFalse();
  }

  @Test
  void badUserHistoryRequestsAreInvalidArgumentNamingEachField() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.getUserHistory(GetUserHistoryRequest.newBuilder().setMaxEvents(-1).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(e)).containsExactly("user_id", "max_events");
    StatusRuntimeException tooLong =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.getUserHistory(
                    GetUserHistoryRequest.newBuilder()
                        .setUserId("x".repeat(129))
                        .setMaxEvents(10_001)
                        .build()));
    assertThat(fields(tooLong)).containsExactly("user_id", "max_events");
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
  }

  static List<String> fields(StatusRuntimeException e) {
    return io.grpc.protobuf.StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(com.google.rpc.BadRequest.class))
        .flatMap(
            a -> {
              try {
                return a.unpack(com.google.rpc.BadRequest.class).getFieldViolationsList().stream();
              } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new IllegalStateException(ex);
              }
            })
        .map(com.google.rpc.BadRequest.FieldViolation::getField)
        .toList();
  }
}
