package io.propensity.feature.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.online.OnlineFeatureStore;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.online.OnlineFeatures.StartOutcome.Source;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as wired: a graceful shutdown writes the snapshot, the next start reads it and
 * applies only the events stored after it, and serves the offline vectors.
 */
class OnlineSnapshotRestartTest {
  @TempDir Path dir;

  private ApplicationContext start(Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put("propensity.data-dir", dir.toString());
    props.putAll(extra);
    return ApplicationContext.run(props, "test");
  }

  private static void ingest(ApplicationContext ctx, List<Event> events) {
    Ingestor ingestor = ctx.getBean(Ingestor.class);
    for (int i = 0; i < events.size(); i += 200) {
      ingestor.ingest(
          events.subList(i, Math.min(events.size(), i + 200)).stream()
              .map(e -> (ReceivedEvent) new ReceivedEvent.Parsed(e))
              .toList());
    }
  }

  @Test
  void gracefulShutdownWritesASnapshotAndTheNextStartAppliesOnlyTheTail() {
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    List<Event> all =
        new ArrayList<>(new DemoDataGenerator(DemoConfig.defaults(30, end)).events().toList());
    Path snapshot = dir.resolve("feature-service/online-state.snap");

    try (ApplicationContext first = start(Map.of())) {
      assertThat(first.getBean(OnlineFeatures.class).startOutcome().orElseThrow().source())
          .isEqualTo(Source.REBUILD);
      ingest(first, all);
    }
    assertThat(snapshot).as("written at graceful shutdown").exists();

    // stored while the service was down (e.g. by an import): the tail the next start must apply
    List<Event> tail =
        List.of(
            Event.builder(
                    "late-a",
                    all.get(0).userId(),
                    end.minus(Duration.ofDays(90)),
                    EventType.PURCHASE)
                .price(12.5)
                .build(),
            Event.builder(
                    "late-b", "tail-only-user", end.minus(Duration.ofHours(5)), EventType.PAGE_VIEW)
                .build());
    try (EventStore direct =
        JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("feature-service/events.db"), "", "", 2)) {
      assertThat(direct.append(tail).stored()).hasSize(2);
    }
    all.addAll(tail);

    try (ApplicationContext second = start(Map.of())) {
      OnlineFeatures.StartOutcome outcome =
          second.getBean(OnlineFeatures.class).startOutcome().orElseThrow();
      assertThat(outcome.source()).isEqualTo(Source.SNAPSHOT);
      assertThat(outcome.eventsApplied()).isEqualTo(2);
      OnlineFeatureStore state = second.getBean(OnlineFeatureStore.class);
      Instant at = end.plus(Duration.ofHours(1));
      Map<String, List<Event>> byUser = all.stream().collect(Collectors.groupingBy(Event::userId));
      assertThat(state.users()).isEqualTo(byUser.size());
      byUser.forEach(
          (user, history) ->
              assertThat(state.vectorOf(user, at).orElseThrow().vector())
                  .as(user)
                  .isEqualTo(BatchFeatureComputer.compute(history, at)));
    }
  }

  @Test
  void withSnapshotsOffEveryStartRebuilds() {
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    List<Event> all = new DemoDataGenerator(DemoConfig.defaults(5, end)).events().toList();
    Map<String, Object> off = Map.of("propensity.online.snapshot.enabled", false);
    try (ApplicationContext first = start(off)) {
      ingest(first, all);
    }
    assertThat(dir.resolve("feature-service/online-state.snap")).doesNotExist();
    try (ApplicationContext second = start(off)) {
      OnlineFeatures.StartOutcome outcome =
          second.getBean(OnlineFeatures.class).startOutcome().orElseThrow();
      assertThat(outcome.source()).isEqualTo(Source.REBUILD);
      assertThat(outcome.eventsApplied()).isEqualTo(all.size());
    }
  }
}
