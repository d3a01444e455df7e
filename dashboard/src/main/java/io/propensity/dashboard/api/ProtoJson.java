package io.propensity.dashboard.api;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns service responses into plain maps the pages read directly: fields by their JSON
 * (lowerCamel) names, every scalar field present (zeros included), 64-bit integers as numbers,
 * enums by name, timestamps as ISO-8601 strings, durations as seconds, protobuf maps as objects;
 * fields with presence (messages, oneof members, {@code optional} scalars) are left out when unset.
 */
public final class ProtoJson {
  private ProtoJson() {}

  /** The message as a map. */
  public static Map<String, Object> toMap(Message message) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      // messages, oneof members and proto3 `optional` scalars (a price, say) are left out when
      // unset
      if (!field.isRepeated() && field.hasPresence() && !message.hasField(field)) {
        continue;
      }
      out.put(field.getJsonName(), fieldValue(field, message.getField(field)));
    }
    return out;
  }

  /** Each message of a list as a map. */
  public static List<Map<String, Object>> toMaps(List<? extends Message> messages) {
    List<Map<String, Object>> out = new ArrayList<>(messages.size());
    messages.forEach(m -> out.add(toMap(m)));
    return out;
  }

  private static Object fieldValue(FieldDescriptor field, Object value) {
    if (field.isMapField()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Object entry : (List<?>) value) {
        MapEntry<?, ?> e = (MapEntry<?, ?>) entry;
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        map.put(String.valueOf(e.getKey()), single(valueField, e.getValue()));
      }
      return map;
    }
    if (field.isRepeated()) {
      List<Object> list = new ArrayList<>();
      for (Object v : (List<?>) value) {
        list.add(single(field, v));
      }
      return list;
    }
    return single(field, value);
  }

  private static Object single(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case ENUM -> ((EnumValueDescriptor) value).getName();
      case MESSAGE -> message((Message) value);
      case BYTE_STRING -> ((com.google.protobuf.ByteString) value).size() + " bytes";
      case DOUBLE -> finite((Double) value);
      case FLOAT -> finite(((Float) value).doubleValue());
      default -> value;
    };
  }

  private static Object message(Message m) {
    if (m instanceof Timestamp t) {
      return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }
    if (m instanceof Duration d) {
      return d.getSeconds() + d.getNanos() / 1e9;
    }
    return toMap(m);
  }

  /** JSON has no NaN or infinity: those (a missing feature value, say) become null. */
  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
