package io.propensity.cli;

import io.grpc.StatusRuntimeException;
import io.propensity.client.EventProtoMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.FeatureSchema;
import propensity.inference.v1.Factor;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.RankedTarget;
import propensity.inference.v1.RankingSummary;
import propensity.inference.v1.SegmentFilter;

/** {@code propensity targets}: ranked campaign targets, streamed into a CSV file. */
@Command(
    name = "targets",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Rank campaign targets by probability into a CSV, with expected conversions and lift.",
      "Writes rank,user_id,probability,cold_start,top_factors",
      "to a CSV; then print the expected conversions, base rate and lift of the selection.",
      "Candidates: --users FILE / --user IDs, else every user stored in feature-service (narrowed by --active-since/--active-before).",
      "For a model trained on a table (PROVIDED): the rows of --features-file, ranked by row id (--id-column)."
    })
final class TargetsCommand implements Callable<Integer> {
  /** Most candidate rows of a ranking (SegmentFilter.rows). */
  static final int MAX_ROWS = 100_000;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Option(
      names = {"--top", "--top-k"},
      defaultValue = "0",
      paramLabel = "N",
      description = "most users selected (0 = no count limit; then give --min-probability)")
  int top;

  @Option(
      names = "--min-probability",
      paramLabel = "P",
      description = "least probability selected, 0 to 1")
  Double minProbability;

  @Option(
      names = "--active-since",
      description = "only users whose newest event is at or after this: ISO-8601 or an age like 7d")
  String activeSince;

  @Option(
      names = "--active-before",
      description =
          "only users whose newest event is at or before this (lapsed users): ISO-8601 or an age like 30d")
  String activeBefore;

  @Option(
      names = "--users",
      description =
          "candidate user ids: one per line, or a CSV with a user_id column (e.g. an event log)")
  Path usersFile;

  @Option(
      names = {"-u", "--user"},
      description = "a candidate user id (repeatable)")
  List<String> users = new ArrayList<>();

  @Option(
      names = "--features-file",
      description =
          "for a model trained on a table: a CSV of candidate rows, its own columns (categories as"
              + " text, empty = missing); at most 100,000 rows")
  Path featuresFile;

  @Mixin TableRowOptions rowOptions;

  @Option(
      names = "--explain",
      defaultValue = "0",
      paramLabel = "K",
      description = "top K factors per user, 0 to 10 (default ${DEFAULT-VALUE})")
  int explain;

  @Option(
      names = "--model",
      description = "served model name (default: the service's default model)")
  String model;

  @Option(names = "--out", description = "CSV file to write (default: print the ranking)")
  Path out;

  @Option(
      names = "--campaign",
      paramLabel = "NAME",
      description =
          "record a campaign of this name in feature-service, holding out a random control group"
              + " (stratified by rank) that is left out of the output")
  String campaign;

