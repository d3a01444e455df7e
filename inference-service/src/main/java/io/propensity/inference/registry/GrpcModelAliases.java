package io.propensity.inference.registry;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.propensity.client.ModelRegistryClient;
import io.propensity.inference.challenge.ModelAliases;
import java.time.Duration;
import java.util.OptionalLong;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.ModelVersionView;
import propensity.registry.v1.SetAliasRequest;

/** The registry's aliases through its gRPC API (GetModelVersion by alias, guarded SetAlias). */
public final class GrpcModelAliases implements ModelAliases {
  private final ModelRegistryClient registry;

  public GrpcModelAliases(Channel channel, Duration deadline) {
    this.registry = new ModelRegistryClient(channel, deadline);
  }

  @Override
  public OptionalLong version(String model, String alias) {
    try {
      return OptionalLong.of(
          registry
              .getModelVersion(
                  GetModelVersionRequest.newBuilder()
                      .setName(model)
                      .setAlias(alias)
                      .setView(ModelVersionView.MODEL_VERSION_VIEW_BASIC)
                      .build())
              .getModelVersion()
              .getVersion());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  @Override
  public void move(String model, String alias, long version, long expectedCurrent) {
    try {
      registry.setAlias(
          SetAliasRequest.newBuilder()
              .setName(model)
              .setAlias(alias)
              .setVersion(version)
              .setExpectedCurrentVersion(expectedCurrent)
              .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION && expectedCurrent > 0) {
        throw new AliasConflictException(
            alias
                + " of "
                + model
                + " no longer points at v"
                + expectedCurrent
                + ": "
                + e.getStatus().getDescription());
      }
      throw e;
    }
  }
}
