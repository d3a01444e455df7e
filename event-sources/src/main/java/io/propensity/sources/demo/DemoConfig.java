package io.propensity.sources.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * What {@link DemoDataGenerator} simulates: how many shoppers, over which window, and the tunables
 * of their behaviour. The same config (seed included) always yields the same events.
 *
 * @param seed the root of all randomness
 * @param users number of shoppers, ids {@code u0 … u(users-1)}
 * @param start first instant of the window (inclusive)
 * @param end last instant of the window (exclusive); no event is at or after it
 * @param zone the shop's time zone, for the daily and weekly rhythm
 * @param catalogueSize number of products
 * @param categories number of product categories (at most {@code catalogueSize})
 * @param sessionsPerWeek mean visits per week of an average shopper (heavily skewed across users)
 * @param baseConversion roughly the share of shoppers who buy in a given week; with the other
 *     defaults 0.015, 0.03 and 0.06 give about 1.8 %, 3.4 % and 5.9 %
 * @param churnShare about the share of shoppers who stop visiting for good inside the window
 * @param newUserShare share of shoppers whose first visit lies inside the window, not at its start
 * @param sessionIdShare share of visits whose events carry the tracker's session id; the others
 *     must be sessionized by inactivity
 * @param dwellShare share of page events with a measured dwell time
 */
public record DemoConfig(
    long seed,
    int users,
    Instant start,
    Instant end,
    ZoneId zone,
    int catalogueSize,
    int categories,
    double sessionsPerWeek,
    double baseConversion,
    double churnShare,
    double newUserShare,
    double sessionIdShare,
    double dwellShare) {

  /** The default window length of {@link #defaults(int, Instant)}. */
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(60);

  public DemoConfig {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(zone, "zone");
    if (users < 0) {
      throw new IllegalArgumentException("users must be >= 0, got " + users);
    }
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("start " + start + " must be before end " + end);
    }
    if (catalogueSize < 1 || categories < 1 || categories > catalogueSize) {
      throw new IllegalArgumentException(
          "need 1 <= categories <= catalogueSize, got "
              + categories
              + " categories for "
              + catalogueSize
              + " products");
    }
    if (!(sessionsPerWeek > 0) || sessionsPerWeek > 100) {
      throw new IllegalArgumentException(
          "sessionsPerWeek must be in (0, 100], got " + sessionsPerWeek);
    }
    if (!(baseConversion > 0) || !(baseConversion < 1)) {
      throw new IllegalArgumentException("baseConversion must be in (0, 1), got " + baseConversion);
    }
    share("churnShare", churnShare);
    share("newUserShare", newUserShare);
    share("sessionIdShare", sessionIdShare);
    share("dwellShare", dwellShare);
  }

  /**
   * {@code users} shoppers over the {@link #DEFAULT_WINDOW} ending at {@code end}, seed 42, UTC,
   * 5,000 products in 24 categories, 1.2 visits a week, about 3 % weekly buyers, 25 % churners, 30
   * % new shoppers, session ids on 80 % of visits, dwell on 60 % of page events.
   */
  public static DemoConfig defaults(int users, Instant end) {
    return new DemoConfig(
        42L,
        users,
        end.minus(DEFAULT_WINDOW),
        end,
        ZoneOffset.UTC,
        5_000,
        24,
        1.2,
        0.03,
        0.25,
        0.3,
        0.8,
        0.6);
  }

  public DemoConfig withSeed(long newSeed) {
    return new DemoConfig(
        newSeed,
        users,
        start,
        end,
        zone,
        catalogueSize,
        categories,
        sessionsPerWeek,
        baseConversion,
        churnShare,
        newUserShare,
        sessionIdShare,
        dwellShare);
  }

  public DemoConfig withUsers(int newUsers) {
    return new DemoConfig(
        seed,
        newUsers,
        start,
        end,
        zone,
        catalogueSize,
        categories,
        sessionsPerWeek,
        baseConversion,
        churnShare,
        newUserShare,
        sessionIdShare,
        dwellShare);
  }

  public DemoConfig withWindow(Instant newStart, Instant newEnd) {
    return new DemoConfig(
        seed,
        users,
        newStart,
        newEnd,
        zone,
        catalogueSize,
        categories,
        sessionsPerWeek,
        baseConversion,
        churnShare,
        newUserShare,
        sessionIdShare,
        dwellShare);
  }

  private static void share(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
    }
  }
}
