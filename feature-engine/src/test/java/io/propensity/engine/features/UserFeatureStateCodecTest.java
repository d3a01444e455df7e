package io.propensity.engine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UserFeatureStateCodecTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aStateReadBackFromBytesGivesTheSameVectorsAndKeepsUpdating() {
    SplittableRandom r = new SplittableRandom(3);
    UserFeatureState original = new UserFeatureState();
    EventType[] types = EventType.values();
    for (int i = 0; i < 80; i++) {
      original.apply(
          Event.builder(
                  "e" + i,
                  "u",
                  T0.plusSeconds(r.nextLong(50L * 86400)),
                  types[r.nextInt(types.length)])
              .price(r.nextInt(100))
              .sessionId(r.nextBoolean() ? "s" + r.nextInt(5) : null)
              .build());
    }
    UserFeatureState copy = UserFeatureState.fromBytes(original.toBytes());
    Instant now = T0.plus(Duration.ofDays(51));
    assertThat(copy.vectorAsOf(now)).isEqualTo(original.vectorAsOf(now));
    assertThat(copy.watermark()).isEqualTo(original.watermark());

    Event late =
        Event.builder("late", "u", T0.plus(Duration.ofDays(40)), EventType.PURCHASE)
            .price(9)
            .build();
    original.apply(late);
    copy.apply(late);
    assertThat(copy.vectorAsOf(now)).isEqualTo(original.vectorAsOf(now));
    assertThat(copy.apply(late)).as("duplicates still recognised after a round trip").isFalse();
  }

  @Test
  void anEmptyStateRoundTrips() {
    UserFeatureState copy = UserFeatureState.fromBytes(new UserFeatureState().toBytes());
    assertThat(copy.vectorAsOf(T0)).isEqualTo(BatchFeatureComputer.coldStart());
  }

  @Test
  void corruptOrForeignBytesAreRefused() {
    byte[] good = new UserFeatureState().toBytes();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 99;
    assertThatThrownBy(() -> UserFeatureState.fromBytes(truncated))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserFeatureState.fromBytes(otherVersion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("codec version 99");
  }
}
