package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.features.v1.CampaignGroupOutcome;
import propensity.features.v1.CampaignInfo;
import propensity.features.v1.GetCampaignReportResponse;

/** {@code propensity campaigns}: recorded campaigns and their uplift over the control group. */
@Command(
    name = "campaigns",
    mixinStandardHelpOptions = true,
    description = {
      "List recorded campaigns (newest first); `campaigns report NAME` for conversion of targeted"
          + " vs control users, the uplift with its 95%% interval and what the model predicted.",
      "Record one with `propensity targets ... --campaign NAME --control-fraction 0.1`."
    },
    subcommands = {CampaignsCommand.Report.class})
final class CampaignsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Endpoints closing = endpoints) {
      var campaigns = endpoints.featureClient().listCampaigns().getCampaignsList();
      if (campaigns.isEmpty()) {
        out.println(
            "no campaigns recorded; record one with: propensity targets --top N --campaign NAME");
      } else {
        out.printf(
            "%-24s %-16s %9s %9s  %-20s  %s%n",
            "name", "model", "targeted", "control", "window start", "window end");
        for (CampaignInfo c : campaigns) {
          out.printf(
              "%-24s %-16s %,9d %,9d  %-20s  %s%n",
              c.getName(),
              c.getModelName() + " v" + c.getModelVersion(),
              c.getTargetedCount(),
              c.getControlCount(),
              instant(c.getWindowStart()),
              instant(c.getWindowEnd()));
        }
      }
      out.flush();
      return 0;
    }
  }

  static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** {@code propensity campaigns report NAME}. */
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Conversion of targeted vs control users inside the campaign window, uplift with a 95%%"
              + " interval (Newcombe), relative lift, p-value, and the model's predicted rates.")
  static final class Report implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(paramLabel = "NAME", description = "the campaign's name")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        GetCampaignReportResponse r = endpoints.featureClient().campaignReport(name);
        out.print(render(r));
        out.flush();
        return 0;
      }
    }
  }

  /** The report as text. */
  static String render(GetCampaignReportResponse r) {
    CampaignInfo c = r.getCampaign();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "campaign %s: %s v%d, goal %s, window %s to %s (%s; counted up to %s)%n",
            c.getName(),
            c.getModelName(),
            c.getModelVersion(),
            EventProtoMapper.fromProto(c.getGoalEventType()).name().toLowerCase(),
            instant(c.getWindowStart()),
            instant(c.getWindowEnd()),
            r.getWindowClosed() ? "closed" : "open",
            instant(r.getObservedUntil())));
    s.append(
        String.format(
            "%-9s %9s %10s %11s %11s%n", "group", "users", "converted", "conversion", "predicted"));
    s.append(row("targeted", r.getTargeted()));
    s.append(row("control", r.getControl()));
    s.append(
        String.format(
            "uplift %+.4f (95%% CI %+.4f to %+.4f), p = %.3g; incremental conversions %.1f%n",
            r.getUplift(),
            r.getUpliftInterval().getLow(),
            r.getUpliftInterval().getHigh(),
            r.getPValue(),
            r.getIncrementalConversions()));
    if (r.hasRelativeLift()) {
      s.append(String.format("relative lift %+.1f%%", 100 * r.getRelativeLift()));
      if (r.hasRelativeLiftInterval()) {
        s.append(
            String.format(
                " (95%% CI %+.1f%% to %+.1f%%)",
                100 * r.getRelativeLiftInterval().getLow(),
                100 * r.getRelativeLiftInterval().getHigh()));
      }
      s.append(String.format("%n"));
    }
    String verdict =
        r.getUpliftInterval().getLow() > 0
            ? "the campaign raised conversion"
            : r.getUpliftInterval().getHigh() < 0
                ? "the campaign lowered conversion"
                : "no uplift shown yet: the interval includes 0";
    s.append(verdict).append(String.format("%n"));
    return s.toString();
  }

  private static String row(String group, CampaignGroupOutcome g) {
    return String.format(
        "%-9s %,9d %,10d %10.2f%% %10.2f%%%n",
        group,
        g.getUsers(),
        g.getConverters(),
        100 * g.getConversionRate(),
        100 * g.getPredictedMean());
  }
}
