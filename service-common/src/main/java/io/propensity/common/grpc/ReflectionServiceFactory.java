package io.propensity.common.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Registers gRPC server reflection (both the v1 and the older v1alpha protocol, which some grpcurl
 * versions still ask for) so that clients work without our stubs. Disable with {@code
 * grpc.server.reflection.enabled=false}.
 */
@Factory
@Requires(property = "grpc.server.reflection.enabled", notEquals = "false")
public class ReflectionServiceFactory {

  @Bean
  @Singleton
  @Named("reflection-v1")
  BindableService reflectionV1() {
    return ProtoReflectionServiceV1.newInstance();
  }

  @Bean
  @Singleton
  @Named("reflection-v1alpha")
  @SuppressWarnings("deprecation")
  BindableService reflectionV1Alpha() {
    return ProtoReflectionService.newInstance();
  }
}
