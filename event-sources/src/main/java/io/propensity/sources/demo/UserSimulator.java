package io.propensity.sources.demo;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Simulates one shopper from its own random stream: first the hidden profile, then visits as a
 * Poisson process thinned by intent, rhythm and approaching churn, each visit a walk over pages.
 * Everything depends only on the config and the user index, never on other users or threads.
 */
final class UserSimulator {
  static final String[] DEVICES = {"desktop", "mobile", "tablet", "app"};
  private static final double[] DEVICE_WEIGHTS = {0.38, 0.42, 0.07, 0.13};
  static final String[] SOURCES = {
    "direct", "organic_search", "paid_search", "email", "social", "referral"
  };
  private static final double[] SOURCE_WEIGHTS = {0.28, 0.30, 0.12, 0.08, 0.15, 0.07};

  /** How strongly intent tilts each source: keen shoppers come direct or from email. */
  private static final double[] SOURCE_INTENT = {0.3, 0.0, 0.25, 0.4, -0.3, 0.0};

  private static final int EMAIL = 3;

  private static final long SECOND = 1_000L;
  private static final long MINUTE = 60_000L;
  private static final long DAY = 86_400_000L;

  // Latent intent wanders around the user's baseline (Ornstein-Uhlenbeck), so recent behaviour
  // predicts better than old behaviour.
  private static final double INTENT_TAU_DAYS = 10;
  private static final double INTENT_WANDER = 0.7;
  private static final double INTENT_CAP = 3 * INTENT_WANDER;
  private static final double SATIATION = 0.6;
  private static final double ACTIVITY_INTENT = 0.25;
  private static final double ACTIVITY_NOISE = 0.6;
  private static final double VISIT_INTENT = 0.3;

  /** Population mean of activity × e^(VISIT_INTENT·x), so sessionsPerWeek is the mean rate. */
  private static final double VISIT_NORM =
      Math.exp(
          -0.5 * (ACTIVITY_INTENT * ACTIVITY_INTENT + ACTIVITY_NOISE * ACTIVITY_NOISE)
              + 0.5 * Math.pow(ACTIVITY_INTENT + VISIT_INTENT, 2)
              + 0.5 * ACTIVITY_NOISE * ACTIVITY_NOISE
              + 0.5 * Math.pow(VISIT_INTENT * INTENT_WANDER, 2));

  private static final long CHURN_FADE = 21 * DAY;
  private static final long CART_TTL = 14 * DAY;
  private static final int MAX_CART = 12;
  private static final int RECENT = 16;

  // Funnel logits, calibrated so DemoConfig's default baseConversion (0.03) gives about 3.4 %
  // weekly
  // buyers over 60 days; baseConversion shifts the cart and checkout logits.
  private static final double CART_BASE = -4.5;
  private static final double CHECKOUT_BASE = -1.9;
  private static final double PURCHASE_BASE = 0.4;
  private static final double CALIBRATED_CONVERSION = 0.03;

  private enum Page {
    HOME,
    CATEGORY,
    SEARCH,
    PRODUCT,
    CART,
    CHECKOUT,
    EXIT
  }

  private final DemoConfig config;
  private final Catalogue cat;
  private final Rhythm rhythm;
  private final SplittableRandom rng;
  private final DemoUser user;
  private final String userId;
  private final int primaryDevice;
  private final int primarySource;
  private final int[] favourites;
  private final long endMs;
  private final long churnMs;
  private final double conversionShift;

  private double x;
  private long xAt;
  private final List<Event> out = new ArrayList<>();
  private int eventSeq;
  private int sessionSeq;
  private int orderSeq;
  private final int[] cartItem = new int[MAX_CART];
  private final int[] cartQty = new int[MAX_CART];
  private final long[] cartAt = new long[MAX_CART];
  private int cartSize;
  private final int[] recent = new int[RECENT];
  private int recentCount;
  private int recentNext;

