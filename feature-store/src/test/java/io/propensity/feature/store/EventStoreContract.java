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
  void aResentIdWithOtherContentIsAConflictListedWithTheFieldsThatDiffer() {
    Event a = event("a", "u1", T0, EventType.PAGE_VIEW).toBuilder().price(10).quantity(2).build();
    store.append(List.of(a));

    Event otherUser = a.toBuilder().userId("u2").build();
    Event otherTypeAndTime =
        a.toBuilder().type(EventType.PURCHASE).occurredAt(T0.plusSeconds(1)).build();
    Event otherPrice = a.toBuilder().price(11).build();
    Event same = a.toBuilder().build();
    EventStore.AppendResult r =
        store.append(
            List.of(
                event("new", "u1", T0, EventType.SEARCH),
                otherUser,
                same,
                otherTypeAndTime,
                otherPrice));

    assertThat(r.stored()).extracting(Event::eventId).containsExactly("new");
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.conflicts())
        .containsExactly(
            new EventStore.Conflict(1, "a", List.of("user_id")),
            new EventStore.Conflict(3, "a", List.of("occurred_at", "type")),
            new EventStore.Conflict(4, "a", List.of("price")));
    assertThat(store.history("u1")).contains(a);
    assertThat(store.history("u2")).isEmpty();
  }

  @Test
  void aRepeatInsideOneCallWithOtherContentIsAConflictWithItsFirstOccurrence() {
    Event a = event("a", "u1", T0, EventType.PAGE_VIEW);
    EventStore.AppendResult r =
        store.append(
            List.of(a, a.toBuilder().attributes(Map.of("k", "v")).build(), a.toBuilder().build()));

    assertThat(r.stored()).containsExactly(a);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.conflicts())
        .containsExactly(new EventStore.Conflict(1, "a", List.of("attributes")));
  }

  @Test
  void aResentEventDifferingOnlyBelowTheStoredPrecisionIsAPlainDuplicate() {
    Event a =
        event("a", "u1", T0.plusNanos(1_000_000), EventType.PAGE_VIEW).toBuilder()
            .dwell(java.time.Duration.ofMillis(1500))
            .build();
    store.append(List.of(a));
    Event finer =
        a.toBuilder()
            .occurredAt(T0.plusNanos(1_000_001))
            .dwell(java.time.Duration.ofNanos(1_500_000_300))
            .build();

    EventStore.AppendResult r = store.append(List.of(finer));

    assertThat(r.conflicts()).isEmpty();
    assertThat(r.duplicates()).isEqualTo(1);
  }

  @Test
  void historyIsTimeOrderedWhateverTheArrivalOrder() {
    store.append(List.of(event("late", "u1", T0.plusSeconds(60), EventType.PURCHASE)));
    store.append(List.of(event("early", "u1", T0, EventType.PAGE_VIEW)));
    store.append(List.of(event("mid", "u1", T0.plusSeconds(30), EventType.ADD_TO_CART)));
    store.append(List.of(event("other", "u2", T0.plusSeconds(10), EventType.PAGE_VIEW)));

    assertThat(store.history("u1"))
        .extracting(Event::eventId)
        .containsExactly("early", "mid", "late");
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
    assertThat(store.append(List.of(event("x", "u9", T0, EventType.PAGE_VIEW))).duplicates())
        .isEqualTo(1);
  }

  @Test
  void forEachUserGivesEachUsersWholeHistoryOnce() {
    List<Event> batch = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      for (int i = 0; i < 7; i++) {
        batch.add(
            event(
                "u" + u + "-" + i,
                "user-" + u,
                T0.plusSeconds(100L * (7 - i)),
                EventType.PAGE_VIEW));
      }
    }
    store.append(batch);
    List<EventStore.UserHistory> seen = new ArrayList<>();
    store.forEachUser(seen::add);

    assertThat(seen).hasSize(30);
    assertThat(seen)
        .allSatisfy(
            h -> {
              assertThat(h.events()).hasSize(7).allMatch(e -> e.userId().equals(h.userId()));
              assertThat(h.events())
                  .isSortedAccordingTo(java.util.Comparator.comparing(Event::occurredAt));
            });
    assertThat(seen).extracting(EventStore.UserHistory::userId).doesNotHaveDuplicates();
    assertThat(store.users(Optional.empty(), 5)).hasSize(5);
    assertThat(store.users(Optional.of("user-8"), 100)).containsExactly("user-9");
  }

  @Test
  void userActivityPagesThroughUsersInIdOrderWithTheirFirstAndLastEventAndCount() {
    List<Event> batch = new ArrayList<>();
    for (int u = 0; u < 12; u++) {
      // user-00 is last active on day 0, user-11 on day 11; each has u + 1 events.
      for (int i = 0; i <= u; i++) {
        batch.add(
            event(
                "a" + u + "-" + i,
                String.format("user-%02d", u),
                T0.plus(Duration.ofDays(i)),
                EventType.PAGE_VIEW));
      }
    }
    store.append(batch);

    List<EventStore.UserActivity> first =
        store.userActivity(Optional.empty(), Optional.empty(), Optional.empty(), 5);
    List<EventStore.UserActivity> rest =
        store.userActivity(
            Optional.of(first.get(4).userId()), Optional.empty(), Optional.empty(), 100);
    assertThat(first)
        .extracting(EventStore.UserActivity::userId)
        .containsExactly("user-00", "user-01", "user-02", "user-03", "user-04");
    assertThat(rest)
        .extracting(EventStore.UserActivity::userId)
        .hasSize(7)
        .startsWith("user-05")
        .endsWith("user-11");
    assertThat(first.get(3))
        .isEqualTo(new EventStore.UserActivity("user-03", T0, T0.plus(Duration.ofDays(3)), 4));

    List<EventStore.UserActivity> lastActiveFrom3To6 =
        store.userActivity(
            Optional.empty(),
            Optional.of(T0.plus(Duration.ofDays(3))),
            Optional.of(T0.plus(Duration.ofDays(6))),
            100);
    assertThat(lastActiveFrom3To6)
        .extracting(EventStore.UserActivity::userId)
        .containsExactly("user-03", "user-04", "user-05", "user-06");
    assertThat(
            store.userActivity(
                Optional.of("user-04"),
                Optional.of(T0.plus(Duration.ofDays(3))),
                Optional.empty(),
                2))
        .extracting(EventStore.UserActivity::userId)
        .containsExactly("user-05", "user-06");
  }

  @Test
  void newestHistoryGivesTheNewestEventsInTimeOrderAndSaysWhenOlderOnesRemain() {
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(event("h" + i, "u1", T0.plusSeconds(60L * (9 - i)), EventType.PAGE_VIEW));
    }
    batch.add(event("tie-b", "u1", T0.plusSeconds(60L * 9), EventType.ADD_TO_CART));
    batch.add(event("other", "u2", T0, EventType.PAGE_VIEW));
    store.append(batch);

    EventStore.RecentHistory newest3 = store.newestHistory("u1", Optional.empty(), 3);
    assertThat(newest3.events()).extracting(Event::eventId).containsExactly("h1", "h0", "tie-b");
    assertThat(newest3.truncated()).isTrue();
    EventStore.RecentHistory all = store.newestHistory("u1", Optional.empty(), 100);
    assertThat(all.events()).isEqualTo(store.history("u1"));
    assertThat(all.truncated()).isFalse();
    EventStore.RecentHistory since =
        store.newestHistory("u1", Optional.of(T0.plusSeconds(60L * 8)), 100);
    assertThat(since.events()).extracting(Event::eventId).containsExactly("h1", "h0", "tie-b");
    assertThat(since.truncated()).isFalse();
    assertThat(store.newestHistory("u1", Optional.of(T0.plusSeconds(60L * 8)), 3).truncated())
        .isFalse();
    assertThat(store.newestHistory("nobody", Optional.empty(), 10).events()).isEmpty();
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
    assertThat(s.eventsByType())
        .containsEntry(EventType.PAGE_VIEW, 2L)
        .containsEntry(EventType.PURCHASE, 1L);
    assertThat(s.eventsByDay()).hasSize(2);
    assertThat(store.latest(2)).extracting(Event::eventId).containsExactly("3", "2");
  }

  @Test
  void latestOrdersByOccurrenceTimeNotByIngestion() {
    store.append(List.of(event("new", "a", T0.plusSeconds(30), EventType.PAGE_VIEW)));
    store.append(List.of(event("old", "b", T0, EventType.PAGE_VIEW)));
    store.append(
        List.of(
            event("tie-first", "c", T0.plusSeconds(10), EventType.PAGE_VIEW),
            event("tie-second", "d", T0.plusSeconds(10), EventType.PAGE_VIEW)));

    assertThat(store.latest(3))
        .extracting(Event::eventId)
        .containsExactly("new", "tie-second", "tie-first");
  }

  @Test
  void concurrentWritersOfTheSameIdsStoreEachEventExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger stored = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 10; round++) {
                    List<Event> batch = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                      batch.add(
                          event(
                              "r" + round + "-" + i,
                              "u" + i % 7,
                              T0.plusSeconds(i),
                              EventType.PAGE_VIEW));
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

  @Test
  void highWaterMarkGrowsWithEachStoredEventAndTheTailIsReadInStorageOrder() throws Exception {
    assertThat(store.highWaterMark()).isZero();
    store.append(List.of(event("a", "u1", T0, EventType.PAGE_VIEW)));
    long afterA = store.highWaterMark();
    assertThat(afterA).isPositive();
    store.append(List.of(event("a", "u1", T0, EventType.PAGE_VIEW))); // duplicate: nothing stored
    // a late event (older time) stored after a newer one
    store.append(
        List.of(
            event("b", "u2", T0.plusSeconds(60), EventType.SEARCH),
            event("c", "u1", T0.minusSeconds(3600), EventType.PURCHASE)));
    long afterC = store.highWaterMark();
    assertThat(afterC).isGreaterThan(afterA);

    List<String> tail = new ArrayList<>();
    assertThat(store.forEachStoredBetween(afterA, afterC, e -> tail.add(e.eventId()))).isEqualTo(2);
    assertThat(tail).containsExactly("b", "c");
    List<String> none = new ArrayList<>();
    assertThat(store.forEachStoredBetween(afterC, Long.MAX_VALUE, e -> none.add(e.eventId())))
        .isZero();

    List<String> upToA = new ArrayList<>();
    store.forEachUserUpTo(afterA, h -> h.events().forEach(e -> upToA.add(e.eventId())));
    assertThat(upToA).containsExactly("a");

    store.close();
    store = reopen();
    assertThat(store.highWaterMark()).as("survives a restart").isEqualTo(afterC);
    store.append(List.of(event("d", "u3", T0, EventType.PAGE_VIEW)));
    assertThat(store.highWaterMark()).as("never reused").isGreaterThan(afterC);
  }

  @Test
  void approximateEventsCountsStoredEventsWithoutDuplicates() {
    store.append(
        List.of(
            event("a", "u1", T0, EventType.PAGE_VIEW), event("b", "u1", T0, EventType.PAGE_VIEW)));
    store.append(List.of(event("a", "u1", T0, EventType.PAGE_VIEW)));
    // PostgreSQL's statistics catch up within moments of a commit
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(store.approximateEvents()).isEqualTo(2));
  }
}
