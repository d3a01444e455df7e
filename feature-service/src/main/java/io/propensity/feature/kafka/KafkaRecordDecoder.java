package io.propensity.feature.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.propensity.client.EventProtoMapper;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Turns a record of the events topic into the same {@link ReceivedEvent} the gRPC ingest gets (one
 * mapping, {@link EventProtoMapper}), or into the reasons it is not one.
 */
public final class KafkaRecordDecoder {
  /** How record values are written. */
  public enum Format {
    /** The serialized {@code propensity.events.v1.Event}. */
    PROTOBUF,
    /** The protobuf JSON mapping of {@code propensity.events.v1.Event}, UTF-8. */
    JSON;

    /** Parses a configured value ({@code protobuf} or {@code json}, any case). */
    public static Format of(String value) {
      try {
        return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "propensity.ingest.kafka.format=" + value + " is not one of: protobuf, json");
      }
    }
  }

  /** A decoded record: an event to ingest, or the reasons it cannot be one. */
  public sealed interface Decoded {
    /** Structurally an event (validation by the ingestor still to come). */
    record Event(ReceivedEvent event) implements Decoded {}

    /** Not an event, or one the record may not carry. */
    record Rejected(List<FieldViolation> violations) implements Decoded {
      public Rejected {
        violations = List.copyOf(violations);
      }
    }
  }

  private final Format format;
  private final JsonFormat.Parser json = JsonFormat.parser().ignoringUnknownFields();

  public KafkaRecordDecoder(Format format) {
    this.format = format;
  }

  public Format format() {
    return format;
  }

  /**
   * Decodes one record. A record whose key is set and differs from the event's {@code user_id} is
   * rejected: keys route a user's events to one partition, so a wrong key would break per-user
   * order.
   */
  public Decoded decode(byte[] key, byte[] value) {
    if (value == null || value.length == 0) {
      return rejected("value", "is empty; expected a " + formatName() + " Event");
    }
    propensity.events.v1.Event proto;
    try {
      proto = parse(value);
    } catch (InvalidProtocolBufferException e) {
      return rejected("value", "not a " + formatName() + " Event: " + e.getMessage());
    }
    if (key != null) {
      String k = new String(key, StandardCharsets.UTF_8);
      if (!k.equals(proto.getUserId())) {
        return rejected(
            "key",
            "record key '"
                + abbreviate(k)
                + "' differs from user_id '"
                + abbreviate(proto.getUserId())
                + "'; key records by user id so each user's events stay in order");
      }
    }
    return new Decoded.Event(EventProtoMapper.fromProto(proto));
  }

  private propensity.events.v1.Event parse(byte[] value) throws InvalidProtocolBufferException {
    if (format == Format.PROTOBUF) {
      return propensity.events.v1.Event.parseFrom(value);
    }
    propensity.events.v1.Event.Builder b = propensity.events.v1.Event.newBuilder();
    try {
      json.merge(new String(value, StandardCharsets.UTF_8), b);
    } catch (RuntimeException e) {
      // the JSON parser reports some malformed input (e.g. a bare string) as unchecked exceptions
      throw new InvalidProtocolBufferException(String.valueOf(e.getMessage()));
    }
    return b.build();
  }

  private String formatName() {
    return format == Format.PROTOBUF
        ? "serialized propensity.events.v1"
        : "JSON propensity.events.v1";
  }

  private static Decoded rejected(String field, String reason) {
    return new Decoded.Rejected(List.of(new FieldViolation(field, reason)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
