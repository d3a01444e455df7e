package io.propensity.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.FeatureSchema;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.Factor;
import propensity.inference.v1.PredictionInput;

/** {@code propensity explain}: the full SHAP explanation of one prediction. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain one prediction feature by feature (SHAP).",
      "Prints the bias and each feature's SHAP contribution (log-odds; positive raises the",
      "probability), largest first. bias + sum of contributions = logit(probability)."
    })
final class ExplainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  /** A user, an inline vector or a row of a CSV. */
  static final class Input {
    @Option(
        names = {"-u", "--user"},
        description = "user id")
    String user;

    @Option(
        names = "--features",
        split = ",",
        description = "inline feature values name=value,…; unnamed features are missing")
    Map<String, String> features;

    @Option(
        names = "--features-file",
        description =
            "CSV of feature rows (header of feature names); explains the row given by --row. For a"
                + " model trained on a table: its own columns, categories as text")
    Path featuresFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(
      names = "--model",
      description = "served model name (default: the service's default model)")
  String model;

  @Option(
      names = "--row",
      defaultValue = "1",
      paramLabel = "N",
      description = "with --features-file: the N-th data row, from 1 (default ${DEFAULT-VALUE})")
  int row;

  @Mixin TableRowOptions rowOptions;

  @Option(
      names = "--top",
      defaultValue = "15",
      description =
          "contributions shown, largest |contribution| first; 0 = all (default ${DEFAULT-VALUE})")
  int top;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (row < 1) {
      throw new CliException("--row " + row + " is not a row number (from 1)", 2);
    }
    try (Endpoints closing = endpoints) {
      PredictionInput in;
      String label = "(inline)";
      Optional<ProvidedRows.Table> table = Optional.empty();
      if (input.user != null) {
        in = PredictionInput.newBuilder().setUserId(input.user).build();
      } else if (input.features != null) {
        in =
            PredictionInput.newBuilder()
                .setFeatures(
                    Inputs.inline(
                        Inputs.served(endpoints, model).getFeatureSchema(), input.features))
                .build();
      } else {
        FeatureSchema schema = Inputs.served(endpoints, model).getFeatureSchema();
        if (ProvidedRows.isProvided(schema)) {
          table = Optional.of(rowOptions.read(schema, input.featuresFile, row));
          in = PredictionInput.newBuilder().setProvided(nth(table.get().rows()).features()).build();
          label = nth(table.get().rows()).label();
        } else {
          Inputs.Labelled l = nth(Inputs.featureRows(schema, input.featuresFile, row));
          in = l.input();
          label = l.label();
        }
      }
      ExplainResponse r;
      try {
        r =
            endpoints
                .inferenceClient()
                .explain(
                    ExplainRequest.newBuilder()
                        .setModelName(model == null ? "" : model)
                        .setInput(in)
                        .build());
      } catch (StatusRuntimeException e) {
        if (table.isPresent()) {
          throw table.get().refused(e, Optional.of(nth(table.get().rows())));
        }
        throw e;
      }
      var p = r.getPrediction();
      out.println(
          Show.prediction(p.getUserId().isEmpty() ? p.toBuilder().setUserId(label).build() : p));
      double sum = r.getContributionsList().stream().mapToDouble(Factor::getContribution).sum();
      out.println(
          Show.f(
              "  bias %+.4f + contributions %+.4f = logit %+.4f",
              r.getBias(), sum, r.getBias() + sum));
      List<Factor> sorted =
          r.getContributionsList().stream()
              .sorted(Comparator.comparingDouble((Factor f) -> -Math.abs(f.getContribution())))
              .toList();
      int n = top <= 0 ? sorted.size() : Math.min(top, sorted.size());
      for (Factor f : sorted.subList(0, n)) {
        out.println(Show.factor(f));
      }
      if (n < sorted.size()) {
        out.printf("  … %d more features (--top 0 shows all)%n", sorted.size() - n);
      }
      out.flush();
      return 0;
    }
  }

  /** Row {@code --row} of a file's rows (read up to it). */
  private <T> T nth(List<T> rows) {
    if (rows.size() < row) {
      throw new CliException(
          "--row " + row + ": " + input.featuresFile + " has only " + rows.size() + " rows", 2);
    }
    return rows.get(row - 1);
  }
}
