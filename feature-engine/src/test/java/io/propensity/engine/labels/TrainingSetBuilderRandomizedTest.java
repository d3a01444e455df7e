package io.propensity.engine.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.testing.RandomCases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The training-set builder computes a user's vectors in one pass over the history; every row must
 * still equal the batch computation at its cutoff, for every target.
 */
class TrainingSetBuilderRandomizedTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final EventType[] TYPES = EventType.values();

  static List<Event> history(SplittableRandom r) {
    List<Event> out = new ArrayList<>();
    int n = r.nextInt(1, 70);
    long t = T0.toEpochMilli();
    for (int i = 0; i < n; i++) {
      t += RandomCases.chance(r, 0.3) ? r.nextLong(86_400_000L * 4) : r.nextLong(1, 40 * 60_000L);
      Event.Builder b =
          Event.builder(
              "e" + i,
              "u",
              Instant.ofEpochMilli(t).plusNanos(r.nextInt(1000)),
              TYPES[r.nextInt(TYPES.length)]);
      if (RandomCases.chance(r, 0.5)) {
        b.sessionId("s" + (t / 3_600_000L));
      }
      if (RandomCases.chance(r, 0.5)) {
        b.price(r.nextInt(1, 200));
      }
      if (RandomCases.chance(r, 0.3)) {
        b.dwell(Duration.ofMillis(r.nextLong(0, 600_000)));
      }
      out.add(b.build());
    }
    RandomCases.shuffle(out, r);
    return out;
  }

  static List<Instant> cutoffs(SplittableRandom r, List<Event> history) {
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      out.add(
          RandomCases.chance(r, 0.3)
              ? history.get(r.nextInt(history.size())).occurredAt()
              : T0.plusMillis(r.nextLong(0, 86_400_000L * 60)));
    }
    return out;
  }

  @Test
  void everyRowEqualsTheBatchVectorAtItsCutoffForEveryTarget() {
    RandomCases.run(
        300,
        r -> {
          List<Event> history = history(r);
          List<Instant> cutoffs = cutoffs(r, history);
          for (LabelDefinition def :
              List.of(
                  LabelDefinition.purchase(Duration.ofDays(7)),
                  LabelDefinition.churn(Duration.ofDays(14)),
                  LabelDefinition.sessionConversion())) {
            for (TrainingRow row : new TrainingSetBuilder(def).build(history, cutoffs)) {
              assertThat(row.features())
                  .as("%s row at %s", def.target(), row.cutoff())
                  .isEqualTo(BatchFeatureComputer.compute(history, row.cutoff()));
            }
          }
        });
  }
}
