package io.propensity.common.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * Turns exceptions thrown synchronously by an endpoint into a gRPC status via {@link GrpcErrors},
 * so endpoints need no try/catch and clients never see {@code UNKNOWN} with a stack trace.
 */
@Singleton
public final class ErrorMappingInterceptor implements ServerInterceptor, Ordered {

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      close(call, e);
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          close(call, e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          close(call, e);
        }
      }

      @Override
      public void onReady() {
        try {
          super.onReady();
        } catch (RuntimeException e) {
          close(call, e);
        }
      }
    };
  }

  private static <Q, R> void close(ServerCall<Q, R> call, RuntimeException e) {
    StatusRuntimeException sre = GrpcErrors.toStatusException(e);
    Metadata trailers = sre.getTrailers() == null ? new Metadata() : sre.getTrailers();
    try {
      call.close(sre.getStatus(), trailers);
    } catch (IllegalStateException alreadyClosed) {
      // The endpoint already completed the call before failing; nothing more can be sent.
    }
  }
}
