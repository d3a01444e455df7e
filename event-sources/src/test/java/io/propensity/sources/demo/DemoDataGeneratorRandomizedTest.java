package io.propensity.sources.demo;

import static io.propensity.engine.testing.RandomCases.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.event.EventValidator;
import io.propensity.engine.testing.RandomCases;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Properties of the demo generator for any seed. Randomized over seeded cases (see {@link
 * RandomCases}).
 */
class DemoDataGeneratorRandomizedTest {
  private static final Instant END = Instant.parse("2024-03-01T00:00:00Z");
  private static final long[] EDGE_SEEDS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};

  @Test
  void anySeedGivesTheSameValidEventsTwice() {
    RandomCases.run(
        60,
        random -> {
          long seed = seed(random);
          int user =
              switch (weighted(random, 1, 1, 8)) {
                case 0 -> 0;
                case 1 -> 19;
                default -> random.nextInt(20);
              };
          DemoConfig config = DemoConfig.defaults(20, END).withSeed(seed);
          EventValidator validator = new EventValidator(Clock.fixed(END, ZoneOffset.UTC));
          var events = new DemoDataGenerator(config).userEvents(user);

          assertThat(new DemoDataGenerator(config).userEvents(user))
              .as("seed %d, user %d, generated again", seed, user)
              .isEqualTo(events);
          assertThat(
                  events.stream()
                      .flatMap(e -> validator.validate(e).stream())
                      .collect(Collectors.toList()))
              .as("violations, seed %d, user %d", seed, user)
              .isEmpty();
        });
  }

  @Test
  void aUsersProfileIsTheSameWhetherOrNotItsEventsAreGenerated() {
    RandomCases.run(
        60,
        random -> {
          long seed = seed(random);
          DemoDataGenerator g = new DemoDataGenerator(DemoConfig.defaults(5, END).withSeed(seed));
          var before = g.user(3);
          g.userEvents(3);
          assertThat(g.user(3))
              .as("user 3 of seed %d after generating its events", seed)
              .isEqualTo(before);
        });
  }

  /** Any long; 0, +-1 and the extremes often. */
  private static long seed(SplittableRandom random) {
    return weighted(random, 1, 4) == 0
        ? EDGE_SEEDS[random.nextInt(EDGE_SEEDS.length)]
        : random.nextLong();
  }
}
