package io.propensity.client;

import static io.propensity.client.Deadlines.assertBearer;
import static io.propensity.client.Deadlines.assertDeadline;
import static io.propensity.client.Deadlines.assertNoCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetFeatureSchemaRequest;
import propensity.features.v1.GetFeatureSchemaResponse;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.features.v1.TrainingSetSpec;
import propensity.features.v1.TrainingSetSummary;

class FeatureServiceClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(7);

  /** Answers every call with an empty response; remembers the ingested batch sizes. */
  static final class FakeFeatureService extends FeatureServiceGrpc.FeatureServiceImplBase {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    volatile Optional<Status> failWith = Optional.empty();

    private <T> void answer(T response, StreamObserver<T> out) {
      if (failWith.isPresent()) {
        out.onError(failWith.get().asRuntimeException());
        return;
      }
      out.onNext(response);
      out.onCompleted();
    }

    @Override
    public void ingestEvents(IngestEventsRequest req, StreamObserver<IngestEventsResponse> out) {
      answer(IngestEventsResponse.getDefaultInstance(), out);
    }

    @Override
    public StreamObserver<StreamIngestEventsRequest> streamIngestEvents(
        StreamObserver<StreamIngestEventsResponse> out) {
      return new StreamObserver<>() {
        long accepted;

        @Override
        public void onNext(StreamIngestEventsRequest batch) {
          batchSizes.add(batch.getEventsCount());
          accepted += batch.getEventsCount();
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          answer(
              StreamIngestEventsResponse.newBuilder()
                  .setAcceptedCount(accepted)
                  .setBatchCount(batchSizes.size())
                  .build(),
              out);
        }
      };
    }

    @Override
    public void getOnlineFeatures(
        GetOnlineFeaturesRequest req, StreamObserver<GetOnlineFeaturesResponse> out) {
      answer(GetOnlineFeaturesResponse.getDefaultInstance(), out);
    }

    @Override
    public void getFeatureSchema(
        GetFeatureSchemaRequest req, StreamObserver<GetFeatureSchemaResponse> out) {
      answer(GetFeatureSchemaResponse.getDefaultInstance(), out);
    }

    @Override
    public void buildTrainingSet(
        BuildTrainingSetRequest req, StreamObserver<BuildTrainingSetResponse> out) {
      answer(
          BuildTrainingSetResponse.newBuilder()
              .setSummary(TrainingSetSummary.getDefaultInstance())
              .build(),
          out);
    }

    @Override
    public void getDataOverview(
        GetDataOverviewRequest req, StreamObserver<GetDataOverviewResponse> out) {
      answer(GetDataOverviewResponse.getDefaultInstance(), out);
    }

    @Override
    public void listUsers(ListUsersRequest req, StreamObserver<ListUsersResponse> out) {
      answer(ListUsersResponse.getDefaultInstance(), out);
    }

    @Override
    public void getUserHistory(
        GetUserHistoryRequest req, StreamObserver<GetUserHistoryResponse> out) {
      answer(GetUserHistoryResponse.getDefaultInstance(), out);
    }
  }

  private final FakeFeatureService service = new FakeFeatureService();
  private final RecordingServer server = new RecordingServer(service);

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  private static List<Event> events(int n) {
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    return IntStream.range(0, n)
        .mapToObj(i -> Event.builder("e" + i, "u1", t.plusSeconds(i), EventType.PAGE_VIEW).build())
        .toList();
  }

  private static void callEveryUnaryRpc(FeatureServiceClient client) throws Exception {
    client.ingestEvents(IngestEventsRequest.getDefaultInstance());
    client.onlineFeatures(List.of("u1"), false);
    client.getOnlineFeaturesAsync(GetOnlineFeaturesRequest.getDefaultInstance()).get();
    client.schema();
    client.overview(10, "UTC");
    client.listUsers(0, "", Optional.empty(), Optional.empty());
    client.userHistory("u1", Optional.empty(), 0);
  }

  @Test
  void everyUnaryCallCarriesTheClientsDeadline() throws Exception {
    callEveryUnaryRpc(new FeatureServiceClient(server.channel, DEADLINE));

    assertThat(server.calls())
        .extracting(RecordingServer.Call::method)
        .containsExactly(
            "IngestEvents",
            "GetOnlineFeatures",
            "GetOnlineFeatures",
            "GetFeatureSchema",
            "GetDataOverview",
            "ListUsers",
            "GetUserHistory");
    server.calls().forEach(c -> assertDeadline(c, DEADLINE));
    server.calls().forEach(Deadlines::assertNoCredentials);
  }

  @Test
  void streamsTakeTheDeadlineTheyAreGivenAndWithDeadlineOverridesTheClients() {
    FeatureServiceClient client = new FeatureServiceClient(server.channel, DEADLINE);

    client.trainingSet(TrainingSetSpec.getDefaultInstance(), Duration.ofMinutes(3)).next();
    client.ingest(events(3).iterator(), 2, Duration.ofMinutes(2), n -> {});
    client.withDeadline(Duration.ofSeconds(40)).schema();

    assertDeadline(server.last("BuildTrainingSet"), Duration.ofMinutes(3));
    assertDeadline(server.last("StreamIngestEvents"), Duration.ofMinutes(2));
    assertDeadline(server.last("GetFeatureSchema"), Duration.ofSeconds(40));
  }

  @Test
  void credentialsTravelWithEveryCallWhenGiven() throws Exception {
    FeatureServiceClient client =
        new FeatureServiceClient(
            server.channel,
            ClientOptions.deadline(DEADLINE).withCredentials(RecordingServer.bearer("t1")));

    callEveryUnaryRpc(client);
    client.trainingSet(TrainingSetSpec.getDefaultInstance(), Duration.ofMinutes(3)).next();
    client.ingest(events(3).iterator(), 2, Duration.ofMinutes(2), n -> {});
    client.withDeadline(Duration.ofSeconds(40)).schema();

    assertThat(server.calls()).hasSize(10);
    server.calls().forEach(c -> assertBearer(c, "t1"));
  }

  @Test
  void ingestSendsEveryEventInBatchesAndReturnsTheServersSummary() {
    FeatureServiceClient client = new FeatureServiceClient(server.channel, DEADLINE);
    List<Long> progress = new ArrayList<>();

    StreamIngestEventsResponse summary =
        client.ingest(events(25).iterator(), 10, Duration.ofMinutes(1), progress::add);

    assertThat(service.batchSizes).containsExactly(10, 10, 5);
    assertThat(progress).containsExactly(10L, 20L, 25L);
    assertThat(summary.getAcceptedCount()).isEqualTo(25);
    assertThat(summary.getBatchCount()).isEqualTo(3);
    assertNoCredentials(server.last("StreamIngestEvents"));
  }

  @Test
  void serverErrorsSurfaceUnchanged() {
    FeatureServiceClient client = new FeatureServiceClient(server.channel, DEADLINE);
    service.failWith =
        Optional.of(Status.INVALID_ARGUMENT.withDescription("user_ids[0]: is required"));

    assertThatThrownBy(() -> client.onlineFeatures(List.of(""), false))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo("user_ids[0]: is required");
            });
    assertThatThrownBy(() -> client.ingest(events(3).iterator(), 2, Duration.ofMinutes(1), n -> {}))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void aCallThatOutlivesItsDeadlineFailsWithDeadlineExceeded() throws InterruptedException {
    try (RecordingServer silent =
        new RecordingServer(
            new FeatureServiceGrpc.FeatureServiceImplBase() {
              @Override
              public void getFeatureSchema(
                  GetFeatureSchemaRequest req, StreamObserver<GetFeatureSchemaResponse> out) {
                // never answers
              }
            })) {
      FeatureServiceClient client =
          new FeatureServiceClient(silent.channel, Duration.ofMillis(200));

      assertThatThrownBy(client::schema)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    }
  }
}
