package io.propensity.inference.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.LoggedService;
import io.propensity.inference.testing.Protos;
import io.propensity.inference.testing.ServingChannels;
import io.propensity.inference.testing.TestModels;
import io.propensity.runtime.drift.DriftReference;
import io.propensity.runtime.drift.DriftReferenceText;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.drift.DriftReferences;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.DriftDistribution;
import propensity.inference.v1.DriftStatus;
import propensity.inference.v1.GetDriftRequest;
import propensity.inference.v1.GetDriftResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictBatchRequest;

/**
 * Served traffic drawn from the training distribution shows no drift; the same traffic with one
 * feature shifted shows that feature (and only it) drifting; a version without a reference says
 * drift is unavailable. Through real gRPC calls, the served-prediction log (SQLite) and the
 * reference carried in the version's training report.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftGrpcTest implements TestPropertyProvider {
  static final String MODEL = TestModels.small(3);
  static final String SHIFTED_FEATURE = "hours_since_last_event";
  static final int LIVE_ROWS = 3_000;

  FakeModelRegistry registry;
  Path dir;
  @Inject GrpcEmbeddedServer server;
  @Inject MeterRegistry meters;
  @Inject DriftMonitor monitor;
  @Inject DriftAnalyzer analyzer;
  ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    String html = DriftReferenceText.embed("<html><body>report</body></html>", reference());
    for (String name : new String[] {"drift-same", "drift-shifted"}) {
      long v = registry.register(name, MODEL);
      registry.setReport(name, v, html);
      registry.promote(name, v);
    }
    registry.promote("drift-old", registry.register("drift-old", MODEL));
    long v = registry.register("drift-before", MODEL);
    registry.setReport("drift-before", v, "<html><body>an older report</body></html>");
    registry.promote("drift-before", v);
    dir = LoggedService.newLogDirectory("drift");
    return LoggedService.properties(
        registry,
        null,
        dir,
        "propensity.inference.default-model",
        "drift-same",
        "propensity.inference.drift.min-rows",
        "1000",
        "propensity.inference.drift.interval",
        "1h");
  }

  /** The reference training records: every training row's features, and the model's scores. */
  static DriftReference reference() {
    double[][] rows = TestModels.data().rows();
    Dataset data = Dataset.ofNumeric(TestModels.SCHEMA.names(), rows, new boolean[rows.length]);
    return DriftReferences.of(data, IntStream.range(0, rows.length).toArray(), scores(rows));
  }

  static double[] scores(double[][] rows) {
    try (LGBMBooster booster = LGBMBooster.loadModelFromString(MODEL)) {
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] =
            booster
                .predictForMat(
                    rows[i], 1, rows[i].length, true, PredictionType.C_API_PREDICT_NORMAL)[0];
      }
      return out;
    } catch (LGBMException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  void serveTraffic() {
    channel = ServingChannels.openWhenServing(server.getPort(), 4);
    await().atMost(Duration.ofSeconds(60)).until(() -> loaded("drift-shifted"));
    int shifted = TestModels.SCHEMA.indexOf(SHIFTED_FEATURE);
    double[][] training = TestModels.data().rows();
    Random random = new Random(17);
    PredictBatchRequest.Builder same = PredictBatchRequest.newBuilder().setModelName("drift-same");
    PredictBatchRequest.Builder moved =
        PredictBatchRequest.newBuilder().setModelName("drift-shifted");
    for (int i = 0; i < LIVE_ROWS; i++) {
      // live traffic drawn from the training distribution
      double[] row = training[random.nextInt(training.length)].clone();
      same.addInputs(Protos.vector(row));
      row[shifted] = row[shifted] * 3 + 200;
      moved.addInputs(Protos.vector(row));
      if (same.getInputsCount() == 500) {
        stub().predictBatch(same.build());
        stub().predictBatch(moved.build());
        same.clearInputs();
        moved.clearInputs();
      }
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String model : new String[] {"drift-same", "drift-shifted"}) {
                GetDriftResponse r = drift(model);
                assertThat(r.getRowsUsed())
                    .as(
                        "%s: %s %s, %d rows, %d without values",
                        model,
                        r.getStatus(),
                        r.getReason(),
                        r.getRowsUsed(),
                        r.getRowsWithoutValues())
                    .isEqualTo(LIVE_ROWS);
              }
            });
  }

  boolean loaded(String name) {
    try {
      stub()
          .getModelInfo(
              propensity.inference.v1.GetModelInfoRequest.newBuilder().setModelName(name).build());
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @AfterAll
  void close() throws Exception {
    ServingChannels.close(channel);
    registry.close();
  }

  InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  GetDriftResponse drift(String model) {
    return stub().getDrift(GetDriftRequest.newBuilder().setModelName(model).build());
  }

  @Test
  void trafficFromTheTrainingDistributionShowsNoDrift() {
    GetDriftResponse r = drift("drift-same");
    assertThat(r.getStatus()).isEqualTo(DriftStatus.DRIFT_STATUS_AVAILABLE);
    assertThat(r.getModelVersion()).isEqualTo(1);
    assertThat(r.getReferenceRows()).isEqualTo(TestModels.data().rows().length);
    assertThat(r.getFeaturesCount()).isEqualTo(TestModels.SCHEMA.size());
    for (DriftDistribution d : r.getFeaturesList()) {
      assertThat(d.getPsi()).as(d.getName()).isLessThan(0.1);
      assertThat(d.getBinsList().stream().mapToDouble(b -> b.getLiveShare()).sum())
          .as(d.getName())
          .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    }
    assertThat(r.getScore().getPsi()).isLessThan(0.1);
  }

  @Test
  void aShiftedFeatureStandsOutAndTheOthersStayQuiet() {
    GetDriftResponse r = drift("drift-shifted");
    assertThat(r.getStatus()).isEqualTo(DriftStatus.DRIFT_STATUS_AVAILABLE);
    DriftDistribution first = r.getFeatures(0);
    assertThat(first.getName()).isEqualTo(SHIFTED_FEATURE);
    assertThat(first.getPsi()).isGreaterThan(0.25);
    for (DriftDistribution d : r.getFeaturesList().subList(1, r.getFeaturesCount())) {
      assertThat(d.getPsi()).as(d.getName()).isLessThan(0.1);
    }
    // sorted, largest first
    double[] psi = r.getFeaturesList().stream().mapToDouble(DriftDistribution::getPsi).toArray();
    double[] sorted = psi.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < psi.length; i++) {
      assertThat(psi[i]).isEqualTo(sorted[psi.length - 1 - i]);
    }
  }

  @Test
  void theMonitorPublishesPrometheusGauges() {
    monitor.runOnce();
    assertThat(
            meters
                .get("propensity.drift.psi")
                .tags("model", "drift-shifted", "version", "1", "feature", SHIFTED_FEATURE)
                .gauge()
                .value())
        .isGreaterThan(0.25);
    assertThat(
            meters
                .get("propensity.drift.psi")
                .tags("model", "drift-same", "version", "1", "feature", SHIFTED_FEATURE)
                .gauge()
                .value())
        .isLessThan(0.1);
    assertThat(meters.get("propensity.drift.score.psi").tags("model", "drift-same").gauge().value())
        .isLessThan(0.1);
    assertThat(meters.get("propensity.drift.rows").tags("model", "drift-same").gauge().value())
        .isEqualTo(LIVE_ROWS);
    assertThat(meters.get("propensity.drift.available").tags("model", "drift-old").gauge().value())
        .isZero();
    assertThat(meters.find("propensity.drift.psi").tags("model", "drift-old").gauges()).isEmpty();
  }

  @Test
  void shadowVersionsAreMonitoredUnderTheirAlias() {
    monitor.runOnce();
    assertThat(
            meters
                .get("propensity.drift.psi")
                .tags("model", "drift-shifted", "alias", "production", "feature", SHIFTED_FEATURE)
                .gauge()
                .value())
        .isGreaterThan(0.25);

    // the shifted model's version scored in the shadow of production under alias 'challenger'
    SimpleMeterRegistry shadowMeters = new SimpleMeterRegistry();
    DriftMonitor withShadow =
        new DriftMonitor(
            analyzer,
            new ServedModels("drift-same"),
            "production",
            () -> List.of(new DriftMonitor.ShadowVersion("drift-shifted", 1, "challenger")),
            Duration.ofDays(1),
            shadowMeters,
            Clock.systemUTC());
    List<DriftReport> reports = withShadow.runOnce();

    assertThat(reports).hasSize(1);
    assertThat(
            shadowMeters
                .get("propensity.drift.psi")
                .tags(
                    "model",
                    "drift-shifted",
                    "version",
                    "1",
                    "alias",
                    "challenger",
                    "feature",
                    SHIFTED_FEATURE)
                .gauge()
                .value())
        .isGreaterThan(0.25);
    assertThat(
            shadowMeters
                .get("propensity.drift.rows")
                .tags("model", "drift-shifted", "alias", "challenger")
                .gauge()
                .value())
        .isEqualTo(LIVE_ROWS);
    assertThat(shadowMeters.find("propensity.drift.rows").tags("alias", "production").gauges())
        .isEmpty();
    assertThat(withShadow.latestShadow()).containsOnlyKeys("drift-shifted@challenger");
    assertThat(withShadow.latest()).isEmpty();
  }

  @Test
  void aVersionWithoutAReferenceIsUnavailableWithTheReasonNotAnError() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> loaded("drift-old") && loaded("drift-before"));
    GetDriftResponse none = drift("drift-old");
    assertThat(none.getStatus()).isEqualTo(DriftStatus.DRIFT_STATUS_UNAVAILABLE);
    assertThat(none.getReason()).contains("has no training report");
    assertThat(none.getFeaturesCount()).isZero();
    assertThat(none.hasScore()).isFalse();

    GetDriftResponse before = drift("drift-before");
    assertThat(before.getStatus()).isEqualTo(DriftStatus.DRIFT_STATUS_UNAVAILABLE);
    assertThat(before.getReason()).contains("trained before drift references were recorded");
  }

  @Test
  void tooFewRowsInAShortWindowAreSaid() {
    GetDriftResponse r =
        stub()
            .getDrift(
                GetDriftRequest.newBuilder()
                    .setModelName("drift-same")
                    .setModelVersion(1)
                    .setWindow(com.google.protobuf.Duration.newBuilder().setSeconds(60))
                    .build());
    // the whole traffic was served within the last minute or it was not: either way rows add up
    assertThat(r.getRowsUsed()).isLessThanOrEqualTo(LIVE_ROWS);
    assertThat(r.getMinRows()).isEqualTo(1000);
    assertThat(r.getStatus())
        .isEqualTo(
            r.getRowsUsed() >= 1000
                ? DriftStatus.DRIFT_STATUS_AVAILABLE
                : DriftStatus.DRIFT_STATUS_TOO_FEW_ROWS);
  }

  @Test
  void badRequestsNameTheirFields() {
    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                stub()
                    .getDrift(
                        GetDriftRequest.newBuilder()
                            .setModelVersion(-1)
                            .setWindow(com.google.protobuf.Duration.newBuilder().setSeconds(-5))
                            .build()),
            StatusRuntimeException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Protos.violations(e))
        .anySatisfy(v -> assertThat(v).startsWith("model_name"))
        .anySatisfy(v -> assertThat(v).startsWith("model_version"))
        .anySatisfy(v -> assertThat(v).startsWith("window"));

    StatusRuntimeException tooLong =
        catchThrowableOfType(
            () ->
                stub()
                    .getDrift(
                        GetDriftRequest.newBuilder()
                            .setModelName("drift-same")
                            .setWindow(
                                com.google.protobuf.Duration.newBuilder().setSeconds(91L * 86400))
                            .build()),
            StatusRuntimeException.class);
    assertThat(Protos.violations(tooLong))
        .containsExactly("window: PT2184H is outside 1 minute to 90 days");

    StatusRuntimeException unknownAlias =
        catchThrowableOfType(
            () ->
                stub()
                    .getDrift(
                        GetDriftRequest.newBuilder()
                            .setModelName("drift-same")
                            .setAlias("challenger")
                            .build()),
            StatusRuntimeException.class);
    assertThat(unknownAlias.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
