package io.propensity.inference.registry;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.engine.features.FeatureType;
import io.propensity.engine.labels.Target;
import io.propensity.inference.reload.AliasUpdate;
import io.propensity.inference.reload.Artifact;
import io.propensity.inference.reload.ModelRefusedException;
import io.propensity.inference.reload.ModelSource;
import io.propensity.inference.reload.ModelSourceException;
import io.propensity.inference.reload.RefusalReason;
import io.propensity.inference.serving.ArtifactFormat;
import io.propensity.inference.serving.FeatureSource;
import io.propensity.inference.serving.GoldenRow;
import io.propensity.inference.serving.ModelDescriptor;
import io.propensity.inference.serving.ModelEvaluation;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.ConfusionMatrix;
import io.propensity.runtime.metrics.LiftDecile;
import io.propensity.runtime.signing.ModelSignature;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import propensity.features.v1.FeatureDefinition;
import propensity.registry.v1.AliasChange;
import propensity.registry.v1.DownloadArtifactRequest;
import propensity.registry.v1.DownloadArtifactResponse;
import propensity.registry.v1.DownloadReportRequest;
import propensity.registry.v1.DownloadReportResponse;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.ListModelsResponse;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

/**
 * The model registry reached over gRPC ({@code registry.v1.ModelRegistryService}): the adapter
 * behind {@link ModelSource}, translating registry messages into the service's own types. Every
 * unary call and download carries a deadline; the watch stream is open-ended by design and is
 * cancelled by {@link ModelSource.Watch#cancel()}.
 */
public final class GrpcModelSource implements ModelSource {
  private final ModelRegistryClient registry;
  private final ModelRegistryClient downloads;
  private final ManagedChannel owned;
  private final String target;

  /** A source on a channel the caller owns. */
  public GrpcModelSource(
      Channel channel, String target, Duration deadline, Duration downloadDeadline) {
    this(channel, null, target, deadline, downloadDeadline);
  }

  private GrpcModelSource(
      Channel channel,
      ManagedChannel owned,
      String target,
      Duration deadline,
      Duration downloadDeadline) {
    this.registry = new ModelRegistryClient(channel, deadline);
    this.downloads = registry.withDeadline(downloadDeadline);
    this.owned = owned;
    this.target = target;
  }

  /** Connects (plaintext) to {@code host:port}; closing the source closes the channel. */
  public static GrpcModelSource connect(
      String target, Duration deadline, Duration downloadDeadline) {
    return connect(target, ChannelSecurity.plaintext(), deadline, downloadDeadline);
  }

  /**
   * Connects to {@code host:port} with {@code security} (TLS and the service's client certificate,
   * or plaintext); closing the source closes the channel.
   */
  public static GrpcModelSource connect(
      String target, ChannelSecurity security, Duration deadline, Duration downloadDeadline) {
    ManagedChannel ch = security.builder(target).maxInboundMessageSize(16 << 20).build();
    return new GrpcModelSource(ch, ch, target, deadline, downloadDeadline);
  }

  private ModelSourceException failure(String what, StatusRuntimeException e) {
    return new ModelSourceException(
        "model registry at "
            + target
            + ": "
            + what
            + " failed with "
            + e.getStatus().getCode()
            + (e.getStatus().getDescription() == null
                ? ""
                : " (" + e.getStatus().getDescription() + ")"),
        e);
  }

  @Override
  public List<String> modelNames() {
    List<String> names = new ArrayList<>();
    String token = "";
    try {
      do {
        ListModelsResponse page =
            registry.listModels(
                ListModelsRequest.newBuilder().setPageSize(500).setPageToken(token).build());
        for (Model m : page.getModelsList()) {
          names.add(m.getName());
        }
        token = page.getNextPageToken();
      } while (!token.isEmpty());
    } catch (StatusRuntimeException e) {
      throw failure("ListModels", e);
    }
    return List.copyOf(names);
  }

