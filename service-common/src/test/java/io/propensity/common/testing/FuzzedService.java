package io.propensity.common.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServiceDescriptor;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A running service under an endpoint fuzz test: its Micronaut context with the gRPC server
 * started, a plaintext channel to it and the {@link FuzzedCalls} over its RPCs (10 s deadline for
 * unary calls, 3 s for streams). One per fuzz target, shared by all inputs.
 */
public final class FuzzedService implements AutoCloseable {
  private final ApplicationContext context;
  private final ManagedChannel channel;
  private final FuzzedCalls calls;

  private FuzzedService(ApplicationContext context, List<ServiceDescriptor> services) {
    this.context = context;
    GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
    if (!server.isRunning()) {
      server.start();
    }
    this.channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    this.calls = new FuzzedCalls(channel, services, List.of(), 10_000, 3_000);
  }

  /** Starts the gRPC server of {@code context} (if not running) and connects to it. */
  public static FuzzedService of(ApplicationContext context, ServiceDescriptor... services) {
    return new FuzzedService(context, List.of(services));
  }

  /**
   * Makes the call {@code input} describes; fails when the service answers {@code INTERNAL} or
   * {@code UNKNOWN}. Inputs that are no request of the method they pick are skipped.
   */
  public void requireNoServerFault(byte[] input) throws InterruptedException {
    Optional<FuzzedCalls.Outcome> outcome = calls.call(input);
    if (outcome.isPresent() && outcome.get().isServerFault()) {
      throw new AssertionError("a server fault: " + outcome.get().describe());
    }
  }

  /** Closes the channel and the service's context. */
  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    context.close();
  }
}
