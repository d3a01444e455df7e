package io.propensity.feature.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every online feature store must do; one subclass per backend. */
public abstract class OnlineFeatureStoreContract {
  static final Instant END = Instant.parse("2026-04-30T00:00:00Z");
  protected OnlineFeatureStore store;

  protected abstract OnlineFeatureStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static Map<String, List<Event>> demoHistories(int users) {
    return new DemoDataGenerator(DemoConfig.defaults(users, END))
        .events()
        .collect(Collectors.groupingBy(Event::userId));
  }

  @Test
  void vectorsEqualTheBatchPathWhateverTheArrivalOrder() {
    Map<String, List<Event>> histories = demoHistories(40);
    List<Event> all = new ArrayList<>();
    histories.values().forEach(all::addAll);
    Collections.shuffle(all, new Random(1));
    for (int i = 0; i < all.size(); i += 97) {
      store.apply(all.subList(i, Math.min(all.size(), i + 97)));
    }

    assertThat(store.users()).isEqualTo(histories.size());
    histories.forEach(
        (user, events) ->
            assertThat(store.vectorOf(user, END).orElseThrow().vector())
                .as(user)
                .isEqualTo(BatchFeatureComputer.compute(events, END)));
    assertThat(store.vectorOf("nobody", END)).isEmpty();
  }

  @Test
  void concurrentWritersForTheSameUsersLoseNoUpdate() throws Exception {
    Map<String, List<Event>> histories = demoHistories(6);
    List<Event> all = new ArrayList<>();
    histories.values().forEach(all::addAll);
    Collections.shuffle(all, new Random(2));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = writer; i < all.size(); i += 4) {
                    store.apply(List.of(all.get(i)));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    histories.forEach(
        (user, events) ->
            assertThat(store.vectorOf(user, END).orElseThrow().vector())
                .isEqualTo(BatchFeatureComputer.compute(events, END)));
  }

  @Test
  void aTypicalActiveUserNeedsUnderTwoKibibytes() {
    Map<String, List<Event>> histories = demoHistories(300);
    histories.values().forEach(store::apply);
    long active = histories.size();
    double perUser = (double) store.estimatedBytes() / active;
    System.out.printf(
        "online state (%s): %d users, %.0f bytes per user%n",
        store.getClass().getSimpleName(), active, perUser);
    assertThat(store.users()).isEqualTo(active);
    assertThat(perUser).isBetween(100.0, 2048.0);
  }
}
