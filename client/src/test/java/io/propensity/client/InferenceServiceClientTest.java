package io.propensity.client;

import static io.propensity.client.Deadlines.assertBearer;
import static io.propensity.client.Deadlines.assertDeadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.GetModelInfoResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.RankingSummary;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

class InferenceServiceClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(6);

  /**
   * Scores everyone 0.5, except that a Predict of model "missing" is NOT_FOUND; echoes each stream
   * request's model name as an event id.
   */
  static final class FakeInference extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest req, StreamObserver<PredictResponse> out) {
      if (req.getModelName().equals("missing")) {
        out.onError(Status.NOT_FOUND.withDescription("no model missing is served").asException());
        return;
      }
      out.onNext(
          PredictResponse.newBuilder()
              .setPrediction(Prediction.newBuilder().setProbability(0.5))
              .build());
      out.onCompleted();
    }

    @Override
    public void predictBatch(PredictBatchRequest req, StreamObserver<PredictBatchResponse> out) {
      out.onNext(PredictBatchResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public StreamObserver<StreamPredictRequest> streamPredict(
        StreamObserver<StreamPredictResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(StreamPredictRequest r) {
          out.onNext(StreamPredictResponse.newBuilder().setEventId(r.getModelName()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }

    @Override
    public void explain(ExplainRequest req, StreamObserver<ExplainResponse> out) {
      out.onNext(ExplainResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void rankTargets(RankTargetsRequest req, StreamObserver<RankTargetsResponse> out) {
      out.onNext(
          RankTargetsResponse.newBuilder().setSummary(RankingSummary.getDefaultInstance()).build());
      out.onCompleted();
    }

    @Override
    public void getModelInfo(GetModelInfoRequest req, StreamObserver<GetModelInfoResponse> out) {
      out.onNext(GetModelInfoResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  private final RecordingServer server = new RecordingServer(new FakeInference());

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  private static void everyCall(InferenceServiceClient client) throws Exception {
    assertThat(client.predict(PredictRequest.getDefaultInstance()).getPrediction().getProbability())
        .isEqualTo(0.5);
    client.predictAsync(PredictRequest.getDefaultInstance()).get();
    client.predictBatch(PredictBatchRequest.getDefaultInstance());
    client.explain(ExplainRequest.getDefaultInstance());
    client.getModelInfo(GetModelInfoRequest.getDefaultInstance());
    assertThat(
            client
                .withDeadline(Duration.ofMinutes(10))
                .rankTargets(RankTargetsRequest.getDefaultInstance())
                .next()
                .hasSummary())
        .isTrue();
    QueueObserver<StreamPredictResponse> answers = new QueueObserver<>();
    StreamObserver<StreamPredictRequest> requests = client.streamPredict(answers);
    requests.onNext(StreamPredictRequest.newBuilder().setModelName("m").build());
    requests.onCompleted();
    assertThat(answers.next())
        .isEqualTo(StreamPredictResponse.newBuilder().setEventId("m").build());
    assertThat(answers.next()).isEqualTo("completed");
  }

  @Test
  void everyCallCarriesTheClientsDeadlineAndWithDeadlineOverridesIt() throws Exception {
    everyCall(new InferenceServiceClient(server.channel, DEADLINE));

    assertThat(server.calls())
        .extracting(RecordingServer.Call::method)
        .containsExactly(
            "Predict",
            "Predict",
            "PredictBatch",
            "Explain",
            "GetModelInfo",
            "RankTargets",
            "StreamPredict");
    server.calls().stream()
        .filter(c -> !c.method().equals("RankTargets"))
        .forEach(c -> assertDeadline(c, DEADLINE));
    assertDeadline(server.last("RankTargets"), Duration.ofMinutes(10));
    server.calls().forEach(Deadlines::assertNoCredentials);
  }

  @Test
  void credentialsTravelWithEveryCallWhenGiven() throws Exception {
    everyCall(
        new InferenceServiceClient(
            server.channel,
            ClientOptions.deadline(DEADLINE).withCredentials(RecordingServer.bearer("t4"))));

    assertThat(server.calls()).hasSize(7);
    server.calls().forEach(c -> assertBearer(c, "t4"));
  }

  @Test
  void serverErrorsSurfaceUnchanged() {
    InferenceServiceClient client = new InferenceServiceClient(server.channel, DEADLINE);
    PredictRequest missing = PredictRequest.newBuilder().setModelName("missing").build();

    assertThatThrownBy(() -> client.predict(missing))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo("no model missing is served");
            });
    assertThatThrownBy(() -> client.predictAsync(missing).get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
