package io.propensity.training.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import propensity.registry.v1.ModelRegistryServiceGrpc;
import propensity.registry.v1.WatchModelsRequest;
import propensity.registry.v1.WatchModelsResponse;

/** Open watch streams must not hold up a server that is stopping. */
class RegistryShutdownTest {

  @Test
  void stoppingServerEndsOpenWatchesWithUnavailableAndStopsPromptly() throws Exception {
    ApplicationContext context = ApplicationContext.run("test");
    GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
    server.start();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      CompletableFuture<WatchModelsResponse> initial = new CompletableFuture<>();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      ModelRegistryServiceGrpc.newStub(channel)
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .watchModels(
              WatchModelsRequest.newBuilder().setSendInitialState(true).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(WatchModelsResponse value) {
                  initial.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                  ended.complete(t);
                }

                @Override
                public void onCompleted() {
                  ended.complete(null);
                }
              });
      initial.get(10, TimeUnit.SECONDS);

      long start = System.nanoTime();
      context.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      Throwable t = ended.get(10, TimeUnit.SECONDS);
      assertThat(t).isInstanceOf(StatusRuntimeException.class);
      assertThat(((StatusRuntimeException) t).getStatus().getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);
      // not held up by the open stream (grpc-java would wait for it indefinitely), with room for a
      // loaded machine
      assertThat(took).isLessThan(Duration.ofSeconds(15));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      if (context.isRunning()) {
        context.close();
      }
    }
  }
}
