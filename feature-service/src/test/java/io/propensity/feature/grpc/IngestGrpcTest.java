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
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.feature.store.EventStore;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;

@MicronautTest(environments = "test")
class IngestGrpcTest {
  @Inject GrpcEmbeddedServer server;
  @Inject EventStore store;
  ManagedChannel channel;
  FeatureServiceGrpc.FeatureServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = FeatureServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  // One instant for every event of the class, so that an event built twice is the same event.
  private static final Instant AT = Instant.now().minusSeconds(3600);

  static Event.Builder event(String id, String user) {
    return Event.newBuilder()
        .setEventId(id)
        .setUserId(user)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(AT.getEpochSecond()))
        .setType(EventType.EVENT_TYPE_PRODUCT_VIEW);
  }

  private static BadRequest badRequestOf(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .findFirst()
        .map(
            a -> {
              try {
                return a.unpack(BadRequest.class);
              } catch (Exception ex) {
                throw new AssertionError(ex);
              }
            })
        .orElseThrow();
  }

  @Test
  void batchStoresGoodEventsAndNamesEachBadOneByIndexFieldAndReason() {
    IngestEventsResponse r =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .ingestEvents(
                IngestEventsRequest.newBuilder()
                    .addEvents(event("g1", "alice"))
                    .addEvents(event("b1", "alice").setPrice(-5))
                    .addEvents(event("b2", "alice").setType(EventType.EVENT_TYPE_UNSPECIFIED))
                    .addEvents(event("g2", "bob"))
                    .addEvents(event("g1", "alice"))
                    .build());

    assertThat(r.getAcceptedCount()).isEqualTo(2);
    assertThat(r.getDuplicateCount()).isEqualTo(1);
    assertThat(r.getRejectedCount()).isEqualTo(2);
    assertThat(r.getRejections(0).getIndex()).isEqualTo(1);
    assertThat(r.getRejections(0).getViolations(0).getField()).isEqualTo("price");
    assertThat(r.getRejections(0).getViolations(0).getDescription()).isEqualTo("-5.0 is negative");
    assertThat(r.getRejections(1).getIndex()).isEqualTo(2);
    assertThat(r.getRejections(1).getViolations(0).getField()).isEqualTo("type");
    assertThat(store.history("alice")).extracting(e -> e.eventId()).containsExactly("g1");
  }

  @Test
  void requestWithoutAnyValidEventIsInvalidArgumentWithFieldViolations() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .ingestEvents(
                        IngestEventsRequest.newBuilder()
                            .addEvents(event("n1", ""))
                            .addEvents(event("n2", ""))
                            .build()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest bad = badRequestOf(e);
    assertThat(bad.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("events[0].user_id", "events[1].user_id");
    assertThat(store.history("")).isEmpty();
  }

  @Test
  void streamOfBatchesIsSummarisedOnceWithIndexesOverTheWholeStream() throws Exception {
    StreamIngestEventsResponse r =
        streamIngest(
            List.of(
                StreamIngestEventsRequest.newBuilder()
                    .addEvents(event("s1", "carol"))
                    .addEvents(event("s2", "carol"))
                    .build(),
                StreamIngestEventsRequest.newBuilder().addEvents(event("s3", "")).build(),
                StreamIngestEventsRequest.newBuilder()
                    .addEvents(event("s2", "carol"))
                    .addEvents(event("s4", "dave"))
                    .build()));
    assertThat(r.getAcceptedCount()).isEqualTo(3);
    assertThat(r.getDuplicateCount()).isEqualTo(1);
    assertThat(r.getRejectedCount()).isEqualTo(1);
    assertThat(r.getRejections(0).getIndex()).isEqualTo(2);
    assertThat(r.getBatchCount()).isEqualTo(3);
    assertThat(store.history("carol")).hasSize(2);
  }

  @Test
  void messageOverTheSizeLimitIsRefusedWithAClearStatus() {
    IngestEventsRequest.Builder big = IngestEventsRequest.newBuilder();
    String pad = "x".repeat(1000);
    for (int i = 0; i < 5000; i++) {
      big.addEvents(event("big" + i, "erin").setPage(pad));
    }
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).ingestEvents(big.build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("exceeds maximum size");
    assertThat(store.history("erin")).isEmpty();
  }

  private StreamIngestEventsResponse streamIngest(List<StreamIngestEventsRequest> batches)
      throws Exception {
    CompletableFuture<StreamIngestEventsResponse> answer = new CompletableFuture<>();
    StreamObserver<StreamIngestEventsRequest> in =
        FeatureServiceGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .streamIngestEvents(
                new StreamObserver<>() {
                  @Override
                  public void onNext(StreamIngestEventsResponse v) {
                    answer.complete(v);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    batches.forEach(in::onNext);
    in.onCompleted();
    return answer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void timestampsAndDurationsOutsideTheirRangeAreRejectedEventsNotInternalErrors()
      throws Exception {
    Timestamp farFuture = Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
    Timestamp farPast = Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build();
    com.google.protobuf.Duration huge =
        com.google.protobuf.Duration.newBuilder()
            .setSeconds(Long.MAX_VALUE)
            .setNanos(999_999_999)
            .build();
    IngestEventsResponse r =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .ingestEvents(
                IngestEventsRequest.newBuilder()
                    .addEvents(event("ts-ok", "tina"))
                    .addEvents(event("ts-future", "tina").setOccurredAt(farFuture))
                    .addEvents(event("ts-past", "tina").setOccurredAt(farPast))
                    .addEvents(event("ts-dwell", "tina").setDwell(huge))
                    .build());

    assertThat(r.getAcceptedCount()).isEqualTo(1);
    assertThat(r.getRejectionsList())
        .extracting(x -> x.getIndex() + ":" + x.getViolations(0).getField())
        .containsExactly("1:occurred_at", "2:occurred_at", "3:dwell");
    assertThat(store.history("tina")).extracting(e -> e.eventId()).containsExactly("ts-ok");

    StatusRuntimeException whole =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .ingestEvents(
                        IngestEventsRequest.newBuilder()
                            .addEvents(event("ts-only", "tina").setOccurredAt(farFuture))
                            .build()));
    assertThat(whole.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badRequestOf(whole).getFieldViolations(0).getField())
        .isEqualTo("events[0].occurred_at");

    StreamIngestEventsResponse s =
        streamIngest(
            List.of(
                StreamIngestEventsRequest.newBuilder()
                    .addEvents(event("ts-s1", "tina").setOccurredAt(farPast))
                    .build(),
                StreamIngestEventsRequest.newBuilder()
                    .addEvents(event("ts-s2", "tina").setDwell(huge))
                    .build()));
    assertThat(s.getRejectionsList())
        .extracting(x -> x.getIndex() + ":" + x.getViolations(0).getField())
        .containsExactly("0:occurred_at", "1:dwell");
  }

  @Test
  void outOfBoundsNumbersAndUnprintableIdsAreRejectedAndNothingOfThemIsStored() {
    IngestEventsResponse r =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .ingestEvents(
                IngestEventsRequest.newBuilder()
                    .addEvents(event("nb-ok", "nina").setPrice(19.99).setQuantity(2))
                    .addEvents(event("nb-price", "nina").setPrice(1e308))
                    .addEvents(event("nb-qty", "nina").setQuantity(Integer.MAX_VALUE))
                    .addEvents(event("nb-user", "nina\nroot"))
                    .addEvents(event("nb-item", "nina").setItemId("<script>"))
                    .addEvents(event("nb-page", "nina").setPage("/a\u0000b"))
                    .build());

    assertThat(r.getAcceptedCount()).isEqualTo(1);
    assertThat(r.getRejectionsList())
        .extracting(x -> x.getIndex() + ":" + x.getViolations(0).getField())
        .containsExactly("1:price", "2:quantity", "3:user_id", "4:item_id", "5:page");
    assertThat(store.history("nina")).extracting(e -> e.eventId()).containsExactly("nb-ok");
    assertThat(store.history("nina\nroot")).isEmpty();
  }

  @Test
  void manyLongViolationsStillReachADefaultClientAsInvalidArgument() {
    IngestEventsRequest.Builder all = IngestEventsRequest.newBuilder();
    for (int i = 0; i < 500; i++) {
      // Each breaks three rules with long descriptions: far more than 8 KiB of violations.
      all.addEvents(event("many " + i, "user " + i).setItemId("item " + i).setPrice(Double.NaN));
    }
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).ingestEvents(all.build()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    List<BadRequest.FieldViolation> v = badRequestOf(e).getFieldViolationsList();
    assertThat(v.get(0).getField()).isEqualTo("events[0].event_id");
    assertThat(v.get(1).getField()).isEqualTo("events[0].user_id");
    assertThat(v.get(v.size() - 1).getField()).isEqualTo("(truncated)");
    assertThat(v.get(v.size() - 1).getDescription()).contains("more field violations left out");
  }

  @Inject MeterRegistry meters;

  private double conflictsCounted() {
    var c = meters.find("propensity.ingest.events").tag("outcome", "conflict").counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aResentEventIdWithOtherContentIsAConflictCountedAndListedNotADuplicate() throws Exception {
    stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .ingestEvents(IngestEventsRequest.newBuilder().addEvents(event("cf1", "cora")).build());
    double before = conflictsCounted();

    IngestEventsResponse r =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .ingestEvents(
                IngestEventsRequest.newBuilder()
                    .addEvents(event("cf2", "cora"))
                    .addEvents(event("cf1", "mallory"))
                    .addEvents(event("cf1", "cora"))
                    .addEvents(event("cf1", "cora").setType(EventType.EVENT_TYPE_PURCHASE))
                    .build());

    assertThat(r.getAcceptedCount()).isEqualTo(1);
    assertThat(r.getDuplicateCount()).isEqualTo(1);
    assertThat(r.getConflictCount()).isEqualTo(2);
    assertThat(r.getConflictsList())
        .extracting(c -> c.getIndex() + ":" + c.getEventId() + ":" + c.getFieldsList())
        .containsExactly("1:cf1:[user_id]", "3:cf1:[type]");
    assertThat(conflictsCounted()).isEqualTo(before + 2);
    assertThat(store.history("mallory")).isEmpty();

    StreamIngestEventsResponse s =
        streamIngest(
            List.of(
                StreamIngestEventsRequest.newBuilder().addEvents(event("cf3", "cora")).build(),
                StreamIngestEventsRequest.newBuilder()
                    .addEvents(event("cf3", "cora"))
                    .addEvents(event("cf1", "cora").setPage("/other"))
                    .build()));
    assertThat(s.getAcceptedCount()).isEqualTo(1);
    assertThat(s.getDuplicateCount()).isEqualTo(1);
    assertThat(s.getConflictCount()).isEqualTo(1);
    assertThat(s.getConflictsList())
        .extracting(c -> c.getIndex() + ":" + c.getEventId() + ":" + c.getFieldsList())
        .containsExactly("2:cf1:[page]");
  }

  @Test
  void outOfRangeTimestampsOfOtherRequestsAreInvalidArgumentNamingTheField() {
    Timestamp far = Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
    StatusRuntimeException users =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listUsers(
                        propensity.features.v1.ListUsersRequest.newBuilder()
                            .setActiveSince(far)
                            .build()));
    assertThat(users.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badRequestOf(users).getFieldViolations(0).getField()).isEqualTo("active_since");

    StatusRuntimeException history =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getUserHistory(
                        propensity.features.v1.GetUserHistoryRequest.newBuilder()
                            .setUserId("u")
                            .setSince(far)
                            .build()));
    assertThat(history.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badRequestOf(history).getFieldViolations(0).getField()).isEqualTo("since");
  }
}
