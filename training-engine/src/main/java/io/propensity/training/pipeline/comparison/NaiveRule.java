package io.propensity.training.pipeline.comparison;

import io.propensity.training.pipeline.data.Dataset;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule a marketer would use instead of a model, read from the row's own features: it fires or it
 * does not. Rules are what a model must beat to be worth its place beside them.
 *
 * <p>Rules read feature-engine's features by name, so they apply to training sets built by
 * feature-service; a table a user brings has none of them, and the rule says so.
 */
public sealed interface NaiveRule permits NaiveRule.BoughtRecently, NaiveRule.CartedNotBought {

  /** feature-engine's recency features stop at 90 days: this value means "never". */
  double RECENCY_CAP_HOURS = 2160.0;

  /** Hours from the latest purchase to the cutoff (feature-engine). */
  String HOURS_SINCE_LAST_PURCHASE = "hours_since_last_purchase";

  /** Hours from the latest cart add to the cutoff (feature-engine). */
  String HOURS_SINCE_LAST_CART_ADD = "hours_since_last_cart_add";

  /** 1 when a cart add came after the latest purchase (feature-engine, when it has it). */
  String CARTED_SINCE_LAST_PURCHASE = "carted_since_last_purchase";

  /** Identifier of the rule in results, e.g. {@code bought_in_last_30d}. */
  String name();

  /** The rule in words, e.g. {@code bought in the last 30 days}. */
  String title();

  /**
   * An example of data on which the rule never fires, for messages, e.g. {@code a log without
   * carts}.
   */
  String neverFiresExample();

  /** Why the rule cannot be evaluated on data with these features; empty when it can. */
  Optional<String> notApplicable(List<String> featureNames);

  /**
   * Whether the rule fires on each of {@code rows}; a missing value never fires. Only when {@link
   * #notApplicable} is empty for the data's features.
   */
  boolean[] fires(Dataset data, int[] rows);

  /** The rules of a comparison: bought in the last {@code days} days, carted and did not buy. */
  static List<NaiveRule> defaults(int days) {
    return defaults(new BoughtRecently(days));
  }

  /** The rules of a comparison: {@code recency}, carted and did not buy. */
  static List<NaiveRule> defaults(BoughtRecently recency) {
    return List.of(recency, new CartedNotBought());
  }

  /**
   * "Bought in the last N days": {@code hours_since_last_purchase ≤ N·24}, and not at its 90-day
   * cap (which means no purchase at all).
   *
   * @param days N, 1 to 89 (the cap ends the features' memory at 90 days)
   */
  record BoughtRecently(int days, String why) implements NaiveRule {
    public BoughtRecently {
      if (days < 1 || days * 24.0 >= RECENCY_CAP_HOURS) {
        throw new IllegalArgumentException(
            "days is " + days + "; expected 1 to 89 (purchase recency stops at 90 days)");
      }
      Objects.requireNonNull(why, "why");
    }

    /** The rule with N = {@code days}, as asked. */
    public BoughtRecently(int days) {
      this(days, "");
    }

    /**
     * The rule a marketer would pick for these rows: {@code preferredDays}, unless it fires on
     * every training row or on none of them (say, an order export whose users all bought in the
     * last 30 days: the rule then cannot tell anyone apart). Then N is the training rows' median
     * purchase recency in whole days (rounded up, 1 to 89), counted over the rows with a purchase,
     * when that N does tell rows apart. Decided on the training rows only.
     */
    static BoughtRecently forTrainingRows(Dataset data, int[] trainRows, int preferredDays) {
      BoughtRecently preferred = new BoughtRecently(preferredDays);
      if (preferred.notApplicable(data.featureNames()).isPresent()) {
        return preferred;
      }
      boolean[] fires = preferred.fires(data, trainRows);
      if (fires.length == 0 || separates(fires)) {
        return preferred;
      }
      int f = data.featureNames().indexOf(HOURS_SINCE_LAST_PURCHASE);
      double[] recency =
          Arrays.stream(trainRows)
              .mapToDouble(r -> data.value(r, f))
              .filter(h -> h < RECENCY_CAP_HOURS) // NaN and the cap (no purchase) drop out
              .sorted()
              .toArray();
      if (recency.length == 0) {
        return preferred;
      }
      double medianHours = recency[(recency.length - 1) / 2];
      int days = (int) Math.min(89, Math.max(1, Math.ceil(medianHours / 24.0)));
      BoughtRecently byMedian =
          new BoughtRecently(
              days,
              "N is the training rows' median purchase recency: "
                  + preferredDays
                  + " days fires on "
                  + (fires[0] ? "every" : "no")
                  + " training row");
      return separates(byMedian.fires(data, trainRows)) ? byMedian : preferred;
    }

