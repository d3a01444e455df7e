package io.propensity.engine.features;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * A set of UTC day numbers ({@code floor(epochMillis / 86,400,000)}), kept as a bitset from the
 * 64-day block of the earliest day to the block of the latest: about one bit per day of tenure.
 * Adding a day is idempotent and commutes with every other add, so the set, and every value read
 * from it, does not depend on the order or the number of times days arrive. Mutable,
 * package-private.
 */
final class DayHistory {

  /** The widest span held: 512 blocks of 64 days (32,768 days, about 89 years; 4 KiB of bits). */
  static final int MAX_WORDS = 512;

  private static final long[] NONE = new long[0];

  /** Block index ({@code floor(day / 64)}) of {@code words[0]}. */
  private long firstWord;

  /**
   * Bit {@code b} of {@code words[i]} is day {@code (firstWord + i) * 64 + b}; first and last != 0.
   */
  private long[] words = NONE;

  /** The UTC day of an instant in epoch milliseconds. */
  static long dayOf(long epochMs) {
    return Math.floorDiv(epochMs, WindowStats.DAY_MS);
  }

  /**
   * Refuses days {@code lo..hi} that would not fit in one history.
   *
   * @throws IllegalArgumentException when they span more than {@link #MAX_WORDS} 64-day blocks
   */
  static void requireSpan(long loDay, long hiDay) {
    if (Math.floorDiv(hiDay, 64) - Math.floorDiv(loDay, 64) >= MAX_WORDS) {
      throw new IllegalArgumentException(
          "a user's events span UTC days "
              + loDay
              + " to "
              + hiDay
              + ", more than the "
              + (MAX_WORDS * 64)
              + " days a day history holds");
    }
  }

  void add(long day) {
    long w = Math.floorDiv(day, 64);
    if (words.length == 0) {
      firstWord = w;
      words = new long[1];
    } else if (w < firstWord) {
      long last = firstWord + words.length - 1;
      requireSpan(day, last * 64);
      long[] grown = new long[(int) (last - w + 1)];
      System.arraycopy(words, 0, grown, (int) (firstWord - w), words.length);
      words = grown;
      firstWord = w;
    } else if (w - firstWord >= words.length) {
      requireSpan(firstWord * 64, day);
      words = Arrays.copyOf(words, (int) (w - firstWord + 1));
    }
    words[(int) (w - firstWord)] |= 1L << Math.floorMod(day, 64);
  }

  boolean isEmpty() {
    return words.length == 0;
  }

  /** The earliest day; only when not empty. */
  long first() {
    return firstWord * 64 + Long.numberOfTrailingZeros(words[0]);
  }

  /** The latest day; only when not empty. */
  long last() {
    return (firstWord + words.length - 1) * 64
        + 63
        - Long.numberOfLeadingZeros(words[words.length - 1]);
  }

  /** Days held. */
  int count() {
    int n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** Days held in {@code from..to}, both included. */
  int count(long from, long to) {
    if (words.length == 0 || from > to) {
      return 0;
    }
    long lo = Math.max(from, firstWord * 64);
    long hi = Math.min(to, (firstWord + words.length) * 64 - 1);
    if (lo > hi) {
      return 0;
    }
    int n = 0;
    for (long w = Math.floorDiv(lo, 64); w * 64 <= hi; w++) {
      long bits = words[(int) (w - firstWord)];
      long start = Math.max(lo, w * 64);
      long end = Math.min(hi, w * 64 + 63);
      int fromBit = (int) (start - w * 64);
      int toBit = (int) (end - w * 64);
      long mask = (-1L >>> (63 - toBit)) & (-1L << fromBit);
      n += Long.bitCount(bits & mask);
    }
    return n;
  }

  /**
   * The sum over the days {@code d <= today} held, in ascending order, of {@code 0.5^((today - d) /
   * halfLifeDays)}: the same additions in the same order wherever it is computed.
   */
  double decayedSum(long today, Decay.DayTable halfLife) {
    double sum = 0;
    for (int i = 0; i < words.length; i++) {
      long bits = words[i];
      while (bits != 0) {
        long day = (firstWord + i) * 64 + Long.numberOfTrailingZeros(bits);
        if (day > today) {
          return sum;
        }
        sum += halfLife.weight(today - day);
        bits &= bits - 1;
      }
    }
    return sum;
  }

  DayHistory copy() {
    DayHistory c = new DayHistory();
    c.firstWord = firstWord;
    c.words = words.length == 0 ? NONE : words.clone();
    return c;
  }

  /** This object and its bits (64-bit JVM, compressed oops). */
  long estimatedBytes() {
    long self = MemoryLayout.align(MemoryLayout.OBJECT_HEADER + 8 + MemoryLayout.REFERENCE);
    return self + (words.length == 0 ? 0 : MemoryLayout.longArray(words.length));
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeLong(firstWord);
    out.writeInt(words.length);
    for (long w : words) {
      out.writeLong(w);
    }
  }

  /** Reads a history written by {@link #writeTo} from {@code in} (big-endian). */
  static DayHistory readFrom(java.nio.ByteBuffer in) {
    DayHistory h = new DayHistory();
    h.firstWord = in.getLong();
    int n = in.getInt();
    if (n < 0 || n > MAX_WORDS) {
      throw new IllegalArgumentException("corrupt state: a day history of " + n + " words");
    }
    if (n > 0) {
      h.words = new long[n];
      in.asLongBuffer().get(h.words);
      in.position(in.position() + 8 * n);
      if (h.words[0] == 0 || h.words[n - 1] == 0) {
        throw new IllegalArgumentException("corrupt state: a day history with an empty end word");
      }
    }
    return h;
  }

  static DayHistory readFrom(DataInputStream in) throws IOException {
    DayHistory h = new DayHistory();
    h.firstWord = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > MAX_WORDS) {
      throw new IOException("corrupt state: a day history of " + n + " words");
    }
    if (n > 0) {
      h.words = new long[n];
      for (int i = 0; i < n; i++) {
        h.words[i] = in.readLong();
      }
      if (h.words[0] == 0 || h.words[n - 1] == 0) {
        throw new IOException("corrupt state: a day history with an empty end word");
      }
    }
    return h;
  }
}
