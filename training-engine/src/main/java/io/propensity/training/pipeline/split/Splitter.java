package io.propensity.training.pipeline.split;

import io.propensity.training.pipeline.TrainingDataException;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.SplitPart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Cuts a dataset into train/validation/test and train into cross-validation folds.
 *
 * <p>By time (when rows have cutoffs): the latest cutoffs form the test set, so the model is judged
 * on a period after everything it learnt from; validation is the latest period of what remains.
 * Stratified otherwise: each part keeps the overall positive rate; shuffles are seeded. Predefined
 * when every row names its part (a split column), so a split can be fixed before any tuning and
 * shared with other tools.
 */
public final class Splitter {
  private Splitter() {}

  /** Splits {@code data} as configured. */
  public static DataSplit split(Dataset data, SplitConfig config) {
    if (config.mode() == SplitConfig.SplitMode.PREDEFINED
        || (config.mode() == SplitConfig.SplitMode.AUTO && data.hasSplitParts())) {
      return predefinedSplit(data);
    }
    boolean byTime =
        switch (config.mode()) {
          case TIME -> {
            if (!data.hasCutoffs()) {
              throw new TrainingDataException(
                  "a time split was requested but the rows have no cutoff times; give a cutoff"
                      + " column or split stratified");
            }
            yield true;
          }
          case STRATIFIED -> false;
          case AUTO -> data.hasCutoffs();
          case PREDEFINED -> throw new IllegalStateException("handled above");
        };
    int[] all = IntStream.range(0, data.rowCount()).toArray();
    if (byTime) {
      TreeMap<Long, Integer> counts = cutoffCounts(data, all);
      if (counts.size() >= 2) {
        return timeSplit(data, all, counts, config);
      }
      if (config.mode() == SplitConfig.SplitMode.TIME) {
        throw new TrainingDataException(
            "a time split needs at least 2 distinct cutoff times; all rows have cutoff "
                + Instant.ofEpochMilli(counts.firstKey()));
      }
      return stratifiedSplit(
          data, all, config, "all rows share one cutoff time, so the split is stratified");
    }
    return stratifiedSplit(data, all, config, "");
  }

  /** Every row where its split part puts it. */
  private static DataSplit predefinedSplit(Dataset data) {
    if (!data.hasSplitParts()) {
      throw new TrainingDataException(
          "a predefined split was requested but the rows name no split part; give a split column"
              + " (train, validation or test per row) or split by time or stratified");
    }
    int[] all = IntStream.range(0, data.rowCount()).toArray();
    int[] train = filter(all, i -> data.splitPart(i).orElseThrow() == SplitPart.TRAIN);
    int[] validation = filter(all, i -> data.splitPart(i).orElseThrow() == SplitPart.VALIDATION);
    int[] test = filter(all, i -> data.splitPart(i).orElseThrow() == SplitPart.TEST);
    for (SplitPart part : SplitPart.values()) {
      int[] rows =
          switch (part) {
            case TRAIN -> train;
            case VALIDATION -> validation;
            case TEST -> test;
          };
      String name = part.name().toLowerCase(java.util.Locale.ROOT);
      if (rows.length == 0 || !hasBothClasses(data, rows)) {
        throw new TrainingDataException(
            "the split column puts "
                + (rows.length == 0
                    ? "no rows"
                    : "only " + (data.label(rows[0]) ? "positive" : "negative") + " rows")
                + " in "
                + name
                + "; each of train, validation and test needs positive and negative rows: mark"
                + " more rows "
                + name);
      }
    }
    return new DataSplit(
        train, validation, test, SplitConfig.SplitMode.PREDEFINED, List.of(), Optional.empty(), "");
  }

