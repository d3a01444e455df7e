package io.propensity.inference.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.testing.FakeScoringModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServedModelsTest {
  static final int N = FeatureCatalog.schema().size();

  static ServedModel version(String name, long v, FakeScoringModel model) {
    ModelDescriptor d =
        new ModelDescriptor(
            name,
            v,
            FeatureCatalog.schema().versionHash(),
            List.of(),
            Optional.empty(),
            0.5,
            ArtifactFormat.LIGHTGBM_TEXT,
            "sha",
            1,
            List.of(),
            Optional.empty());
    return new ServedModel(d, model, FeatureCatalog.schema(), "production", "sha", Instant.EPOCH);
  }

  @Test
  void aRequestFinishesOnItsVersionAndTheOldOneIsFreedWhenTheLastRequestEnds() {
    ServedModels served = new ServedModels("m");
    FakeScoringModel v1 = new FakeScoringModel(N);
    FakeScoringModel v2 = new FakeScoringModel(N);
    served.swapIn(version("m", 1, v1));
    ModelLease inFlight = served.lease(Optional.empty());

    served.swapIn(version("m", 2, v2));
    try (ModelLease later = served.lease(Optional.empty())) {
      assertThat(later.served().version()).isEqualTo(2);
    }
    assertThat(inFlight.served().version()).isEqualTo(1);
    assertThat(inFlight.probability(new double[N])).isZero();
    assertThat(v1.closes()).isZero();
    assertThat(served.freedCount()).isZero();

    inFlight.close();
    inFlight.close();
    assertThat(v1.closes()).isEqualTo(1);
    assertThat(served.freedCount()).isEqualTo(1);
    assertThat(v2.closes()).isZero();
    served.close();
    assertThat(v2.closes()).isEqualTo(1);
  }

  @Test
  void nothingLoadedIsFailedPreconditionAndAnUnknownNameNotFound() {
    ServedModels served = new ServedModels("m");
    assertThatThrownBy(() -> served.lease(Optional.empty()))
        .isInstanceOf(FailedPreconditionException.class);
    served.markKnown("known");
    served.swapIn(version("m", 1, new FakeScoringModel(N)));
    assertThatThrownBy(() -> served.lease(Optional.of("known")))
        .isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> served.lease(Optional.of("other")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void underConcurrentSwapsNoModelIsUsedAfterCloseAndEachIsClosedOnce() throws Exception {
    ServedModels served = new ServedModels("m");
    List<FakeScoringModel> models = new ArrayList<>();
    FakeScoringModel first = new FakeScoringModel(N);
    models.add(first);
    served.swapIn(version("m", 1, first));
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    double[] row = new double[N];
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                long last = 0;
                while (!stop.get()) {
                  try (ModelLease lease = served.lease(Optional.empty())) {
                    lease.probability(row);
                    lease.contributions(row);
                    if (lease.served().version() < last) {
                      errors.add(new AssertionError("went back from " + last));
                    }
                    last = lease.served().version();
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }
              });
      th.start();
      readers.add(th);
    }
    for (int v = 2; v <= 2_000; v++) {
      FakeScoringModel m = new FakeScoringModel(N);
      models.add(m);
      served.swapIn(version("m", v, m));
    }
    stop.set(true);
    for (Thread th : readers) {
      th.join();
    }
    served.close();

    assertThat(errors).isEmpty();
    assertThat(models).allSatisfy(m -> assertThat(m.closes()).isEqualTo(1));
    assertThat(served.freedCount()).isEqualTo(2_000);
  }
}
