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
import io.propensity.feature.store.EventStore;
import jakarta.inject.Inject;
import java.time.Instant;
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

  static Event.Builder event(String id, String user) {
    Instant t = Instant.now().minusSeconds(3600);
    return Event.newBuilder()
        .setEventId(id)
        .setUserId(user)
        .setOccurredAt(Timestamp.newBuilder().setSeconds(t.getEpochSecond()))
        .setType(EventType.EVENT_TYPE_PRODUCT_VIEW);
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
    BadRequest bad =
        StatusProto.fromThrowable(e).getDetailsList().stream()
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
    assertThat(bad.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("events[0].user_id", "events[1].user_id");
    assertThat(store.history("")).isEmpty();
  }

  @Test
  void streamOfBatchesIsSummarisedOnceWithIndexesOverTheWholeStream() throws Exception {
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
    in.onNext(
        StreamIngestEventsRequest.newBuilder()
            .addEvents(event("s1", "carol"))
            .addEvents(event("s2", "carol"))
            .build());
    in.onNext(StreamIngestEventsRequest.newBuilder().addEvents(event("s3", "")).build());
    in.onNext(
        StreamIngestEventsRequest.newBuilder()
            .addEvents(event("s2", "carol"))
            .addEvents(event("s4", "dave"))
            .build());
    in.onCompleted();

    StreamIngestEventsResponse r = answer.get(10, TimeUnit.SECONDS);
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
}
