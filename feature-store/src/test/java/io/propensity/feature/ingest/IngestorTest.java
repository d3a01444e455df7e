package io.propensity.feature.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestorTest {
  static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
  @TempDir Path dir;
  EventStore store;
  Ingestor ingestor;
  final List<Event> notified = new ArrayList<>();

  @BeforeEach
  void setUp() {
    store = JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("e.db"), "", "", 2);
    ingestor =
        new Ingestor(
            store, new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC)), 5, notified::addAll);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  static ReceivedEvent ok(String id, String user) {
    return new ReceivedEvent.Parsed(
        Event.builder(id, user, NOW.minusSeconds(60), EventType.PAGE_VIEW).build());
  }

  @Test
  void aBatchWithBadEventsStoresTheGoodOnesAndNamesEachBadOne() {
    ReceivedEvent future =
        new ReceivedEvent.Parsed(
            Event.builder("f", "u1", Instant.parse("2031-01-01T00:00:00Z"), EventType.PAGE_VIEW)
                .build());
    ReceivedEvent noType =
        new ReceivedEvent.Unparseable("t", List.of(new FieldViolation("type", "is required")));

    IngestOutcome out = ingestor.ingest(List.of(ok("a", "u1"), future, ok("b", "u2"), noType));

    assertThat(out.accepted()).isEqualTo(2);
    assertThat(out.rejected())
        .extracting(IngestOutcome.Rejection::index, r -> r.violations().get(0).toString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                1, "occurred_at: 2031-01-01T00:00:00Z is more than 1 day in the future"),
            org.assertj.core.groups.Tuple.tuple(3, "type: is required"));
    assertThat(store.history("u1")).extracting(Event::eventId).containsExactly("a");
    assertThat(notified).extracting(Event::eventId).containsExactly("a", "b");
  }

  @Test
  void resentEventsAreDuplicatesAndNotNotifiedAgain() {
    ingestor.ingest(List.of(ok("a", "u1"), ok("b", "u1")));
    IngestOutcome again = ingestor.ingest(List.of(ok("a", "u1"), ok("c", "u1")));

    assertThat(again.accepted()).isEqualTo(1);
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(notified).extracting(Event::eventId).containsExactly("a", "b", "c");
  }

  @Test
  void aResentIdWithOtherContentIsAConflictAtItsIndexInTheRequest() {
    ingestor.ingest(List.of(ok("a", "u1")));
    ReceivedEvent bad =
        new ReceivedEvent.Unparseable("t", List.of(new FieldViolation("type", "is required")));

    IngestOutcome again =
        ingestor.ingest(List.of(bad, ok("b", "u1"), ok("a", "u2"), ok("a", "u1")));

    assertThat(again.accepted()).isEqualTo(1);
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(again.conflicts())
        .containsExactly(new IngestOutcome.Conflict(2, "a", List.of("user_id")));
    assertThat(store.history("u2")).isEmpty();
  }

  @Test
  void aRequestWithNoValidEventIsRefusedWholeAndStoresNothing() {
    ReceivedEvent noUser =
        new ReceivedEvent.Parsed(Event.builder("x", "", NOW, EventType.PAGE_VIEW).build());
    ReceivedEvent noUser2 =
        new ReceivedEvent.Parsed(Event.builder("y", " ", NOW, EventType.PAGE_VIEW).build());

    assertThatThrownBy(() -> ingestor.ingest(List.of(noUser, noUser2)))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> {
              assertThat(e.getMessage()).contains("none of the 2 events is valid");
              assertThat(e.violations())
                  .extracting(Object::toString)
                  .containsExactly(
                      "events[0].user_id: is required", "events[1].user_id: is required");
            });
    assertThat(store.statistics().events()).isZero();
  }

  @Test
  void aRequestOverTheSizeLimitIsRefusedWhole() {
    List<ReceivedEvent> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(ok("e" + i, "u"));
    }
    assertThatThrownBy(() -> ingestor.ingest(six))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("6 events in one request, at most 5 allowed");
    assertThat(store.statistics().events()).isZero();
  }

  @Test
  void anEmptyRequestIsRefused() {
    assertThatThrownBy(() -> ingestor.ingest(List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no event");
  }
}