  // the visit in progress
  private long t;
  private double s;
  private String sessionId;
  private String device;
  private String source;
  private boolean closed;

  UserSimulator(DemoConfig config, Catalogue cat, Rhythm rhythm, int index) {
    this.config = config;
    this.cat = cat;
    this.rhythm = rhythm;
    this.rng = new SplittableRandom(Rand.mix(config.seed(), index));
    this.userId = DemoDataGenerator.userId(index);
    long startMs = config.start().toEpochMilli();
    this.endMs = config.end().toEpochMilli();

    double intent = Rand.gaussian(rng);
    double activity =
        Math.exp(
            ACTIVITY_INTENT * intent
                + ACTIVITY_NOISE * Rand.gaussian(rng)
                - 0.5 * (ACTIVITY_INTENT * ACTIVITY_INTENT + ACTIVITY_NOISE * ACTIVITY_NOISE));
    long firstSeen =
        Rand.chance(rng, config.newUserShare())
            ? startMs + (long) (rng.nextDouble() * (endMs - startMs))
            : startMs;
    double churnChance = Math.min(1, config.churnShare() * 2 * Rand.sigmoid(-0.9 * intent));
    boolean churns = Rand.chance(rng, churnChance);
    double churnPoint = rng.nextDouble();
    long churnFrom = firstSeen + 3 * DAY;
    this.churnMs =
        churns && churnFrom < endMs
            ? churnFrom + (long) (churnPoint * (endMs - churnFrom))
            : Long.MAX_VALUE;
    this.primaryDevice = Rand.pickWeighted(rng, DEVICE_WEIGHTS);
    double[] sourceWeights = new double[SOURCES.length];
    for (int i = 0; i < SOURCES.length; i++) {
      sourceWeights[i] = SOURCE_WEIGHTS[i] * Math.exp(SOURCE_INTENT[i] * intent);
    }
    this.primarySource = Rand.pickWeighted(rng, sourceWeights);
    int first = Rand.pick(rng, cat.categoryCdf);
    int second = first;
    for (int tries = 0; second == first && tries < 8 && cat.categories() > 1; tries++) {
      second = Rand.pick(rng, cat.categoryCdf);
    }
    this.favourites = second == first ? new int[] {first} : new int[] {first, second};
    List<String> favouriteNames = new ArrayList<>();
    for (int f : favourites) {
      favouriteNames.add(cat.categoryNames[f]);
    }
    this.user =
        new DemoUser(
            index,
            userId,
            intent,
            activity,
            Instant.ofEpochMilli(firstSeen),
            churnMs == Long.MAX_VALUE
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(churnMs)),
            DEVICES[primaryDevice],
            SOURCES[primarySource],
            favouriteNames);
    this.x = intent + INTENT_WANDER * Rand.gaussian(rng);
    this.xAt = firstSeen;
    this.conversionShift = logit(config.baseConversion()) - logit(CALIBRATED_CONVERSION);
  }

  DemoUser user() {
    return user;
  }

  /** All events of the user, in time order. */
  List<Event> run() {
    double perMs = config.sessionsPerWeek() / (7.0 * DAY) / VISIT_NORM * user.activity();
    double maxRate = perMs * Math.exp(VISIT_INTENT * (user.intent() + INTENT_CAP)) * Rhythm.MAX;
    long stop = Math.min(endMs, churnMs);
    double clock = xAt;
    while (true) {
      clock += Rand.exponential(rng, 1.0 / maxRate);
      if (clock >= stop) {
        break;
      }
      long now = (long) clock;
      wander(now);
      double rate =
          perMs
              * Math.exp(VISIT_INTENT * Math.min(x, user.intent() + INTENT_CAP))
              * rhythm.factor(now)
              * fade(now);
      if (Rand.chance(rng, rate / maxRate)) {
        long visitEnd = visit(now, fade(now));
        // at least half an hour apart, so inactivity-based sessionization separates visits
        clock = visitEnd + 30 * MINUTE + Rand.exponential(rng, 90 * MINUTE);
      }
    }
    return List.copyOf(out);
  }

  /** Advances the latent intent to {@code now}. */
  private void wander(long now) {
    double a = Math.exp(-(now - xAt) / (INTENT_TAU_DAYS * DAY));
    x =
        user.intent()
            + (x - user.intent()) * a
            + INTENT_WANDER * Math.sqrt(1 - a * a) * Rand.gaussian(rng);
    xAt = now;
  }

  /** Engagement fades over the weeks before a churner leaves: low engagement foretells churn. */
  private double fade(long now) {
    long left = churnMs - now;
    return left >= CHURN_FADE ? 1.0 : 0.15 + 0.85 * left / (double) CHURN_FADE;
  }

  /** One visit from {@code start}; returns when it ended. */
  private long visit(long start, double fade) {
    t = start;
    closed = false;
    s = x + 0.6 * Rand.gaussian(rng);
    double keen = Rand.sigmoid(s);
    expireCart(start);
    device =
        Rand.chance(rng, 0.85)
            ? DEVICES[primaryDevice]
            : DEVICES[Rand.pickWeighted(rng, DEVICE_WEIGHTS)];
    if (cartSize > 0 && Rand.chance(rng, 0.3)) {
      source = SOURCES[EMAIL]; // a cart reminder brought them back
    } else {
      source =
          Rand.chance(rng, 0.65)
              ? SOURCES[primarySource]
              : SOURCES[Rand.pickWeighted(rng, SOURCE_WEIGHTS)];
    }
    sessionSeq++;
    sessionId = Rand.chance(rng, config.sessionIdShare()) ? userId + "-s" + sessionSeq : "";
    int budget = 1 + (int) Rand.exponential(rng, (2 + 4 * keen) * fade);
    Page page = landing(keen);
    int steps = 0;
    int context = -1;
    while (page != Page.EXIT && !closed) {
      steps++;
      boolean justAdded = false;
      Page next;
      switch (page) {
        case HOME:
          browse(EventType.PAGE_VIEW, "/", -1);
          context = -1;
          next = fromListing(keen);
          break;
        case CATEGORY:
          context = chooseCategory();
          browse(EventType.PAGE_VIEW, cat.categoryPages[context], context);
          next = fromListing(keen);
          break;
        case SEARCH:
          context = chooseCategory();
          browse(EventType.SEARCH, "/search", context);
          next = fromListing(keen);
          break;
        case PRODUCT:
          justAdded = product(context, keen);
          next = fromProduct(keen, justAdded);
          break;
        case CART:
          next = cart(keen);
          break;
        case CHECKOUT:
          next = checkout();
          break;
        default:
          throw new IllegalStateException(page.name());
      }
      if (steps >= budget && next != Page.CHECKOUT) {
        boolean lastLook = justAdded && Rand.chance(rng, 0.35 * keen);
        next = lastLook ? Page.CART : Page.EXIT;
      }
      page = next;
    }
    return t;
  }

  private Page landing(double keen) {
    switch (source) {
      case "direct":
        return cartSize > 0 && Rand.chance(rng, 0.3) ? Page.CART : Page.HOME;
      case "organic_search":
        return pick(Page.PRODUCT, 0.5, Page.CATEGORY, 0.3, Page.HOME, 0.2);
      case "paid_search":
        return Page.PRODUCT;
      case "email":
        return cartSize > 0 ? Page.CART : Page.CATEGORY;
      case "social":
        return pick(Page.PRODUCT, 0.6, Page.HOME, 0.4, Page.CATEGORY, 0);
      default:
        return pick(Page.PRODUCT, 0.7, Page.HOME, 0.3, Page.CATEGORY, 0);
    }
  }

  private Page fromListing(double keen) {
    double[] w = {0.5 + 0.3 * keen, 0.2, 0.12, cartSize > 0 ? 0.05 + 0.15 * keen : 0, 0.03};
    return new Page[] {Page.PRODUCT, Page.CATEGORY, Page.SEARCH, Page.CART, Page.HOME}
        [Rand.pickWeighted(rng, w)];
  }

  private Page fromProduct(double keen, boolean justAdded) {
    double toCart = justAdded ? 0.3 + 0.4 * keen : cartSize > 0 ? 0.06 : 0;
    double[] w = {0.45, 0.15, 0.08, toCart, 0.04};
    return new Page[] {Page.PRODUCT, Page.CATEGORY, Page.SEARCH, Page.CART, Page.HOME}
        [Rand.pickWeighted(rng, w)];
  }

  private Page pick(Page a, double wa, Page b, double wb, Page c, double wc) {
    int i = Rand.pickWeighted(rng, new double[] {wa, wb, wc});
    return i == 0 ? a : i == 1 ? b : c;
  }

  private int chooseCategory() {
    return Rand.chance(rng, 0.6)
        ? favourites[rng.nextInt(favourites.length)]
        : Rand.pick(rng, cat.categoryCdf);
  }

  /** A listing, search or home page: a short look. */
  private void browse(EventType type, String page, int category) {
    long dwell = pageDwell(8 * SECOND, 0.7);
    emit(type, page, -1, category, 1, dwell, Map.of());
    move(dwell);
  }

  /** A product page, maybe an add to cart; true when one happened. */
  private boolean product(int context, double keen) {
    int item;
    boolean revisit = recentCount > 0 && Rand.chance(rng, 0.08 + 0.35 * keen);
    if (revisit) {
      item = recent[rng.nextInt(recentCount)];
    } else {
      int c = context >= 0 && Rand.chance(rng, 0.85) ? context : chooseCategory();
      item = cat.itemIn(c, rng);
    }
    remember(item);
    long dwell = pageDwell((long) (25 * SECOND * Math.exp(0.3 * s) * (revisit ? 1.3 : 1)), 0.8);
    long viewedAt = t;
    emit(
        EventType.PRODUCT_VIEW,
        cat.itemPages[item],
        item,
        cat.itemCategory[item],
        1,
        dwell,
        Map.of());
    double add = Rand.sigmoid(CART_BASE + conversionShift + 0.8 * s + (revisit ? 0.9 : 0));
    boolean added = Rand.chance(rng, add);
    if (added) {
      int qty = quantity();
      t = viewedAt + (long) (dwell * (0.5 + 0.45 * rng.nextDouble()));
      emit(
          EventType.ADD_TO_CART,
          cat.itemPages[item],
          item,
          cat.itemCategory[item],
          qty,
          -1,
          Map.of());
      addToCart(item, qty, t);
    }
    t = viewedAt;
    move(dwell);
    return added;
  }

  private Page cart(double keen) {
    long dwell = pageDwell(15 * SECOND, 0.6);
    long at = t;
    emit(EventType.PAGE_VIEW, "/cart", -1, -1, 1, dwell, Map.of());
    if (cartSize > 0 && Rand.chance(rng, 0.12)) {
      int line = rng.nextInt(cartSize);
      t = at + dwell / 2;
      int item = cartItem[line];
      emit(
          EventType.REMOVE_FROM_CART,
          "/cart",
          item,
          cat.itemCategory[item],
          cartQty[line],
          -1,
          Map.of());
      removeLine(line);
    }
    t = at;
    move(dwell);
    if (cartSize > 0) {
      double go =
          Rand.sigmoid(CHECKOUT_BASE + conversionShift + 0.6 * s + 0.25 * Math.min(cartSize, 4));
      if (Rand.chance(rng, go)) {
        return Page.CHECKOUT;
      }
    }
    return new Page[] {Page.PRODUCT, Page.CATEGORY, Page.SEARCH, Page.HOME, Page.EXIT}
        [Rand.pickWeighted(rng, new double[] {0.45, 0.15, 0.1, 0.1, 0.2})];
  }

  private Page checkout() {
    long dwell = 20 * SECOND + (long) Rand.lognormal(rng, 50 * SECOND, 0.6);
    long at = t;
    emit(EventType.BEGIN_CHECKOUT, "/checkout", -1, -1, 1, -1, Map.of());
    boolean buys = Rand.chance(rng, Rand.sigmoid(PURCHASE_BASE + 0.4 * s));
    t = at + dwell;
    if (!buys) {
      return Rand.chance(rng, 0.7) ? Page.EXIT : Page.PRODUCT;
    }
    Map<String, String> order = Map.of("order_id", userId + "-o" + (++orderSeq));
    for (int line = 0; line < cartSize && !closed; line++) {
      int item = cartItem[line];
      emit(
          EventType.PURCHASE,
          "/checkout/complete",
          item,
          cat.itemCategory[item],
          cartQty[line],
          -1,
          order);
      t++;
    }
    cartSize = 0;
    x -= SATIATION;
    t += 2 * SECOND;
    return Rand.chance(rng, 0.85) ? Page.EXIT : Page.HOME;
  }

  private int quantity() {
    double u = rng.nextDouble();
    return u < 0.88 ? 1 : u < 0.97 ? 2 : 3;
  }

  /** Time on a page: lognormal, sometimes with a long pause (a phone call, another tab). */
  private long pageDwell(long median, double sigma) {
    long d = Math.max(2 * SECOND, (long) Rand.lognormal(rng, median, sigma));
    d = Math.min(d, 20 * MINUTE);
    if (Rand.chance(rng, 0.04)) {
      d += (long) Rand.exponential(rng, 6 * MINUTE);
    }
    return d;
  }

  /** Leaves the page after {@code dwell}, plus the time the next page takes to load. */
  private void move(long dwell) {
    t += dwell + 500 + rng.nextInt(3_500);
  }

  private void emit(
      EventType type,
      String page,
      int item,
      int category,
      int qty,
      long dwell,
      Map<String, String> attributes) {
    if (t >= endMs) {
      closed = true;
      return;
    }
    boolean measured = dwell >= 0 && Rand.chance(rng, config.dwellShare());
    Event.Builder b =
        Event.builder(userId + "-e" + (++eventSeq), userId, Instant.ofEpochMilli(t), type)
            .sessionId(sessionId)
            .page(page)
            .device(device)
            .trafficSource(source)
            .attributes(attributes);
    if (item >= 0) {
      b.itemId(cat.itemIds[item]).price(cat.itemPrice[item]).quantity(qty);
    }
    if (category >= 0) {
      b.category(cat.categoryNames[category]);
    }
    if (measured) {
      b.dwell(Duration.ofMillis(dwell));
    }
    out.add(b.build());
  }

  private void remember(int item) {
    for (int i = 0; i < recentCount; i++) {
      if (recent[i] == item) {
        return;
      }
    }
    recent[recentNext] = item;
    recentNext = (recentNext + 1) % RECENT;
    recentCount = Math.min(recentCount + 1, RECENT);
  }

  private void addToCart(int item, int qty, long at) {
    for (int i = 0; i < cartSize; i++) {
      if (cartItem[i] == item) {
        cartQty[i] += qty;
        cartAt[i] = at;
        return;
      }
    }
    if (cartSize == MAX_CART) {
      removeLine(0);
    }
    cartItem[cartSize] = item;
    cartQty[cartSize] = qty;
    cartAt[cartSize] = at;
    cartSize++;
  }

  private void removeLine(int line) {
    for (int i = line; i < cartSize - 1; i++) {
      cartItem[i] = cartItem[i + 1];
      cartQty[i] = cartQty[i + 1];
      cartAt[i] = cartAt[i + 1];
    }
    cartSize--;
  }

  private void expireCart(long now) {
    for (int i = cartSize - 1; i >= 0; i--) {
      if (now - cartAt[i] > CART_TTL) {
        removeLine(i);
      }
    }
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }
}
