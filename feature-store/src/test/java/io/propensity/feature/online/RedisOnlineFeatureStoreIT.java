package io.propensity.feature.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.common.testing.TestRedis;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The online store contract on a real Redis server (the configured one; see the subclass for
 * Docker), plus what persistence adds.
 */
class RedisOnlineFeatureStoreIT extends OnlineFeatureStoreContract {
  private String prefix;

  /** Where the server is. */
  protected String redisUrl() {
    return TestRedis.url();
  }

  @Override
  protected OnlineFeatureStore open() {
    String url = redisUrl();
    if (prefix == null) {
      prefix = "test:" + UUID.randomUUID() + ":";
    }
    return new RedisOnlineFeatureStore(url, prefix);
  }

  @Test
  void stateSurvivesReconnectingAndIsRebuiltOnlyWhenNotMarkedComplete() {
    assertThat(store.needsRebuild()).isTrue();
    store.apply(
        List.of(
            Event.builder("r1", "ru", END.minusSeconds(60), EventType.PURCHASE).price(5).build()));
    store.rebuilt();
    store.close();

    store = open();
    assertThat(store.needsRebuild()).isFalse();
    assertThat(store.vectorOf("ru", END)).isPresent();

    store.markStale();
    store.close();
    store = open();
    assertThat(store.needsRebuild()).as("a stale state is wiped and rebuilt").isTrue();
    assertThat(store.vectorOf("ru", END)).isEmpty();
  }
}
