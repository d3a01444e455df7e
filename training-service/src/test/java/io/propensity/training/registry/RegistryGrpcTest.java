package io.propensity.training.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.propensity.common.grpc.ServiceConventionsChecks;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.MissingValues;
import propensity.features.v1.Target;
import propensity.registry.v1.AliasChange;
import propensity.registry.v1.AliasChangeKind;
import propensity.registry.v1.ArtifactFormat;
import propensity.registry.v1.Calibration;
import propensity.registry.v1.CalibrationBin;
import propensity.registry.v1.CalibrationPoint;
import propensity.registry.v1.Chunk;
import propensity.registry.v1.DecileLift;
import propensity.registry.v1.DownloadArtifactRequest;
import propensity.registry.v1.DownloadArtifactResponse;
import propensity.registry.v1.DownloadReportRequest;
import propensity.registry.v1.DownloadReportResponse;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.FeatureImportance;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.GoldenRow;
import propensity.registry.v1.IsotonicCalibration;
import propensity.registry.v1.Lineage;
import propensity.registry.v1.ListModelVersionsRequest;
import propensity.registry.v1.ListModelVersionsResponse;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;
import propensity.registry.v1.PlattScaling;
import propensity.registry.v1.PrPoint;
import propensity.registry.v1.RegisterModelVersionRequest;
import propensity.registry.v1.RegisterModelVersionResponse;
import propensity.registry.v1.RocPoint;
import propensity.registry.v1.RollbackRequest;
import propensity.registry.v1.RollbackResponse;
import propensity.registry.v1.SetAliasRequest;
import propensity.registry.v1.SetAliasResponse;
import propensity.registry.v1.TuningTrial;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

/** ModelRegistryService through a real gRPC channel, on the embedded registry. */
@MicronautTest(environments = "test")
class RegistryGrpcTest {
  private static final int MIB = 1 << 20;

