package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
  @Test
  void credentialsAreAbsentUntilGivenAndKeptWhenTheDeadlineChanges() {
    ClientOptions plain = ClientOptions.deadline(Duration.ofSeconds(3));
    ClientOptions withToken = plain.withCredentials(RecordingServer.bearer("t"));

    assertThat(plain.credentials()).isEmpty();
    assertThat(withToken.withDeadline(Duration.ofSeconds(8)).credentials())
        .isEqualTo(withToken.credentials());
    assertThat(withToken.withDeadline(Duration.ofSeconds(8)).deadline())
        .isEqualTo(Duration.ofSeconds(8));
  }
}
