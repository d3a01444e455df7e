package io.propensity.client;

import static io.propensity.client.Deadlines.assertBearer;
import static io.propensity.client.Deadlines.assertDeadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import propensity.training.v1.CancelJobRequest;
import propensity.training.v1.CancelJobResponse;
import propensity.training.v1.GetJobRequest;
import propensity.training.v1.GetJobResponse;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.ListJobsRequest;
import propensity.training.v1.ListJobsResponse;
import propensity.training.v1.StartTrainingRequest;
import propensity.training.v1.StartTrainingResponse;
import propensity.training.v1.TrainingServiceGrpc;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

class TrainingServiceClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(9);

  /** Knows one job, {@code j1}, which has succeeded; any other id is NOT_FOUND. */
  static final class FakeTrainingService extends TrainingServiceGrpc.TrainingServiceImplBase {
    private static final Job J1 =
        Job.newBuilder().setJobId("j1").setState(JobState.JOB_STATE_SUCCEEDED).build();

    private static boolean known(String id, StreamObserver<?> out) {
      if (!id.equals("j1")) {
        out.onError(Status.NOT_FOUND.withDescription("job " + id + " not found").asException());
        return false;
      }
      return true;
    }

    @Override
    public void startTraining(StartTrainingRequest req, StreamObserver<StartTrainingResponse> out) {
      out.onNext(StartTrainingResponse.newBuilder().setJobId("j1").build());
      out.onCompleted();
    }

    @Override
    public void watchJob(WatchJobRequest req, StreamObserver<WatchJobResponse> out) {
      if (known(req.getJobId(), out)) {
        out.onNext(WatchJobResponse.newBuilder().setJob(J1).build());
        out.onCompleted();
      }
    }

    @Override
    public void getJob(GetJobRequest req, StreamObserver<GetJobResponse> out) {
      if (known(req.getJobId(), out)) {
        out.onNext(GetJobResponse.newBuilder().setJob(J1).build());
        out.onCompleted();
      }
    }

    @Override
    public void listJobs(ListJobsRequest req, StreamObserver<ListJobsResponse> out) {
      out.onNext(ListJobsResponse.newBuilder().addJobs(J1).build());
      out.onCompleted();
    }

    @Override
    public void cancelJob(CancelJobRequest req, StreamObserver<CancelJobResponse> out) {
      if (known(req.getJobId(), out)) {
        out.onNext(CancelJobResponse.newBuilder().setJob(J1).build());
        out.onCompleted();
      }
    }
  }

  private final RecordingServer server = new RecordingServer(new FakeTrainingService());

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  private static List<WatchJobResponse> everyCall(TrainingServiceClient client) {
    String id = client.startTraining(StartTrainingRequest.getDefaultInstance()).getJobId();
    client.getJob(GetJobRequest.newBuilder().setJobId(id).build());
    client.listJobs(ListJobsRequest.getDefaultInstance());
    client.cancelJob(CancelJobRequest.newBuilder().setJobId(id).build());
    List<WatchJobResponse> updates = new ArrayList<>();
    client
        .withDeadline(Duration.ofHours(1))
        .watchJob(WatchJobRequest.newBuilder().setJobId(id).build())
        .forEachRemaining(updates::add);
    return updates;
  }

  @Test
  void everyCallCarriesTheClientsDeadlineAndWithDeadlineOverridesIt() {
    List<WatchJobResponse> updates = everyCall(new TrainingServiceClient(server.channel, DEADLINE));

    assertThat(updates).extracting(u -> u.getJob().getJobId()).containsExactly("j1");
    assertThat(server.calls())
        .extracting(RecordingServer.Call::method)
        .containsExactly("StartTraining", "GetJob", "ListJobs", "CancelJob", "WatchJob");
    server.calls().stream()
        .filter(c -> !c.method().equals("WatchJob"))
        .forEach(c -> assertDeadline(c, DEADLINE));
    assertDeadline(server.last("WatchJob"), Duration.ofHours(1));
    server.calls().forEach(Deadlines::assertNoCredentials);
  }

  @Test
  void credentialsTravelWithEveryCallWhenGiven() {
    everyCall(
        new TrainingServiceClient(
            server.channel,
            ClientOptions.deadline(DEADLINE).withCredentials(RecordingServer.bearer("t2"))));

    assertThat(server.calls()).hasSize(5);
    server.calls().forEach(c -> assertBearer(c, "t2"));
  }

  @Test
  void serverErrorsSurfaceUnchanged() {
    TrainingServiceClient client = new TrainingServiceClient(server.channel, DEADLINE);

    assertThatThrownBy(() -> client.getJob(GetJobRequest.newBuilder().setJobId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo("job nope not found");
            });
    assertThatThrownBy(
            () -> client.watchJob(WatchJobRequest.newBuilder().setJobId("nope").build()).hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
