package io.propensity.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.inference.v1.DriftBin;
import propensity.inference.v1.DriftDistribution;
import propensity.inference.v1.DriftStatus;
import propensity.inference.v1.GetDriftRequest;
import propensity.inference.v1.GetDriftResponse;

/** {@code propensity drift MODEL}: PSI per feature and of the score against training. */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    description = {
      "Drift of a served model version: the population stability index (PSI) of every feature"
          + " and of the score, over a recent window of the served-prediction log, against the"
          + " distributions recorded when the version was trained. Largest PSI first.",
      "PSI < 0.1: no meaningful shift; 0.1-0.25: moderate; > 0.25: major."
    })
final class DriftCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Parameters(paramLabel = "MODEL", description = "the model's name")
  String model;

  @Option(names = "--version", description = "the version (default: the one the alias points at)")
  long version;

  @Option(names = "--alias", description = "the alias to resolve (default: the served one)")
  String alias = "";

  @Option(
      names = "--window",
      converter = DurationConverter.class,
      description = "how far back, e.g. 24h, 7d (default: the service's drift window)")
  Duration window;

  @Option(names = "--bins", description = "also print the bins of the top N features and the score")
  int bins;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Endpoints closing = endpoints) {
      GetDriftRequest.Builder req =
          GetDriftRequest.newBuilder().setModelName(model).setModelVersion(version).setAlias(alias);
      if (window != null) {
        req.setWindow(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(window.getSeconds())
                .setNanos(window.getNano()));
      }
      out.print(render(endpoints.inferenceClient().drift(req.build()), bins));
      out.flush();
      return 0;
    }
  }

  /** The answer as a table. */
  static String render(GetDriftResponse r, int bins) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "%s v%d, window %s to %s: %,d rows compared (%,d without values skipped), reference"
                + " %,d training rows%n",
            r.getModelName(),
            r.getModelVersion(),
            CampaignsCommand.instant(r.getWindowStart()),
            CampaignsCommand.instant(r.getWindowEnd()),
            r.getRowsUsed(),
            r.getRowsWithoutValues(),
            r.getReferenceRows()));
    if (r.getStatus() == DriftStatus.DRIFT_STATUS_UNAVAILABLE) {
      s.append("drift unavailable: ").append(r.getReason()).append(String.format("%n"));
      return s.toString();
    }
    if (r.getStatus() == DriftStatus.DRIFT_STATUS_TOO_FEW_ROWS) {
      s.append("too few rows, indices unreliable: ").append(r.getReason());
      s.append(String.format("%n"));
    }
    s.append(String.format("%-40s %8s  %s%n", "feature", "PSI", "shift"));
    s.append(line(r.getScore()));
    for (DriftDistribution d : r.getFeaturesList()) {
      s.append(line(d));
    }
    for (int i = 0; i < Math.min(bins, r.getFeaturesCount()); i++) {
      s.append(binTable(r.getFeatures(i)));
    }
    if (bins > 0 && r.hasScore()) {
      s.append(binTable(r.getScore()));
    }
    return s.toString();
  }

  private static String line(DriftDistribution d) {
    return String.format(
        Locale.ROOT,
        "%-40s %8.4f  %s%n",
        d.getName().equals("score") ? "(score)" : d.getName(),
        d.getPsi(),
        d.getAbsentLive() ? "not in the served vectors" : verdict(d.getPsi()));
  }

  static String verdict(double psi) {
    return psi > 0.25 ? "MAJOR" : psi > 0.1 ? "moderate" : "-";
  }

  private static String binTable(DriftDistribution d) {
    StringBuilder s =
        new StringBuilder(String.format("%n%s (PSI %.4f)%n", d.getName(), d.getPsi()));
    s.append(String.format("  %-28s %10s %10s%n", "bin", "training", "live"));
    for (DriftBin b : d.getBinsList()) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-28s %9.2f%% %9.2f%%%n",
              b.getLabel(),
              100 * b.getReferenceShare(),
              100 * b.getLiveShare()));
    }
    return s.toString();
  }
}
