package io.propensity.feature.trainingset;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.labels.TrainingRow;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.online.InMemoryOnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online path (events ingested late and out of order, state updated event by event) gives a
 * user exactly the vector the training set gives the same user at the same cutoff.
 */
class OnlineEqualsTrainingSetTest {
  static final Instant END = Instant.parse("2026-04-30T00:00:00Z");
  static final Instant T = END.minus(Duration.ofDays(10));
  @TempDir Path dir;

  @Test
  void onlineVectorEqualsTrainingSetVectorAtTheSameCutoff() {
    List<Event> all = new DemoDataGenerator(DemoConfig.defaults(150, END)).events().toList();
    List<Event> beforeT =
        new ArrayList<>(all.stream().filter(e -> !e.occurredAt().isAfter(T)).toList());
    List<Event> afterT = all.stream().filter(e -> e.occurredAt().isAfter(T)).toList();
    Collections.shuffle(beforeT, new Random(7)); // late and out-of-order arrival

    try (EventStore store = JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("e.db"), "", "", 4)) {
      OnlineFeatures online =
          new OnlineFeatures(
              new InMemoryOnlineFeatureStore(), Clock.fixed(T, ZoneOffset.UTC), 1000);
      Ingestor ingestor =
          new Ingestor(store, new EventValidator(Clock.fixed(END, ZoneOffset.UTC)), 10_000, online);
      ingestInBatches(ingestor, beforeT);
      List<String> users = beforeT.stream().map(Event::userId).distinct().sorted().toList();
      Map<String, double[]> onlineVectors = new HashMap<>();
      for (OnlineFeatures.UserFeatures u : online.forUsers(users)) {
        assertThat(u.coldStart()).isFalse();
        onlineVectors.put(u.userId(), u.vector().values());
      }
      ingestInBatches(ingestor, afterT); // labels need what happened after T

      TrainingSets sets = new TrainingSets(store);
      TrainingSetPlan plan =
          sets.plan(
              new TrainingSetSpec(
                  Optional.of(io.propensity.engine.labels.Target.PURCHASE),
                  Optional.of(Duration.ofDays(7)),
                  List.of(T),
                  Optional.empty(),
                  List.of(),
                  0,
                  0));
      List<TrainingRow> rows = new ArrayList<>();
      sets.build(plan, rows::add, () -> false);

      assertThat(rows).hasSizeGreaterThan(50);
      for (TrainingRow row : rows) {
        assertThat(row.features().values())
            .as("features of %s at %s", row.userId(), T)
            .containsExactly(onlineVectors.get(row.userId()));
      }
      Map<Boolean, Long> labels =
          rows.stream().collect(Collectors.groupingBy(TrainingRow::label, Collectors.counting()));
      assertThat(labels).containsKeys(true, false);
    }
  }

  private static void ingestInBatches(Ingestor ingestor, List<Event> events) {
    for (int i = 0; i < events.size(); i += 500) {
      List<ReceivedEvent> batch = new ArrayList<>();
      for (Event e : events.subList(i, Math.min(events.size(), i + 500))) {
        batch.add(new ReceivedEvent.Parsed(e));
      }
      ingestor.ingest(batch);
    }
  }
}
