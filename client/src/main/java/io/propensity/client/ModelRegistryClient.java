package io.propensity.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import propensity.registry.v1.Chunk;
import propensity.registry.v1.DownloadArtifactRequest;
import propensity.registry.v1.DownloadArtifactResponse;
import propensity.registry.v1.DownloadReportRequest;
import propensity.registry.v1.DownloadReportResponse;
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

/**
 * A client of the model registry ({@code registry.v1.ModelRegistryService}, served by the training
 * service); every call carries the client's deadline and credentials, if any, except {@link
 * #watchModels}, which stays open until cancelled. Failures surface as the {@link
 * StatusRuntimeException} the server sent.
 */
public final class ModelRegistryClient {
  private final Channel channel;
  private final ClientOptions options;

  /** A client on a channel the caller owns, each call with {@code deadline}. */
  public ModelRegistryClient(Channel channel, Duration deadline) {
    this(channel, ClientOptions.deadline(deadline));
  }

  /** A client on a channel the caller owns. */
  public ModelRegistryClient(Channel channel, ClientOptions options) {
    this.channel = channel;
    this.options = options;
  }

  /** This client with another deadline for each call, e.g. a longer one for downloads. */
  public ModelRegistryClient withDeadline(Duration deadline) {
    return new ModelRegistryClient(channel, options.withDeadline(deadline));
  }

  /** The deadline and credentials of each call. */
  public ClientOptions options() {
    return options;
  }

  private ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub blocking() {
    return options.apply(ModelRegistryServiceGrpc.newBlockingStub(channel));
  }

  /**
   * Opens a RegisterModelVersion client stream: send the metadata, then the artifact's chunks (then
   * the report's, if any), then complete; {@code responses} hears the registered version or the
   * failure. The whole stream runs within the client's deadline.
   */
  public StreamObserver<RegisterModelVersionRequest> registerModelVersion(
      StreamObserver<RegisterModelVersionResponse> responses) {
    return options.apply(ModelRegistryServiceGrpc.newStub(channel)).registerModelVersion(responses);
  }

  /**
   * Registers a version: {@code metadata}, then {@code artifact} in chunks of {@code chunkBytes} (1
   * byte to 1 MiB) over one client stream; waits for the registered version.
   */
  public RegisterModelVersionResponse registerModelVersion(
      ModelVersion metadata, byte[] artifact, int chunkBytes) {
    if (chunkBytes < 1 || chunkBytes > 1 << 20) {
      throw new IllegalArgumentException("chunkBytes " + chunkBytes + " is outside 1 to 1 MiB");
    }
    ClientStreamAnswer<RegisterModelVersionRequest, RegisterModelVersionResponse> answer =
        new ClientStreamAnswer<>("RegisterModelVersion", () -> {});
    options.apply(ModelRegistryServiceGrpc.newStub(channel)).registerModelVersion(answer);
    ClientCallStreamObserver<RegisterModelVersionRequest> requests = answer.requests();
    requests.onNext(RegisterModelVersionRequest.newBuilder().setModelVersion(metadata).build());
    for (int off = 0; off < artifact.length; off += chunkBytes) {
      int len = Math.min(chunkBytes, artifact.length - off);
      requests.onNext(
          RegisterModelVersionRequest.newBuilder()
              .setArtifactChunk(
                  Chunk.newBuilder()
                      .setOffset(off)
                      .setData(ByteString.copyFrom(artifact, off, len)))
              .build());
    }
    requests.onCompleted();
    return answer.await();
  }

  /** One version, by number or alias, latest when neither (GetModelVersion). */
  public GetModelVersionResponse getModelVersion(GetModelVersionRequest request) {
    return blocking().getModelVersion(request);
  }

  /** The versions of one model, newest first, a page at a time (ListModelVersions). */
  public ListModelVersionsResponse listModelVersions(ListModelVersionsRequest request) {
    return blocking().listModelVersions(request);
  }

  /** The models, by name, a page at a time (ListModels). */
  public ListModelsResponse listModels(ListModelsRequest request) {
    return blocking().listModels(request);
  }

  /** Points an alias at a version (SetAlias). */
  public SetAliasResponse setAlias(SetAliasRequest request) {
    return blocking().setAlias(request);
  }

  /** Moves an alias back to its previous version (Rollback). */
  public RollbackResponse rollback(RollbackRequest request) {
    return blocking().rollback(request);
  }

  /**
   * A version's artifact: a header, then the chunks in order (DownloadArtifact), the whole stream
   * within the client's deadline. The call ends with the caller's {@link io.grpc.Context} when that
   * is cancelled, so a download given up half way need not wait for the deadline.
   */
  public Iterator<DownloadArtifactResponse> downloadArtifact(DownloadArtifactRequest request) {
    return blocking().downloadArtifact(request);
  }

  /** A version's HTML report: a header, then the chunks in order (DownloadReport). */
  public Iterator<DownloadReportResponse> downloadReport(DownloadReportRequest request) {
    return blocking().downloadReport(request);
  }

  /** An open {@link #watchModels} stream. */
  public interface Watch {
    /** Ends the stream; its observer then hears {@code onError} with CANCELLED. */
    void cancel(String why);
  }

  /**
   * Streams alias changes to {@code changes} until {@link Watch#cancel} or a failure (WatchModels).
   * Open-ended by design, so the one call without a deadline; it still carries the client's
   * credentials.
   */
  public Watch watchModels(
      WatchModelsRequest request, StreamObserver<WatchModelsResponse> changes) {
    AtomicReference<ClientCallStreamObserver<WatchModelsRequest>> call = new AtomicReference<>();
    options
        .applyWithoutDeadline(ModelRegistryServiceGrpc.newStub(channel))
        .watchModels(
            request,
            new ClientResponseObserver<WatchModelsRequest, WatchModelsResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<WatchModelsRequest> requestStream) {
                call.set(requestStream);
              }

              @Override
              public void onNext(WatchModelsResponse value) {
                changes.onNext(value);
              }

              @Override
              public void onError(Throwable t) {
                changes.onError(t);
              }

              @Override
              public void onCompleted() {
                changes.onCompleted();
              }
            });
    return why -> {
      ClientCallStreamObserver<WatchModelsRequest> c = call.get();
      if (c != null) {
        c.cancel(why, null);
      }
    };
  }
}