  @Option(
      names = "--control-fraction",
      defaultValue = "0.1",
      paramLabel = "F",
      description =
          "share of the selection held out as control with --campaign, between 0 and 1"
              + " (default ${DEFAULT-VALUE})")
  double controlFraction;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "seed of the control draw (default: random, printed)")
  Long seed;

  @Option(
      names = "--window",
      defaultValue = "14d",
      converter = DurationConverter.class,
      description = "conversion window of the campaign, from now (default ${DEFAULT-VALUE})")
  java.time.Duration window;

  @Option(
      names = "--goal",
      defaultValue = "purchase",
      paramLabel = "EVENT",
      description =
          "event that counts as a conversion of the --campaign: "
              + Args.GOAL_EVENTS
              + " (default ${DEFAULT-VALUE})")
  String goal;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "deadline of the whole ranking (default ${DEFAULT-VALUE})")
  java.time.Duration timeout;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    if (top < 0 || top > 1_000_000) {
      throw new CliException("--top " + top + " is outside 0 to 1,000,000", 2);
    }
    if (top == 0 && minProbability == null) {
      throw new CliException("give --top N, --min-probability P, or both", 2);
    }
    if (minProbability != null && (minProbability < 0 || minProbability > 1)) {
      throw new CliException("--min-probability " + minProbability + " is outside 0 to 1", 2);
    }
    if (explain < 0 || explain > 10) {
      throw new CliException("--explain " + explain + " is outside 0 to 10", 2);
    }
    Args.goalEvent(goal); // a bad --goal is a usage error before anything is ranked
    if (campaign != null && !(controlFraction > 0 && controlFraction < 1)) {
      throw new CliException(
          "--control-fraction " + controlFraction + " is not between 0 and 1", 2);
    }
    if (campaign != null && (window.isNegative() || window.isZero())) {
      throw new CliException("--window " + window + " is not a positive duration", 2);
    }
    if (campaign != null && featuresFile != null) {
      throw new CliException(
          "--campaign measures users by their events; rows of --features-file have none", 2);
    }
    Instant now = Instant.now();
    Optional<ProvidedRows.Table> table = Optional.empty();
    SegmentFilter.Builder segment = SegmentFilter.newBuilder();
    if (featuresFile != null) {
      if (usersFile != null || !users.isEmpty() || activeSince != null || activeBefore != null) {
        throw new CliException(
            "--features-file ranks the rows of that file alone: leave out --users, --user,"
                + " --active-since and --active-before",
            2);
      }
      FeatureSchema schema = Inputs.served(endpoints, model).getFeatureSchema();
      if (!ProvidedRows.isProvided(schema)) {
        throw new CliException(
            "--features-file ranks the rows of a model trained on a table; "
                + (model == null ? "the default model" : model)
                + " computes its features from events: rank users with --users FILE or --user",
            2);
      }
      table = Optional.of(rowOptions.read(schema, featuresFile, MAX_ROWS + 1));
      if (table.get().rows().size() > MAX_ROWS) {
        throw new CliException(
            featuresFile + " has more than " + MAX_ROWS + " rows; a ranking takes at most that", 2);
      }
      table.get().rows().forEach(r -> segment.addRows(r.features()));
    } else {
      segment.addAllUserIds(candidates());
    }
    if (activeSince != null) {
      segment.setActiveSince(
          EventProtoMapper.timestamp(Args.instantOrAge("--active-since", activeSince, now)));
    }
    if (activeBefore != null) {
      segment.setActiveBefore(
          EventProtoMapper.timestamp(Args.instantOrAge("--active-before", activeBefore, now)));
    }
    RankTargetsRequest.Builder req =
        RankTargetsRequest.newBuilder()
            .setModelName(model == null ? "" : model)
            .setSegment(segment)
            .setTopK(top)
            .setExplainTopK(explain);
    if (minProbability != null) {
      req.setMinProbability(minProbability);
    }
    try (Endpoints closing = endpoints;
        BufferedWriter w = out == null ? null : Files.newBufferedWriter(out)) {
      Iterator<RankTargetsResponse> it =
          endpoints.inferenceClient().withDeadline(timeout).rankTargets(req.build());
      if (w != null) {
        w.write("rank,user_id,probability,cold_start,top_factors\n");
      } else {
        console.printf(
            "%6s  %-20s %11s  %s%n",
            "rank", "user", "probability", explain > 0 ? "top factors" : "");
      }
      RankingSummary summary = null;
      long rows = 0;
      List<RankedTarget> ranked = new ArrayList<>();
      while (hasNext(it, table)) {
        RankTargetsResponse r = it.next();
        if (r.hasTarget()) {
          if (campaign != null) {
            ranked.add(r.getTarget());
          } else {
            rows += write(r.getTarget(), w, console);
          }
        } else if (r.hasSummary()) {
          summary = r.getSummary();
        }
      }
      if (summary == null) {
        throw new CliException("the ranking stream ended without its summary", 1);
      }
      ControlGroups.Split split = null;
      long drawSeed = seed != null ? seed : new java.security.SecureRandom().nextLong();
      Runnable campaignLines = () -> {};
      if (campaign != null) {
        // recorded before anything is written: a list goes out only for a recorded campaign
        split = ControlGroups.split(ranked.size(), controlFraction, drawSeed);
        campaignLines = recordCampaign(console, summary, ranked, split, drawSeed, now);
        for (int i : split.targeted()) {
          rows += write(ranked.get(i), w, console);
        }
      }
      printSummary(console, summary, w != null, rows);
      campaignLines.run();
      console.flush();
      return 0;
    }
  }

  /** Writes one ranked user to the CSV or the console; returns 1. */
  private int write(RankedTarget t, BufferedWriter w, PrintWriter console) throws IOException {
    if (w != null) {
      w.write(
          t.getRank()
              + ","
              + Tables.csvCell(t.getUserId())
              + ","
              + String.format(Locale.ROOT, "%.6f", t.getProbability())
              + ","
              + t.getColdStart()
              + ","
              + Tables.csvCell(factors(t.getFactorsList()))
              + "\n");
    } else {
      console.printf(
          "%6d  %-20s %11.4f  %s%n",
          t.getRank(),
          t.getUserId() + (t.getColdStart() ? "*" : ""),
          t.getProbability(),
          factors(t.getFactorsList()));
    }
    return 1;
  }

  private void printSummary(
      PrintWriter console, RankingSummary summary, boolean toFile, long rows) {
    console.printf(
        "%s v%d: scored %,d candidates, selected %,d%s%n",
        summary.getModelName(),
        summary.getModelVersion(),
        summary.getScoredCount(),
        summary.getSelectedCount(),
        toFile ? " -> " + out + " (" + rows + " rows)" : "");
    console.printf(
        "expected conversions %.1f (mean probability %.4f), base rate %.4f, lift %.2fx; threshold %.3f%n",
        summary.getExpectedConversions(),
        summary.getSelectedCount() == 0
            ? 0.0
            : summary.getExpectedConversions() / summary.getSelectedCount(),
        summary.getBaseRate(),
        summary.getLift(),
        summary.getThreshold());
    if (summary.getScoredCount() == 0) {
      console.println(
          "no candidates: feature-service has no user matching the selection (or pass --users FILE / --user ID)");
    }
  }

  /**
   * Records the campaign: the targeted users written out, the control users held back; returns what
   * to print about it.
   */
  private Runnable recordCampaign(
      PrintWriter console,
      RankingSummary summary,
      List<RankedTarget> ranked,
      ControlGroups.Split split,
      long drawSeed,
      Instant now) {
    if (split.targeted().isEmpty() || split.control().isEmpty()) {
      throw new CliException(
          "campaign "
              + campaign
              + " not recorded: "
              + ranked.size()
              + " selected users leave "
              + split.targeted().size()
              + " targeted and "
              + split.control().size()
              + " control; select more users (--top) or raise --control-fraction",
          1);
    }
    propensity.features.v1.RecordCampaignRequest.Builder req =
        propensity.features.v1.RecordCampaignRequest.newBuilder()
            .setName(campaign)
            .setModelName(summary.getModelName())
            .setModelVersion(summary.getModelVersion())
            .setGoalEventType(Args.goalEvent(goal))
            .setWindowStart(EventProtoMapper.timestamp(now))
            .setWindowEnd(EventProtoMapper.timestamp(now.plus(window)));
    for (int i : split.targeted()) {
      req.addTargeted(member(ranked.get(i)));
    }
    for (int i : split.control()) {
      req.addControl(member(ranked.get(i)));
    }
    propensity.features.v1.CampaignInfo info =
        endpoints.featureClient().recordCampaign(req.build(), timeout).getCampaign();
    return () -> {
      console.printf(
          "campaign %s recorded: %,d targeted (written), %,d control held out (fraction %.3f,"
              + " stratified by rank, seed %d); %s events from %s to %s count%n",
          info.getName(),
          info.getTargetedCount(),
          info.getControlCount(),
          controlFraction,
          drawSeed,
          goal.trim().toLowerCase(Locale.ROOT).replace('_', '-'),
          now,
          now.plus(window));
      console.printf("follow it with: propensity campaigns report %s%n", info.getName());
    };
  }

  private static propensity.features.v1.CampaignMember member(RankedTarget t) {
    return propensity.features.v1.CampaignMember.newBuilder()
        .setUserId(t.getUserId())
        .setProbability(t.getProbability())
        .setRank(t.getRank())
        .build();
  }

  /** Whether the stream has more; a refusal of a file's rows names their CSV lines and columns. */
  private static boolean hasNext(
      Iterator<RankTargetsResponse> it, Optional<ProvidedRows.Table> table) {
    try {
      return it.hasNext();
    } catch (StatusRuntimeException e) {
      if (table.isPresent()) {
        throw table.get().refused(e, Optional.empty());
      }
      throw e;
    }
  }

  private Set<String> candidates() {
    Set<String> ids = new LinkedHashSet<>(users);
    if (usersFile == null) {
      return ids;
    }
    if (!Files.isReadable(usersFile)) {
      throw new CliException("cannot read " + usersFile, 2);
    }
    try {
      List<String> head;
      try (var lines = Files.lines(usersFile)) {
        head = lines.limit(1).toList();
      }
      if (head.isEmpty()) {
        throw new CliException(usersFile + " is empty", 2);
      }
      if (head.get(0).contains(",")) {
        try (CSVParser p =
            CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(Files.newBufferedReader(usersFile))) {
          if (!p.getHeaderNames().contains("user_id")) {
            throw new CliException(usersFile + " is a CSV without a user_id column", 2);
          }
          for (CSVRecord r : p) {
            String u = r.get("user_id").strip();
            if (!u.isEmpty()) {
              ids.add(u);
            }
          }
        }
      } else {
        try (var lines = Files.lines(usersFile)) {
          lines
              .map(String::strip)
              .filter(s -> !s.isEmpty() && !s.equals("user_id"))
              .forEach(ids::add);
        }
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new CliException(usersFile + ": " + e.getMessage(), 2);
    }
    if (ids.size() > 100_000) {
      throw new CliException(
          usersFile + " names " + ids.size() + " users; a ranking takes at most 100,000 candidates",
          2);
    }
    return ids;
  }

  private static String factors(List<Factor> factors) {
    StringBuilder s = new StringBuilder();
    for (Factor f : factors) {
      s.append(s.length() == 0 ? "" : "; ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%s=%s (%+.3f)",
                  f.getFeature(),
                  Tables.number(f.getValue()),
                  f.getContribution()));
    }
    return s.toString();
  }
}
