package io.propensity.training.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.annotation.GrpcService;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerShutdownEvent;
import io.micronaut.scheduling.TaskExecutors;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.grpc.GrpcErrors;
import io.propensity.common.grpc.ServerStreams;
import io.propensity.common.security.Principals;
import io.propensity.training.registry.AliasExpectation;
import io.propensity.training.registry.AliasMove;
import io.propensity.training.registry.BlobInfo;
import io.propensity.training.registry.BlobKind;
import io.propensity.training.registry.ModelPage;
import io.propensity.training.registry.ModelRegistry;
import io.propensity.training.registry.ModelVersionRecord;
import io.propensity.training.registry.RegistryConfiguration;
import io.propensity.training.registry.Subscription;
import io.propensity.training.registry.VersionPage;
import io.propensity.training.registry.VersionUpload;
import io.propensity.training.registry.WatchBacklog;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import propensity.registry.v1.Chunk;
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
import propensity.registry.v1.ModelVersionView;
import propensity.registry.v1.RegisterModelVersionRequest;
import propensity.registry.v1.RegisterModelVersionResponse;
import propensity.registry.v1.RollbackRequest;
import propensity.registry.v1.RollbackResponse;
import propensity.registry.v1.SetAliasRequest;
import propensity.registry.v1.SetAliasResponse;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

/** gRPC face of the model registry: converts protobuf to registry calls and back, nothing more. */
@GrpcService
final class RegistryGrpcEndpoint extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {
  /** Most changes a watcher may fall behind before its stream is ended (it then resynchronises). */
  static final int WATCH_BACKLOG_LIMIT = 10_000;

  /** How long a watch's sender waits for a change before it looks whether the server stops. */
  private static final Duration WATCH_POLL = Duration.ofMillis(200);

  private final ModelRegistry registry;
  private final RegistryConfiguration config;
  private final ExecutorService streams;
  // Set when the server begins to stop: open watches end (clients reconnect elsewhere) instead of
  // holding the server's graceful shutdown open until its timeout.
  private final AtomicBoolean stopping = new AtomicBoolean();

  RegistryGrpcEndpoint(
      ModelRegistry registry,
      RegistryConfiguration config,
      @Named(TaskExecutors.BLOCKING) ExecutorService streams) {
    this.registry = registry;
    this.config = config;
    this.streams = streams;
  }

  @EventListener
  void onServerShutdown(ServerShutdownEvent event) {
    stopping.set(true);
  }

