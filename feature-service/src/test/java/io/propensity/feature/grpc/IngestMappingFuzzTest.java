package io.propensity.feature.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.propensity.client.EventProtoMapper;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import propensity.features.v1.IngestEventsRequest;

/**
 * Coverage-guided fuzzing of ingest's mapping and validation: any bytes that parse as an {@code
 * IngestEventsRequest} map, event by event, to either a named set of field violations or an event
 * the validator judges; an event it accepts maps back to the same wire event content, and every
 * violation names a field and a reason. Any exception is a finding: it would reach the client as
 * {@code INTERNAL}. A normal build replays the committed corpus ({@code
 * IngestMappingFuzzTestInputs/}); {@code .ci/fuzz.sh} fuzzes.
 */
class IngestMappingFuzzTest {

  /** A fixed "now", so that what counts as the future does not change between runs. */
  private static final EventValidator VALIDATOR =
      new EventValidator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  @FuzzTest(maxDuration = "10m")
  void anyIngestRequestMapsToValidEventsOrNamedViolations(byte[] input) {
    IngestEventsRequest request;
    try {
      request = IngestEventsRequest.parseFrom(input);
    } catch (InvalidProtocolBufferException notARequest) {
      return;
    }
    List<ReceivedEvent> received = FeatureProtoMapper.toEvents(request.getEventsList());
    assertThat(received).hasSameSizeAs(request.getEventsList());
    for (ReceivedEvent r : received) {
      if (r instanceof ReceivedEvent.Unparseable u) {
        assertThat(u.violations()).isNotEmpty();
        assertNamed(u.violations());
      } else if (r instanceof ReceivedEvent.Parsed p) {
        List<FieldViolation> violations = VALIDATOR.validate(p.event());
        assertNamed(violations);
        if (violations.isEmpty()) {
          // what is stored is what the client sent: mapping it back and forth changes nothing
          ReceivedEvent again = EventProtoMapper.fromProto(EventProtoMapper.toProto(p.event()));
          assertThat(again).isEqualTo(r);
        }
      }
    }
  }

  private static void assertNamed(List<FieldViolation> violations) {
    for (FieldViolation v : violations) {
      assertThat(v.field()).as("violation %s names a field", v).isNotBlank();
      assertThat(v.reason()).as("violation %s gives a reason", v).isNotBlank();
    }
  }
}
