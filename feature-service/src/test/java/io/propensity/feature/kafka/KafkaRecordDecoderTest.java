package io.propensity.feature.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import io.propensity.engine.event.ReceivedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the topic's records may hold, in both formats. */
class KafkaRecordDecoderTest {
  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
  private final KafkaRecordDecoder proto =
      new KafkaRecordDecoder(KafkaRecordDecoder.Format.PROTOBUF);
  private final KafkaRecordDecoder json =
      new KafkaRecordDecoder(KafkaRecordDecoder.Format.of("JSON"));

  @Test
  void aProtobufRecordKeyedByItsUserIsAnEvent() {
    var e = KafkaTestEvents.purchase("e1", "u1", T, 12.5);
    var d = proto.decode(KafkaTestEvents.key("u1"), e.toByteArray());
    assertThat(d).isInstanceOf(KafkaRecordDecoder.Decoded.Event.class);
    var parsed = (ReceivedEvent.Parsed) ((KafkaRecordDecoder.Decoded.Event) d).event();
    assertThat(parsed.event().eventId()).isEqualTo("e1");
    assertThat(parsed.event().userId()).isEqualTo("u1");
    assertThat(parsed.event().occurredAt()).isEqualTo(T);
  }

  @Test
  void aRecordWithoutKeyIsAccepted() {
    var e = KafkaTestEvents.event("e1", "u1", T);
    assertThat(proto.decode(null, e.toByteArray()))
        .isInstanceOf(KafkaRecordDecoder.Decoded.Event.class);
  }

  @Test
  void aKeyOtherThanTheUserIsRejectedOnTheKeyField() {
    var d =
        proto.decode(KafkaTestEvents.key("u2"), KafkaTestEvents.event("e1", "u1", T).toByteArray());
    assertThat(d).isInstanceOf(KafkaRecordDecoder.Decoded.Rejected.class);
    var v = ((KafkaRecordDecoder.Decoded.Rejected) d).violations().get(0);
    assertThat(v.field()).isEqualTo("key");
    assertThat(v.reason()).contains("'u2'").contains("'u1'");
  }

  @Test
  void emptyAndGarbledValuesAreRejectedOnTheValueField() {
    assertThat(proto.decode(null, new byte[0]))
        .isInstanceOf(KafkaRecordDecoder.Decoded.Rejected.class);
    assertThat(proto.decode(null, null)).isInstanceOf(KafkaRecordDecoder.Decoded.Rejected.class);
    var d = proto.decode(null, new byte[] {(byte) 0xff, 0x00});
    assertThat(((KafkaRecordDecoder.Decoded.Rejected) d).violations().get(0).field())
        .isEqualTo("value");
    var j = json.decode(null, "{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(((KafkaRecordDecoder.Decoded.Rejected) j).violations().get(0).reason())
        .contains("JSON");
  }

  @Test
  void theJsonFormatIsTheProtobufJsonMappingOfTheSameMessage() throws Exception {
    var e = KafkaTestEvents.purchase("e1", "u1", T, 12.5);
    String text = JsonFormat.printer().print(e);
    assertThat(text).contains("\"eventId\"").contains("EVENT_TYPE_PURCHASE");
    var d = json.decode(KafkaTestEvents.key("u1"), text.getBytes(StandardCharsets.UTF_8));
    var parsed = (ReceivedEvent.Parsed) ((KafkaRecordDecoder.Decoded.Event) d).event();
    assertThat(parsed.event().price()).hasValue(12.5);
    String snake =
        "{\"event_id\":\"e2\",\"user_id\":\"u1\",\"occurred_at\":\"2026-01-02T03:04:05Z\","
            + "\"type\":\"EVENT_TYPE_PAGE_VIEW\",\"field_from_the_future\":1}";
    var d2 = json.decode(null, snake.getBytes(StandardCharsets.UTF_8));
    assertThat(
            ((ReceivedEvent.Parsed) ((KafkaRecordDecoder.Decoded.Event) d2).event())
                .event()
                .occurredAt())
        .isEqualTo(T);
  }

  @Test
  void anUnknownFormatIsAConfigurationError() {
    assertThatThrownBy(() -> KafkaRecordDecoder.Format.of("avro"))
        .hasMessageContaining("protobuf, json");
  }
}