  @Override
  public StreamObserver<RegisterModelVersionRequest> registerModelVersion(
      StreamObserver<RegisterModelVersionResponse> out) {
    return new StreamObserver<>() {
      private final VersionUpload upload =
          new VersionUpload(config.maxArtifactBytes(), config.maxReportBytes());
      private boolean failed;

      @Override
      public void onNext(RegisterModelVersionRequest message) {
        if (failed) {
          return;
        }
        try {
          accept(upload, message);
        } catch (RuntimeException e) {
          fail(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        // the client went away before half-closing: nothing was stored, nothing to answer
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        try {
          VersionUpload.Completed done = upload.complete();
          ModelVersionRecord stored;
          try {
            stored = registry.register(done.version(), done.artifact(), done.report());
          } catch (InvalidInputException e) {
            throw inModelVersion(e);
          }
          out.onNext(
              RegisterModelVersionResponse.newBuilder()
                  .setModelVersion(
                      RegistryProtoMapper.toProto(stored, ModelVersionView.MODEL_VERSION_VIEW_FULL))
                  .build());
          out.onCompleted();
        } catch (RuntimeException e) {
          fail(e);
        }
      }

      private void fail(RuntimeException e) {
        failed = true;
        out.onError(GrpcErrors.toStatusException(e));
      }
    };
  }

  /** Hands one message of a registration stream to the upload. */
  private static void accept(VersionUpload upload, RegisterModelVersionRequest message) {
    switch (message.getPayloadCase()) {
      case MODEL_VERSION ->
          upload.begin(() -> RegistryProtoMapper.toNewVersion(message.getModelVersion()));
      case ARTIFACT_CHUNK ->
          upload.artifactChunk(
              message.getArtifactChunk().getOffset(),
              message.getArtifactChunk().getData().asReadOnlyByteBuffer());
      case REPORT_CHUNK ->
          upload.reportChunk(
              message.getReportChunk().getOffset(),
              message.getReportChunk().getData().asReadOnlyByteBuffer());
      default ->
          throw InvalidInputException.of(
              "payload", "is empty; set model_version, artifact_chunk or report_chunk");
    }
  }

  /**
   * The domain names fields of the version itself, which the request nests in model_version, and
   * the {@code artifact} as a whole (the bytes of every artifact_chunk), which stays as it is.
   */
  private static InvalidInputException inModelVersion(InvalidInputException e) {
    List<FieldError> renamed = new ArrayList<>();
    for (FieldError f : e.violations()) {
      String field = f.field().equals("artifact") ? f.field() : "model_version." + f.field();
      renamed.add(new FieldError(field, f.description()));
    }
    return new InvalidInputException(
        renamed.size() == 1
            ? renamed.get(0).toString()
            : renamed.size() + " invalid fields: " + renamed,
        renamed);
  }

  @Override
  public void getModelVersion(
      GetModelVersionRequest req, StreamObserver<GetModelVersionResponse> out) {
    ModelVersionView view =
        RegistryProtoMapper.view(req.getView(), ModelVersionView.MODEL_VERSION_VIEW_FULL);
    ModelVersionRecord r =
        registry.get(
            req.getName(),
            RegistryProtoMapper.selector(
                req.hasVersion(), req.getVersion(), req.hasAlias(), req.getAlias()));
    out.onNext(
        GetModelVersionResponse.newBuilder()
            .setModelVersion(RegistryProtoMapper.toProto(r, view))
            .build());
    out.onCompleted();
  }

  @Override
  public void listModelVersions(
      ListModelVersionsRequest req, StreamObserver<ListModelVersionsResponse> out) {
    ModelVersionView view =
        RegistryProtoMapper.view(req.getView(), ModelVersionView.MODEL_VERSION_VIEW_BASIC);
    VersionPage page =
        registry.listVersions(
            req.getName(),
            RegistryProtoMapper.pageSize(req.getPageSize()),
            RegistryProtoMapper.parseVersionsToken(req.getPageToken()));
    ListModelVersionsResponse.Builder b = ListModelVersionsResponse.newBuilder();
    for (ModelVersionRecord r : page.versions()) {
      b.addModelVersions(RegistryProtoMapper.toProto(r, view));
    }
    out.onNext(
        b.setNextPageToken(RegistryProtoMapper.versionsToken(page.nextBeforeVersion())).build());
    out.onCompleted();
  }

  @Override
  public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
    ModelPage page =
        registry.listModels(
            RegistryProtoMapper.pageSize(req.getPageSize()),
            RegistryProtoMapper.parseModelsToken(req.getPageToken()));
    ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
    page.models().forEach(m -> b.addModels(RegistryProtoMapper.toProto(m)));
    out.onNext(b.setNextPageToken(RegistryProtoMapper.modelsToken(page.nextAfterName())).build());
    out.onCompleted();
  }

  @Override
  public void setAlias(SetAliasRequest req, StreamObserver<SetAliasResponse> out) {
    if (req.getExpectedCurrentVersion() < 0) {
      throw InvalidInputException.of(
          "expected_current_version",
          req.getExpectedCurrentVersion() + " is negative; 0 means no guard");
    }
    AliasExpectation expected =
        req.getExpectedCurrentVersion() == 0
            ? AliasExpectation.any()
            : AliasExpectation.at(req.getExpectedCurrentVersion());
    String actor = Principals.current().name();
    AliasMove move =
        registry.setAlias(req.getName(), req.getAlias(), req.getVersion(), expected, actor);
    out.onNext(
        SetAliasResponse.newBuilder()
            .setModelVersion(
                RegistryProtoMapper.toProto(
                    move.target(), ModelVersionView.MODEL_VERSION_VIEW_BASIC))
            .setPreviousVersion(move.previousVersion().orElse(0))
            .setActor(move.changed() ? actor : "")
            .build());
    out.onCompleted();
  }

  @Override
  public void rollback(RollbackRequest req, StreamObserver<RollbackResponse> out) {
    String alias = req.getAlias().isEmpty() ? ModelRegistry.PRODUCTION : req.getAlias();
    String actor = Principals.current().name();
    AliasMove move = registry.rollback(req.getName(), alias, actor);
    out.onNext(
        RollbackResponse.newBuilder()
            .setModelVersion(
                RegistryProtoMapper.toProto(
                    move.target(), ModelVersionView.MODEL_VERSION_VIEW_BASIC))
            .setRolledBackVersion(move.previousVersion().orElse(0))
            .setActor(actor)
            .build());
    out.onCompleted();
  }

  @Override
  public void downloadArtifact(
      DownloadArtifactRequest req, StreamObserver<DownloadArtifactResponse> out) {
    ModelVersionRecord r =
        registry.get(
            req.getName(),
            RegistryProtoMapper.selector(
                req.hasVersion(), req.getVersion(), req.hasAlias(), req.getAlias()));
    var format = RegistryProtoMapper.artifactFormat(r.artifactFormat());
    FileHeader header =
        header(r, r.artifact(), RegistryProtoMapper.contentType(format))
            .setArtifactFormat(format)
            .build();
    download(
        r,
        BlobKind.ARTIFACT,
        req.getOffset(),
        DownloadArtifactResponse.newBuilder().setHeader(header).build(),
        chunk -> DownloadArtifactResponse.newBuilder().setChunk(chunk).build(),
        out);
  }

  @Override
  public void downloadReport(
      DownloadReportRequest req, StreamObserver<DownloadReportResponse> out) {
    ModelVersionRecord r =
        registry.get(
            req.getName(),
            RegistryProtoMapper.selector(
                req.hasVersion(), req.getVersion(), req.hasAlias(), req.getAlias()));
    BlobInfo report =
        r.report()
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "version " + r.version() + " of model '" + r.name() + "' has no report"));
    FileHeader header = header(r, report, RegistryProtoMapper.REPORT_CONTENT_TYPE).build();
    download(
        r,
        BlobKind.REPORT,
        req.getOffset(),
        DownloadReportResponse.newBuilder().setHeader(header).build(),
        chunk -> DownloadReportResponse.newBuilder().setChunk(chunk).build(),
        out);
  }

  private static FileHeader.Builder header(
      ModelVersionRecord r, BlobInfo file, String contentType) {
    return FileHeader.newBuilder()
        .setName(r.name())
        .setVersion(r.version())
        .setSizeBytes(file.sizeBytes())
        .setSha256(file.sha256())
        .setContentType(contentType);
  }

  /**
   * Streams a file from {@code offset}: the header, then pieces of at most 1 MiB, at the client's
   * pace.
   */
  private <T> void download(
      ModelVersionRecord r,
      BlobKind kind,
      long offset,
      T header,
      Function<Chunk, T> chunkMessage,
      StreamObserver<T> plainOut) {
    long size = r.blob(kind).orElseThrow().sizeBytes();
    if (offset < 0 || offset > size) {
      throw InvalidInputException.of("offset", offset + " is outside 0 to the file size " + size);
    }
    ServerStreams.produceOn(
        streams,
        plainOut,
        out -> {
          out.send(header);
          long position = offset;
          while (position < size && !out.isCancelled()) {
            byte[] data =
                registry.read(
                    r.name(), r.version(), kind, position, RegistryProtoMapper.MAX_CHUNK_BYTES);
            out.send(
                chunkMessage.apply(
                    Chunk.newBuilder()
                        .setOffset(position)
                        .setData(ByteString.copyFrom(data))
                        .build()));
            position += data.length;
          }
          out.complete();
        });
  }

  @Override
  public void watchModels(WatchModelsRequest req, StreamObserver<WatchModelsResponse> plainOut) {
    List<FieldError> problems = new ArrayList<>();
    for (int i = 0; i < req.getNamesCount(); i++) {
      String name = req.getNames(i);
      if (!ModelRegistry.isValidName(name)) {
        problems.add(new FieldError("names[" + i + "]", "'" + name + "' is not a model name"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems.get(0).toString(), problems);
    }
    WatchBacklog backlog = new WatchBacklog(WATCH_BACKLOG_LIMIT);
    Subscription subscription =
        registry.watch(new LinkedHashSet<>(req.getNamesList()), req.getSendInitialState(), backlog);
    try {
      ServerStreams.produceOn(
          streams,
          plainOut,
          out -> {
            try {
              while (!out.isCancelled()) {
                WatchBacklog.Event next = backlog.poll(WATCH_POLL).orElse(null);
                if (next instanceof WatchBacklog.Changes changes) {
                  WatchModelsResponse.Builder b = WatchModelsResponse.newBuilder();
                  changes.changes().forEach(c -> b.addChanges(RegistryProtoMapper.toProto(c)));
                  out.send(b.build());
                } else if (next instanceof WatchBacklog.Ended ended) {
                  out.fail(status(ended).asRuntimeException());
                  return;
                } else if (stopping.get()) {
                  out.fail(status(WatchBacklog.Ended.shuttingDown()).asRuntimeException());
                  return;
                }
              }
            } finally {
              subscription.close();
            }
          });
    } catch (RuntimeException e) {
      subscription.close();
      throw e;
    }
  }

  private static Status status(WatchBacklog.Ended ended) {
    Status code =
        switch (ended.reason()) {
          case SHUTTING_DOWN -> Status.UNAVAILABLE;
          case FELL_BEHIND -> Status.RESOURCE_EXHAUSTED;
        };
    return code.withDescription(ended.message());
  }
}
