package io.propensity.feature.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimeSampleTest {
  static final Instant T0 = Instant.parse("2017-11-25T00:00:00Z");

  @Test
  void permillesAreExactNearestRankQuantilesUpToTheCapacity() {
    EventTimeSample s = new EventTimeSample(10_000, 1);
    s.add(T0.minus(Duration.ofDays(61))); // one stray event two months early
    for (int i = 0; i < 999; i++) {
      s.add(T0.plus(Duration.ofMinutes(i)));
    }

    DataOverview.EventTimes q = s.quantiles().orElseThrow();

    assertThat(q.sampleSize()).isEqualTo(1000);
    assertThat(q.permilles()).hasSize(1001).isSorted();
    assertThat(q.permilles().get(0)).isEqualTo(T0.minus(Duration.ofDays(61)));
    assertThat(q.permilles().get(1)).isEqualTo(T0.minus(Duration.ofDays(61)));
    assertThat(q.permilles().get(10)).isEqualTo(T0.plus(Duration.ofMinutes(8)));
    assertThat(q.permilles().get(1000)).isEqualTo(T0.plus(Duration.ofMinutes(998)));
  }

  @Test
  void beyondTheCapacityAUniformSampleEstimatesTheQuantiles() {
    EventTimeSample s = new EventTimeSample(2_000, 7);
    for (int i = 0; i < 100_000; i++) {
      s.add(T0.plusSeconds(i));
    }

    DataOverview.EventTimes q = s.quantiles().orElseThrow();

    assertThat(q.sampleSize()).isEqualTo(2_000);
    long median = Duration.between(T0, q.permilles().get(500)).toSeconds();
    assertThat(median).isBetween(45_000L, 55_000L);
  }

  @Test
  void noEventGivesNoQuantiles() {
    assertThat(new EventTimeSample(10, 1).quantiles()).isEmpty();
  }
}
