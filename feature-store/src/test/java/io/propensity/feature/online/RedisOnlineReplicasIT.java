package io.propensity.feature.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.common.testing.TestRedis;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two feature-service replicas sharing one Redis: whatever replica an event of a user reaches, in
 * whatever order and however concurrently, the online state ends as one replica (and the offline
 * computation) would have it.
 */
class RedisOnlineReplicasIT {
  private final String prefix = "test:" + UUID.randomUUID() + ":";
  private final List<OnlineFeatureStore> opened = new ArrayList<>();

  private OnlineFeatures replica() {
    RedisOnlineFeatureStore store = new RedisOnlineFeatureStore(TestRedis.url(), prefix);
    opened.add(store);
    return new OnlineFeatures(
        store, Clock.fixed(OnlineFeatureStoreContract.END, ZoneOffset.UTC), 1000);
  }

  @AfterEach
  void close() {
    opened.forEach(OnlineFeatureStore::close);
  }

  @Test
  void twoReplicasApplyingInterleavedShuffledConcurrentEventsEndAsOneReplicaAndTheOfflinePath()
      throws Exception {
    Map<String, List<Event>> histories = OnlineFeatureStoreContract.demoHistories(25);
    List<Event> all = new ArrayList<>();
    histories.values().forEach(all::addAll);
    // Shuffled: most users' events arrive out of order, many weeks late (folded into the totals).
    Collections.shuffle(all, new Random(14));
    List<List<Event>> batches = new ArrayList<>();
    Random sizes = new Random(15);
    for (int i = 0; i < all.size(); ) {
      int n = 1 + sizes.nextInt(40);
      batches.add(List.copyOf(all.subList(i, Math.min(all.size(), i + n))));
      i += n;
    }
    OnlineFeatures a = replica();
    OnlineFeatures b = replica();
    int writersPerReplica = 3;
    ExecutorService pool = Executors.newFixedThreadPool(2 * writersPerReplica);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    int writers = 2 * writersPerReplica;
    for (int w = 0; w < writers; w++) {
      OnlineFeatures replica = w % 2 == 0 ? a : b;
      int writer = w;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = writer; i < batches.size(); i += writers) {
                  replica.onStored(batches.get(i));
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();

    InMemoryOnlineFeatureStore single = new InMemoryOnlineFeatureStore();
    batches.forEach(single::apply);
    assertThat(a.failedUpdates() + b.failedUpdates()).as("failed online updates").isZero();
    assertThat(a.users()).isEqualTo(histories.size());
    List<String> users = List.copyOf(histories.keySet());
    List<OnlineFeatures.UserFeatures> fromA = a.forUsers(users);
    List<OnlineFeatures.UserFeatures> fromB = b.forUsers(users);
    for (int i = 0; i < users.size(); i++) {
      String user = users.get(i);
      assertThat(fromA.get(i).vector())
          .as("user %s: replica A = offline computation", user)
          .isEqualTo(
              BatchFeatureComputer.compute(histories.get(user), OnlineFeatureStoreContract.END));
      assertThat(fromB.get(i).vector())
          .as("user %s: replica B = replica A", user)
          .isEqualTo(fromA.get(i).vector());
      assertThat(fromA.get(i).vector())
          .as("user %s: replicas = a single replica", user)
          .isEqualTo(single.vectorOf(user, OnlineFeatureStoreContract.END).orElseThrow().vector());
    }
  }

  @Test
  void replicasStartingTogetherRebuildOnceAndTheOthersWaitForIt() throws Exception {
    Map<String, List<Event>> histories = OnlineFeatureStoreContract.demoHistories(10);
    RedisOnlineFeatureStore first = new RedisOnlineFeatureStore(TestRedis.url(), prefix);
    RedisOnlineFeatureStore second = new RedisOnlineFeatureStore(TestRedis.url(), prefix);
    opened.add(first);
    opened.add(second);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      assertThat(first.needsRebuild()).as("the first replica claims the rebuild").isTrue();
      Future<Boolean> secondNeedsRebuild = pool.submit(second::needsRebuild);
      // while the first rebuilds, the second neither rebuilds nor wipes: it waits
      histories.values().forEach(first::apply);
      assertThatThrownBy(() -> secondNeedsRebuild.get(700, TimeUnit.MILLISECONDS))
          .as("the second replica is still waiting")
          .isInstanceOf(TimeoutException.class);
      first.rebuilt();

      assertThat(secondNeedsRebuild.get(10, TimeUnit.SECONDS))
          .as("the second replica finds the state complete")
          .isFalse();
    } finally {
      pool.shutdownNow();
    }
    assertThat(second.users()).isEqualTo(histories.size());
    histories.forEach(
        (user, events) ->
            assertThat(second.vectorOf(user, OnlineFeatureStoreContract.END).orElseThrow().vector())
                .as(user)
                .isEqualTo(BatchFeatureComputer.compute(events, OnlineFeatureStoreContract.END)));
    // a later start finds the state complete at once
    assertThat(new RedisOnlineFeatureStore(TestRedis.url(), prefix))
        .satisfies(
            third -> {
              opened.add(third);
              assertThat(third.needsRebuild()).isFalse();
            });
  }
}
