package io.propensity.common.security;

import io.grpc.ServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

/**
 * Puts the service's reloading TLS context on the Micronaut gRPC server's Netty builder, so the
 * gRPC port speaks only TLS unless the insecure switch is on.
 */
@Singleton
final class GrpcServerTlsCustomizer implements BeanCreatedEventListener<ServerBuilder<?>> {
  private final ServerSecurity security;

  GrpcServerTlsCustomizer(ServerSecurity security) {
    this.security = security;
  }

  @Override
  public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
    ServerBuilder<?> builder = event.getBean();
    security
        .tls()
        .ifPresent(
            tls -> {
              if (!(builder instanceof NettyServerBuilder netty)) {
                throw new ConfigurationException(
                    "TLS needs the Netty gRPC server, not " + builder.getClass().getName());
              }
              netty.sslContext(tls.sslContext());
            });
    return builder;
  }
}
