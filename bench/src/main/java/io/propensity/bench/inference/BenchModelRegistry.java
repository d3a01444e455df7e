package io.propensity.bench.inference;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import propensity.registry.v1.AliasChange;
import propensity.registry.v1.AliasChangeKind;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.Chunk;
import propensity.registry.v1.DownloadArtifactRequest;
import propensity.registry.v1.DownloadArtifactResponse;
import propensity.registry.v1.FileHeader;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.GetModelVersionResponse;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.ListModelsResponse;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

/**
 * A minimal model registry on loopback, in the bench JVM: one model name, one version (number 1)
 * under the alias {@code production}, with golden rows; enough for an inference-service to load it.
 * The watch stream sends the initial state and then stays open.
 */
final class BenchModelRegistry extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase
    implements AutoCloseable {
  static final String ALIAS = "production";
  static final String SHADOW_ALIAS = "challenger";

  private final String name;
  private final ModelVersion meta;
  private final byte[] artifact;
  private volatile ModelVersion challengerMeta;
  private volatile byte[] challengerArtifact;
  private Server server;

  private BenchModelRegistry(String name, ModelVersion meta, byte[] artifact) {
    this.name = name;
    this.meta = meta;
    this.artifact = artifact;
  }

  /**
   * Starts like {@link #start(String, BenchModel.Trained, int)}, with {@code challenger} as version
   * 2 under the alias {@code challenger}, for a service scoring it in the shadow.
   */
  static BenchModelRegistry startWithChallenger(
      String name, BenchModel.Trained model, BenchModel.Trained challenger, int goldenRows) {
    BenchModelRegistry r = start(name, model, goldenRows);
    r.challengerArtifact = challenger.modelText().getBytes(StandardCharsets.UTF_8);
    r.challengerMeta = BenchModel.registryVersion(name, 2, challenger, goldenRows);
    return r;
  }

  private boolean hasChallenger() {
    return challengerMeta != null;
  }

  /** The version a request selects: 1, 2 (the challenger, when there is one) or 0 for none. */
  private long selected(
      String reqName, boolean byVersion, long version, boolean byAlias, String alias) {
    if (!matches(reqName, byVersion, version, byAlias, alias)) {
      return 0;
    }
    if (byVersion) {
      return version;
    }
    if (byAlias && SHADOW_ALIAS.equals(alias)) {
      return 2;
    }
    return 1;
  }

  /** Starts on a free loopback port, serving {@code model} as version 1 of {@code name}. */
  static BenchModelRegistry start(String name, BenchModel.Trained model, int goldenRows) {
    byte[] artifact = model.modelText().getBytes(StandardCharsets.UTF_8);
    BenchModelRegistry r =
        new BenchModelRegistry(
            name, BenchModel.registryVersion(name, 1, model, goldenRows), artifact);
    try {
      r.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(r)
              .build()
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the bench model registry", e);
    }
    return r;
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  private boolean matches(
      String reqName, boolean byVersion, long version, boolean byAlias, String alias) {
    if (!name.equals(reqName)) {
      return false;
    }
    if (byVersion) {
      return version == 1 || (version == 2 && hasChallenger());
    }
    if (byAlias) {
      return ALIAS.equals(alias) || (SHADOW_ALIAS.equals(alias) && hasChallenger());
    }
    return true;
  }

  @Override
  public void getModelVersion(
      GetModelVersionRequest req, StreamObserver<GetModelVersionResponse> out) {
    long v =
        selected(
            req.getName(),
            req.getSelectorCase() == GetModelVersionRequest.SelectorCase.VERSION,
            req.getVersion(),
            req.getSelectorCase() == GetModelVersionRequest.SelectorCase.ALIAS,
            req.getAlias());
    if (v == 0) {
      out.onError(Status.NOT_FOUND.withDescription("no such version").asRuntimeException());
      return;
    }
    out.onNext(
        GetModelVersionResponse.newBuilder()
            .setModelVersion(v == 2 ? challengerMeta : meta)
            .build());
    out.onCompleted();
  }

  @Override
  public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
    out.onNext(
        ListModelsResponse.newBuilder()
            .addModels(Model.newBuilder().setName(name).setLatestVersion(hasChallenger() ? 2 : 1))
            .build());
    out.onCompleted();
  }

  @Override
  public void downloadArtifact(
      DownloadArtifactRequest req, StreamObserver<DownloadArtifactResponse> out) {
    long v =
        selected(
            req.getName(),
            req.getSelectorCase() == DownloadArtifactRequest.SelectorCase.VERSION,
            req.getVersion(),
            req.getSelectorCase() == DownloadArtifactRequest.SelectorCase.ALIAS,
            req.getAlias());
    if (v == 0) {
      out.onError(Status.NOT_FOUND.withDescription("no such version").asRuntimeException());
      return;
    }
    byte[] artifact = v == 2 ? challengerArtifact : this.artifact;
    ModelVersion meta = v == 2 ? challengerMeta : this.meta;
    out.onNext(
        DownloadArtifactResponse.newBuilder()
            .setHeader(
                FileHeader.newBuilder()
                    .setName(name)
                    .setVersion(v)
                    .setSizeBytes(artifact.length)
                    .setSha256(meta.getArtifactSha256())
                    .setContentType("text/plain")
                    .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT))
            .build());
    int chunk = 64 * 1024;
    for (int off = 0; off < artifact.length; off += chunk) {
      int len = Math.min(chunk, artifact.length - off);
      out.onNext(
          DownloadArtifactResponse.newBuilder()
              .setChunk(
                  Chunk.newBuilder()
                      .setOffset(off)
                      .setData(ByteString.copyFrom(artifact, off, len)))
              .build());
    }
    out.onCompleted();
  }

  @Override
  public void watchModels(WatchModelsRequest req, StreamObserver<WatchModelsResponse> plainOut) {
    ServerCallStreamObserver<WatchModelsResponse> out =
        (ServerCallStreamObserver<WatchModelsResponse>) plainOut;
    out.setOnCancelHandler(() -> {});
    if (req.getSendInitialState()) {
      WatchModelsResponse.Builder initial = WatchModelsResponse.newBuilder();
      List<String> names = req.getNamesList();
      if (names.isEmpty() || names.contains(name)) {
        initial.addChanges(
            AliasChange.newBuilder()
                .setName(name)
                .setAlias(ALIAS)
                .setVersion(1)
                .setKind(AliasChangeKind.ALIAS_CHANGE_KIND_INITIAL));
        if (hasChallenger()) {
          initial.addChanges(
              AliasChange.newBuilder()
                  .setName(name)
                  .setAlias(SHADOW_ALIAS)
                  .setVersion(2)
                  .setKind(AliasChangeKind.ALIAS_CHANGE_KIND_INITIAL));
        }
      }
      out.onNext(initial.build());
    }
    // the stream stays open: no further changes
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
