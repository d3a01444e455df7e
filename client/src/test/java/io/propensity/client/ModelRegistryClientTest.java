package io.propensity.client;

import static io.propensity.client.Deadlines.assertBearer;
import static io.propensity.client.Deadlines.assertDeadline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.AliasChange;
import propensity.registry.v1.DownloadArtifactRequest;
import propensity.registry.v1.DownloadArtifactResponse;
import propensity.registry.v1.DownloadReportRequest;
import propensity.registry.v1.DownloadReportResponse;
import propensity.registry.v1.FileHeader;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.GetModelVersionResponse;
import propensity.registry.v1.ListModelVersionsRequest;
import propensity.registry.v1.ListModelVersionsResponse;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.ListModelsResponse;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.RegisterModelVersionRequest;
import propensity.registry.v1.RegisterModelVersionResponse;
import propensity.registry.v1.RollbackRequest;
import propensity.registry.v1.RollbackResponse;
import propensity.registry.v1.SetAliasRequest;
import propensity.registry.v1.SetAliasResponse;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

class ModelRegistryClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(11);

  /**
   * Registers by concatenating the chunks it receives (checking their offsets), answers the other
   * calls with empty messages, refuses a rollback, and keeps a watch open until it is cancelled.
   */
  static final class FakeRegistry extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {
    final List<ModelVersion> registered = new CopyOnWriteArrayList<>();
    final List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
    final CountDownLatch watchCancelled = new CountDownLatch(1);

    @Override
    public StreamObserver<RegisterModelVersionRequest> registerModelVersion(
        StreamObserver<RegisterModelVersionResponse> out) {
      return new StreamObserver<>() {
        ModelVersion meta;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void onNext(RegisterModelVersionRequest r) {
          if (r.hasModelVersion()) {
            meta = r.getModelVersion();
          } else if (r.getArtifactChunk().getOffset() == bytes.size()) {
            chunkSizes.add(r.getArtifactChunk().getData().size());
            bytes.writeBytes(r.getArtifactChunk().getData().toByteArray());
          } else {
            out.onError(Status.INVALID_ARGUMENT.withDescription("bad offset").asException());
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          ModelVersion v =
              meta.toBuilder()
                  .setVersion(registered.size() + 1)
                  .setArtifactSizeBytes(bytes.size())
                  .build();
          registered.add(v);
          out.onNext(RegisterModelVersionResponse.newBuilder().setModelVersion(v).build());
          out.onCompleted();
        }
      };
    }

    @Override
    public void getModelVersion(
        GetModelVersionRequest req, StreamObserver<GetModelVersionResponse> out) {
      out.onNext(GetModelVersionResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void listModelVersions(
        ListModelVersionsRequest req, StreamObserver<ListModelVersionsResponse> out) {
      out.onNext(ListModelVersionsResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
      out.onNext(ListModelsResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void setAlias(SetAliasRequest req, StreamObserver<SetAliasResponse> out) {
      out.onNext(SetAliasResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void rollback(RollbackRequest req, StreamObserver<RollbackResponse> out) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription("production of m has no earlier version")
              .asException());
    }

    @Override
    public void downloadArtifact(
        DownloadArtifactRequest req, StreamObserver<DownloadArtifactResponse> out) {
      out.onNext(
          DownloadArtifactResponse.newBuilder()
              .setHeader(FileHeader.newBuilder().setSizeBytes(0))
              .build());
      out.onCompleted();
    }

    @Override
    public void downloadReport(
        DownloadReportRequest req, StreamObserver<DownloadReportResponse> out) {
      out.onNext(
          DownloadReportResponse.newBuilder()
              .setHeader(FileHeader.newBuilder().setSizeBytes(0))
              .build());
      out.onCompleted();
    }

    @Override
    public void watchModels(WatchModelsRequest req, StreamObserver<WatchModelsResponse> out) {
      Context.current().addListener(c -> watchCancelled.countDown(), Runnable::run);
      out.onNext(
          WatchModelsResponse.newBuilder()
              .addChanges(
                  AliasChange.newBuilder().setName("m").setAlias("production").setVersion(1))
              .build());
    }
  }

  private final FakeRegistry registry = new FakeRegistry();
  private final RecordingServer server = new RecordingServer(registry);

  @AfterEach
  void stop() throws InterruptedException {
    server.close();
  }

  private static void everyBoundedCall(ModelRegistryClient client) {
    client.registerModelVersion(
        ModelVersion.newBuilder().setName("m").build(), new byte[] {1, 2, 3}, 2);
    client.getModelVersion(GetModelVersionRequest.getDefaultInstance());
    client.listModelVersions(ListModelVersionsRequest.getDefaultInstance());
    client.listModels(ListModelsRequest.getDefaultInstance());
    client.setAlias(SetAliasRequest.getDefaultInstance());
    client
        .withDeadline(Duration.ofMinutes(2))
        .downloadArtifact(DownloadArtifactRequest.getDefaultInstance())
        .next();
    client.downloadReport(DownloadReportRequest.getDefaultInstance()).next();
  }

  @Test
  void everyBoundedCallCarriesTheClientsDeadlineAndWithDeadlineOverridesIt() {
    everyBoundedCall(new ModelRegistryClient(server.channel, DEADLINE));

    assertThat(server.calls())
        .extracting(RecordingServer.Call::method)
        .containsExactly(
            "RegisterModelVersion",
            "GetModelVersion",
            "ListModelVersions",
            "ListModels",
            "SetAlias",
            "DownloadArtifact",
            "DownloadReport");
    server.calls().stream()
        .filter(c -> !c.method().equals("DownloadArtifact"))
        .forEach(c -> assertDeadline(c, DEADLINE));
    assertDeadline(server.last("DownloadArtifact"), Duration.ofMinutes(2));
    server.calls().forEach(Deadlines::assertNoCredentials);
  }

  @Test
  void credentialsTravelWithEveryCallWhenGiven() throws InterruptedException {
    ModelRegistryClient client =
        new ModelRegistryClient(
            server.channel,
            ClientOptions.deadline(DEADLINE).withCredentials(RecordingServer.bearer("t3")));

    everyBoundedCall(client);
    client
        .watchModels(WatchModelsRequest.getDefaultInstance(), new QueueObserver<>())
        .cancel("done");

    assertThat(server.calls()).hasSize(8);
    server.calls().forEach(c -> assertBearer(c, "t3"));
  }

  @Test
  void registrationSendsTheMetadataThenTheArtifactInChunks() {
    ModelRegistryClient client = new ModelRegistryClient(server.channel, DEADLINE);
    byte[] artifact = "tree=0\nleaves=3\n".getBytes(StandardCharsets.UTF_8);

    RegisterModelVersionResponse r =
        client.registerModelVersion(ModelVersion.newBuilder().setName("m").build(), artifact, 5);

    assertThat(registry.chunkSizes).containsExactly(5, 5, 5, 1);
    assertThat(r.getModelVersion().getVersion()).isEqualTo(1);
    assertThat(r.getModelVersion().getArtifactSizeBytes()).isEqualTo(artifact.length);
    assertThatThrownBy(
            () -> client.registerModelVersion(ModelVersion.getDefaultInstance(), artifact, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWatchHasNoDeadlineAndEndsWhenCancelled() throws InterruptedException {
    ModelRegistryClient client = new ModelRegistryClient(server.channel, DEADLINE);
    QueueObserver<WatchModelsResponse> changes = new QueueObserver<>();

    ModelRegistryClient.Watch watch =
        client.watchModels(
            WatchModelsRequest.newBuilder().addNames("m").setSendInitialState(true).build(),
            changes);

    assertThat(changes.next()).isInstanceOf(WatchModelsResponse.class);
    assertThat(server.last("WatchModels").deadline()).isEmpty();
    watch.cancel("test ends");
    assertThat(registry.watchCancelled.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(changes.next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
  }

  @Test
  void serverErrorsSurfaceUnchanged() {
    ModelRegistryClient client = new ModelRegistryClient(server.channel, DEADLINE);

    assertThatThrownBy(() -> client.rollback(RollbackRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("production of m has no earlier version");
            });
  }
}
