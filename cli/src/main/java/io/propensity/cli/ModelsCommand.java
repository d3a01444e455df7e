package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.registry.v1.ConfusionMatrix;
import propensity.registry.v1.DecileLift;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.FeatureImportance;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.Lineage;
import propensity.registry.v1.ListModelVersionsRequest;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;
import propensity.registry.v1.RollbackRequest;
import propensity.registry.v1.SetAliasRequest;

/** {@code propensity models}: the model registry. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "The model registry: list models and versions, show a version, promote, roll back.",
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.ShowModel.class,
      ModelsCommand.Promote.class,
      ModelsCommand.RollbackAlias.class
    })
final class ModelsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "models needs a subcommand: list, show, promote or rollback");
  }

  static String aliases(Map<String, Long> aliases) {
    return aliases.isEmpty()
        ? "-"
        : new TreeMap<>(aliases)
            .entrySet().stream()
                .map(e -> e.getKey() + "=v" + e.getValue())
                .collect(Collectors.joining(" "));
  }

  /** {@code models list [NAME]}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List the models with their aliases; with a NAME, list that model's versions with their test metrics.")
  static final class ListModels implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", arity = "0..1", description = "a model name: list its versions")
    String name;

    @Option(
        names = "--limit",
        defaultValue = "50",
        description = "most rows (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (limit < 1 || limit > 500) {
        throw new CliException("--limit " + limit + " is outside 1 to 500", 2);
      }
      try (Endpoints closing = endpoints) {
        if (name == null) {
          var r =
              endpoints
                  .registryClient()
                  .listModels(ListModelsRequest.newBuilder().setPageSize(limit).build());
          if (r.getModelsCount() == 0) {
            out.println("no models yet: train one (propensity train)");
          } else {
            out.printf(
                "%-20s %-18s %7s %8s %-28s %s%n",
                "model", "target", "latest", "versions", "aliases", "updated");
            for (Model m : r.getModelsList()) {
              out.printf(
                  "%-20s %-18s %7s %8d %-28s %s%n",
                  m.getName(),
                  Args.targetName(m.getTarget()),
                  "v" + m.getLatestVersion(),
                  m.getVersionCount(),
                  aliases(m.getAliasesMap()),
                  EventProtoMapper.instant(m.getUpdatedAt()).truncatedTo(ChronoUnit.SECONDS));
            }
          }
        } else {
          var r =
              endpoints
                  .registryClient()
                  .listModelVersions(
                      ListModelVersionsRequest.newBuilder()
                          .setName(name)
                          .setPageSize(limit)
                          .setView(ModelVersionView.MODEL_VERSION_VIEW_BASIC)
                          .build());
          out.printf(
              "%-8s %-20s %-20s %8s %8s %8s %8s  %-16s %s%n",
              "version",
              "aliases",
              "created",
              "ROC-AUC",
              "PR-AUC",
              "F1",
              "thresh",
              "signed by",
              "job");
          for (ModelVersion v : r.getModelVersionsList()) {
            Evaluation e = v.getEvaluation();
            out.printf(
                "%-8s %-20s %-20s %8.3f %8.3f %8.3f %8.3f  %-16s %s%n",
                "v" + v.getVersion(),
                v.getAliasesCount() == 0 ? "-" : String.join(",", v.getAliasesList()),
                EventProtoMapper.instant(v.getCreatedAt()).truncatedTo(ChronoUnit.SECONDS),
                e.getRocAuc(),
                e.getPrAuc(),
                e.getF1(),
                v.getThreshold(),
                v.hasSignature() ? v.getSignature().getKeyId() : "-",
                v.getTrainingJobId().isEmpty() ? "-" : v.getTrainingJobId());
          }
        }
        out.flush();
        return 0;
      }
    }
  }

  /** {@code models show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show a version: test metrics beside the baseline, calibration with its reliability curve, confusion matrix, threshold, lift by decile, parameters, lineage, top feature importances.")
  static final class ShowModel implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", description = "model name, e.g. purchase-7d")
    String name;

    @Parameters(
        index = "1",
        arity = "0..1",
        description = "version number (default: the production alias, else the latest)")
    Long version;

    @Option(names = "--alias", description = "the version an alias points at, e.g. staging")
    String alias;

    @Option(
        names = "--top",
        defaultValue = "10",
        description = "feature importances shown (default ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (version != null && alias != null) {
        throw new CliException("give a version or --alias, not both", 2);
      }
      try (Endpoints closing = endpoints) {
        GetModelVersionRequest.Builder req =
            GetModelVersionRequest.newBuilder()
                .setName(name)
                .setView(ModelVersionView.MODEL_VERSION_VIEW_FULL);
        ModelVersion v;
        if (version != null) {
          v =
              endpoints
                  .registryClient()
                  .getModelVersion(req.setVersion(version).build())
                  .getModelVersion();
        } else if (alias != null) {
          v =
              endpoints
                  .registryClient()
                  .getModelVersion(req.setAlias(alias).build())
                  .getModelVersion();
        } else {
          Model m =
              endpoints
                  .registryClient()
                  .listModels(ListModelsRequest.newBuilder().setPageSize(500).build())
                  .getModelsList()
                  .stream()
                  .filter(x -> x.getName().equals(name))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new CliException(
                              "no model named " + name + " (propensity models list)", 3));
          req =
              m.getAliasesMap().containsKey("production")
                  ? req.setAlias("production")
                  : req.setVersion(m.getLatestVersion());
          v = endpoints.registryClient().getModelVersion(req.build()).getModelVersion();
        }
        print(v, out);
        out.flush();
        return 0;
      }
    }

    void print(ModelVersion v, PrintWriter out) {
      out.printf(
          "%s version %d%s%n",
          v.getName(),
          v.getVersion(),
          v.getAliasesCount() == 0 ? "" : " (" + String.join(", ", v.getAliasesList()) + ")");
      out.printf(
          "registered %s%s%n",
          EventProtoMapper.instant(v.getCreatedAt()).truncatedTo(ChronoUnit.SECONDS),
          v.getTrainingJobId().isEmpty() ? "" : " by job " + v.getTrainingJobId());
      if (!v.getDescription().isEmpty()) {
        out.println("description " + v.getDescription());
      }
      Evaluation e = v.getEvaluation();
      out.printf(
          "%ntest evaluation: %,d rows, %,d positive (%.1f%%); threshold %.4f%n",
          e.getRowCount(),
          e.getPositiveCount(),
          e.getRowCount() == 0 ? 0.0 : 100.0 * e.getPositiveCount() / e.getRowCount(),
          v.getThreshold());
      out.println(Show.metrics(e.getModelKind().isEmpty() ? "model" : e.getModelKind(), e));
      if (v.hasBaselineEvaluation()) {
        Evaluation b = v.getBaselineEvaluation();
        out.println(Show.metrics(b.getModelKind().isEmpty() ? "baseline" : b.getModelKind(), b));
      }
      out.println();
      out.print(Show.calibration(v));
      if (v.hasComparison()) {
        out.println();
        Show.comparison(e, v.getBaselineEvaluation(), v.hasBaselineEvaluation(), v.getComparison())
            .forEach(out::println);
      }
      ConfusionMatrix c = e.getConfusionMatrix();
      out.printf("%nconfusion matrix at %.4f    predicted yes  predicted no%n", e.getThreshold());
      out.printf(
          "  actual yes               %12d  %12d%n", c.getTruePositives(), c.getFalseNegatives());
      out.printf(
          "  actual no                %12d  %12d%n", c.getFalsePositives(), c.getTrueNegatives());
      if (e.getDecilesCount() > 0) {
        out.printf(
            "%nlift by decile (1 = top 10%% of scores)%n  decile  rows  positive rate    lift  cumulative gain%n");
        for (DecileLift d : e.getDecilesList()) {
          out.printf(
              "  %6d %5d  %13.3f %7.2f  %15.3f%n",
              d.getDecile(),
              d.getRowCount(),
              d.getPositiveRate(),
              d.getLift(),
              d.getCumulativeGain());
        }
      }
      if (v.getParamsCount() > 0) {
        out.printf("%nparameters%n");
        new TreeMap<>(v.getParamsMap()).forEach((k, val) -> out.printf("  %-26s %s%n", k, val));
      }
      Lineage l = v.getLineage();
      out.printf("%nlineage%n");
      if (l.hasFeatureServiceTrainingSet()) {
        var ts = l.getFeatureServiceTrainingSet();
        out.printf(
            "  data        feature-service training set, target %s, horizon %s, %d cutoffs%s%n",
            Args.targetName(ts.getTarget()),
            DurationConverter.format(EventProtoMapper.duration(ts.getHorizon())),
            l.getCutoffsCount(),
            l.getCutoffsCount() == 0
                ? ""
                : " from "
                    + EventProtoMapper.instant(l.getCutoffs(0))
                    + " to "
                    + EventProtoMapper.instant(l.getCutoffs(l.getCutoffsCount() - 1)));
      } else if (l.hasTabularFile()) {
        out.printf(
            "  data        CSV %s (label %s, sha256 %s)%n",
            l.getTabularFile().getPath(),
            l.getTabularFile().getLabelColumn(),
            l.getTabularFile().getSha256());
      }
      out.printf(
          "  rows        train %,d, validation %,d, test %,d; positive rate %.2f%%; seed %d%n",
          l.getTrainRowCount(),
          l.getValidationRowCount(),
          l.getTestRowCount(),
          100 * l.getPositiveRate(),
          l.getSeed());
      for (String note : l.getNotesList()) {
        out.printf("  note        %s%n", note);
      }
      out.printf(
          "  schema      %d features, hash %s%n",
          v.getFeatureSchema().getFeaturesCount(), v.getFeatureSchema().getVersionHash());
      out.printf("  features    %s%n", Show.featureSource(v.getFeatureSchema().getSource()));
      out.printf(
          "  artifact    %,d bytes, sha256 %s%n", v.getArtifactSizeBytes(), v.getArtifactSha256());
      out.printf(
          "  signature   %s%n",
          v.hasSignature()
              ? v.getSignature().getAlgorithm()
                  + " by registry key "
                  + v.getSignature().getKeyId()
                  + (v.hasUploadSignature()
                      ? ", uploaded signed by key " + v.getUploadSignature().getKeyId()
                      : "")
              : "none (registered before signing, or a format the registry does not check)");
      if (v.getTuningTrialsCount() > 0) {
        var best = v.getTuningTrialsList().stream().filter(t -> t.getBest()).findFirst();
        out.printf(
            "  tuning      %d trials%s%n",
            v.getTuningTrialsCount(),
            best.map(
                    t ->
                        Show.f(
                            ", best #%d cv %s %.4f",
                            t.getTrial(),
                            t.getMetric()
                                .name()
                                .replace("METRIC_", "")
                                .toLowerCase(java.util.Locale.ROOT),
                            t.getCvMetricMean()))
                .orElse(""));
      }
      if (v.getFeatureImportancesCount() > 0) {
        out.printf("%ntop features (mean |SHAP|, log-odds)%n");
        double max = v.getFeatureImportances(0).getMeanAbsShap();
        for (FeatureImportance f :
            v.getFeatureImportancesList()
                .subList(0, Math.min(top, v.getFeatureImportancesCount()))) {
          out.printf(
              "  %-36s %8.4f %s%n",
              f.getFeature(),
              f.getMeanAbsShap(),
              Tables.bar(max == 0 ? 0 : f.getMeanAbsShap() / max, 30));
        }
      }
    }
  }

  /** {@code models promote NAME VERSION}. */
  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Point an alias (production by default) at a version; inference-service hot-reloads it.")
  static final class Promote implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", description = "model name")
    String name;

    @Parameters(index = "1", description = "version number")
    long version;

    @Option(
        names = "--alias",
        defaultValue = "production",
        description = "alias to move (default ${DEFAULT-VALUE})")
    String alias;

    @Option(
        names = "--expect",
        defaultValue = "0",
        description = "only if the alias now points at this version (compare-and-set)")
    long expect;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        var r =
            endpoints
                .registryClient()
                .setAlias(
                    SetAliasRequest.newBuilder()
                        .setName(name)
                        .setAlias(alias)
                        .setVersion(version)
                        .setExpectedCurrentVersion(expect)
                        .build());
        out.printf(
            "%s of %s: %s -> v%d%n",
            alias,
            name,
            r.getPreviousVersion() == 0 ? "unset" : "v" + r.getPreviousVersion(),
            r.getModelVersion().getVersion());
        out.flush();
        return 0;
      }
    }
  }

  /** {@code models rollback NAME}. */
  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description =
          "Move an alias (production by default) back to the version it pointed at before its last change.")
  static final class RollbackAlias implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", description = "model name")
    String name;

    @Option(
        names = "--alias",
        defaultValue = "production",
        description = "alias to roll back (default ${DEFAULT-VALUE})")
    String alias;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        var r =
            endpoints
                .registryClient()
                .rollback(RollbackRequest.newBuilder().setName(name).setAlias(alias).build());
        out.printf(
            "%s of %s rolled back: v%d -> v%d%n",
            alias, name, r.getRolledBackVersion(), r.getModelVersion().getVersion());
        out.flush();
        return 0;
      }
    }
  }
}
