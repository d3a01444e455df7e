package io.propensity.training.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Value;
import io.micronaut.grpc.annotation.GrpcService;
import io.propensity.client.FeatureServiceClient;
import io.propensity.common.error.InvalidInputException;
import io.propensity.training.config.TrainingConfiguration;
import io.propensity.training.jobs.Job;
import io.propensity.training.jobs.JobManager;
import io.propensity.training.jobs.JobState;
import io.propensity.training.source.FeatureServiceTrainingData;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import propensity.training.v1.CancelJobRequest;
import propensity.training.v1.CancelJobResponse;
import propensity.training.v1.GetJobRequest;
import propensity.training.v1.GetJobResponse;
import propensity.training.v1.ListJobsRequest;
import propensity.training.v1.ListJobsResponse;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.StartTrainingResponse;
import propensity.training.v1.TrainingServiceGrpc;
import propensity.training.v1.TrainingSpec;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

/** gRPC face of training jobs: converts protobuf to job-manager calls and back. */
@GrpcService
final class TrainingGrpcEndpoint extends TrainingServiceGrpc.TrainingServiceImplBase {
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 500;

  private final JobManager<TrainingSpec> jobs;
  private final FeatureServiceClient featureService;
  private final TrainingConfiguration config;
  private final Path dataDir;

  TrainingGrpcEndpoint(
      JobManager<TrainingSpec> jobs,
      FeatureServiceClient featureService,
      TrainingConfiguration config,
      @Value("${propensity.data-dir:data}") String dataDir) {
    this.jobs = jobs;
    this.featureService = featureService;
    this.config = config;
    this.dataDir = Path.of(dataDir);
  }

  @Override
  public void startTraining(StartTrainingRequest req, StreamObserver<StartTrainingResponse> out) {
    Job<TrainingSpec> job =
        jobs.start(
            TrainingProtoMapper.toDefinition(
                req.getSpec(),
                req.getRequestId(),
                spec ->
                    new FeatureServiceTrainingData(
                        featureService, spec, config.trainingSetDeadline()),
                dataDir));
    out.onNext(
        StartTrainingResponse.newBuilder()
            .setJobId(job.id())
            .setJob(TrainingProtoMapper.toProto(job))
            .build());
    out.onCompleted();
  }

  @Override
  public void watchJob(WatchJobRequest req, StreamObserver<WatchJobResponse> plainOut) {
    ServerCallStreamObserver<WatchJobResponse> out =
        (ServerCallStreamObserver<WatchJobResponse>) plainOut;
    Object lock = new Object();
    boolean[] done = new boolean[1];
    Runnable[] stop = new Runnable[1];
    out.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            done[0] = true;
          }
          if (stop[0] != null) {
            stop[0].run();
          }
        });
    stop[0] =
        jobs.watch(
            req.getJobId(),
            job -> {
              synchronized (lock) {
                if (done[0]) {
                  return;
                }
                WatchJobResponse.Builder r =
                    WatchJobResponse.newBuilder()
                        .setState(TrainingProtoMapper.toProto(job.state()))
                        .setJob(TrainingProtoMapper.toProto(job));
                job.progress()
                    .ifPresent(
                        p ->
                            r.setProgress(
                                TrainingProtoMapper.toProto(
                                    p, job.progressAt().orElse(job.createdAt()))));
                out.onNext(r.build());
                if (job.state().terminal()) {
                  done[0] = true;
                  out.onCompleted();
                }
              }
            });
  }

  @Override
  public void getJob(GetJobRequest req, StreamObserver<GetJobResponse> out) {
    out.onNext(
        GetJobResponse.newBuilder()
            .setJob(TrainingProtoMapper.toProto(jobs.get(req.getJobId())))
            .build());
    out.onCompleted();
  }

  @Override
  public void listJobs(ListJobsRequest req, StreamObserver<ListJobsResponse> out) {
    int size = req.getPageSize() == 0 ? DEFAULT_PAGE : req.getPageSize();
    if (size < 0 || size > MAX_PAGE) {
      throw InvalidInputException.of("page_size", size + " is outside 0 to " + MAX_PAGE);
    }
    int offset;
    try {
      offset = req.getPageToken().isEmpty() ? 0 : Integer.parseInt(req.getPageToken());
    } catch (NumberFormatException e) {
      throw InvalidInputException.of(
          "page_token", "'" + req.getPageToken() + "' is not a token this service issued");
    }
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    for (var s : req.getStatesList()) {
      TrainingProtoMapper.fromProto(s).ifPresent(states::add);
    }
    Optional<String> model =
        req.getModelName().isEmpty() ? Optional.empty() : Optional.of(req.getModelName());
    List<Job<TrainingSpec>> page = jobs.list(model, states, offset, size + 1);
    ListJobsResponse.Builder b = ListJobsResponse.newBuilder();
    page.stream().limit(size).forEach(j -> b.addJobs(TrainingProtoMapper.toProto(j)));
    if (page.size() > size) {
      b.setNextPageToken(Integer.toString(offset + size));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void cancelJob(CancelJobRequest req, StreamObserver<CancelJobResponse> out) {
    out.onNext(
        CancelJobResponse.newBuilder()
            .setJob(TrainingProtoMapper.toProto(jobs.cancel(req.getJobId())))
            .build());
    out.onCompleted();
  }
}
