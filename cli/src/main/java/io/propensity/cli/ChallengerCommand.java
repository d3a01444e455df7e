package io.propensity.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.inference.v1.ChallengerServiceGrpc;
import propensity.inference.v1.ComparedSideMetrics;
import propensity.inference.v1.GetChallengerReportRequest;
import propensity.inference.v1.GetChallengerReportResponse;
import propensity.inference.v1.PairedComparison;
import propensity.inference.v1.PromotionDecision;

/** {@code propensity challenger report MODEL}: the promotion policy's latest comparison. */
@Command(
    name = "challenger",
    mixinStandardHelpOptions = true,
    description =
        "The challenger comparison and promotion policy; `challenger report MODEL` prints the"
            + " latest decision and the paired live comparison behind it.",
    subcommands = {ChallengerCommand.Report.class})
final class ChallengerCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code challenger report MODEL}. */
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = "Latest promotion decision of MODEL and the comparisons it was made on.")
  static final class Report implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model name.")
    String model;

    @picocli.CommandLine.Option(
        names = "--history",
        paramLabel = "N",
        defaultValue = "0",
        description = "Also list the N newest decisions (0 to 1000), whichever replica made them.")
    int history;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        GetChallengerReportResponse r =
            ChallengerServiceGrpc.newBlockingStub(endpoints.inferenceChannel())
                .withDeadlineAfter(endpoints.deadline.toMillis(), TimeUnit.MILLISECONDS)
                .getChallengerReport(
                    GetChallengerReportRequest.newBuilder()
                        .setModelName(model)
                        .setHistoryLimit(history)
                        .build());
        print(out, r);
        out.flush();
        return 0;
      }
    }
  }

  static void print(PrintWriter out, GetChallengerReportResponse r) {
    PromotionDecision d = r.getDecision();
    out.printf(
        "%s: %s at %s (production v%d, challenger v%d → production v%d)%n",
        d.getModelName(),
        d.getKind().name().replace("PROMOTION_DECISION_KIND_", "").toLowerCase(Locale.ROOT),
        CampaignsCommand.instant(d.getDecidedAt()),
        d.getProductionVersion(),
        d.getChallengerVersion(),
        d.getResultingProductionVersion());
    out.println("  " + d.getReason());
    if (r.hasPromotion()) {
      out.println("challenger vs production, paired live outcomes:");
      comparison(out, r.getPromotion());
    }
    if (r.hasRegression()) {
      out.println("production vs previous (rollback check), paired live outcomes:");
      comparison(out, r.getRegression());
    }
    if (r.getHistoryCount() > 0) {
      out.println("history, newest first:");
      out.printf(
          Locale.ROOT,
          "  %-24s %-16s %5s %5s %5s %-8s %-26s %s%n",
          "decided at",
          "decision",
          "prod",
          "chal",
          "→",
          "metric",
          "difference [interval]",
          "by");
      for (PromotionDecision h : r.getHistoryList()) {
        out.printf(
            Locale.ROOT,
            "  %-24s %-16s %5s %5s %5s %-8s %-26s %s%n",
            CampaignsCommand.instant(h.getDecidedAt()),
            h.getKind().name().replace("PROMOTION_DECISION_KIND_", "").toLowerCase(Locale.ROOT),
            "v" + h.getProductionVersion(),
            h.getChallengerVersion() == 0 ? "-" : "v" + h.getChallengerVersion(),
            "v" + h.getResultingProductionVersion(),
            h.getMetric(),
            h.getHasDifference()
                ? String.format(
                    Locale.ROOT,
                    "%+.4f [%+.4f, %+.4f]",
                    h.getDifference(),
                    h.getDifferenceLower(),
                    h.getDifferenceUpper())
                : "-",
            h.getDecidedBy());
      }
    }
  }

  private static void comparison(PrintWriter out, PairedComparison c) {
    int level = (int) Math.round(100 * c.getLevel());
    out.printf(Locale.ROOT, "  %,d pairs, %,d positive%n", c.getPairs(), c.getPositives());
    out.printf(
        Locale.ROOT,
        "  %-22s %8s %8s %10s %10s %10s%n",
        "",
        "ROC-AUC",
        "PR-AUC",
        "threshold",
        "precision",
        "recall");
    side(out, c.getA());
    side(out, c.getB());
    out.printf(
        Locale.ROOT,
        "  ROC-AUC difference %+.4f, %d%% CI [%+.4f, %+.4f], DeLong p = %.4g%n",
        c.getRocAucDifference(),
        level,
        c.getRocAucDifferenceLower(),
        c.getRocAucDifferenceUpper(),
        c.getRocAucPValue());
    out.printf(
        Locale.ROOT,
        "  PR-AUC difference %+.4f, %d%% CI [%+.4f, %+.4f] (%s)%n",
        c.getPrAucDifference(),
        level,
        c.getPrAucDifferenceLower(),
        c.getPrAucDifferenceUpper(),
        c.getBootstrap());
    out.printf(
        Locale.ROOT,
        "  mean score difference %+.4f, Spearman %.3f, Kendall %.3f%n",
        c.getMeanScoreDifference(),
        c.getSpearman(),
        c.getKendall());
  }

  private static void side(PrintWriter out, ComparedSideMetrics s) {
    out.printf(
        Locale.ROOT,
        "  %-22s %8.4f %8.4f %10.3f %10.4f %10.4f%n",
        s.getAlias() + " v" + s.getVersion(),
        s.getRocAuc(),
        s.getPrAuc(),
        s.getThreshold(),
        s.getPrecision(),
        s.getRecall());
  }
}