  /**
   * The test set is the latest cutoffs holding about {@code testFraction} of the rows, validation
   * the latest of the rest. When those boundaries would leave a part without positive (or negative)
   * rows, the nearest boundaries that give every part both classes are used instead, and a note
   * says so; when none exist, the refusal says what to change.
   */
  private static DataSplit timeSplit(
      Dataset data, int[] all, TreeMap<Long, Integer> counts, SplitConfig config) {
    CutoffTable table = CutoffTable.of(data, all);
    int m = table.size();
    long gap = config.purgeGap().toMillis();
    int askedTest = table.coveringFromEnd(m, config.testFraction() * all.length);
    int latestTest = table.latestStartWithBothClasses();
    int earliestTest = 1;
    while (earliestTest <= latestTest && !trainable(table, restEnd(table, earliestTest, gap))) {
      earliestTest++;
    }
    if (latestTest < 1 || earliestTest > latestTest) {
      throw new TrainingDataException(noTimeSplit(table, latestTest, gap));
    }
    int t = Math.min(Math.max(askedTest, earliestTest), latestTest);
    long testFrom = table.cutoff(t);
    int r = restEnd(table, t, gap);
    List<String> notes = new ArrayList<>();
    if (t != askedTest) {
      notes.add(
          String.format(
              Locale.ROOT,
              "the test period starts at %s (%.0f%% of the rows; %.0f%% were asked for) so that"
                  + " training, validation and test each hold positive and negative rows",
              Instant.ofEpochMilli(testFrom),
              100.0 * table.rows(t, m) / all.length,
              100 * config.testFraction()));
    }
    long restLast = table.cutoff(r - 1);
    int[] test = filter(all, i -> data.cutoffMillis(i) >= testFrom);
    int[] rest = filter(all, i -> data.cutoffMillis(i) <= restLast);
    int[] train;
    int[] validation;
    int[] byTime = table.boundariesWithBothClasses(r);
    if (byTime[0] <= byTime[1]) {
      int asked = table.coveringFromEnd(r, config.validationFraction() * table.rows(0, r));
      int v = Math.min(Math.max(asked, byTime[0]), byTime[1]);
      long validFrom = table.cutoff(v);
      validation = filter(rest, i -> data.cutoffMillis(i) >= validFrom);
      train = filter(rest, i -> data.cutoffMillis(i) < validFrom);
      if (v != asked) {
        notes.add(
            "the validation period starts at "
                + Instant.ofEpochMilli(validFrom)
                + " so that training and validation each hold positive and negative rows");
      }
    } else {
      int[][] tv = stratified(data, rest, config.validationFraction(), config.seed() + 1);
      train = tv[0];
      validation = tv[1];
      notes.add(
          r == 1
              ? "the rows before the test period share one cutoff, so validation is a stratified"
                  + " sample of them"
              : "no validation period after the training rows holds both classes, so validation"
                  + " is a stratified sample of the rows before the test period");
    }
    requireBothClasses(data, train, "train");
    requireBothClasses(data, validation, "validation");
    requireBothClasses(data, test, "test (cutoffs from " + Instant.ofEpochMilli(testFrom) + ")");
    List<Instant> testCutoffs = new ArrayList<>();
    counts.tailMap(testFrom, true).keySet().forEach(c -> testCutoffs.add(Instant.ofEpochMilli(c)));
    return new DataSplit(
        train,
        validation,
        test,
        SplitConfig.SplitMode.TIME,
        testCutoffs,
        Optional.of(Instant.ofEpochMilli(restLast)),
        String.join("; ", notes));
  }

  /**
   * The number of cutoffs before a test period starting at cutoff {@code t} that stay {@code gap}
   * before it: the training and validation rows.
   */
  private static int restEnd(CutoffTable table, int t, long gap) {
    return Math.min(t, table.countAtOrBefore(table.cutoff(t) - gap));
  }

  /**
   * Whether the cutoffs [0, to) can give training and validation both classes: split by time, or as
   * a stratified sample (two rows of each class).
   */
  private static boolean trainable(CutoffTable table, int to) {
    int[] byTime = table.boundariesWithBothClasses(to);
    int positives = table.positives(0, to);
    return byTime[0] <= byTime[1] || (positives >= 2 && table.rows(0, to) - positives >= 2);
  }

  /** Why no time split works, and what would make one (or another split) work. */
  private static String noTimeSplit(CutoffTable table, int latestTest, long gap) {
    int m = table.size();
    int positives = table.positives(0, m);
    String stratified =
        Math.min(positives, table.rows(0, m) - positives) >= 3
            ? "; or split stratified (--split stratified)"
            : "; or add rows of both classes";
    String first = Instant.ofEpochMilli(table.cutoff(0)).toString();
    if (latestTest < 1) {
      String missing = table.positives(1, m) == 0 ? "positive" : "negative";
      return "no test period after the training rows can hold a "
          + missing
          + " row: every "
          + missing
          + " row has the earliest cutoff, "
          + first
          + "; move the cutoffs so that later ones hold "
          + missing
          + " rows too (a later --to)"
          + stratified;
    }
    int r = restEnd(table, latestTest, gap);
    int restPositives = table.positives(0, r);
    int restNegatives = table.rows(0, r) - restPositives;
    String held =
        r == 0
            ? "no row"
            : String.format(
                Locale.ROOT,
                "%,d positive and %,d negative rows (cutoffs %s .. %s)",
                restPositives,
                restNegatives,
                first,
                Instant.ofEpochMilli(table.cutoff(r - 1)));
    return "the rows before the test period hold "
        + held
        + ", even with the latest test period that still holds both classes (from "
        + Instant.ofEpochMilli(table.cutoff(latestTest))
        + (gap > 0 ? ", training cutoffs ending a " + format(gap) + " purge gap before it" : "")
        + "); training and validation need positive and negative rows: start the cutoffs before "
        + first
        + " (an earlier --from) so that training sees more "
        + (restPositives <= restNegatives ? "positives" : "negatives")
        + stratified;
  }

