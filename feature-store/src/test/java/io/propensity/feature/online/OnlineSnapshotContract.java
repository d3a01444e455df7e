package io.propensity.feature.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureVector;
import io.propensity.feature.ingest.IngestListener;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.store.EventStore;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of the in-memory online state against an event store backend: a restart from a snapshot
 * applies exactly the events stored after it and serves what a full rebuild and the offline
 * computation give; an unusable snapshot means a full rebuild. One subclass per backend.
 */
public abstract class OnlineSnapshotContract {
  static final Instant END = Instant.parse("2026-04-30T00:00:00Z");
  static final Clock AT_END = Clock.fixed(END, ZoneOffset.UTC);

  @TempDir Path dir;
  protected EventStore events;
  private Path snapshot;

  /** Opens an empty event store of the backend under test. */
  protected abstract EventStore openEmpty() throws Exception;

  /** Opens the same event store again, as after a restart. */
  protected abstract EventStore reopen() throws Exception;

  @BeforeEach
  void open() throws Exception {
    events = openEmpty();
    snapshot = dir.resolve("online-state.snap");
  }

  @AfterEach
  void closeStore() {
    if (events != null) {
      events.close();
    }
  }

  /** A running service's online side: state, and an ingestor wired like feature-service's. */
  private final class Service {
    final OnlineFeatures online =
        new OnlineFeatures(new InMemoryOnlineFeatureStore(), AT_END, 100_000);
    final OnlineFeatures.StartOutcome started;
    final Ingestor ingestor;

    Service(Optional<Path> from) {
      started = online.start(events, from);
      IngestListener listener = online;
      ingestor =
          new Ingestor(
              events, new EventValidator(AT_END), 10_000, listener, online.ingestBarrier());
    }

    void ingest(List<Event> batch) {
      ingestor.ingest(
          batch.stream().map(e -> (ReceivedEvent) new ReceivedEvent.Parsed(e)).toList());
    }

    Map<String, FeatureVector> vectors(List<String> users) {
      Map<String, FeatureVector> out = new TreeMap<>();
      online.forUsers(users).forEach(u -> out.put(u.userId(), u.vector()));
      return out;
    }
  }

