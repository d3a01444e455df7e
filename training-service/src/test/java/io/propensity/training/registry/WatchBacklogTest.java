package io.propensity.training.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WatchBacklogTest {
  private static final Duration NO_WAIT = Duration.ZERO;

  private static AliasChange change(long id) {
    return new AliasChange(
        id,
        "m",
        "production",
        id,
        OptionalLong.empty(),
        AliasChange.Kind.SET,
        Instant.EPOCH,
        "tester");
  }

  @Test
  void messagesComeOutInTheOrderTheyCameInAndNothingWhenNoneIsWaiting() throws Exception {
    WatchBacklog backlog = new WatchBacklog(10);
    backlog.onInitialState(List.of());
    backlog.onChange(change(1));

    assertThat(backlog.poll(NO_WAIT)).contains(new WatchBacklog.Changes(List.of()));
    assertThat(backlog.poll(NO_WAIT)).contains(new WatchBacklog.Changes(List.of(change(1))));
    assertThat(backlog.poll(NO_WAIT)).isEmpty();
  }

  @Test
  void aWatcherThatFallsBehindTheLimitIsEndedAfterWhatWasQueued() throws Exception {
    WatchBacklog backlog = new WatchBacklog(2);
    backlog.onChange(change(1));
    backlog.onChange(change(2));
    backlog.onChange(change(3));
    backlog.onChange(change(4));

    assertThat(backlog.poll(NO_WAIT)).contains(new WatchBacklog.Changes(List.of(change(1))));
    assertThat(backlog.poll(NO_WAIT)).contains(new WatchBacklog.Changes(List.of(change(2))));
    assertThat(backlog.poll(NO_WAIT))
        .hasValueSatisfying(
            e -> {
              assertThat(e).isInstanceOf(WatchBacklog.Ended.class);
              assertThat(((WatchBacklog.Ended) e).reason())
                  .isEqualTo(WatchBacklog.Reason.FELL_BEHIND);
              assertThat(((WatchBacklog.Ended) e).message())
                  .contains("fell more than 2 changes behind");
            });
  }

  @Test
  void closingTheRegistryEndsTheWatchAndTakesNoMoreChanges() throws Exception {
    WatchBacklog backlog = new WatchBacklog(10);
    backlog.onClosed();
    backlog.onChange(change(1));

    assertThat(backlog.poll(NO_WAIT)).contains(WatchBacklog.Ended.shuttingDown());
  }
}