  /** A gap in the one unit that states it exactly: 7d, 30m, 90s. */
  private static String format(long millis) {
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long s = millis / 1000;
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  private static DataSplit stratifiedSplit(
      Dataset data, int[] all, SplitConfig config, String note) {
    int[][] restTest = stratified(data, all, config.testFraction(), config.seed());
    int[][] trainValid =
        stratified(data, restTest[0], config.validationFraction(), config.seed() + 1);
    requireBothClasses(data, trainValid[0], "train");
    requireBothClasses(data, trainValid[1], "validation");
    requireBothClasses(data, restTest[1], "test");
    return new DataSplit(
        trainValid[0],
        trainValid[1],
        restTest[1],
        SplitConfig.SplitMode.STRATIFIED,
        List.of(),
        Optional.empty(),
        note);
  }

  /**
   * Splits {@code rows} into [kept, heldOut] with {@code fraction} of each class held out (at least
   * one of each class when the class has 2+ rows). Both results ascending.
   */
  static int[][] stratified(Dataset data, int[] rows, double fraction, long seed) {
    Random rnd = new Random(seed);
    List<Integer> kept = new ArrayList<>();
    List<Integer> held = new ArrayList<>();
    for (boolean cls : new boolean[] {true, false}) {
      int[] members = filter(rows, i -> data.label(i) == cls);
      shuffle(members, rnd);
      int h = (int) Math.round(members.length * fraction);
      if (h == 0 && members.length >= 2) {
        h = 1;
      }
      if (h == members.length && members.length >= 2) {
        h = members.length - 1;
      }
      for (int i = 0; i < members.length; i++) {
        (i < h ? held : kept).add(members[i]);
      }
    }
    return new int[][] {sorted(kept), sorted(held)};
  }

  /**
   * {@code k} folds over {@code rows}: forward-chaining time blocks when {@code byTime} and there
   * are more than {@code k} distinct cutoffs (fold i fits on blocks 0..i and validates on block
   * i+1, so no fold validates on a period before its training data), else stratified k-fold
   * (seeded).
   */
  public static List<Fold> folds(Dataset data, int[] rows, int k, boolean byTime, long seed) {
    return folds(data, rows, k, byTime, Duration.ZERO, 1, seed);
  }

  /**
   * Cross-validation folds over {@code rows}.
   *
   * <p>When {@code byTime} and the rows have cutoffs: forward-chaining time blocks. The rows are
   * cut along time into k+1 blocks of about equal size (a cutoff is never split); fold i validates
   * on block i+1 and fits on the rows whose cutoff plus {@code purgeGap} is before that block, so
   * no fold validates on a cutoff at or before its fit rows' latest cutoff + purge gap (no label
   * window of a fit row reaches into the validated period). When k blocks cannot each hold both
   * classes, fewer folds are tried, down to 2.
   *
   * <p>Otherwise (no cutoffs, or no time-block folds possible): stratified k-fold, repeated {@code
   * repeats} times with different shuffles, so a trial on few rows is judged by more than one
   * random partition. Fold indices run 0 .. k·repeats − 1.
   *
   * @param purgeGap time between a fit row's cutoff and the first validated cutoff, ≥ 0
   * @param repeats stratified repetitions, ≥ 1 (time-block folds are never repeated)
   */
  public static List<Fold> folds(
      Dataset data, int[] rows, int k, boolean byTime, Duration purgeGap, int repeats, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("need at least 2 folds, got " + k);
    }
    if (repeats < 1 || purgeGap.isNegative()) {
      throw new IllegalArgumentException("need repeats >= 1 and a purge gap >= 0");
    }
    if (byTime && data.hasCutoffs()) {
      TreeMap<Long, Integer> counts = cutoffCounts(data, rows);
      for (int kk = k; kk >= 2; kk--) {
        if (counts.size() > kk) {
          List<Fold> folds = timeBlockFolds(data, rows, kk, counts, purgeGap.toMillis());
          if (folds != null) {
            return folds;
          }
        }
      }
    }
    List<Fold> out = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      // repeat 0 shuffles exactly as a single k-fold does, so one repeat is the plain k-fold
      out.addAll(stratifiedFolds(data, rows, k, seed + 1_000_003L * r, r * k));
    }
    return out;
  }

  /** Whether every fold validates only on cutoffs after its fit rows' latest cutoff + gap. */
  public static boolean isTimeBlocked(Dataset data, List<Fold> folds, Duration purgeGap) {
    if (!data.hasCutoffs() || folds.isEmpty()) {
      return false;
    }
    for (Fold f : folds) {
      long maxFit = Long.MIN_VALUE;
      for (int i : f.fit()) {
        maxFit = Math.max(maxFit, data.cutoffMillis(i));
      }
      for (int i : f.validate()) {
        if (data.cutoffMillis(i) <= maxFit + purgeGap.toMillis()) {
          return false;
        }
      }
    }
    return true;
  }

  private static List<Fold> timeBlockFolds(
      Dataset data, int[] rows, int k, TreeMap<Long, Integer> counts, long gapMillis) {
    // k+1 blocks of about equal row counts along time, never splitting one cutoff
    long[] blockStart = new long[k + 1];
    double perBlock = rows.length / (double) (k + 1);
    int block = 0;
    int seen = 0;
    blockStart[0] = counts.firstKey();
    for (var e : counts.entrySet()) {
      if (block < k && seen >= perBlock * (block + 1)) {
        block++;
        blockStart[block] = e.getKey();
      }
      seen += e.getValue();
    }
    if (block < k) {
      return null;
    }
    List<Fold> folds = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      long validFrom = blockStart[f + 1];
      long validTo = f + 2 <= k ? blockStart[f + 2] : Long.MAX_VALUE;
      int[] fit = filter(rows, i -> data.cutoffMillis(i) + gapMillis < validFrom);
      int[] validate =
          filter(rows, i -> data.cutoffMillis(i) >= validFrom && data.cutoffMillis(i) < validTo);
      if (!hasBothClasses(data, fit) || !hasBothClasses(data, validate)) {
        return null;
      }
      folds.add(new Fold(f, fit, validate));
    }
    return folds;
  }

  private static List<Fold> stratifiedFolds(
      Dataset data, int[] rows, int k, long seed, int firstIndex) {
    Random rnd = new Random(seed);
    int[] foldOf = new int[data.rowCount()];
    Arrays.fill(foldOf, -1);
    for (boolean cls : new boolean[] {true, false}) {
      int[] members = filter(rows, i -> data.label(i) == cls);
      if (members.length < k) {
        throw new TrainingDataException(
            "only "
                + members.length
                + " "
                + (cls ? "positive" : "negative")
                + " training rows, fewer than the "
                + k
                + " cross-validation folds: "
                + (members.length >= 2
                    ? "lower the folds to " + members.length + " (--folds " + members.length + "), "
                    : "")
                + "train without tuning (--trials 0), or add rows");
      }
      shuffle(members, rnd);
      for (int i = 0; i < members.length; i++) {
        foldOf[members[i]] = i % k;
      }
    }
    List<Fold> folds = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      int ff = f;
      folds.add(
          new Fold(
              firstIndex + f,
              filter(rows, i -> foldOf[i] != ff),
              filter(rows, i -> foldOf[i] == ff)));
    }
    return folds;
  }

  private static TreeMap<Long, Integer> cutoffCounts(Dataset data, int[] rows) {
    TreeMap<Long, Integer> counts = new TreeMap<>();
    for (int i : rows) {
      counts.merge(data.cutoffMillis(i), 1, Integer::sum);
    }
    return counts;
  }

  private static void requireBothClasses(Dataset data, int[] rows, String part) {
    if (rows.length == 0) {
      throw new TrainingDataException(
          "the "
              + part
              + " set is empty; add rows or change the split fractions (--test-fraction)");
    }
    if (!hasBothClasses(data, rows)) {
      boolean positive = data.label(rows[0]);
      int missing = positive ? data.rowCount() - data.positiveCount() : data.positiveCount();
      throw new TrainingDataException(
          String.format(
              Locale.ROOT,
              "the %s set has only %s rows (%,d): the data hold %,d %s rows in all, and train,"
                  + " validation and test need at least one each; add rows with %s",
              part,
              positive ? "positive" : "negative",
              rows.length,
              missing,
              positive ? "negative" : "positive",
              positive ? "negatives" : "positives"));
    }
  }

  private static boolean hasBothClasses(Dataset data, int[] rows) {
    boolean pos = false;
    boolean neg = false;
    for (int i : rows) {
      if (data.label(i)) {
        pos = true;
      } else {
        neg = true;
      }
      if (pos && neg) {
        return true;
      }
    }
    return false;
  }

  private static int[] filter(int[] rows, java.util.function.IntPredicate keep) {
    return Arrays.stream(rows).filter(keep).toArray();
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static int[] sorted(List<Integer> list) {
    int[] out = list.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(out);
    return out;
  }
}
