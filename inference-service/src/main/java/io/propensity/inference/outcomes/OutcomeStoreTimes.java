package io.propensity.inference.outcomes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Micros since the epoch, as the log stores times. */
final class OutcomeStoreTimes {
  private OutcomeStoreTimes() {}

  static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
