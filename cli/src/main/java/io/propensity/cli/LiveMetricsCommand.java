package io.propensity.cli;

import com.google.protobuf.Timestamp;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.inference.v1.GetLiveMetricsRequest;
import propensity.inference.v1.GetLiveMetricsResponse;
import propensity.inference.v1.LiveMetrics;

/** {@code propensity live-metrics MODEL}: live quality per version, alias and day. */
@Command(
    name = "live-metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Live quality of a model from its served predictions joined to what happened: per version,"
          + " alias and UTC day, the count, positives, precision/recall/F1 at the threshold,"
          + " ROC-AUC and PR-AUC with 95%% intervals, and calibration (mean predicted vs observed,"
          + " ECE, Brier)."
    })
final class LiveMetricsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Parameters(paramLabel = "MODEL", description = "the model, e.g. purchase-7d")
  String model;

  @Option(
      names = "--days",
      defaultValue = "30",
      description = "days up to today (UTC) to show, 1 to 366 (default ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--version", defaultValue = "0", description = "only this version (0 = all)")
  long version;

  @Option(names = "--alias", defaultValue = "", description = "only this alias, e.g. challenger")
  String alias;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    try (Endpoints closing = endpoints) {
      GetLiveMetricsResponse r =
          endpoints
              .inferenceClient()
              .getLiveMetrics(
                  GetLiveMetricsRequest.newBuilder()
                      .setModelName(model)
                      .setModelVersion(version)
                      .setModelAlias(alias)
                      .setStartDay(day(today.minusDays(Math.max(0, days - 1L))))
                      .setEndDay(day(today))
                      .build());
      out.print(render(r));
      out.flush();
      return 0;
    }
  }

  private static Timestamp day(LocalDate d) {
    return Timestamp.newBuilder()
        .setSeconds(d.atStartOfDay(ZoneOffset.UTC).toEpochSecond())
        .build();
  }

  /** The metrics as a table: one line per day, version and alias, then the totals. */
  static String render(GetLiveMetricsResponse r) {
    StringBuilder s = new StringBuilder();
    if (r.getOverallCount() == 0) {
      s.append(
          String.format(
              "no labelled predictions of %s yet: outcomes are joined once a prediction's horizon"
                  + " and the allowed lag are over%n",
              r.getModelName()));
      return s.toString();
    }
    String header =
        String.format(
            "%-10s %4s %-11s %7s %6s %6s %6s %6s %-16s %6s %6s %6s %6s%n",
            "day",
            "ver",
            "alias",
            "n",
            "pos",
            "prec",
            "recall",
            "F1",
            "ROC-AUC (95% CI)",
            "PR-AUC",
            "pred",
            "obs",
            "ECE");
    s.append(header);
    for (LiveMetrics m : r.getDailyList()) {
      s.append(row(instantDay(m.getDay()), m));
    }
    for (LiveMetrics m : r.getOverallList()) {
      s.append(row("all", m));
    }
    if (r.hasJoinedUntil()) {
      s.append(
          String.format(
              "outcomes joined for predictions served before %s%n",
              Instant.ofEpochSecond(r.getJoinedUntil().getSeconds())));
    }
    return s.toString();
  }

  private static String instantDay(Timestamp t) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(t.getSeconds()), ZoneOffset.UTC).toString();
  }

  private static String row(String day, LiveMetrics m) {
    String auc =
        m.hasRocAuc()
            ? String.format(
                "%.3f (%.2f-%.2f)",
                m.getRocAuc(), m.getRocAucInterval().getLow(), m.getRocAucInterval().getHigh())
            : "-";
    return String.format(
        "%-10s %4d %-11s %,7d %,6d %6.3f %6.3f %6.3f %-16s %6s %6.3f %6.3f %6.3f%n",
        day,
        m.getModelVersion(),
        m.getModelAlias(),
        m.getCount(),
        m.getPositives(),
        m.getPrecision(),
        m.getRecall(),
        m.getF1(),
        auc,
        m.hasPrAuc() ? String.format("%.3f", m.getPrAuc()) : "-",
        m.getMeanPredicted(),
        m.getObservedRate(),
        m.getEce());
  }
}
