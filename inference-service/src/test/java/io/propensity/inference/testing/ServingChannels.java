package io.propensity.inference.testing;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.InferenceServiceGrpc;

/** Plaintext channels to an inference-service under test, opened once it serves its models. */
public final class ServingChannels {
  private ServingChannels() {}

  /**
   * A plaintext channel to {@code 127.0.0.1:port}, returned once GetModelInfo lists {@code models}
   * served models (at most 30 s).
   */
  public static ManagedChannel openWhenServing(int port, int models) {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    InferenceServiceGrpc.InferenceServiceBlockingStub stub =
        InferenceServiceGrpc.newBlockingStub(channel);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance())
                        .getModelsCount()
                    == models);
    return channel;
  }

  /** Shuts {@code channel} down (if any) and waits up to 5 s. */
  public static void close(ManagedChannel channel) throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
