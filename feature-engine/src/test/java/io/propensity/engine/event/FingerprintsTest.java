package io.propensity.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintsTest {

  @Test
  void fingerprintsArePinnedBecauseFeatureValuesDependOnThem() {
    assertThat(Fingerprints.of64("")).isEqualTo(PINNED_EMPTY);
    assertThat(Fingerprints.of64("event-1")).isEqualTo(PINNED_EVENT_1);
    assertThat(Fingerprints.eventId48("event-1")).isEqualTo(PINNED_EVENT_1 >>> 16);
  }

  @Test
  void the48BitEventFingerprintIsNeverNegative() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(Fingerprints.eventId48("e" + i)).isNotNegative().isLessThan(1L << 48);
    }
  }

  @Test
  void the32BitFingerprintIsNeverZeroBecauseZeroMeansAbsent() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(Fingerprints.of32("item-" + i)).isNotZero();
    }
  }

  @Test
  void nonAsciiTextIsHashedByItsUtf8Bytes() {
    assertThat(Fingerprints.of64("größe")).isNotEqualTo(Fingerprints.of64("grosse"));
  }

  private static final long PINNED_EMPTY = -1166397803181037274L;
  private static final long PINNED_EVENT_1 = -5064161036806374958L;
}
