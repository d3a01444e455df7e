package io.propensity.client;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Iterator;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.GetModelInfoResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * A client of the inference service ({@code inference.v1.InferenceService}); every call carries the
 * client's deadline and credentials, if any. Failures surface as the {@link
 * io.grpc.StatusRuntimeException} the server sent.
 */
public final class InferenceServiceClient {
  private final Channel channel;
  private final ClientOptions options;

  /** A client on a channel the caller owns, each call with {@code deadline}. */
  public InferenceServiceClient(Channel channel, Duration deadline) {
    this(channel, ClientOptions.deadline(deadline));
  }

  /** A client on a channel the caller owns. */
  public InferenceServiceClient(Channel channel, ClientOptions options) {
    this.channel = channel;
    this.options = options;
  }

  /**
   * This client with another deadline for each call, e.g. the long one a ranking or a live stream
   * needs.
   */
  public InferenceServiceClient withDeadline(Duration deadline) {
    return new InferenceServiceClient(channel, options.withDeadline(deadline));
  }

  /** The deadline and credentials of each call. */
  public ClientOptions options() {
    return options;
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub blocking() {
    return options.apply(InferenceServiceGrpc.newBlockingStub(channel));
  }

  /** Scores one input (Predict). */
  public PredictResponse predict(PredictRequest request) {
    return blocking().predict(request);
  }

  /** {@link #predict} without blocking, for callers that keep many calls in flight. */
  public ListenableFuture<PredictResponse> predictAsync(PredictRequest request) {
    return options.apply(InferenceServiceGrpc.newFutureStub(channel)).predict(request);
  }

  /** Scores many inputs, each with its own result (PredictBatch). */
  public PredictBatchResponse predictBatch(PredictBatchRequest request) {
    return blocking().predictBatch(request);
  }

  /**
   * Opens a StreamPredict stream of live events: send requests on the returned observer, complete
   * it when done; {@code responses} hears one answer per event. The whole stream runs within the
   * client's deadline.
   */
  public StreamObserver<StreamPredictRequest> streamPredict(
      StreamObserver<StreamPredictResponse> responses) {
    return options.apply(InferenceServiceGrpc.newStub(channel)).streamPredict(responses);
  }

  /** Scores one input with every feature's contribution (Explain). */
  public ExplainResponse explain(ExplainRequest request) {
    return blocking().explain(request);
  }

  /**
   * The ranked targets of a segment, then a summary (RankTargets), the whole stream within the
   * client's deadline.
   */
  public Iterator<RankTargetsResponse> rankTargets(RankTargetsRequest request) {
    return blocking().rankTargets(request);
  }

  /** The models served (GetModelInfo). */
  public GetModelInfoResponse getModelInfo(GetModelInfoRequest request) {
    return blocking().getModelInfo(request);
  }

  /** A page of the served-prediction log (ListServedPredictions). */
  public ListServedPredictionsResponse listServedPredictions(ListServedPredictionsRequest request) {
    return blocking().listServedPredictions(request);
  }

  /** A model version's drift against its training reference (GetDrift). */
  public propensity.inference.v1.GetDriftResponse drift(
      propensity.inference.v1.GetDriftRequest request) {
    return blocking().getDrift(request);
  }

  /** Live quality of a model from its served predictions joined to outcomes (GetLiveMetrics). */
  public propensity.inference.v1.GetLiveMetricsResponse getLiveMetrics(
      propensity.inference.v1.GetLiveMetricsRequest request) {
    return blocking().getLiveMetrics(request);
  }
}
