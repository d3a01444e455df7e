package io.propensity.cli;

import io.propensity.client.FeatureServiceClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSchema;

/** {@code propensity schema}: the feature schema. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "List the features the service computes.")
final class SchemaCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (FeatureServiceClient client = endpoints.featureClient()) {
      FeatureSchema s = client.schema();
      out.printf("feature schema %s: %d features%n", s.getVersionHash(), s.getFeaturesCount());
      int i = 0;
      for (FeatureDefinition f : s.getFeaturesList()) {
        String window =
            f.hasWindow()
                ? f.getWindow().getSeconds() / 86400 + "d"
                : f.getWindowKind().name().replace("WINDOW_KIND_", "").toLowerCase();
        out.printf(
            "%3d  %-40s %-16s %-8s %s%n",
            i++,
            f.getName(),
            window,
            f.getType().name().replace("FEATURE_TYPE_", "").toLowerCase(),
            f.getDescription());
      }
    }
    out.flush();
    return 0;
  }
}
