package io.propensity.sources.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeFormatTest {

  @Test
  void epochValuesWithHugeExponentsAreRefusedAtOnceInsteadOfHangingTheImport() {
    // found by CsvImportersFuzzTest: BigDecimal scaled 1e21332117 by computing ten to that power
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (TimeFormat f :
              new TimeFormat[] {TimeFormat.EPOCH_MILLIS, TimeFormat.EPOCH_SECONDS}) {
            assertThatThrownBy(() -> f.parser().apply("1433257e21332117"))
                .isInstanceOf(DateTimeException.class);
            assertThatThrownBy(() -> f.parser().apply("1e30"))
                .isInstanceOf(DateTimeException.class);
            assertThat(f.parser().apply("1e-99999999")).isEqualTo(Instant.EPOCH);
          }
        });
  }

  @Test
  void epochValuesWithDecimalsAndExponentsStillParse() {
    assertThat(TimeFormat.EPOCH_MILLIS.parser().apply("1.4332213321175E12"))
        .isEqualTo(Instant.ofEpochMilli(1_433_221_332_117L).plusNanos(500_000));
    assertThat(TimeFormat.EPOCH_SECONDS.parser().apply("1704888000.25"))
        .isEqualTo(Instant.ofEpochSecond(1_704_888_000L, 250_000_000));
  }
}
