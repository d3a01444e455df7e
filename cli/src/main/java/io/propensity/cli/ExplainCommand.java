package io.propensity.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
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

  /** A user or an inline vector. */
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
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(
      names = "--model",
      description = "served model name (default: the service's default model)")
  String model;

  @Option(
      names = "--top",
      defaultValue = "15",
      description =
          "contributions shown, largest |contribution| first; 0 = all (default ${DEFAULT-VALUE})")
  int top;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Endpoints closing = endpoints) {
      PredictionInput in =
          input.user != null
              ? PredictionInput.newBuilder().setUserId(input.user).build()
              : PredictionInput.newBuilder()
                  .setFeatures(
                      Inputs.inline(
                          Inputs.served(endpoints, model).getFeatureSchema(), input.features))
                  .build();
      ExplainResponse r =
          endpoints
              .inferenceClient()
              .explain(
                  ExplainRequest.newBuilder()
                      .setModelName(model == null ? "" : model)
                      .setInput(in)
                      .build());
      var p = r.getPrediction();
      out.println(
          Show.prediction(
              p.getUserId().isEmpty() ? p.toBuilder().setUserId("(inline)").build() : p));
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
}
