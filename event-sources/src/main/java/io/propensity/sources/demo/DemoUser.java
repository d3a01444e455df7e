package io.propensity.sources.demo;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hidden truth about one simulated shopper, for checking that models find it.
 *
 * @param index position among the generated users
 * @param userId the id on the shopper's events
 * @param intent latent purchase propensity, standard normal: it drives visits, product views,
 *     dwell, revisits, cart adds and checkouts; the day-to-day intent wanders around it
 * @param activity how much the shopper browses regardless of intent (mean 1)
 * @param firstSeen when the shopper's visits may begin
 * @param churnsAt when the shopper stops visiting for good, if inside the window
 * @param device the shopper's usual device
 * @param trafficSource the shopper's usual way in
 * @param favouriteCategories the categories the shopper mostly browses
 */
public record DemoUser(
    int index,
    String userId,
    double intent,
    double activity,
    Instant firstSeen,
    Optional<Instant> churnsAt,
    String device,
    String trafficSource,
    List<String> favouriteCategories) {

  public DemoUser {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(churnsAt, "churnsAt");
    favouriteCategories = List.copyOf(favouriteCategories);
  }
}
