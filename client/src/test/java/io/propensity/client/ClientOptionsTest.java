package io.propensity.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
  @Test
  void aDeadlineMustBePositive() {
    assertThatThrownBy(() -> ClientOptions.deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> ClientOptions.deadline(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

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
