package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.inference.v1.GetLiveMetricsRequest;
import propensity.inference.v1.GetLiveMetricsResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.LiveInterval;
import propensity.inference.v1.LiveMetrics;

/** {@code propensity live-metrics} against a fake inference-service. */
class LiveMetricsCliTest {
  Server server;
  final List<GetLiveMetricsRequest> asked = new CopyOnWriteArrayList<>();

  static LiveMetrics metrics(long day, String alias, double auc) {
    LiveMetrics.Builder b =
        LiveMetrics.newBuilder()
            .setModelVersion(3)
            .setModelAlias(alias)
            .setCount(1200)
            .setPositives(150)
            .setPrecision(0.4)
            .setRecall(0.6)
            .setF1(0.48)
            .setRocAuc(auc)
            .setRocAucInterval(LiveInterval.newBuilder().setLow(auc - 0.03).setHigh(auc + 0.03))
            .setPrAuc(0.35)
            .setMeanPredicted(0.13)
            .setObservedRate(0.125)
            .setEce(0.012);
    if (day > 0) {
      b.setDay(Timestamp.newBuilder().setSeconds(day));
    }
    return b.build();
  }

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new InferenceServiceGrpc.InferenceServiceImplBase() {
                  @Override
                  public void getLiveMetrics(
                      GetLiveMetricsRequest r, StreamObserver<GetLiveMetricsResponse> out) {
                    asked.add(r);
                    GetLiveMetricsResponse.Builder b =
                        GetLiveMetricsResponse.newBuilder().setModelName(r.getModelName());
                    if (r.getModelName().equals("purchase-7d")) {
                      b.addDaily(metrics(1_796_000_000L, "production", 0.8123))
                          .addDaily(metrics(1_796_000_000L, "challenger", 0.5012))
                          .addOverall(metrics(0, "production", 0.8123))
                          .addOverall(metrics(0, "challenger", 0.5012));
                    }
                    out.onNext(b.build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  CliRun.Run run(String... more) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "live-metrics",
                "--insecure",
                "--inference-service",
                "127.0.0.1:" + server.getPort()));
    a.addAll(List.of(more));
    return CliRun.run(a.toArray(String[]::new));
  }

  @Test
  void printsOneLinePerDayVersionAndAliasThenTheTotals() {
    CliRun.Run r = run("purchase-7d", "--days", "7", "--alias", "challenger");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("ROC-AUC (95% CI)")
        .contains(
            "2026-11-30    3 production    1,200    150  0.400  0.600  0.480 0.812 (0.78-0.84)")
        .contains("all           3 challenger    1,200    150")
        .contains("0.501 (0.47-0.53)");
    GetLiveMetricsRequest req = asked.get(0);
    assertThat(req.getModelAlias()).isEqualTo("challenger");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(req.getEndDay().getSeconds())
        .isEqualTo(today.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
    assertThat(req.getStartDay().getSeconds())
        .isEqualTo(today.minusDays(6).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
  }

  @Test
  void saysSoWhenNothingIsLabelledYet() {
    CliRun.Run r = run("churn-30d");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("no labelled predictions of churn-30d yet");
  }
}
