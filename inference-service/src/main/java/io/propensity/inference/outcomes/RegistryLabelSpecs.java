package io.propensity.inference.outcomes;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.propensity.client.ModelRegistryClient;
import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.Lineage;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;

/**
 * Label specs from the registry: a version's lineage records the target and horizon its training
 * set was labelled with. Versions are immutable, so an answer is cached for good; a registry that
 * cannot answer is asked again next time.
 */
public final class RegistryLabelSpecs implements LabelSpecSource {
  private final ModelRegistryClient registry;
  private final Map<String, Resolution> cache = new ConcurrentHashMap<>();

  public RegistryLabelSpecs(ModelRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public Resolution labelSpec(String modelName, long version) {
    String key = modelName + "@" + version;
    Resolution cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    ModelVersion v;
    try {
      v =
          registry
              .getModelVersion(
                  GetModelVersionRequest.newBuilder()
                      .setName(modelName)
                      .setVersion(version)
                      .setView(ModelVersionView.MODEL_VERSION_VIEW_BASIC)
                      .build())
              .getModelVersion();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return remember(key, new Missing("the registry does not know this version"));
      }
      return new Missing("the registry did not answer: " + e.getStatus());
    }
    return remember(key, of(v.getLineage()));
  }

  /** The spec a lineage records, or why it has none. */
  static Resolution of(Lineage lineage) {
    Target target =
        switch (lineage.getTarget()) {
          case TARGET_PURCHASE -> Target.PURCHASE;
          case TARGET_CHURN -> Target.CHURN;
          case TARGET_SESSION_CONVERSION -> Target.SESSION_CONVERSION;
          default -> null;
        };
    if (target == null) {
      return new Missing(
          "its lineage records no target (a model trained on a tabular file, whose label is a"
              + " column, cannot be labelled from events)");
    }
    if (!target.usesHorizon()) {
      return new Missing(
          "its target is SESSION_CONVERSION, labelled per session, not per served prediction");
    }
    if (!lineage.hasHorizon()) {
      return new Missing("its lineage records no label horizon");
    }
    Duration horizon =
        Duration.ofSeconds(lineage.getHorizon().getSeconds(), lineage.getHorizon().getNanos());
    if (horizon.isZero() || horizon.isNegative()) {
      return new Missing("its lineage records no positive label horizon");
    }
    return new Found(new LabelSpec(target, horizon));
  }

  private Resolution remember(String key, Resolution r) {
    cache.put(key, r);
    return r;
  }
}
