package io.propensity.feature.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every event store backend must have; one subclass per backend. */
public abstract class EventStoreContract {
  protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  protected EventStore store;

  /** Opens an empty store of the backend under test. */
  protected abstract EventStore openEmpty() throws Exception;

  /** Opens the same store again, as after a restart. */
  protected abstract EventStore reopen() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openEmpty();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected static Event event(String id, String user, Instant at, EventType type) {
    return Event.builder(id, user, at, type).build();
  }

  @Test
  void storesEveryFieldAndReadsItBackUnchanged() {
    Event full =
        Event.builder("e1", "u1", T0, EventType.PURCHASE)
            .sessionId("s1")
            .page("/checkout/done")
            .itemId("sku-42")
            .category("shoes")
            .price(59.9)
            .quantity(2)
            .dwell(Duration.ofMillis(12_345))
            .device("mobile")
            .trafficSource("email")
            .attributes(Map.of("coupon", "SPRING", "ab", "\"quoted\" ,=&"))
            .build();
    Event bare = event("e2", "u1", T0.plusSeconds(5), EventType.PAGE_VIEW);

    store.append(List.of(full, bare));

    assertThat(store.history("u1")).containsExactly(full, bare);
  }

  @Test
  void duplicateIdsAreCountedNotStoredTwice() {
    Event a = event("a", "u1", T0, EventType.PAGE_VIEW);
    Event b = event("b", "u1", T0.plusSeconds(1), EventType.PRODUCT_VIEW);
    EventStore.AppendResult first = store.append(List.of(a, b, a));
    EventStore.AppendResult second =
        store.append(List.of(b, event("c", "u2", T0, EventType.SEARCH)));

    assertThat(first.stored()).containsExactly(a, b);
    assertThat(first.duplicates()).isEqualTo(1);
    assertThat(second.stored()).extracting(Event::eventId).containsExactly("c");
    assertThat(second.duplicates()).isEqualTo(1);
    assertThat(store.statistics().events()).isEqualTo(3);
  }

  @Test
  void historyIsTimeOrderedWhateverTheArrivalOrder() {
    store.append(List.of(event("late", "u1", T0.plusSeconds(60), EventType.PURCHASE)));
    store.append(List.of(event("early", "u1", T0, EventType.PAGE_VIEW)));
    store.append(List.of(event("mid", "u1", T0.plusSeconds(30), EventType.ADD_TO_CART)));
    store.append(List.of(event("other", "u2", T0.plusSeconds(10), EventType.PAGE_VIEW)));

    assertThat(store.history("u1")).extracting(Event::eventId).containsExactly("early", "mid", "late");
    assertThat(store.historySince("u1", T0.plusSeconds(30)))
        .extracting(Event::eventId)
        .containsExactly("mid", "late");
    assertThat(store.history("nobody")).isEmpty();
  }

  @Test
  void acknowledgedEventsSurviveReopening() throws Exception {
    store.append(List.of(event("x", "u9", T0, EventType.PAGE_VIEW)));
    store.close();
    store = reopen();

    assertThat(store.history("u9")).extracting(Event::eventId).containsExactly("x");
    assertThat(store.append(List.of(event("x", "u9", T0, EventType.PAGE_VIEW))).duplicates()).isEqualTo(1);
  }

  @Test
  void forEachUserGivesEachUsersWholeHistoryOnce() {
    List<Event> batch = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      for (int i = 0; i < 7; i++) {
        batch.add(event("u" + u + "-" + i, "user-" + u, T0.plusSeconds(100L * (7 - i)), EventType.PAGE_VIEW));
      }
    }
    store.append(batch);
    List<EventStore.UserHistory> seen = new ArrayList<>();
    store.forEachUser(seen::add);

    assertThat(seen).hasSize(30);
    assertThat(seen).allSatisfy(h -> {
      assertThat(h.events()).hasSize(7).allMatch(e -> e.userId().equals(h.userId()));
      assertThat(h.events()).isSortedAccordingTo(java.util.Comparator.comparing(Event::occurredAt));
    });
    assertThat(seen).extracting(EventStore.UserHistory::userId).doesNotHaveDuplicates();
    assertThat(store.users(Optional.empty(), 5)).hasSize(5);
    assertThat(store.users(Optional.of("user-8"), 100)).containsExactly("user-9");
  }

  @Test
  void statisticsCountByTypeUserAndDay() {
    store.append(
        List.of(
            event("1", "a", T0, EventType.PAGE_VIEW),
            event("2", "a", T0.plusSeconds(1), EventType.PAGE_VIEW),
            event("3", "b", T0.plus(Duration.ofDays(1)), EventType.PURCHASE)));
    EventStore.StoreStatistics s = store.statistics();

    assertThat(s.events()).isEqualTo(3);
    assertThat(s.users()).isEqualTo(2);
    assertThat(s.firstEventAt()).contains(T0);
    assertThat(s.lastEventAt()).contains(T0.plus(Duration.ofDays(1)));
    assertThat(s.eventsByType()).containsEntry(EventType.PAGE_VIEW, 2L).containsEntry(EventType.PURCHASE, 1L);
    assertThat(s.eventsByDay()).hasSize(2);
    assertThat(store.latest(2)).extracting(Event::eventId).containsExactly("3", "2");
  }

  @Test
  void concurrentWritersOfTheSameIdsStoreEachEventExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger stored = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        futures.add(pool.submit(() -> {
          for (int round = 0; round < 10; round++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
              batch.add(event("r" + round + "-" + i, "u" + i % 7, T0.plusSeconds(i), EventType.PAGE_VIEW));
            }
            stored.addAndGet(store.append(batch).stored().size());
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stored.get()).isEqualTo(500);
    assertThat(store.statistics().events()).isEqualTo(500);
  }
}
