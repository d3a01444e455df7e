package io.propensity.cli;

import io.propensity.client.FeatureServiceClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.EventTypeCount;
import propensity.features.v1.FunnelStageCount;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.HourlyDwell;

/** {@code propensity overview}: what is stored. */
@Command(
    name = "overview",
    mixinStandardHelpOptions = true,
    description = "Summarise the stored events: volumes, funnel, dwell by hour.")
final class OverviewCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Option(
      names = "--time-zone",
      defaultValue = "UTC",
      description = "zone of the hour-of-day buckets (default ${DEFAULT-VALUE})")
  String zone;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (FeatureServiceClient client = endpoints.featureClient()) {
      GetDataOverviewResponse o = client.overview(5, zone);
      out.printf(
          "%,d events, %,d users, %,d sessions",
          o.getEventCount(), o.getUserCount(), o.getSessionCount());
      if (o.hasFirstEventAt()) {
        out.printf(
            ", from %s to %s",
            Instant.ofEpochSecond(o.getFirstEventAt().getSeconds()),
            Instant.ofEpochSecond(o.getLastEventAt().getSeconds()));
      }
      out.println();
      for (EventTypeCount c : o.getEventTypeCountsList()) {
        out.printf(
            "  %-28s %,12d%n",
            c.getType().name().replace("EVENT_TYPE_", "").toLowerCase(), c.getCount());
      }
      out.println("session funnel:");
      for (FunnelStageCount f : o.getFunnelList()) {
        out.printf(
            "  %-16s %,10d  %s %5.1f%%%n",
            f.getStage().name().replace("FUNNEL_STAGE_", "").toLowerCase(),
            f.getSessionCount(),
            Tables.bar(f.getFractionOfSessions(), 30),
            100 * f.getFractionOfSessions());
      }
      out.println("mean dwell by hour of day (" + zone + "):");
      double max = o.getDwellByHourList().stream().mapToDouble(h -> seconds(h)).max().orElse(1);
      for (HourlyDwell h : o.getDwellByHourList()) {
        out.printf(
            "  %02d:00 %6.1f s %s  (%,d events)%n",
            h.getHour(),
            seconds(h),
            Tables.bar(max == 0 ? 0 : seconds(h) / max, 30),
            h.getEventCount());
      }
    }
    out.flush();
    return 0;
  }

  private static double seconds(HourlyDwell h) {
    return h.getMeanDwell().getSeconds() + h.getMeanDwell().getNanos() / 1e9;
  }
}
