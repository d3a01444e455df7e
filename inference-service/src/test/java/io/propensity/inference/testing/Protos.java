package io.propensity.inference.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.propensity.engine.features.FeatureCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import propensity.events.v1.Event;
import propensity.events.v1.EventType;
import propensity.features.v1.FeatureVector;
import propensity.inference.v1.PredictionInput;

/** Builders and detail readers for tests of the inference contract. */
public final class Protos {
  private Protos() {}

  public static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  public static Event event(String id, String user, Instant at, EventType type) {
    return Event.newBuilder()
        .setEventId(id)
        .setUserId(user)
        .setOccurredAt(ts(at))
        .setType(type)
        .setItemId("sku-1")
        .setPrice(20)
        .build();
  }

  public static PredictionInput vector(double[] values) {
    return vector(FeatureCatalog.schema().versionHash(), values);
  }

  public static PredictionInput vector(String hash, double[] values) {
    FeatureVector.Builder v = FeatureVector.newBuilder().setSchemaVersionHash(hash);
    for (double x : values) {
      v.addValues(x);
    }
    return PredictionInput.newBuilder().setFeatures(v).build();
  }

  public static PredictionInput user(String id) {
    return PredictionInput.newBuilder().setUserId(id).build();
  }

  /** The BadRequest field violations of an error, as {@code field: description}. */
  public static List<String> violations(StatusRuntimeException e) {
    return violations(StatusProto.fromThrowable(e));
  }

  public static List<String> violations(com.google.rpc.Status status) {
    return status.getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .flatMap(
            a -> {
              try {
                return a.unpack(BadRequest.class).getFieldViolationsList().stream();
              } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException(ex);
              }
            })
        .map(v -> v.getField() + ": " + v.getDescription())
        .toList();
  }

  public static Optional<RetryInfo> retryInfo(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(RetryInfo.class))
        .findFirst()
        .map(
            a -> {
              try {
                return a.unpack(RetryInfo.class);
              } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException(ex);
              }
            });
  }
}
