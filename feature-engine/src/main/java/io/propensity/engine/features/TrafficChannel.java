package io.propensity.engine.features;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The fixed traffic-source vocabulary; the ordinal is the value of {@code dominant_source_30d}.
 * Append only, never reorder (at most 8 entries, the online state keeps 3 bits).
 */
public enum TrafficChannel {
  /** No source given. */
  UNKNOWN(Set.of()),
  /** direct, none, typed, bookmark. */
  DIRECT(Set.of("direct", "none", "(none)", "typed", "bookmark")),
  /** Unpaid search: search, organic, seo, organic_search. */
  SEARCH(Set.of("search", "organic", "seo", "organic_search", "organic search")),
  /** Paid traffic: ads, paid, cpc, ppc, sem, display, paid_search, paid_social, retargeting. */
  PAID(
      Set.of(
          "ads",
          "ad",
          "paid",
          "cpc",
          "ppc",
          "sem",
          "display",
          "paid_search",
          "paid_social",
          "retargeting")),
  /** email, newsletter, mail. */
  EMAIL(Set.of("email", "e-mail", "newsletter", "mail")),
  /** social, facebook, instagram, twitter, tiktok, pinterest, linkedin. */
  SOCIAL(
      Set.of("social", "facebook", "instagram", "twitter", "x", "tiktok", "pinterest", "linkedin")),
  /** referral, affiliate, partner. */
  REFERRAL(Set.of("referral", "affiliate", "partner")),
  /** Any other given value. */
  OTHER(Set.of());

  private final Set<String> names;

  TrafficChannel(Set<String> names) {
    this.names = names;
  }

  /** The channel of a tracker's traffic-source value: case and surrounding blanks are ignored. */
  public static TrafficChannel of(Optional<String> source) {
    if (source.isEmpty() || source.get().isBlank()) {
      return UNKNOWN;
    }
    String s = source.get().trim().toLowerCase(Locale.ROOT);
    for (TrafficChannel c : values()) {
      if (c.names.contains(s)) {
        return c;
      }
    }
    return OTHER;
  }
}
