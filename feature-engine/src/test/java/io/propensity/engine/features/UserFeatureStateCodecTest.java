package io.propensity.engine.features;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UserFeatureStateCodecTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aStateReadBackFromBytesGivesTheSameVectorsAndKeepsUpdating() {
    SplittableRandom r = new SplittableRandom(3);
    UserFeatureState original = new UserFeatureState();
    EventType[] types = EventType.values();
    for (int i = 0; i < 80; i++) {
      original.apply(
          Event.builder(
                  "e" + i,
                  "u",
                  T0.plusSeconds(r.nextLong(50L * 86400)),
                  types[r.nextInt(types.length)])
              .price(r.nextInt(100))
              .sessionId(r.nextBoolean() ? "s" + r.nextInt(5) : null)
              .build());
    }
    UserFeatureState copy = UserFeatureState.fromBytes(original.toBytes());
    Instant now = T0.plus(Duration.ofDays(51));
    assertThat(copy.vectorAsOf(now)).isEqualTo(original.vectorAsOf(now));
    assertThat(copy.watermark()).isEqualTo(original.watermark());

    Event late =
        Event.builder("late", "u", T0.plus(Duration.ofDays(40)), EventType.PURCHASE)
            .price(9)
            .build();
    original.apply(late);
    copy.apply(late);
    assertThat(copy.vectorAsOf(now)).isEqualTo(original.vectorAsOf(now));
    assertThat(copy.apply(late)).as("duplicates still recognised after a round trip").isFalse();
  }

  @Test
  void aLongHistoryRoundTripsWithItsDayHistory() {
    SplittableRandom r = new SplittableRandom(7);
    UserFeatureState original = new UserFeatureState();
    java.util.List<Event> history = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      history.add(
          Event.builder(
                  "e" + i,
                  "u",
                  T0.plusSeconds(r.nextLong(800L * 86400)),
                  r.nextInt(4) == 0 ? EventType.PURCHASE : EventType.PRODUCT_VIEW)
              .price(r.nextInt(100))
              .build());
    }
    history.forEach(original::apply);
    UserFeatureState copy = UserFeatureState.fromBytes(original.toBytes());
    Instant now = T0.plus(Duration.ofDays(801));
    assertThat(copy.vectorAsOf(now))
        .isEqualTo(original.vectorAsOf(now))
        .isEqualTo(BatchFeatureComputer.compute(history, now));
    assertThat(copy.vectorAsOf(now).value("active_days_365d")).isGreaterThan(100);
    assertThat(copy.estimatedBytes())
        .as("no spare capacity after a read")
        .isLessThanOrEqualTo(original.estimatedBytes());
  }

  /**
   * The fixture was written by codec version 1 (commit 8cdf99c, before the day history): three
   * events folded into the totals (whose days the version-1 totals still imply: the first event and
   * purchase, the last cart add, the last event) and seven retained.
   */
  @Test
  void aStateWrittenByCodecVersionOneStillLoadsAndKeepsItsValues() throws Exception {
    byte[] v1 = resource("user-feature-state-v1.bin");
    assertThat(v1[0]).isEqualTo((byte) 1);
    UserFeatureState state = UserFeatureState.fromBytes(v1);
    Instant at = Instant.parse("2024-04-05T12:10:00Z");
    FeatureVector v = state.vectorAsOf(at);

    // The 71 features of version 1 keep the values the old code computed.
    String written = new String(resource("user-feature-state-v1.vector.txt"), UTF_8);
    List<String> lines = written.lines().filter(l -> !l.startsWith("#")).toList();
    assertThat(lines).hasSize(71);
    for (String line : lines) {
      String[] nameValue = line.split(" ");
      assertThat(v.value(nameValue[0]))
          .as(nameValue[0])
          .isEqualTo(Double.parseDouble(nameValue[1]));
    }
    // Here every folded day is implied by the totals, so the new features are exact too.
    assertThat(v).isEqualTo(BatchFeatureComputer.compute(versionOneFixtureHistory(), at));
    assertThat(state.retainedEvents()).isEqualTo(7);

    // It keeps updating like a state built from the events, and is written back as version 2.
    Event next =
        Event.builder("n1", "u1", Instant.parse("2024-04-06T09:00:00Z"), EventType.PURCHASE)
            .itemId("i1")
            .price(25)
            .build();
    state.apply(next);
    List<Event> all = new java.util.ArrayList<>(versionOneFixtureHistory());
    all.add(next);
    Instant later = Instant.parse("2024-04-07T00:00:00Z");
    UserFeatureState reread = UserFeatureState.fromBytes(state.toBytes());
    assertThat(state.toBytes()[0]).isEqualTo(UserFeatureState.CODEC_VERSION);
    assertThat(reread.vectorAsOf(later))
        .isEqualTo(state.vectorAsOf(later))
        .isEqualTo(BatchFeatureComputer.compute(all, later));
  }

  @Test
  void versionOneBytesForAnotherSchemaAreRefused() throws Exception {
    byte[] v1 = resource("user-feature-state-v1.bin");
    // the schema hash follows the version byte as modified UTF-8: 2 length bytes, 16 hex digits
    byte[] otherSchema = v1.clone();
    otherSchema[3] = (byte) (otherSchema[3] == '0' ? '1' : '0');
    assertThatThrownBy(() -> UserFeatureState.fromBytes(otherSchema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("codec version 1");
  }

  /** The events of the version-1 fixture, exactly as they were applied when it was written. */
  static List<Event> versionOneFixtureHistory() {
    return List.of(
        event("f1", "2024-01-10T09:00:00Z", EventType.PURCHASE)
            .itemId("i1")
            .category("c1")
            .price(25)
            .quantity(2)
            .build(),
        event("f2", "2024-02-24T18:30:00Z", EventType.ADD_TO_CART).itemId("i2").price(12).build(),
        event("f3", "2024-02-29T07:15:00Z", EventType.PAGE_VIEW).build(),
        event("r1", "2024-03-20T10:00:00Z", EventType.PRODUCT_VIEW)
            .itemId("i1")
            .category("c1")
            .price(25)
            .build(),
        event("r2", "2024-03-20T10:05:00Z", EventType.PRODUCT_VIEW)
            .itemId("i3")
            .category("c2")
            .price(8)
            .build(),
        event("r3", "2024-03-20T10:07:00Z", EventType.ADD_TO_CART)
            .itemId("i3")
            .category("c2")
            .price(8)
            .build(),
        event("r4", "2024-03-20T10:20:00Z", EventType.PURCHASE)
            .itemId("i3")
            .category("c2")
            .price(8)
            .build(),
        event("r5", "2024-04-01T20:00:00Z", EventType.PAGE_VIEW).build(),
        event("r6", "2024-04-05T11:50:00Z", EventType.PRODUCT_VIEW)
            .itemId("i1")
            .category("c1")
            .sessionId("s1")
            .build(),
        event("r7", "2024-04-05T12:00:00Z", EventType.ADD_TO_CART)
            .itemId("i1")
            .category("c1")
            .price(25)
            .sessionId("s1")
            .build());
  }

  private static Event.Builder event(String id, String time, EventType type) {
    return Event.builder(id, "u1", Instant.parse(time), type);
  }

  private static byte[] resource(String name) throws java.io.IOException {
    try (java.io.InputStream in = UserFeatureStateCodecTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void anEmptyStateRoundTrips() {
    UserFeatureState copy = UserFeatureState.fromBytes(new UserFeatureState().toBytes());
    assertThat(copy.vectorAsOf(T0)).isEqualTo(BatchFeatureComputer.coldStart());
  }

  @Test
  void corruptOrForeignBytesAreRefused() {
    byte[] good = new UserFeatureState().toBytes();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 99;
    assertThatThrownBy(() -> UserFeatureState.fromBytes(truncated))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserFeatureState.fromBytes(otherVersion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("codec version 99");
  }

  @Test
  void aCorruptDayHistoryIsRefused() {
    UserFeatureState state = new UserFeatureState();
    state.apply(Event.builder("a", "u", T0, EventType.PURCHASE).build());
    state.apply(Event.builder("b", "u", T0.plus(Duration.ofDays(40)), EventType.PAGE_VIEW).build());
    byte[] good = state.toBytes();
    // version, schema (2 + 16), watermark (12), 10 longs of totals, then the first day history:
    // its first word index (8) and its length (4), which a corrupt copy sets beyond the maximum.
    int lengthAt = 1 + 18 + 12 + 80 + 8;
    assertThat(good[lengthAt + 3]).as("one word of active days").isEqualTo((byte) 1);
    byte[] corrupt = good.clone();
    corrupt[lengthAt] = 0x7f;
    assertThatThrownBy(() -> UserFeatureState.fromBytes(corrupt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("day history");
  }
}
