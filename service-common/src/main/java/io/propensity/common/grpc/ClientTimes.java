package io.propensity.common.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.InvalidInputException;
import java.time.Instant;
import java.util.Optional;

/**
 * Timestamps and durations from a client's request, range-checked before conversion, so that a
 * value outside what the protobuf types may hold is a field violation and never an INTERNAL error.
 */
public final class ClientTimes {

  private ClientTimes() {}

  /**
   * The instant of a client's timestamp {@code field}.
   *
   * @throws InvalidInputException when it is not a valid Timestamp (outside years 1 to 9999)
   */
  public static Instant instant(Timestamp t, String field) {
    Optional<String> bad = EventProtoMapper.timestampProblem(t);
    if (bad.isPresent()) {
      throw InvalidInputException.of(field, bad.get());
    }
    return EventProtoMapper.instant(t);
  }

  /**
   * The duration of a client's duration {@code field}.
   *
   * @throws InvalidInputException when it is not a valid Duration
   */
  public static java.time.Duration duration(Duration d, String field) {
    Optional<String> bad = EventProtoMapper.durationProblem(d);
    if (bad.isPresent()) {
      throw InvalidInputException.of(field, bad.get());
    }
    return EventProtoMapper.duration(d);
  }
}
