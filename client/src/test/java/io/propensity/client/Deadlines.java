package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

/** Assertions on the deadline a call arrived with. */
final class Deadlines {
  private Deadlines() {}

  /** The call arrived with {@code expected} left, give or take the time it took to get there. */
  static void assertDeadline(RecordingServer.Call call, Duration expected) {
    assertThat(call.deadline()).as("deadline of %s", call.method()).isPresent();
    Duration left = call.deadline().get();
    assertThat(left)
        .as("time left of %s", call.method())
        .isLessThanOrEqualTo(expected)
        .isGreaterThan(expected.minusSeconds(2));
  }

  static void assertNoCredentials(RecordingServer.Call call) {
    assertThat(call.authorization()).as("authorization of %s", call.method()).isEmpty();
  }

  static void assertBearer(RecordingServer.Call call, String token) {
    assertThat(call.authorization())
        .as("authorization of %s", call.method())
        .isEqualTo(Optional.of("Bearer " + token));
  }
}
