package io.propensity.inference.grpc;

import static io.propensity.inference.testing.Protos.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.testing.FakeModelRegistry;
import io.propensity.inference.testing.TestModels;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.registry.v1.GoldenRow;
import propensity.registry.v1.ModelVersion;

/**
 * Hot reload through the registry's watch stream (polling is off here): versions are swapped in
 * under load without a failed call, only forward, and bad versions are never served.
 */
@MicronautTest(environments = "test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotReloadGrpcTest implements TestPropertyProvider {
  static final String NAME = "purchase-7d";
  static final String[] TEXTS = {TestModels.small(11), TestModels.small(12), TestModels.small(13)};

  FakeModelRegistry registry;
  @Inject GrpcEmbeddedServer server;
  @Inject ServedModels served;
  @Inject MeterRegistry meters;
  ManagedChannel channel;
  InferenceServiceGrpc.InferenceServiceBlockingStub stub;

  @Override
  public Map<String, String> getProperties() {
    registry = FakeModelRegistry.start();
    registry.promote(NAME, registry.register(NAME, TEXTS[0]));
    return Map.of(
        "propensity.inference.registry.target", registry.target(),
        "propensity.inference.registry.poll-interval", "1h",
        "propensity.inference.registry.reconnect-initial-backoff", "50ms",
        "propensity.inference.feature-service.target", "127.0.0.1:1",
        "propensity.inference.scorers-per-model", "2");
  }

  @BeforeAll
  void connect() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stub = InferenceServiceGrpc.newBlockingStub(channel);
    awaitServing(1);
  }

  @AfterAll
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    registry.close();
  }

  long servingVersion() {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS)
        .getModelInfo(GetModelInfoRequest.newBuilder().setModelName(NAME).build())
        .getModels(0)
        .getVersion();
  }

  void awaitServing(long version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> served.currentVersion(NAME).orElse(0) == version);
  }

  double refused(String reason) {
    return refused(meters, NAME, reason);
  }

  /** How many versions of {@code model} were refused for {@code reason}, by the metric. */
  static double refused(MeterRegistry meters, String model, String reason) {
    Counter c =
        meters
            .find("propensity.inference.model.refused")
            .tag("model", model)
            .tag("reason", reason)
            .counter();
    return c == null ? 0 : c.count();
  }

  long promoteNew(String text) {
    long v =
        registry.register(
            FakeModelRegistry.meta(NAME, text, 0.5, 1),
            text.getBytes(StandardCharsets.UTF_8),
            null);
    registry.promote(NAME, v);
    return v;
  }

  @Test
  void underLoadFivePromotionsThenACorruptOneFailNoCallAndVersionsOnlyMoveForward()
      throws Exception {
    double[] row = TestModels.rows(1).get(0);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> regressions = new ConcurrentLinkedQueue<>();
    AtomicLong calls = new AtomicLong();
    List<List<Long>> seen = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      List<Long> versions = new ArrayList<>();
      seen.add(versions);
      Thread t =
          new Thread(
              () -> {
                long last = 0;
                while (!stop.get()) {
                  try {
                    Prediction p =
                        stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                            .predict(PredictRequest.newBuilder().setInput(vector(row)).build())
                            .getPrediction();
                    calls.incrementAndGet();
                    if (p.getModelVersion() < last) {
                      regressions.add(last + " -> " + p.getModelVersion());
                    }
                    if (p.getModelVersion() != last) {
                      versions.add(p.getModelVersion());
                      last = p.getModelVersion();
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }
              },
              "client-" + c);
      t.start();
      clients.add(t);
    }
    long first = served.currentVersion(NAME).orElseThrow();
    long last = first;
    for (int i = 0; i < 5; i++) {
      long before = calls.get();
      last = promoteNew(TEXTS[(i + 1) % TEXTS.length]);
      awaitServing(last);
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > before + 200);
    }
    double corruptBefore = refused("corrupt");
    byte[] corrupt =
        "tree\nversion=v4\nnum_class=1\nnot a model at all\n".getBytes(StandardCharsets.UTF_8);
    long bad = registry.register(FakeModelRegistry.meta(NAME, TEXTS[0], 0.5, 0), corrupt, null);
    registry.promote(NAME, bad);
    await().atMost(Duration.ofSeconds(10)).until(() -> refused("corrupt") > corruptBefore);
    long afterRefusal = calls.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > afterRefusal + 200);
    stop.set(true);
    for (Thread t : clients) {
      t.join(10_000);
    }

    assertThat(failures).isEmpty();
    assertThat(regressions).isEmpty();
    assertThat(calls.get()).isGreaterThan(1_000);
    for (List<Long> versions : seen) {
      assertThat(versions).isSorted().doesNotContain(bad).last().isEqualTo(last);
    }
    assertThat(servingVersion()).isEqualTo(last);
  }

  @Test
  void aModelOfAnotherFeatureSchemaIsRefusedWithoutDownloadAndTheCurrentKeepsServing() {
    long current = served.currentVersion(NAME).orElseThrow();
    double before = refused("schema");
    int downloads = registry.downloads();
    ModelVersion.Builder meta = FakeModelRegistry.meta(NAME, TEXTS[1], 0.5, 0);
    meta.getFeatureSchemaBuilder().setVersionHash("deadbeefdeadbeef");
    long v = registry.register(meta, TEXTS[1].getBytes(StandardCharsets.UTF_8), null);
    registry.promote(NAME, v);

    await().atMost(Duration.ofSeconds(10)).until(() -> refused("schema") > before);
    assertThat(registry.downloads()).isEqualTo(downloads);
    assertThat(served.currentVersion(NAME).orElseThrow()).isEqualTo(current);
  }

  @Test
  void bytesThatDoNotMatchTheirChecksumAreRefused() {
    long current = served.currentVersion(NAME).orElseThrow();
    double before = refused("checksum");
    long v =
        registry.register(
            FakeModelRegistry.meta(NAME, TEXTS[2], 0.5, 0),
            TEXTS[2].getBytes(StandardCharsets.UTF_8),
            "0".repeat(64));
    registry.promote(NAME, v);

    await().atMost(Duration.ofSeconds(10)).until(() -> refused("checksum") > before);
    assertThat(served.currentVersion(NAME).orElseThrow()).isEqualTo(current);
  }

  @Test
  void aModelThatDoesNotReproduceItsGoldenRowsIsRefused() {
    long current = served.currentVersion(NAME).orElseThrow();
    double before = refused("golden_rows");
    ModelVersion.Builder meta = FakeModelRegistry.meta(NAME, TEXTS[2], 0.5, 2);
    GoldenRow.Builder g = meta.getGoldenRowsBuilder(1);
    g.setExpectedProbability(g.getExpectedProbability() + 1e-3);
    registry.promote(
        NAME, registry.register(meta, TEXTS[2].getBytes(StandardCharsets.UTF_8), null));

    await().atMost(Duration.ofSeconds(10)).until(() -> refused("golden_rows") > before);
    assertThat(served.currentVersion(NAME).orElseThrow()).isEqualTo(current);
  }

  @Test
  void aRollbackServesTheOlderVersionAgain() {
    long older = promoteNew(TEXTS[1]);
    awaitServing(older);
    long newer = promoteNew(TEXTS[2]);
    awaitServing(newer);
    registry.promote(NAME, older);
    awaitServing(older);
    assertThat(servingVersion()).isEqualTo(older);
  }

  @Test
  void aBrokenWatchStreamIsReopenedAndLaterPromotionsArrive() {
    int before = registry.watchCalls();
    registry.breakWatchStreams();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.watchCalls() > before);
    long v = promoteNew(TEXTS[0]);
    awaitServing(v);
  }

  @Test
  void retiringFiftyVersionsFreesTheNativeMemoryOfEach() throws Exception {
    String big = TestModels.train(200, 63, 5);
    long freedBefore = served.freedCount();
    long v = promoteNew(big);
    awaitServing(v);
    long rssBase = 0;
    for (int i = 1; i <= 50; i++) {
      v = promoteNew(big);
      awaitServing(v);
      if (i == 10) {
        rssBase = rssKiB();
      }
    }
    long target = freedBefore + 51;
    await().atMost(Duration.ofSeconds(10)).until(() -> served.freedCount() == target);
    assertThat(served.current(NAME).orElseThrow().freed()).isFalse();
    // Reported, not asserted: RSS moves by tens of MiB with glibc's handling of LightGBM's
    // transient
    // parse buffers (a bare load/close loop does the same); the freed count above is the contract.
    System.out.printf(
        "50 reloads of a %d-byte model: RSS %d MiB after reload 10, %d MiB after reload 50%n",
        big.length(), rssBase / 1024, rssKiB() / 1024);
  }

  private static long rssKiB() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }
}
