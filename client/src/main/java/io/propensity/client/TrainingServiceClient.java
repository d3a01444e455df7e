package io.propensity.client;

import io.grpc.Channel;
import java.time.Duration;
import java.util.Iterator;
import propensity.training.v1.CancelJobRequest;
import propensity.training.v1.CancelJobResponse;
import propensity.training.v1.GetJobRequest;
import propensity.training.v1.GetJobResponse;
import propensity.training.v1.ListJobsRequest;
import propensity.training.v1.ListJobsResponse;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.StartTrainingResponse;
import propensity.training.v1.TrainingServiceGrpc;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

/**
 * A client of the training service ({@code training.v1.TrainingService}); every call carries the
 * client's deadline and credentials, if any. Failures surface as the {@link
 * io.grpc.StatusRuntimeException} the server sent.
 */
public final class TrainingServiceClient {
  private final Channel channel;
  private final ClientOptions options;

  /** A client on a channel the caller owns, each call with {@code deadline}. */
  public TrainingServiceClient(Channel channel, Duration deadline) {
    this(channel, ClientOptions.deadline(deadline));
  }

  /** A client on a channel the caller owns. */
  public TrainingServiceClient(Channel channel, ClientOptions options) {
    this.channel = channel;
    this.options = options;
  }

  /**
   * This client with another deadline for each call, e.g. the long one of {@link #watchJob}, which
   * must cover the whole job.
   */
  public TrainingServiceClient withDeadline(Duration deadline) {
    return new TrainingServiceClient(channel, options.withDeadline(deadline));
  }

  /** The deadline and credentials of each call. */
  public ClientOptions options() {
    return options;
  }

  private TrainingServiceGrpc.TrainingServiceBlockingStub blocking() {
    return options.apply(TrainingServiceGrpc.newBlockingStub(channel));
  }

  /** Starts a training job and returns its id at once (StartTraining). */
  public StartTrainingResponse startTraining(StartTrainingRequest request) {
    return blocking().startTraining(request);
  }

  /**
   * The job's state and progress until it ends (WatchJob), the whole stream within the client's
   * deadline.
   */
  public Iterator<WatchJobResponse> watchJob(WatchJobRequest request) {
    return blocking().watchJob(request);
  }

  /** One job (GetJob). */
  public GetJobResponse getJob(GetJobRequest request) {
    return blocking().getJob(request);
  }

  /** Jobs, newest first (ListJobs). */
  public ListJobsResponse listJobs(ListJobsRequest request) {
    return blocking().listJobs(request);
  }

  /** Cancels a job (CancelJob). */
  public CancelJobResponse cancelJob(CancelJobRequest request) {
    return blocking().cancelJob(request);
  }
}
