package io.propensity.cli;

import io.propensity.client.FeatureServiceClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.UserFeatures;

/** {@code propensity features}: current feature vectors of users. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = "Show users' current (online) feature vectors.")
final class FeaturesCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Parameters(arity = "1..*", description = "user ids")
  List<String> users;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (FeatureServiceClient client = endpoints.featureClient()) {
      GetOnlineFeaturesResponse r = client.onlineFeatures(users, true);
      out.printf(
          "schema %s, as of %s%n",
          r.getSchemaVersionHash(), java.time.Instant.ofEpochSecond(r.getAsOf().getSeconds()));
      StringBuilder header = new StringBuilder(String.format("%-40s", "feature"));
      for (UserFeatures u : r.getUsersList()) {
        header.append(String.format(" %16s", u.getUserId() + (u.getColdStart() ? "*" : "")));
      }
      out.println(header);
      List<FeatureDefinition> defs = r.getSchema().getFeaturesList();
      for (int i = 0; i < defs.size(); i++) {
        StringBuilder line = new StringBuilder(String.format("%-40s", defs.get(i).getName()));
        for (UserFeatures u : r.getUsersList()) {
          line.append(String.format(" %16s", Tables.number(u.getVector().getValues(i))));
        }
        out.println(line);
      }
      if (r.getUsersList().stream().anyMatch(UserFeatures::getColdStart)) {
        out.println(
            "* cold start: no event stored for this user; the defined cold-start vector is shown");
      }
    }
    out.flush();
    return 0;
  }
}