  static List<Event> demoEvents(int users) {
    List<Event> all = new DemoDataGenerator(DemoConfig.defaults(users, END)).events().toList();
    List<Event> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(7));
    return shuffled;
  }

  private static void ingestInBatches(Service s, List<Event> list, int batch) {
    for (int i = 0; i < list.size(); i += batch) {
      s.ingest(list.subList(i, Math.min(list.size(), i + batch)));
    }
  }

  /** Every user's vector from a full rebuild, checked equal to the offline computation. */
  private Map<String, FeatureVector> rebuiltAndOffline() {
    OnlineFeatures rebuilt = new OnlineFeatures(new InMemoryOnlineFeatureStore(), AT_END, 100_000);
    OnlineFeatures.StartOutcome outcome = rebuilt.start(events, Optional.empty());
    assertThat(outcome.source()).isEqualTo(OnlineFeatures.StartOutcome.Source.REBUILD);
    Map<String, FeatureVector> offline = new TreeMap<>();
    events.forEachUser(h -> offline.put(h.userId(), BatchFeatureComputer.compute(h.events(), END)));
    Map<String, FeatureVector> online = new TreeMap<>();
    rebuilt
        .forUsers(List.copyOf(offline.keySet()))
        .forEach(u -> online.put(u.userId(), u.vector()));
    assertThat(online).isEqualTo(offline);
    return online;
  }

  private void restart() throws Exception {
    events.close();
    events = reopen();
  }

  @Test
  void restartFromSnapshotAppliesOnlyTheEventsStoredAfterItLateOnesIncluded() throws Exception {
    List<Event> all = demoEvents(50);
    int half = all.size() / 2;
    Service first = new Service(Optional.of(snapshot));
    assertThat(first.started.source()).isEqualTo(OnlineFeatures.StartOutcome.Source.REBUILD);
    ingestInBatches(first, all.subList(0, half), 100);
    OnlineFeatures.SnapshotWritten written =
        first.online.snapshotTo(snapshot, events).orElseThrow();
    assertThat(written.highWaterMark()).isEqualTo(events.highWaterMark());

    // After the snapshot: the rest (shuffled, so many arrive after newer events of their user),
    // explicitly late events with old times, a new user, and duplicates that change nothing.
    List<Event> tail = new ArrayList<>(all.subList(half, all.size()));
    String someUser = all.get(0).userId();
    tail.add(
        Event.builder("late-1", someUser, END.minus(Duration.ofDays(200)), EventType.PURCHASE)
            .price(42)
            .build());
    tail.add(
        Event.builder("late-2", someUser, END.minus(Duration.ofDays(3)), EventType.PAGE_VIEW)
            .build());
    tail.add(
        Event.builder("new-1", "brand-new-user", END.minus(Duration.ofHours(2)), EventType.SEARCH)
            .build());
    ingestInBatches(first, tail, 77);
    first.ingest(all.subList(0, 30));
    List<String> users = all.stream().map(Event::userId).distinct().sorted().toList();
    List<String> withNew = new ArrayList<>(users);
    withNew.add("brand-new-user");
    Map<String, FeatureVector> beforeRestart = first.vectors(withNew);

    restart();
    Service second = new Service(Optional.of(snapshot));

    assertThat(second.started.source()).isEqualTo(OnlineFeatures.StartOutcome.Source.SNAPSHOT);
    assertThat(second.started.fromMark()).isEqualTo(written.highWaterMark());
    assertThat(second.started.eventsApplied()).as("only the tail is read").isEqualTo(tail.size());
    Map<String, FeatureVector> restored = second.vectors(withNew);
    assertThat(restored).isEqualTo(beforeRestart).isEqualTo(rebuiltAndOffline());
    assertThat(second.online.users()).isEqualTo(users.size() + 1);
  }

  @Test
  void snapshotWithNothingStoredAfterItAppliesNothing() throws Exception {
    Service first = new Service(Optional.of(snapshot));
    ingestInBatches(first, demoEvents(10), 200);
    assertThat(first.online.snapshotTo(snapshot, events)).isPresent();
    restart();
    Service second = new Service(Optional.of(snapshot));
    assertThat(second.started.source()).isEqualTo(OnlineFeatures.StartOutcome.Source.SNAPSHOT);
    assertThat(second.started.eventsApplied()).isZero();
    assertThat(second.online.users()).isEqualTo(first.online.users());
  }

  /** Writes a snapshot after ingesting demo events, damages it, and expects a full rebuild. */
  private void damagedSnapshotMeansFullRebuild(String why, SnapshotDamage damage) throws Exception {
    Service first = new Service(Optional.of(snapshot));
    List<Event> all = demoEvents(20);
    ingestInBatches(first, all, 150);
    assertThat(first.online.snapshotTo(snapshot, events)).isPresent();
    damage.apply(snapshot);
    restart();
    Service second = new Service(Optional.of(snapshot));
    assertThat(second.started.source())
        .as(why)
        .isEqualTo(OnlineFeatures.StartOutcome.Source.REBUILD);
    assertThat(second.started.eventsApplied()).isEqualTo(all.size());
    List<String> users = all.stream().map(Event::userId).distinct().toList();
    assertThat(second.vectors(users)).isEqualTo(rebuiltAndOffline());
  }

  interface SnapshotDamage {
    void apply(Path file) throws Exception;
  }

  @Test
  void corruptSnapshotMeansFullRebuild() throws Exception {
    damagedSnapshotMeansFullRebuild(
        "one byte flipped in the middle",
        f -> {
          try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
          }
        });
  }

  @Test
  void truncatedSnapshotMeansFullRebuild() throws Exception {
    damagedSnapshotMeansFullRebuild(
        "cut short",
        f -> {
          try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() * 2 / 3);
          }
        });
  }

  @Test
  void snapshotOfAnotherFeatureSchemaMeansFullRebuild() throws Exception {
    damagedSnapshotMeansFullRebuild(
        "schema hash changed",
        f -> {
          byte[] bytes = Files.readAllBytes(f);
          byte[] hash = FeatureCatalog.schema().versionHash().getBytes(StandardCharsets.UTF_8);
          int at = indexOf(bytes, hash);
          assertThat(at).isPositive();
          bytes[at] = (byte) (bytes[at] == 'a' ? 'b' : 'a');
          Files.write(f, bytes);
        });
  }

  @Test
  void snapshotOfAnotherFormatVersionMeansFullRebuild() throws Exception {
    damagedSnapshotMeansFullRebuild(
        "format version 0",
        f -> {
          try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(8);
            raf.writeInt(OnlineStateSnapshot.FORMAT_VERSION + 1);
          }
        });
  }

  @Test
  void missingOrForeignSnapshotMeansFullRebuild() throws Exception {
    damagedSnapshotMeansFullRebuild("no file", Files::delete);
    events.close();
    events = openEmpty();
    damagedSnapshotMeansFullRebuild(
        "not a snapshot", f -> Files.writeString(f, "hello, this is not a snapshot"));
  }

  @Test
  void snapshotAheadOfTheEventStoreIsNotUsed() throws Exception {
    Service first = new Service(Optional.of(snapshot));
    ingestInBatches(first, demoEvents(10), 100);
    assertThat(first.online.snapshotTo(snapshot, events)).isPresent();
    events.close();
    events = openEmpty(); // the event store was replaced by an empty one
    Service second = new Service(Optional.of(snapshot));
    assertThat(second.started.source()).isEqualTo(OnlineFeatures.StartOutcome.Source.REBUILD);
    assertThat(second.online.users()).isZero();
  }

  @Test
  void staleStateIsNeverSnapshotted() throws Exception {
    InMemoryOnlineFeatureStore memory = new InMemoryOnlineFeatureStore();
    OnlineFeatures online = new OnlineFeatures(memory, AT_END, 100);
    online.start(events, Optional.empty());
    online.onStored(demoEvents(3));
    assertThat(online.snapshotTo(snapshot, events)).isPresent();
    memory.markStale();
    assertThat(online.snapshotTo(snapshot, events)).isEmpty();
    assertThat(snapshot)
        .as("the old snapshot is deleted: the next start must rebuild")
        .doesNotExist();
  }

  @Test
  void snapshotsTakenDuringConcurrentIngestRestoreToTheRebuiltState() throws Exception {
    List<Event> all = demoEvents(60);
    Service s = new Service(Optional.empty());
    int writers = 3;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Path> taken = new ArrayList<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(
            pool.submit(
                () -> {
                  List<Event> mine = new ArrayList<>();
                  for (int i = writer; i < all.size(); i += writers) {
                    mine.add(all.get(i));
                  }
                  ingestInBatches(s, mine, 25);
                }));
      }
      int n = 0;
      while (futures.stream().anyMatch(f -> !f.isDone()) || n < 2) {
        Path p = dir.resolve("during-" + n++ + ".snap");
        assertThat(s.online.snapshotTo(p, events)).isPresent();
        taken.add(p);
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> users = all.stream().map(Event::userId).distinct().sorted().toList();
    Map<String, FeatureVector> expected = rebuiltAndOffline();
    assertThat(s.vectors(users)).isEqualTo(expected);
    long marks = taken.stream().map(this::markOf).distinct().count();
    assertThat(marks).as("snapshots taken at different points of the ingest").isGreaterThan(1);
    for (Path p : taken) {
      Service restored = new Service(Optional.of(p));
      assertThat(restored.started.source()).isEqualTo(OnlineFeatures.StartOutcome.Source.SNAPSHOT);
      assertThat(restored.vectors(users)).as(p.toString()).isEqualTo(expected);
    }
  }

  private long markOf(Path p) {
    try {
      return OnlineStateSnapshot.read(p).highWaterMark();
    } catch (OnlineStateSnapshot.UnusableSnapshotException e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static Map<String, List<Event>> byUser(List<Event> events) {
    return events.stream().collect(Collectors.groupingBy(Event::userId));
  }
}
