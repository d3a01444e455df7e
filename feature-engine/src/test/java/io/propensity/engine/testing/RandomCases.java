package io.propensity.engine.testing;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a randomized check over many seeded cases, the same cases on every run unless asked
 * otherwise.
 *
 * <p>The base seed is the system property {@value #SEED_PROPERTY} when set ({@code random} picks a
 * fresh one), else {@link #DEFAULT_SEED}. Case {@code i} gets its own {@link SplittableRandom},
 * derived from the base seed and {@code i} only, so one case can be rerun on its own with {@value
 * #CASE_PROPERTY}. A failing case is reported with its index, the base seed and the command that
 * reruns just that case.
 */
public final class RandomCases {

  /** System property holding the base seed: a long, or {@code random}. */
  public static final String SEED_PROPERTY = "propensity.test.seed";

  /** System property restricting a run to one case index. */
  public static final String CASE_PROPERTY = "propensity.test.case";

  /** Base seed when {@value #SEED_PROPERTY} is not set: CI runs the same cases every time. */
  public static final long DEFAULT_SEED = 20_240_101L;

  // Surefire runs each module's tests in the module's directory: its name is the -pl argument.
  private static final String MODULE =
      java.nio.file.Path.of(System.getProperty("user.dir")).getFileName().toString();

  /** One randomized check; it draws everything it varies from the given random. */
  @FunctionalInterface
  public interface Check {
    void run(SplittableRandom random) throws Exception;
  }

  private RandomCases() {}

  /** Runs {@code check} for cases {@code 0 .. cases-1}, or only the case named by the property. */
  public static void run(int cases, Check check) {
    long baseSeed = baseSeed();
    String only = System.getProperty(CASE_PROPERTY, "").strip();
    int from = only.isEmpty() ? 0 : Integer.parseInt(only);
    int to = only.isEmpty() ? cases : from + 1;
    for (int i = from; i < to; i++) {
      try {
        check.run(random(baseSeed, i));
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        throw new AssertionError(failure(i, cases, baseSeed, t), t);
      }
    }
  }

  /** The random of case {@code caseIndex}: a function of the two arguments only. */
  public static SplittableRandom random(long baseSeed, int caseIndex) {
    long caseSeed = new SplittableRandom(baseSeed + caseIndex * 0x9E3779B97F4A7C15L).nextLong();
    return new SplittableRandom(caseSeed);
  }

  /** Shuffles {@code list} in place, every order equally likely. */
  public static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      list.set(j, list.set(i, list.get(j)));
    }
  }

  /** An index into {@code weights}, each chosen with probability proportional to its weight. */
  public static int weighted(SplittableRandom random, int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int roll = random.nextInt(total);
    for (int i = 0; ; i++) {
      roll -= weights[i];
      if (roll < 0) {
        return i;
      }
    }
  }

  /** True with probability {@code p}. */
  public static boolean chance(SplittableRandom random, double p) {
    return random.nextDouble() < p;
  }

  /** One of {@code options}, uniformly. */
  @SafeVarargs
  public static <T> T oneOf(SplittableRandom random, T... options) {
    return options[random.nextInt(options.length)];
  }

  private static long baseSeed() {
    String s = System.getProperty(SEED_PROPERTY, "").strip();
    if (s.isEmpty()) {
      return DEFAULT_SEED;
    }
    return s.equalsIgnoreCase("random") ? new SplittableRandom().nextLong() : Long.parseLong(s);
  }

  private static String failure(int index, int cases, long baseSeed, Throwable t) {
    StackWalker.StackFrame test =
        StackWalker.getInstance()
            .walk(
                frames ->
                    frames
                        .filter(f -> !f.getClassName().startsWith(RandomCases.class.getName()))
                        .findFirst()
                        .orElseThrow());
    String className = test.getClassName().substring(test.getClassName().lastIndexOf('.') + 1);
    return "random case "
        + index
        + " of "
        + cases
        + " failed (base seed "
        + baseSeed
        + ")\n  rerun just this case: mvn -pl "
        + MODULE
        + " test -Dtest='"
        + className
        + "#"
        + test.getMethodName()
        + "' -D"
        + SEED_PROPERTY
        + "="
        + baseSeed
        + " -D"
        + CASE_PROPERTY
        + "="
        + index
        + "\n  "
        + t;
  }
}
