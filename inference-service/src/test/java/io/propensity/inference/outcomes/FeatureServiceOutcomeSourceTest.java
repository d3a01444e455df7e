package io.propensity.inference.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.propensity.client.FeatureServiceClient;
import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetOutcomesRequest;
import propensity.features.v1.GetOutcomesResponse;
import propensity.features.v1.Outcome;

/** The joiner asks feature-service's GetOutcomes with the version's target and horizon. */
class FeatureServiceOutcomeSourceTest {
  Server server;
  ManagedChannel channel;
  final List<GetOutcomesRequest> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new FeatureServiceGrpc.FeatureServiceImplBase() {
                  @Override
                  public void getOutcomes(
                      GetOutcomesRequest r, StreamObserver<GetOutcomesResponse> out) {
                    asked.add(r);
                    GetOutcomesResponse.Builder b = GetOutcomesResponse.newBuilder();
                    propensity.features.v1.OutcomeStatus[] cycle = {
                      propensity.features.v1.OutcomeStatus.OUTCOME_STATUS_POSITIVE,
                      propensity.features.v1.OutcomeStatus.OUTCOME_STATUS_NEGATIVE,
                      propensity.features.v1.OutcomeStatus.OUTCOME_STATUS_NOT_FINAL,
                      propensity.features.v1.OutcomeStatus.OUTCOME_STATUS_NOT_ELIGIBLE
                    };
                    for (int i = 0; i < r.getQueriesCount(); i++) {
                      b.addOutcomes(Outcome.newBuilder().setStatus(cycle[i % 4]));
                    }
                    out.onNext(b.build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void sendsTargetHorizonAndServedTimesAndMapsEveryStatus() {
    FeatureServiceOutcomeSource source =
        new FeatureServiceOutcomeSource(new FeatureServiceClient(channel, Duration.ofSeconds(5)));
    Instant t = Instant.parse("2026-12-01T10:00:00.123456Z");
    List<OutcomeStatus> got =
        source.outcomes(
            new LabelSpec(Target.CHURN, Duration.ofDays(14)),
            List.of(
                new OutcomeSource.Query("a", t),
                new OutcomeSource.Query("b", t),
                new OutcomeSource.Query("c", t),
                new OutcomeSource.Query("d", t.plusSeconds(1))));
    assertThat(got)
        .containsExactly(
            OutcomeStatus.POSITIVE,
            OutcomeStatus.NEGATIVE,
            OutcomeStatus.NOT_FINAL,
            OutcomeStatus.NOT_ELIGIBLE);
    GetOutcomesRequest r = asked.get(0);
    assertThat(r.getTarget()).isEqualTo(propensity.features.v1.Target.TARGET_CHURN);
    assertThat(r.getHorizon().getSeconds()).isEqualTo(14 * 86400);
    assertThat(r.getQueries(0).getUserId()).isEqualTo("a");
    assertThat(r.getQueries(0).getAsOf().getSeconds()).isEqualTo(t.getEpochSecond());
    assertThat(r.getQueries(0).getAsOf().getNanos()).isEqualTo(123_456_000);
  }
}
