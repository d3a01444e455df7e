package io.propensity.common.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns fuzzer bytes into one call of a service's RPC over a real channel: the first byte picks the
 * method, the rest is parsed as that method's request message (bytes that are no request are
 * skipped: the fuzz targets judge the service, not protobuf's parser). Unary and streaming methods
 * alike are sent one request and half-closed; a server stream is read for a few messages and then
 * cancelled. Used by the services' endpoint fuzz tests, which require that no status is {@code
 * INTERNAL} or {@code UNKNOWN}.
 */
public final class FuzzedCalls {

  /** A call that was made: the method, the request as sent, and the status it ended with. */
  public record Outcome(String method, Object request, Status status) {

    /** True for the statuses a service must never answer to client input. */
    public boolean isServerFault() {
      return status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN;
    }

    /** The method, the status and the request (abbreviated), for an assertion message. */
    public String describe() {
      String text = String.valueOf(request);
      if (text.length() > 2_000) {
        text = text.substring(0, 2_000) + "…";
      }
      return method + " -> " + status + "\nrequest:\n" + text;
    }
  }

  /** Responses a server stream is read for before the call is cancelled. */
  private static final int MAX_RESPONSES = 3;

  private final Channel channel;
  private final List<MethodDescriptor<Object, Object>> methods;
  private final long unaryDeadlineMillis;
  private final long streamDeadlineMillis;

  /**
   * Calls to every method of {@code services} except those named in {@code skipped} (full method
   * names), with these deadlines for unary calls and for streams.
   */
  @SuppressWarnings("unchecked")
  public FuzzedCalls(
      Channel channel,
      List<ServiceDescriptor> services,
      List<String> skipped,
      long unaryDeadlineMillis,
      long streamDeadlineMillis) {
    this.channel = channel;
    List<MethodDescriptor<Object, Object>> all = new ArrayList<>();
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> m : service.getMethods()) {
        if (!skipped.contains(m.getFullMethodName())) {
          all.add((MethodDescriptor<Object, Object>) m);
        }
      }
    }
    // a stable order, so that a corpus file picks the same method in every run
    all.sort((a, b) -> a.getFullMethodName().compareTo(b.getFullMethodName()));
    this.methods = List.copyOf(all);
    this.unaryDeadlineMillis = unaryDeadlineMillis;
    this.streamDeadlineMillis = streamDeadlineMillis;
  }

  /** The methods in the order the first input byte picks them. */
  public List<String> methodNames() {
    return methods.stream().map(MethodDescriptor::getFullMethodName).toList();
  }

  /**
   * Makes the call {@code input} describes and waits for its status; empty when the input is not a
   * request of the method it picks.
   */
  public Optional<Outcome> call(byte[] input) throws InterruptedException {
    if (input.length == 0) {
      return Optional.empty();
    }
    MethodDescriptor<Object, Object> method = methods.get((input[0] & 0xff) % methods.size());
    Object request;
    try {
      request =
          method.getRequestMarshaller().parse(new ByteArrayInputStream(input, 1, input.length - 1));
    } catch (RuntimeException notARequest) {
      return Optional.empty();
    }
    boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
    long deadline = unary ? unaryDeadlineMillis : streamDeadlineMillis;
    ClientCall<Object, Object> call =
        channel.newCall(
            method, CallOptions.DEFAULT.withDeadlineAfter(deadline, TimeUnit.MILLISECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    CompletableFuture<Boolean> enough = new CompletableFuture<>();
    AtomicInteger responses = new AtomicInteger();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(Object message) {
            if (responses.incrementAndGet() >= MAX_RESPONSES) {
              // cancelled by the sending thread, once it has half-closed: never before
              enough.complete(true);
            } else {
              call.request(1);
            }
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(request);
    call.halfClose();
    Status status;
    try {
      CompletableFuture.anyOf(closed, enough).get(deadline + 10_000, TimeUnit.MILLISECONDS);
      if (!closed.isDone()) {
        call.cancel("read enough of the stream", null);
      }
      status = closed.get(deadline + 10_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      call.cancel("no status after the deadline", null);
      status = Status.UNKNOWN.withDescription("no status " + deadline + " ms after the deadline");
    }
    return Optional.of(new Outcome(method.getFullMethodName(), request, status));
  }
}