  @Inject GrpcEmbeddedServer server;
  ManagedChannel channel;
  ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .maxInboundMessageSize(4 * MIB)
            .build();
    stub = ModelRegistryServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub call() {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // fixtures

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * {@code size} bytes of a LightGBM text model over the features {@link #metadata} names
   * (sessions_7d, cart_adds_7d), padded after its end with random lines of printable text (which no
   * parser reads; NUL and lone carriage returns are refused anywhere in a model text).
   */
  static byte[] artifact(int size, long seed) {
    return padded(VersionDetailsFixtures.servableModel(), size, seed);
  }

  static byte[] padded(String model, int size, long seed) {
    byte[] text = model.getBytes(StandardCharsets.UTF_8);
    byte[] b = bytes(size, seed);
    for (int i = 0; i < b.length; i++) {
      int r = b[i] & 0x3f;
      b[i] = (byte) (r == 0 ? '\n' : '0' + r);
    }
    System.arraycopy(text, 0, b, 0, text.length);
    return b;
  }

  /**
   * The probability {@link #metadata}'s golden row (3, 1) gets: leaf 2 of {@link
   * VersionDetailsFixtures#servableModel()}, raw score 1.1, through Platt scaling (0.9, −1.7).
   */
  static final double GOLDEN_PROBABILITY = 1 / (1 + Math.exp(-(0.9 * 1.1 - 1.7)));

  static ModelVersion.Builder metadata(String name, byte[] artifact) {
    Evaluation evaluation =
        Evaluation.newBuilder()
            .setModelKind("lightgbm")
            .setRowCount(1000)
            .setPositiveCount(100)
            .setThreshold(0.4)
            .setF1(0.61)
            .setPrecision(0.55)
            .setRecall(0.7)
            .setRocAuc(0.83)
            .setPrAuc(0.52)
            .setLogLoss(0.31)
            .setBrier(0.09)
            .addDeciles(DecileLift.newBuilder().setDecile(1).setLift(3.1))
            .addCalibrationBins(CalibrationBin.newBuilder().setUpperBound(0.1).setRowCount(600))
            .addRocCurve(RocPoint.newBuilder().setThreshold(1))
            .addRocCurve(RocPoint.newBuilder().setFalsePositiveRate(1).setTruePositiveRate(1))
            .addPrCurve(PrPoint.newBuilder().setRecall(1).setPrecision(0.1))
            .build();
    return ModelVersion.newBuilder()
        .setName(name)
        .setDescription("weekly retrain")
        .setTrainingJobId("job-1")
        .setEvaluation(evaluation)
        .putParams("num_leaves", "31")
        .setFeatureSchema(
            FeatureSchema.newBuilder()
                .addFeatures(FeatureDefinition.newBuilder().setName("sessions_7d"))
                .addFeatures(FeatureDefinition.newBuilder().setName("cart_adds_7d"))
                .setVersionHash("abc123"))
        .setLineage(
            Lineage.newBuilder()
                .setTarget(Target.TARGET_PURCHASE)
                .setTrainRowCount(800)
                .setSeed(42))
        .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT)
        .setArtifactSha256(BlobInfo.sha256Hex(artifact))
        .setArtifactSizeBytes(artifact.length)
        .setThreshold(0.4)
        .addGoldenRows(
            GoldenRow.newBuilder()
                .addValues(3)
                .addValues(1)
                .setExpectedProbability(GOLDEN_PROBABILITY))
        .addFeatureImportances(
            FeatureImportance.newBuilder().setFeature("sessions_7d").setMeanAbsShap(0.4))
        .addTuningTrials(TuningTrial.newBuilder().setTrial(1).setCvMetricMean(0.8).setBest(true))
        .setCalibration(
            Calibration.newBuilder()
                .setPlatt(PlattScaling.newBuilder().setSlope(0.9).setIntercept(-1.7))
                .setValidationRowCount(200)
                .setValidationPositiveCount(30)
                .setReason("Platt scaling as asked"));
  }

  /**
   * {@code sent} with what the registry adds to its schema: the source PROVIDED (its hash is not
   * feature-engine's) and native missing values.
   */
  static ModelVersion asStored(ModelVersion sent) {
    ModelVersion.Builder b = sent.toBuilder();
    b.getFeatureSchemaBuilder().setSource(FeatureSource.FEATURE_SOURCE_PROVIDED);
    for (FeatureDefinition.Builder f : b.getFeatureSchemaBuilder().getFeaturesBuilderList()) {
      f.setMissingValues(MissingValues.MISSING_VALUES_NATIVE);
    }
    return b.build();
  }

  static ModelVersion.Builder withReport(ModelVersion.Builder meta, byte[] report) {
    return meta.setReportSha256(BlobInfo.sha256Hex(report)).setReportSizeBytes(report.length);
  }

  static List<RegisterModelVersionRequest> messages(
      ModelVersion meta, byte[] artifact, int chunk, byte[] report) {
    List<RegisterModelVersionRequest> out = new ArrayList<>();
    out.add(RegisterModelVersionRequest.newBuilder().setModelVersion(meta).build());
    for (int off = 0; off < artifact.length; off += chunk) {
      out.add(
          RegisterModelVersionRequest.newBuilder()
              .setArtifactChunk(piece(artifact, off, chunk))
              .build());
    }
    for (int off = 0; off < report.length; off += chunk) {
      out.add(
          RegisterModelVersionRequest.newBuilder()
              .setReportChunk(piece(report, off, chunk))
              .build());
    }
    return out;
  }

  static Chunk piece(byte[] file, int offset, int chunk) {
    return Chunk.newBuilder()
        .setOffset(offset)
        .setData(ByteString.copyFrom(file, offset, Math.min(chunk, file.length - offset)))
        .build();
  }

  ModelVersion register(List<RegisterModelVersionRequest> requests) throws Exception {
    CompletableFuture<RegisterModelVersionResponse> answer = new CompletableFuture<>();
    StreamObserver<RegisterModelVersionRequest> in =
        ModelRegistryServiceGrpc.newStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .registerModelVersion(
                new StreamObserver<>() {
                  @Override
                  public void onNext(RegisterModelVersionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    for (RegisterModelVersionRequest r : requests) {
      in.onNext(r);
    }
    in.onCompleted();
    try {
      return answer.get(30, TimeUnit.SECONDS).getModelVersion();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw e;
    }
  }

  ModelVersion register(String name) throws Exception {
    byte[] artifact = artifact(1000, name.hashCode());
    return register(messages(metadata(name, artifact).build(), artifact, 400, new byte[0]));
  }

  StatusRuntimeException registerFails(List<RegisterModelVersionRequest> requests) {
    return catchThrowableOfType(StatusRuntimeException.class, () -> register(requests));
  }

  /** The refusal of a lookup of model {@code name}'s newest version. */
  StatusRuntimeException lookupFails(String name) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> call().getModelVersion(GetModelVersionRequest.newBuilder().setName(name).build()));
  }

  static List<String> violatedFields(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .findFirst()
        .map(
            a -> {
              try {
                return a.unpack(BadRequest.class).getFieldViolationsList().stream()
                    .map(BadRequest.FieldViolation::getField)
                    .toList();
              } catch (Exception ex) {
                throw new AssertionError(ex);
              }
            })
        .orElse(List.of());
  }

  // ---------------------------------------------------------------------------------------------
  // tests

  @Test
  void answersHealthAndListsTheRegistryThroughReflection() throws Exception {
    ServiceConventionsChecks.assertHealthyAndReflective(
        channel, "propensity.registry.v1.ModelRegistryService");
  }

  @Test
  void streamedArtifactBiggerThanAChunkDownloadsByteForByteWithItsChecksum() throws Exception {
    byte[] artifact = artifact(2 * MIB + 300_000, 11);
    byte[] report = "<html><body>metrics</body></html>".getBytes(StandardCharsets.UTF_8);
    ModelVersion sent = withReport(metadata("purchase-7d", artifact), report).build();

    ModelVersion registered = register(messages(sent, artifact, MIB, report));

    assertThat(registered.getVersion()).isEqualTo(1);
    assertThat(registered.hasCreatedAt()).isTrue();
    assertThat(registered.getArtifactSha256()).isEqualTo(BlobInfo.sha256Hex(artifact));
    assertThat(registered.toBuilder().clearVersion().clearCreatedAt().clearSignature().build())
        .isEqualTo(asStored(sent));
    assertThat(registered.getSignature().getKeyId()).matches("[0-9a-f]{16}");
    assertThat(registered.getSignature().getAlgorithm()).isEqualTo("Ed25519");
    assertThat(registered.getSignature().getSignature().size()).isEqualTo(64);

    Iterator<DownloadArtifactResponse> download =
        call()
            .downloadArtifact(
                DownloadArtifactRequest.newBuilder().setName("purchase-7d").setVersion(1).build());
    DownloadArtifactResponse first = download.next();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    int chunks = 0;
    while (download.hasNext()) {
      Chunk chunk = download.next().getChunk();
      assertThat(chunk.getOffset()).isEqualTo(received.size());
      assertThat(chunk.getData().size()).isBetween(1, MIB);
      chunk.getData().writeTo(received);
      chunks++;
    }

    assertThat(first.getHeader().getSizeBytes()).isEqualTo(artifact.length);
    assertThat(first.getHeader().getSha256()).isEqualTo(BlobInfo.sha256Hex(artifact));
    assertThat(first.getHeader().getContentType()).isEqualTo("text/plain");
    assertThat(first.getHeader().getArtifactFormat())
        .isEqualTo(ArtifactFormat.ARTIFACT_FORMAT_LIGHTGBM_TEXT);
    assertThat(first.getHeader().getVersion()).isEqualTo(1);
    assertThat(first.getHeader().getSignature()).isEqualTo(registered.getSignature());
    assertThat(chunks).isEqualTo(3);
    assertThat(received.toByteArray()).isEqualTo(artifact);
    assertThat(BlobInfo.sha256Hex(received.toByteArray())).isEqualTo(first.getHeader().getSha256());

    // resuming from an offset sends the header again, then only the rest
    Iterator<DownloadArtifactResponse> resumed =
        call()
            .downloadArtifact(
                DownloadArtifactRequest.newBuilder()
                    .setName("purchase-7d")
                    .setOffset(artifact.length - 10)
                    .build());
    assertThat(resumed.next().getHeader().getSizeBytes()).isEqualTo(artifact.length);
    Chunk tail = resumed.next().getChunk();
    assertThat(tail.getOffset()).isEqualTo(artifact.length - 10);
    assertThat(tail.getData().toByteArray()).hasSize(10);
    assertThat(resumed.hasNext()).isFalse();

    Iterator<DownloadReportResponse> html =
        call()
            .downloadReport(
                DownloadReportRequest.newBuilder().setName("purchase-7d").setVersion(1).build());
    assertThat(html.next().getHeader().getContentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(html.next().getChunk().getData().toStringUtf8())
        .isEqualTo(new String(report, StandardCharsets.UTF_8));
    assertThat(html.hasNext()).isFalse();
  }

  @Test
  void getReturnsEveryFieldInFullViewAndLeavesTheBulkyListsOutInBasic() throws Exception {
    ModelVersion sent = register("basic-full");

    ModelVersion full =
        call()
            .getModelVersion(GetModelVersionRequest.newBuilder().setName("basic-full").build())
            .getModelVersion();
    ModelVersion basic =
        call()
            .getModelVersion(
                GetModelVersionRequest.newBuilder()
                    .setName("basic-full")
                    .setVersion(1)
                    .setView(ModelVersionView.MODEL_VERSION_VIEW_BASIC)
                    .build())
            .getModelVersion();

    assertThat(full).isEqualTo(sent);
    assertThat(full.getGoldenRowsCount()).isEqualTo(1);
    assertThat(full.getEvaluation().getRocCurveCount()).isEqualTo(2);
    assertThat(basic.getGoldenRowsList()).isEmpty();
    assertThat(basic.getFeatureImportancesList()).isEmpty();
    assertThat(basic.getTuningTrialsList()).isEmpty();
    assertThat(basic.getEvaluation().getRocCurveList()).isEmpty();
    assertThat(basic.getEvaluation().getPrCurveList()).isEmpty();
    assertThat(basic.getEvaluation().getCalibrationBinsList()).isEmpty();
    assertThat(basic.getEvaluation().getDecilesCount()).isEqualTo(1);
    assertThat(basic.getEvaluation().getRocAuc()).isEqualTo(0.83);
    assertThat(basic.getDescription()).isEqualTo("weekly retrain");
    // the calibration is how the version scores: both views carry it whole
    assertThat(full.getCalibration().getPlatt().getIntercept()).isEqualTo(-1.7);
    assertThat(basic.getCalibration()).isEqualTo(full.getCalibration());
  }

  @Test
  void aCalibrationThatIsNotMonotoneOrFiniteIsInvalidArgumentNamingIt() {
    byte[] artifact = artifact(1000, 6);
    ModelVersion.Builder good = metadata("miscalibrated", artifact);
    Calibration decreasing =
        Calibration.newBuilder()
            .setIsotonic(
                IsotonicCalibration.newBuilder()
                    .addPoints(CalibrationPoint.newBuilder().setRawScore(-1).setProbability(0.4))
                    .addPoints(CalibrationPoint.newBuilder().setRawScore(1).setProbability(0.2)))
            .build();
    Calibration notFinite =
        Calibration.newBuilder()
            .setPlatt(PlattScaling.newBuilder().setSlope(Double.NaN).setIntercept(0))
            .build();
    Calibration countsOff =
        Calibration.newBuilder()
            .setPlatt(PlattScaling.newBuilder().setSlope(1))
            .setValidationRowCount(10)
            .setValidationPositiveCount(11)
            .build();

    StatusRuntimeException notMonotone =
        registerFails(
            messages(good.clone().setCalibration(decreasing).build(), artifact, 1000, new byte[0]));
    StatusRuntimeException nan =
        registerFails(
            messages(good.clone().setCalibration(notFinite).build(), artifact, 1000, new byte[0]));
    StatusRuntimeException counts =
        registerFails(
            messages(good.clone().setCalibration(countsOff).build(), artifact, 1000, new byte[0]));

    assertThat(List.of(notMonotone, nan, counts))
        .allSatisfy(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(violatedFields(notMonotone))
        .containsExactly("model_version.calibration.isotonic.points");
    assertThat(notMonotone.getStatus().getDescription())
        .contains("point 1: probability 0.2 is below the previous point's 0.4");
    assertThat(violatedFields(nan)).containsExactly("model_version.calibration.platt");
    assertThat(nan.getStatus().getDescription()).contains("slope NaN is not a finite number");
    assertThat(violatedFields(counts))
        .containsExactly("model_version.calibration.validation_positive_count");
  }

  @Test
  void aliasChangesReachTheWatcherAndRollbackMovesProductionBack() throws Exception {
    register("churn-30d");
    register("churn-30d");
    BlockingQueue<WatchModelsResponse> watched = new LinkedBlockingQueue<>();
    AtomicReference<ClientCallStreamObserver<WatchModelsRequest>> watch = new AtomicReference<>();
    ModelRegistryServiceGrpc.newStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .watchModels(
            WatchModelsRequest.newBuilder().addNames("churn-30d").setSendInitialState(true).build(),
            new ClientResponseObserver<WatchModelsRequest, WatchModelsResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<WatchModelsRequest> requestStream) {
                watch.set(requestStream);
              }

              @Override
              public void onNext(WatchModelsResponse value) {
                watched.add(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    WatchModelsResponse initial = watched.poll(10, TimeUnit.SECONDS);
    assertThat(initial).isNotNull();
    assertThat(initial.getChangesList()).isEmpty();

    SetAliasResponse first =
        call()
            .setAlias(
                SetAliasRequest.newBuilder()
                    .setName("churn-30d")
                    .setAlias("production")
                    .setVersion(1)
                    .build());
    SetAliasResponse second =
        call()
            .setAlias(
                SetAliasRequest.newBuilder()
                    .setName("churn-30d")
                    .setAlias("production")
                    .setVersion(2)
                    .setExpectedCurrentVersion(1)
                    .build());
    StatusRuntimeException staleCas =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .setAlias(
                        SetAliasRequest.newBuilder()
                            .setName("churn-30d")
                            .setAlias("production")
                            .setVersion(1)
                            .setExpectedCurrentVersion(1)
                            .build()));
    RollbackResponse rolledBack =
        call().rollback(RollbackRequest.newBuilder().setName("churn-30d").build());
    StatusRuntimeException nothingEarlier =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .rollback(
                        RollbackRequest.newBuilder()
                            .setName("churn-30d")
                            .setAlias("production")
                            .build()));

    assertThat(first.getPreviousVersion()).isZero();
    assertThat(first.getModelVersion().getAliasesList()).containsExactly("production");
    assertThat(first.getModelVersion().getGoldenRowsList()).isEmpty();
    assertThat(second.getPreviousVersion()).isEqualTo(1);
    assertThat(staleCas.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(rolledBack.getModelVersion().getVersion()).isEqualTo(1);
    assertThat(rolledBack.getRolledBackVersion()).isEqualTo(2);
    assertThat(nothingEarlier.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);

    List<AliasChange> changes = new ArrayList<>();
    while (changes.size() < 3) {
      WatchModelsResponse next = watched.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("watch update %d", changes.size() + 1).isNotNull();
      assertThat(next.getChangesCount()).isEqualTo(1);
      changes.add(next.getChanges(0));
    }
    assertThat(changes)
        .extracting(c -> c.getPreviousVersion() + "->" + c.getVersion() + " " + c.getKind())
        .containsExactly(
            "0->1 ALIAS_CHANGE_KIND_SET",
            "1->2 ALIAS_CHANGE_KIND_SET",
            "2->1 ALIAS_CHANGE_KIND_ROLLBACK");
    assertThat(changes).allSatisfy(c -> assertThat(c.getAlias()).isEqualTo("production"));
    assertThat(changes.get(0).hasChangedAt()).isTrue();

    // a new watcher's initial state is where things stand now
    Iterator<WatchModelsResponse> second2 =
        stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .watchModels(
                WatchModelsRequest.newBuilder()
                    .addNames("churn-30d")
                    .setSendInitialState(true)
                    .build());
    AliasChange now = second2.next().getChanges(0);
    assertThat(now.getKind()).isEqualTo(AliasChangeKind.ALIAS_CHANGE_KIND_INITIAL);
    assertThat(now.getVersion()).isEqualTo(1);

    watch.get().cancel("test done", null);
  }

  @Test
  void versionsAndModelsAreListedPageByPage() throws Exception {
    register("paged");
    register("paged");
    register("paged");
    call()
        .setAlias(
            SetAliasRequest.newBuilder()
                .setName("paged")
                .setAlias("staging")
                .setVersion(3)
                .build());

    ListModelVersionsResponse page1 =
        call()
            .listModelVersions(
                ListModelVersionsRequest.newBuilder().setName("paged").setPageSize(2).build());
    ListModelVersionsResponse page2 =
        call()
            .listModelVersions(
                ListModelVersionsRequest.newBuilder()
                    .setName("paged")
                    .setPageSize(2)
                    .setPageToken(page1.getNextPageToken())
                    .build());
    StatusRuntimeException badToken =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .listModelVersions(
                        ListModelVersionsRequest.newBuilder()
                            .setName("paged")
                            .setPageToken("garbage!")
                            .build()));
    List<Model> models = new ArrayList<>();
    String token = "";
    do {
      var page =
          call()
              .listModels(
                  ListModelsRequest.newBuilder().setPageSize(1).setPageToken(token).build());
      models.addAll(page.getModelsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(page1.getModelVersionsList())
        .extracting(ModelVersion::getVersion)
        .containsExactly(3L, 2L);
    assertThat(page1.getModelVersions(0).getGoldenRowsList()).isEmpty();
    assertThat(page1.getModelVersions(0).getAliasesList()).containsExactly("staging");
    assertThat(page2.getModelVersionsList())
        .extracting(ModelVersion::getVersion)
        .containsExactly(1L);
    assertThat(page2.getNextPageToken()).isEmpty();
    assertThat(badToken.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(badToken)).containsExactly("page_token");
    assertThat(models).extracting(Model::getName).isSorted().contains("paged");
    Model paged =
        models.stream().filter(m -> m.getName().equals("paged")).findFirst().orElseThrow();
    assertThat(paged.getLatestVersion()).isEqualTo(3);
    assertThat(paged.getVersionCount()).isEqualTo(3);
    assertThat(paged.getAliasesMap()).containsEntry("staging", 3L);
    assertThat(paged.getTarget()).isEqualTo(Target.TARGET_PURCHASE);
  }

  @Test
  void aVersionWhoseSchemaDoesNotDescribeItsArtifactIsInvalidArgumentSayingWhatDiffers() {
    byte[] artifact = artifact(1000, 8);
    ModelVersion.Builder swapped = metadata("mismatched", artifact);
    swapped.getFeatureSchemaBuilder().getFeaturesBuilder(0).setName("cart_adds_7d");
    swapped.getFeatureSchemaBuilder().getFeaturesBuilder(1).setName("sessions_7d");
    ModelVersion.Builder categorical = metadata("mismatched", artifact);
    categorical
        .getFeatureSchemaBuilder()
        .getFeaturesBuilder(1)
        .setType(propensity.features.v1.FeatureType.FEATURE_TYPE_CATEGORICAL);

    StatusRuntimeException names =
        registerFails(messages(swapped.build(), artifact, 400, new byte[0]));
    StatusRuntimeException notCategorical =
        registerFails(messages(categorical.build(), artifact, 400, new byte[0]));

    assertThat(names.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(names))
        .containsExactly("model_version.feature_schema.features[0].name");
    assertThat(names.getStatus().getDescription())
        .contains("expected 'cart_adds_7d' at position 0")
        .contains("feature_names has 'sessions_7d' there");
    assertThat(notCategorical.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(notCategorical))
        .containsExactly("model_version.feature_schema.features[1].type");
    StatusRuntimeException nothingStored = lookupFails("mismatched");
    assertThat(nothingStored.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void anUploadSignatureIsRefusedByARegistryThatTrustsNoUploaderKeysAndNothingIsStored() {
    byte[] artifact = artifact(1000, 9);
    ModelVersion.Builder signed = metadata("self-signed", artifact);
    signed
        .getUploadSignatureBuilder()
        .setKeyId("0123456789abcdef")
        .setAlgorithm("Ed25519")
        .setSignature(ByteString.copyFrom(new byte[64]));

    StatusRuntimeException refused =
        registerFails(messages(signed.build(), artifact, 400, new byte[0]));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(refused)).containsExactly("model_version.upload_signature");
    assertThat(refused.getStatus().getDescription()).contains("trusts no uploader keys");
    assertThat(lookupFails("self-signed").getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void malformedRegistrationsAreInvalidArgumentNamingTheFieldAndStoreNothing() {
    byte[] artifact = artifact(1000, 5);
    ModelVersion good = metadata("refused", artifact).build();

    StatusRuntimeException chunkFirst =
        registerFails(
            List.of(
                RegisterModelVersionRequest.newBuilder()
                    .setArtifactChunk(piece(artifact, 0, 1000))
                    .build()));
    StatusRuntimeException badMetadata =
        registerFails(
            messages(
                good.toBuilder()
                    .setName("Not A Name")
                    .setArtifactFormat(ArtifactFormat.ARTIFACT_FORMAT_UNSPECIFIED)
                    .clearFeatureSchema()
                    .setArtifactSha256("xyz")
                    .build(),
                artifact,
                1000,
                new byte[0]));
    List<RegisterModelVersionRequest> gap =
        new ArrayList<>(messages(good, artifact, 400, new byte[0]));
    gap.remove(2);
    StatusRuntimeException missingChunk = registerFails(gap);
    List<RegisterModelVersionRequest> truncated =
        new ArrayList<>(messages(good, artifact, 400, new byte[0]));
    truncated.remove(truncated.size() - 1);
    StatusRuntimeException tooFew = registerFails(truncated);
    byte[] tampered = artifact.clone();
    tampered[500] ^= 1;
    StatusRuntimeException wrongChecksum =
        registerFails(messages(good, tampered, 400, new byte[0]));
    StatusRuntimeException reportWithoutHeader =
        registerFails(messages(good, artifact, 400, "<html/>".getBytes(StandardCharsets.UTF_8)));

    assertThat(
            List.of(
                chunkFirst, badMetadata, missingChunk, tooFew, wrongChecksum, reportWithoutHeader))
        .allSatisfy(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(violatedFields(chunkFirst)).containsExactly("artifact_chunk");
    assertThat(violatedFields(badMetadata))
        .containsExactly(
            "model_version.name",
            "model_version.feature_schema",
            "model_version.artifact_format",
            "model_version.artifact_sha256");
    assertThat(violatedFields(missingChunk)).containsExactly("artifact_chunk[1].offset");
    assertThat(violatedFields(tooFew)).containsExactly("artifact_chunk");
    assertThat(violatedFields(wrongChecksum)).containsExactly("model_version.artifact_sha256");
    assertThat(violatedFields(reportWithoutHeader)).containsExactly("report_chunk");
    StatusRuntimeException nothingStored = lookupFails("refused");
    assertThat(nothingStored.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void anArtifactInferenceCouldNotServeIsInvalidArgumentSayingWhyAndNothingIsStored() {
    String model = VersionDetailsFixtures.servableModel();
    byte[] truncated =
        model.substring(0, model.indexOf("leaf_value")).getBytes(StandardCharsets.UTF_8);
    byte[] random = bytes(1000, 99);
    byte[] childOutside = padded(VersionDetailsFixtures.servableModel("-1 -2", "7 -3"), 1000, 1);
    byte[] childIsItself = padded(VersionDetailsFixtures.servableModel("-1 -2", "0 -3"), 1000, 2);
    byte[] cycle = padded(VersionDetailsFixtures.servableModel("-1 0", "1 -3"), 1000, 3);
    byte[] threeFeatures = padded(model.replace("max_feature_idx=1", "max_feature_idx=2"), 1000, 4);
    byte[] good = artifact(1000, 5);
    ModelVersion.Builder wrongGolden = metadata("unservable", good);
    wrongGolden.getGoldenRowsBuilder(0).setExpectedProbability(0.27);
    ModelVersion.Builder threeInSchema = metadata("unservable", good);
    threeInSchema
        .getFeatureSchemaBuilder()
        .addFeatures(FeatureDefinition.newBuilder().setName("x"));
    threeInSchema.getGoldenRowsBuilder(0).addValues(0);

    StatusRuntimeException cut = registerFails(messages(truncated));
    StatusRuntimeException noise = registerFails(messages(random));
    StatusRuntimeException outside = registerFails(messages(childOutside));
    StatusRuntimeException itself = registerFails(messages(childIsItself));
    StatusRuntimeException loop = registerFails(messages(cycle));
    StatusRuntimeException featureCount = registerFails(messages(threeFeatures));
    StatusRuntimeException golden =
        registerFails(messages(wrongGolden.build(), good, 400, new byte[0]));
    StatusRuntimeException schemaCount =
        registerFails(messages(threeInSchema.build(), good, 400, new byte[0]));

    assertThat(List.of(cut, noise, outside, itself, loop, featureCount, golden, schemaCount))
        .allSatisfy(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(List.of(cut, noise, outside, itself, loop, featureCount))
        .allSatisfy(e -> assertThat(violatedFields(e)).containsExactly("artifact"));
    assertThat(cut.getStatus().getDescription()).contains("truncated LightGBM model");
    assertThat(noise.getStatus().getDescription()).contains("corrupt LightGBM model");
    assertThat(outside.getStatus().getDescription())
        .contains("tree 0")
        .contains("node 0 has right_child 7");
    assertThat(itself.getStatus().getDescription()).contains("tree 0").contains("not a tree");
    assertThat(loop.getStatus().getDescription()).contains("tree 0").contains("not a tree");
    assertThat(featureCount.getStatus().getDescription())
        .contains("feature_names has 2 values but max_feature_idx declares 3 features");
    assertThat(violatedFields(golden)).containsExactly("model_version.golden_rows[0]");
    assertThat(golden.getStatus().getDescription())
        .contains("scores " + GOLDEN_PROBABILITY)
        .contains("expected_probability is 0.27");
    assertThat(violatedFields(schemaCount))
        .containsExactly("model_version.feature_schema.features");
    StatusRuntimeException nothingStored = lookupFails("unservable");
    assertThat(nothingStored.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  /** The messages registering {@code artifact} as a version of model unservable. */
  static List<RegisterModelVersionRequest> messages(byte[] artifact) {
    return messages(metadata("unservable", artifact).build(), artifact, 400, new byte[0]);
  }

  @Test
  void aChunkOverTheContractsOneMibIsInvalidArgumentNamingIt() {
    byte[] artifact = artifact(3 * MIB, 12);
    ModelVersion meta = metadata("big-chunks", artifact).build();
    List<RegisterModelVersionRequest> requests =
        new ArrayList<>(messages(meta, artifact, MIB, new byte[0]));
    // the second chunk carries 1 MiB + 1 byte; the third starts 1 byte later to stay in order
    requests.set(
        2,
        RegisterModelVersionRequest.newBuilder()
            .setArtifactChunk(piece(artifact, MIB, MIB + 1))
            .build());
    requests.set(
        3,
        RegisterModelVersionRequest.newBuilder()
            .setArtifactChunk(piece(artifact, 2 * MIB + 1, MIB))
            .build());

    StatusRuntimeException tooBig = registerFails(requests);

    assertThat(tooBig.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(tooBig)).containsExactly("artifact_chunk[1].data");
    assertThat(tooBig.getStatus().getDescription())
        .contains((MIB + 1) + " bytes is more than the " + MIB + " (1 MiB) a chunk may hold");
    assertThat(lookupFails("big-chunks").getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void unknownModelsVersionsAliasesAndReportsAreNotFoundAndBadSelectorsInvalid() throws Exception {
    register("lookup");

    assertThat(
            code(
                () ->
                    call()
                        .getModelVersion(
                            GetModelVersionRequest.newBuilder().setName("nobody").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    call()
                        .getModelVersion(
                            GetModelVersionRequest.newBuilder()
                                .setName("lookup")
                                .setVersion(7)
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    call()
                        .getModelVersion(
                            GetModelVersionRequest.newBuilder()
                                .setName("lookup")
                                .setAlias("production")
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    call()
                        .downloadReport(
                            DownloadReportRequest.newBuilder().setName("lookup").build())
                        .next()))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> call().rollback(RollbackRequest.newBuilder().setName("lookup").build())))
        .isEqualTo(Status.Code.NOT_FOUND);

    StatusRuntimeException versionZero =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .getModelVersion(
                        GetModelVersionRequest.newBuilder()
                            .setName("lookup")
                            .setVersion(0)
                            .build()));
    StatusRuntimeException badAlias =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .setAlias(
                        SetAliasRequest.newBuilder()
                            .setName("lookup")
                            .setAlias("Prod")
                            .setVersion(1)
                            .build()));
    StatusRuntimeException badOffset =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .downloadArtifact(
                        DownloadArtifactRequest.newBuilder()
                            .setName("lookup")
                            .setOffset(1001)
                            .build())
                    .next());
    StatusRuntimeException badPageSize =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> call().listModels(ListModelsRequest.newBuilder().setPageSize(501).build()));
    StatusRuntimeException badWatch =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                call()
                    .watchModels(
                        WatchModelsRequest.newBuilder().addNames("lookup").addNames("BAD").build())
                    .next());

    assertThat(violatedFields(versionZero)).containsExactly("version");
    assertThat(violatedFields(badAlias)).containsExactly("alias");
    assertThat(violatedFields(badOffset)).containsExactly("offset");
    assertThat(violatedFields(badPageSize)).containsExactly("page_size");
    assertThat(violatedFields(badWatch)).containsExactly("names[1]");
  }

  private static Status.Code code(Runnable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::run).getStatus().getCode();
  }
}