  @Override
  public OptionalLong aliasVersion(String name, String alias) {
    try {
      ModelVersion v =
          registry
              .getModelVersion(
                  GetModelVersionRequest.newBuilder()
                      .setName(name)
                      .setAlias(alias)
                      .setView(ModelVersionView.MODEL_VERSION_VIEW_BASIC)
                      .build())
              .getModelVersion();
      return OptionalLong.of(v.getVersion());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return OptionalLong.empty();
      }
      throw failure("GetModelVersion(" + name + ", alias " + alias + ")", e);
    }
  }

  @Override
  public ModelDescriptor describe(String name, long version) {
    try {
      return toDescriptor(
          registry
              .getModelVersion(
                  GetModelVersionRequest.newBuilder()
                      .setName(name)
                      .setVersion(version)
                      .setView(ModelVersionView.MODEL_VERSION_VIEW_FULL)
                      .build())
              .getModelVersion());
    } catch (StatusRuntimeException e) {
      throw failure("GetModelVersion(" + name + "@" + version + ")", e);
    }
  }

  @Override
  public Artifact download(String name, long version, long maxBytes) throws ModelRefusedException {
    // A download given up half way must not leave its call open until the deadline.
    Context.CancellableContext scope = Context.ROOT.withCancellation();
    Context previous = scope.attach();
    try {
      return read(name, version, maxBytes);
    } finally {
      scope.detach(previous);
      scope.cancel(null);
    }
  }

  @Override
  public Optional<String> report(String name, long version, long maxBytes) {
    Context.CancellableContext scope = Context.ROOT.withCancellation();
    Context previous = scope.attach();
    String label = name + "@" + version;
    try {
      Iterator<DownloadReportResponse> stream =
          downloads.downloadReport(
              DownloadReportRequest.newBuilder().setName(name).setVersion(version).build());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (stream.hasNext()) {
        DownloadReportResponse next = stream.next();
        if (next.hasHeader() && next.getHeader().getSizeBytes() > maxBytes) {
          return Optional.empty();
        }
        if (next.hasChunk()) {
          if ((long) bytes.size() + next.getChunk().getData().size() > maxBytes) {
            return Optional.empty();
          }
          next.getChunk().getData().writeTo(bytes);
        }
      }
      return Optional.of(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw failure("DownloadReport(" + label + ")", e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    } finally {
      scope.detach(previous);
      scope.cancel(null);
    }
  }

  private Artifact read(String name, long version, long maxBytes) throws ModelRefusedException {
    Iterator<DownloadArtifactResponse> stream =
        downloads.downloadArtifact(
            DownloadArtifactRequest.newBuilder().setName(name).setVersion(version).build());
    String label = name + "@" + version;
    try {
      if (!stream.hasNext()) {
        throw new ModelSourceException(
            "model registry at " + target + ": empty download of " + label);
      }
      DownloadArtifactResponse first = stream.next();
      if (!first.hasHeader()) {
        throw new ModelSourceException(
            "model registry at "
                + target
                + ": the download of "
                + label
                + " did not start with a header");
      }
      var header = first.getHeader();
      if (header.getSizeBytes() > maxBytes || header.getSizeBytes() < 0) {
        throw new ModelRefusedException(
            RefusalReason.TOO_LARGE,
            label
                + ": the registry announces "
                + header.getSizeBytes()
                + " bytes, at most "
                + maxBytes
                + " accepted");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) header.getSizeBytes());
      while (stream.hasNext()) {
        DownloadArtifactResponse next = stream.next();
        if (!next.hasChunk()) {
          continue;
        }
        if (next.getChunk().getOffset() != bytes.size()) {
          throw new ModelSourceException(
              "model registry at "
                  + target
                  + ": chunk at offset "
                  + next.getChunk().getOffset()
                  + " of "
                  + label
                  + ", expected "
                  + bytes.size());
        }
        if ((long) bytes.size() + next.getChunk().getData().size() > maxBytes) {
          throw new ModelRefusedException(
              RefusalReason.TOO_LARGE, label + ": more than " + maxBytes + " bytes sent");
        }
        next.getChunk().getData().writeTo(bytes);
      }
      return new Artifact(
          name,
          version,
          bytes.toByteArray(),
          header.getSha256(),
          header.getSizeBytes(),
          header.hasSignature()
              ? Optional.of(
                  new ModelSignature(
                      header.getSignature().getKeyId(),
                      header.getSignature().getAlgorithm(),
                      header.getSignature().getSignature().toByteArray()))
              : Optional.empty());
    } catch (StatusRuntimeException e) {
      throw failure("DownloadArtifact(" + label + ")", e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  @Override
  public Watch watch(List<String> names, WatchListener listener) {
    ModelRegistryClient.Watch watch =
        registry.watchModels(
            WatchModelsRequest.newBuilder().addAllNames(names).setSendInitialState(true).build(),
            new StreamObserver<WatchModelsResponse>() {
              @Override
              public void onNext(WatchModelsResponse value) {
                List<AliasUpdate> updates = new ArrayList<>(value.getChangesCount());
                for (AliasChange c : value.getChangesList()) {
                  updates.add(new AliasUpdate(c.getName(), c.getAlias(), c.getVersion()));
                }
                listener.aliases(updates);
              }

              @Override
              public void onError(Throwable t) {
                listener.ended(Optional.of(t));
              }

              @Override
              public void onCompleted() {
                listener.ended(Optional.empty());
              }
            });
    return () -> watch.cancel("inference-service stops watching");
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
      try {
        owned.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static ModelDescriptor toDescriptor(ModelVersion v) {
    List<String> problems = new ArrayList<>(1);
    Optional<Calibration> calibration = calibration(v, problems);
    Optional<String> calibrationProblem = problems.stream().findFirst();
    List<GoldenRow> golden = new ArrayList<>(v.getGoldenRowsCount());
    for (var g : v.getGoldenRowsList()) {
      golden.add(
          new GoldenRow(
              g.getValuesList().stream().mapToDouble(Double::doubleValue).toArray(),
              g.getExpectedProbability()));
    }
    return new ModelDescriptor(
        v.getName(),
        v.getVersion(),
        schema(v.getFeatureSchema()),
        target(v.getLineage().getTarget()),
        v.getThreshold(),
        v.getArtifactFormat() == propensity.registry.v1.ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT
            ? ArtifactFormat.LIGHTGBM_TEXT
            : ArtifactFormat.UNSUPPORTED,
        v.getArtifactSha256(),
        v.getArtifactSizeBytes(),
        golden,
        v.hasEvaluation() ? Optional.of(evaluation(v.getEvaluation())) : Optional.empty(),
        calibration.orElse(Calibration.none()),
        calibrationProblem);
  }

  /**
   * A version's schema; one registered before schemas recorded their source reads as ENGINE when
   * its hash is feature-engine's, PROVIDED otherwise.
   */
  static ModelSchema schema(propensity.features.v1.FeatureSchema s) {
    Optional<FeatureSource> registered =
        switch (s.getSource()) {
          case FEATURE_SOURCE_ENGINE -> Optional.of(FeatureSource.ENGINE);
          case FEATURE_SOURCE_PROVIDED -> Optional.of(FeatureSource.PROVIDED);
          default -> Optional.empty();
        };
    List<ModelSchema.Feature> features = new ArrayList<>(s.getFeaturesCount());
    for (FeatureDefinition f : s.getFeaturesList()) {
      features.add(
          new ModelSchema.Feature(
              f.getName(), featureType(f.getType()), f.getDescription(), f.getCategoriesList()));
    }
    return new ModelSchema(
        ModelSchema.sourceOf(registered, s.getVersionHash()), s.getVersionHash(), features);
  }

  private static Optional<FeatureType> featureType(propensity.features.v1.FeatureType t) {
    return switch (t) {
      case FEATURE_TYPE_NUMERIC -> Optional.of(FeatureType.NUMERIC);
      case FEATURE_TYPE_COUNT -> Optional.of(FeatureType.COUNT);
      case FEATURE_TYPE_RATIO -> Optional.of(FeatureType.RATIO);
      case FEATURE_TYPE_BOOLEAN -> Optional.of(FeatureType.BOOLEAN);
      case FEATURE_TYPE_CATEGORICAL -> Optional.of(FeatureType.CATEGORICAL);
      default -> Optional.empty();
    };
  }

  /**
   * The calibration a version serves through; empty, with the reason in {@code problem}, when its
   * numbers do not make one, or when it is missing although the version's evaluation compares
   * calibrated with uncalibrated probabilities (its probabilities were calibrated when it was
   * evaluated).
   */
  static Optional<Calibration> calibration(ModelVersion v, List<String> problem) {
    propensity.registry.v1.Calibration c = v.getCalibration();
    Calibration calibration;
    try {
      calibration =
          switch (c.getMethodCase()) {
            case PLATT -> Calibration.platt(c.getPlatt().getSlope(), c.getPlatt().getIntercept());
            case ISOTONIC ->
                Calibration.isotonic(
                    c.getIsotonic().getPointsList().stream()
                        .mapToDouble(propensity.registry.v1.CalibrationPoint::getRawScore)
                        .toArray(),
                    c.getIsotonic().getPointsList().stream()
                        .mapToDouble(propensity.registry.v1.CalibrationPoint::getProbability)
                        .toArray());
            case NONE, METHOD_NOT_SET -> Calibration.none();
          };
    } catch (IllegalArgumentException e) {
      problem.add(e.getMessage());
      return Optional.empty();
    }
    if (calibration instanceof Calibration.None
        && v.hasEvaluation()
        && v.getEvaluation().hasUncalibrated()) {
      problem.add(
          "the version has no calibration, but it was evaluated on calibrated probabilities");
      return Optional.empty();
    }
    return Optional.of(calibration);
  }

  static Optional<Target> target(propensity.features.v1.Target t) {
    return switch (t) {
      case TARGET_PURCHASE -> Optional.of(Target.PURCHASE);
      case TARGET_CHURN -> Optional.of(Target.CHURN);
      case TARGET_SESSION_CONVERSION -> Optional.of(Target.SESSION_CONVERSION);
      default -> Optional.empty();
    };
  }

  static ModelEvaluation evaluation(Evaluation e) {
    var cm = e.getConfusionMatrix();
    List<LiftDecile> deciles = new ArrayList<>();
    for (var d : e.getDecilesList()) {
      deciles.add(
          new LiftDecile(
              d.getDecile(),
              d.getRowCount(),
              d.getPositiveCount(),
              d.getMinProbability(),
              Double.NaN,
              d.getPositiveRate(),
              d.getLift(),
              d.getCumulativeGain(),
              d.getCumulativeLift()));
    }
    List<CalibrationBin> bins = new ArrayList<>();
    for (var b : e.getCalibrationBinsList()) {
      bins.add(
          new CalibrationBin(
              b.getLowerBound(),
              b.getUpperBound(),
              b.getRowCount(),
              b.getMeanPredictedProbability(),
              b.getObservedPositiveRate()));
    }
    return new ModelEvaluation(
        e.getModelKind(),
        e.getRowCount(),
        e.getPositiveCount(),
        e.getThreshold(),
        new ConfusionMatrix(
            Math.max(0, cm.getTruePositives()),
            Math.max(0, cm.getFalsePositives()),
            Math.max(0, cm.getTrueNegatives()),
            Math.max(0, cm.getFalseNegatives())),
        e.getPrecision(),
        e.getRecall(),
        e.getF1(),
        e.getRocAuc(),
        e.getPrAuc(),
        e.getLogLoss(),
        e.getBrier(),
        deciles,
        bins);
  }
}
