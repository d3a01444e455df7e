package io.propensity.inference.testing;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.propensity.engine.features.FeatureSpec;
import io.propensity.inference.reload.ModelLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.Target;
import propensity.registry.v1.AliasChange;
import propensity.registry.v1.AliasChangeKind;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.Chunk;
import propensity.registry.v1.DownloadArtifactRequest;
import propensity.registry.v1.DownloadArtifactResponse;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.FileHeader;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.GetModelVersionResponse;
import propensity.registry.v1.GoldenRow;
import propensity.registry.v1.Lineage;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.ListModelsResponse;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

/**
 * A real gRPC model registry on loopback holding versions in memory, with aliases and a watch
 * stream, enough for the inference service to follow it. Tests register versions (good, corrupt,
 * mismatched) and move aliases; they can also break or mute the watch streams.
 */
public final class FakeModelRegistry extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase
    implements AutoCloseable {

  private record Stored(ModelVersion meta, byte[] artifact, String announcedSha256) {}

  private final Map<String, List<Stored>> versions = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> aliases = new HashMap<>();
  private final List<String> aliasHistory = new ArrayList<>();
  private final List<ServerCallStreamObserver<WatchModelsResponse>> watchers =
      new CopyOnWriteArrayList<>();
  private final Map<String, String> reports = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicInteger watchCalls = new AtomicInteger();
  private final AtomicInteger downloads = new AtomicInteger();
  private volatile boolean muted;
  private Server server;

  private FakeModelRegistry() {}

  /** Starts on a free loopback port. */
  public static FakeModelRegistry start() {
    FakeModelRegistry r = new FakeModelRegistry();
    try {
      r.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(r)
              .build()
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return r;
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The service's schema as the registry stores it. */
  public static FeatureSchema schema(io.propensity.engine.features.FeatureSchema s) {
    FeatureSchema.Builder b = FeatureSchema.newBuilder().setVersionHash(s.versionHash());
    for (FeatureSpec f : s.features()) {
      b.addFeatures(
          FeatureDefinition.newBuilder().setName(f.name()).setDescription(f.description()));
    }
    return b.build();
  }

  /** Metadata of a well-formed version of the service's schema, golden rows from LightGBM4j. */
  public static ModelVersion.Builder meta(
      String name, String modelText, double threshold, int goldenRows) {
    ModelVersion.Builder b =
        ModelVersion.newBuilder()
            .setName(name)
            .setThreshold(threshold)
            .setFeatureSchema(schema(TestModels.SCHEMA))
            .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT)
            .setLineage(Lineage.newBuilder().setTarget(Target.TARGET_PURCHASE))
            .setEvaluation(
                Evaluation.newBuilder()
                    .setModelKind("lightgbm")
                    .setRowCount(300)
                    .setPositiveCount(90)
                    .setThreshold(threshold)
                    .setRocAuc(0.81)
                    .setF1(0.6));
    for (double[] row : TestModels.rows(goldenRows)) {
      b.addGoldenRows(goldenRow(modelText, row));
    }
    return b;
  }

  /** {@code row} with the probability model-runtime gives it under {@code modelText}. */
  public static GoldenRow goldenRow(String modelText, double[] row) {
    GoldenRow.Builder g =
        GoldenRow.newBuilder().setExpectedProbability(TestModels.reference(modelText, row));
    for (double v : row) {
      g.addValues(v);
    }
    return g.build();
  }

  /** Registers a good version of {@code modelText}; returns its number. */
  public long register(String name, String modelText) {
    return register(
        meta(name, modelText, 0.5, 3), modelText.getBytes(StandardCharsets.UTF_8), null);
  }

  /**
   * Registers a version; the checksum and size are computed from {@code artifact} unless the
   * metadata sets them. {@code announcedSha256} overrides what the download header says (null: the
   * registered one).
   */
  public synchronized long register(
      ModelVersion.Builder meta, byte[] artifact, String announcedSha256) {
    List<Stored> list = versions.computeIfAbsent(meta.getName(), n -> new ArrayList<>());
    long version = list.size() + 1;
    ModelVersion.Builder b = meta.clone().setVersion(version);
    if (b.getArtifactSha256().isEmpty()) {
      b.setArtifactSha256(ModelLoader.sha256(artifact));
    }
    if (b.getArtifactSizeBytes() == 0) {
      b.setArtifactSizeBytes(artifact.length);
    }
    ModelVersion v = b.build();
    list.add(
        new Stored(v, artifact, announcedSha256 == null ? v.getArtifactSha256() : announcedSha256));
    return version;
  }

  /** Gives a version an HTML report (versions have none until given one). */
  public void setReport(String name, long version, String html) {
    reports.put(name + "@" + version, html);
  }

  @Override
  public void downloadReport(
      propensity.registry.v1.DownloadReportRequest req,
      StreamObserver<propensity.registry.v1.DownloadReportResponse> out) {
    String html = reports.get(req.getName() + "@" + req.getVersion());
    if (html == null) {
      out.onError(Status.NOT_FOUND.withDescription("no report").asRuntimeException());
      return;
    }
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    out.onNext(
        propensity.registry.v1.DownloadReportResponse.newBuilder()
            .setHeader(
                FileHeader.newBuilder()
                    .setName(req.getName())
                    .setVersion(req.getVersion())
                    .setSizeBytes(bytes.length)
                    .setContentType("text/html; charset=utf-8"))
            .build());
    int chunk = 64 * 1024;
    for (int off = 0; off < bytes.length; off += chunk) {
      int len = Math.min(chunk, bytes.length - off);
      out.onNext(
          propensity.registry.v1.DownloadReportResponse.newBuilder()
              .setChunk(
                  Chunk.newBuilder().setOffset(off).setData(ByteString.copyFrom(bytes, off, len)))
              .build());
    }
    out.onCompleted();
  }

  /** Points {@code production} at a version and tells the watchers. */
  public void promote(String name, long version) {
    setAlias(name, "production", version);
  }

  public synchronized void setAlias(String name, String alias, long version) {
    Map<String, Long> a = aliases.computeIfAbsent(name, n -> new HashMap<>());
    Long previous = a.put(alias, version);
    aliasHistory.add(name + ":" + alias + "=" + version);
    if (muted) {
      return;
    }
    WatchModelsResponse change =
        WatchModelsResponse.newBuilder()
            .addChanges(
                AliasChange.newBuilder()
                    .setName(name)
                    .setAlias(alias)
                    .setVersion(version)
                    .setPreviousVersion(previous == null ? 0 : previous)
                    .setKind(AliasChangeKind.ALIAS_CHANGE_KIND_SET))
            .build();
    for (ServerCallStreamObserver<WatchModelsResponse> w : watchers) {
      if (!w.isCancelled()) {
        w.onNext(change);
      }
    }
  }

  /**
   * Every alias move of {@code name} in order, as {@code alias=version} (the test's and the
   * SetAlias callers').
   */
  public synchronized List<String> aliasHistory(String name) {
    return aliasHistory.stream()
        .filter(h -> h.startsWith(name + ":"))
        .map(h -> h.substring(name.length() + 1))
        .toList();
  }

  /** The version {@code alias} of {@code name} points at; 0 when none. */
  public synchronized long alias(String name, String alias) {
    return aliases.getOrDefault(name, Map.of()).getOrDefault(alias, 0L);
  }

  /** SetAlias with its compare-and-set guard (expected_current_version), as the registry has it. */
  @Override
  public void setAlias(
      propensity.registry.v1.SetAliasRequest req,
      StreamObserver<propensity.registry.v1.SetAliasResponse> out) {
    synchronized (this) {
      long current = alias(req.getName(), req.getAlias());
      if (req.getExpectedCurrentVersion() > 0 && current != req.getExpectedCurrentVersion()) {
        out.onError(
            Status.FAILED_PRECONDITION
                .withDescription(
                    req.getAlias()
                        + " points at "
                        + current
                        + ", not "
                        + req.getExpectedCurrentVersion())
                .asRuntimeException());
        return;
      }
      setAlias(req.getName(), req.getAlias(), req.getVersion());
      out.onNext(
          propensity.registry.v1.SetAliasResponse.newBuilder().setPreviousVersion(current).build());
    }
    out.onCompleted();
  }

  /** Fails every open watch stream with UNAVAILABLE, as a registry restart would. */
  public synchronized void breakWatchStreams() {
    for (ServerCallStreamObserver<WatchModelsResponse> w : watchers) {
      if (!w.isCancelled()) {
        w.onError(Status.UNAVAILABLE.withDescription("registry restarting").asRuntimeException());
      }
    }
    watchers.clear();
  }

  /**
   * While muted, alias changes are not streamed (a silently broken stream); polls still see them.
   */
  public void mute(boolean mute) {
    this.muted = mute;
  }

  public int watchCalls() {
    return watchCalls.get();
  }

  public int downloads() {
    return downloads.get();
  }

  private synchronized Stored find(
      String name, GetModelVersionRequest.SelectorCase sel, long version, String alias) {
    List<Stored> list = versions.get(name);
    if (list == null || list.isEmpty()) {
      return null;
    }
    long v;
    if (sel == GetModelVersionRequest.SelectorCase.VERSION) {
      v = version;
    } else if (sel == GetModelVersionRequest.SelectorCase.ALIAS) {
      Long target = aliases.getOrDefault(name, Map.of()).get(alias);
      if (target == null) {
        return null;
      }
      v = target;
    } else {
      v = list.size();
    }
    return v >= 1 && v <= list.size() ? list.get((int) v - 1) : null;
  }

  @Override
  public void getModelVersion(
      GetModelVersionRequest req, StreamObserver<GetModelVersionResponse> out) {
    Stored s = find(req.getName(), req.getSelectorCase(), req.getVersion(), req.getAlias());
    if (s == null) {
      out.onError(Status.NOT_FOUND.withDescription("no such version").asRuntimeException());
      return;
    }
    out.onNext(GetModelVersionResponse.newBuilder().setModelVersion(s.meta()).build());
    out.onCompleted();
  }

  @Override
  public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
    ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
    synchronized (this) {
      versions.forEach(
          (name, list) ->
              b.addModels(Model.newBuilder().setName(name).setLatestVersion(list.size())));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void downloadArtifact(
      DownloadArtifactRequest req, StreamObserver<DownloadArtifactResponse> out) {
    GetModelVersionRequest.SelectorCase sel = switchSelector(req.getSelectorCase());
    Stored s = find(req.getName(), sel, req.getVersion(), req.getAlias());
    if (s == null) {
      out.onError(Status.NOT_FOUND.withDescription("no such version").asRuntimeException());
      return;
    }
    downloads.incrementAndGet();
    FileHeader.Builder header = FileHeader.newBuilder();
    if (s.meta().hasSignature()) {
      header.setSignature(s.meta().getSignature());
    }
    out.onNext(
        DownloadArtifactResponse.newBuilder()
            .setHeader(
                header
                    .setName(req.getName())
                    .setVersion(s.meta().getVersion())
                    .setSizeBytes(s.artifact().length)
                    .setSha256(s.announcedSha256())
                    .setContentType("text/plain")
                    .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT))
            .build());
    int chunk = 64 * 1024;
    for (int off = 0; off < s.artifact().length; off += chunk) {
      int len = Math.min(chunk, s.artifact().length - off);
      out.onNext(
          DownloadArtifactResponse.newBuilder()
              .setChunk(
                  Chunk.newBuilder()
                      .setOffset(off)
                      .setData(ByteString.copyFrom(s.artifact(), off, len)))
              .build());
    }
    out.onCompleted();
  }

  private static GetModelVersionRequest.SelectorCase switchSelector(
      DownloadArtifactRequest.SelectorCase c) {
    switch (c) {
      case VERSION:
        return GetModelVersionRequest.SelectorCase.VERSION;
      case ALIAS:
        return GetModelVersionRequest.SelectorCase.ALIAS;
      default:
        return GetModelVersionRequest.SelectorCase.SELECTOR_NOT_SET;
    }
  }

  @Override
  public void watchModels(WatchModelsRequest req, StreamObserver<WatchModelsResponse> plainOut) {
    watchCalls.incrementAndGet();
    ServerCallStreamObserver<WatchModelsResponse> out =
        (ServerCallStreamObserver<WatchModelsResponse>) plainOut;
    out.setOnCancelHandler(() -> watchers.remove(out));
    synchronized (this) {
      if (req.getSendInitialState()) {
        WatchModelsResponse.Builder initial = WatchModelsResponse.newBuilder();
        aliases.forEach(
            (name, map) -> {
              if (req.getNamesList().isEmpty() || req.getNamesList().contains(name)) {
                map.forEach(
                    (alias, version) ->
                        initial.addChanges(
                            AliasChange.newBuilder()
                                .setName(name)
                                .setAlias(alias)
                                .setVersion(version)
                                .setKind(AliasChangeKind.ALIAS_CHANGE_KIND_INITIAL)));
              }
            });
        out.onNext(initial.build());
      }
      watchers.add(out);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