    private static boolean separates(boolean[] fires) {
      boolean any = false;
      boolean all = true;
      for (boolean b : fires) {
        any |= b;
        all &= b;
      }
      return any && !all;
    }

    @Override
    public String name() {
      return "bought_in_last_" + days + "d";
    }

    @Override
    public String title() {
      return "bought in the last " + days + " days" + (why.isEmpty() ? "" : " (" + why + ")");
    }

    @Override
    public String neverFiresExample() {
      return "no purchase in the " + days + " days before any cutoff";
    }

    @Override
    public Optional<String> notApplicable(List<String> featureNames) {
      return missing(featureNames, HOURS_SINCE_LAST_PURCHASE);
    }

    @Override
    public boolean[] fires(Dataset data, int[] rows) {
      int f = data.featureNames().indexOf(HOURS_SINCE_LAST_PURCHASE);
      double limit = days * 24.0;
      boolean[] out = new boolean[rows.length];
      for (int i = 0; i < rows.length; i++) {
        double h = data.value(rows[i], f);
        out[i] = h <= limit && h < RECENCY_CAP_HOURS; // NaN compares false
      }
      return out;
    }
  }

  /**
   * "Carted and did not buy": a cart add after the latest purchase. Read from {@code
   * carted_since_last_purchase = 1} when the data has it, else as {@code hours_since_last_cart_add
   * < hours_since_last_purchase} (the latest cart add is more recent than the latest purchase; both
   * at their cap means neither happened).
   */
  record CartedNotBought() implements NaiveRule {
    @Override
    public String name() {
      return "carted_not_bought";
    }

    @Override
    public String title() {
      return "carted and did not buy";
    }

    @Override
    public String neverFiresExample() {
      return "a log without carts";
    }

    @Override
    public Optional<String> notApplicable(List<String> featureNames) {
      if (featureNames.contains(CARTED_SINCE_LAST_PURCHASE)) {
        return Optional.empty();
      }
      return missing(featureNames, HOURS_SINCE_LAST_CART_ADD, HOURS_SINCE_LAST_PURCHASE);
    }

    @Override
    public boolean[] fires(Dataset data, int[] rows) {
      List<String> names = data.featureNames();
      boolean[] out = new boolean[rows.length];
      int flag = names.indexOf(CARTED_SINCE_LAST_PURCHASE);
      if (flag >= 0) {
        for (int i = 0; i < rows.length; i++) {
          out[i] = data.value(rows[i], flag) == 1.0;
        }
        return out;
      }
      int cart = names.indexOf(HOURS_SINCE_LAST_CART_ADD);
      int purchase = names.indexOf(HOURS_SINCE_LAST_PURCHASE);
      for (int i = 0; i < rows.length; i++) {
        out[i] = data.value(rows[i], cart) < data.value(rows[i], purchase); // NaN compares false
      }
      return out;
    }
  }

  private static Optional<String> missing(List<String> featureNames, String... required) {
    for (String r : required) {
      if (!featureNames.contains(r)) {
        return Optional.of("not applicable: the data has no " + r + " column");
      }
    }
    return Optional.empty();
  }
}
