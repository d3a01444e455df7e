package io.propensity.inference.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.inference.live.UserHistorySource;
import io.propensity.inference.testing.FakeFeatureService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stored histories seed state shared by every stream: no single caller may cut them short. */
class FeatureServiceUsersTest {
  static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

  FakeFeatureService features;
  ManagedChannel channel;
  FeatureServiceUsers users;

  @BeforeEach
  void start() {
    features = FakeFeatureService.start();
    features.add(
        List.of(
            Event.builder("h1", "slow", T, EventType.PAGE_VIEW).build(),
            Event.builder("h2", "slow", T.plusSeconds(5), EventType.PURCHASE).build()));
    features.slowHistory("slow", Duration.ofMillis(1500));
    channel = ManagedChannelBuilder.forTarget(features.target()).usePlaintext().build();
    users =
        new FeatureServiceUsers(
            channel, features.target(), Duration.ofSeconds(10), Duration.ofSeconds(1), 100);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    features.close();
  }

  @Test
  void aHistoryOutlivesTheCancellationOfTheCallerThatAskedForIt() throws Exception {
    Context.CancellableContext caller = Context.current().withCancellation();
    CompletableFuture<UserHistorySource.StoredHistory> got = new CompletableFuture<>();
    Thread asking =
        new Thread(
            () -> {
              try {
                got.complete(caller.call(() -> users.history("slow")));
              } catch (Throwable t) {
                got.completeExceptionally(t);
              }
            });
    asking.start();
    assertThat(features.awaitHistoryAsked("slow", Duration.ofSeconds(10))).isTrue();
    caller.cancel(null);

    assertThat(got.get(10, TimeUnit.SECONDS).events())
        .extracting(Event::eventId)
        .containsExactly("h1", "h2");
  }

  @Test
  void aCallInterruptedOnThisSideIsAbandonedNotAFailureOfTheFeatureService() throws Exception {
    CompletableFuture<Object> got = new CompletableFuture<>();
    Thread asking =
        new Thread(
            () -> {
              try {
                got.complete(users.history("slow"));
              } catch (Throwable t) {
                got.complete(t);
              }
            });
    asking.start();
    assertThat(features.awaitHistoryAsked("slow", Duration.ofSeconds(10))).isTrue();
    asking.interrupt();

    assertThat(got.get(10, TimeUnit.SECONDS))
        .isInstanceOf(UserHistorySource.AbandonedException.class);
  }
}
