package io.propensity.common.security;

import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import propensity.options.v1.OptionsProto;

/**
 * Authenticates every call and checks the scope its RPC declares in the proto ({@code
 * propensity.options.v1.required_scope}) before the endpoint runs; the caller goes into the call's
 * context ({@link Principals#current()}). Health needs no credentials (load balancers), reflection
 * any authenticated caller; an RPC that declares no scope needs {@code admin} (fail closed). A
 * refused caller learns only which scope the call needs; why its credential failed goes to the log,
 * with the peer address, and to {@code propensity_auth_denied_total{reason,method}}.
 */
@Singleton
public final class AuthInterceptor implements ServerInterceptor, Ordered {
  private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String HEALTH = "grpc.health.v1.Health";
  private static final Set<String> REFLECTION =
      Set.of("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

  /** The scope an RPC without a declared one requires, so a forgotten option fails closed. */
  static final String UNDECLARED_SCOPE = "admin";

  private final ServerSecurity security;
  private final @Nullable MeterRegistry meters;
  private final Map<String, String> scopes = new ConcurrentHashMap<>();

  AuthInterceptor(ServerSecurity security, @Nullable MeterRegistry meters) {
    this.security = security;
    this.meters = meters;
  }

  /** Just inside the error mapping (which stays outermost), before every other interceptor. */
  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE + 1;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<Authenticator> authenticator = security.authenticator();
    if (authenticator.isEmpty()) {
      return Contexts.interceptCall(
          Principals.with(Principals.ANONYMOUS_INSECURE), call, headers, next);
    }
    String service = call.getMethodDescriptor().getServiceName();
    if (HEALTH.equals(service)) {
      return next.startCall(call, headers);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    boolean reflection = REFLECTION.contains(service);
    String scope = reflection ? null : scopes.computeIfAbsent(method, m -> requiredScope(call));
    Authenticator.Outcome outcome =
        authenticator
            .get()
            .authenticate(certificateCn(call), Optional.ofNullable(headers.get(AUTHORIZATION)));
    if (outcome instanceof Authenticator.Refused refused) {
      deny(call, method, refused.reason(), refused.detail());
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              scope == null
                  ? "credentials required"
                  : "credentials required: this call needs scope " + scope),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Principal principal = ((Authenticator.Authenticated) outcome).principal();
    if (scope != null && !principal.holds(scope)) {
      deny(
          call,
          method,
          "missing_scope",
          principal.name() + " holds " + principal.scopes() + ", not " + scope);
      call.close(
          Status.PERMISSION_DENIED.withDescription("this call needs scope " + scope),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Principals.with(principal), call, headers, next);
  }

  private void deny(ServerCall<?, ?> call, String method, String reason, String detail) {
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    LOG.atWarn()
        .addKeyValue("event", "auth_denied")
        .addKeyValue("reason", reason)
        .addKeyValue("method", method)
        .addKeyValue("peer", String.valueOf(peer))
        .log("auth denied: method={} reason={} peer={} ({})", method, reason, peer, detail);
    if (meters != null) {
      Counter.builder("propensity.auth.denied")
          .description("Calls refused by authentication or authorization")
          .tag("reason", reason)
          .tag("method", method)
          .register(meters)
          .increment();
    }
  }

  private static String requiredScope(ServerCall<?, ?> call) {
    Object schema = call.getMethodDescriptor().getSchemaDescriptor();
    if (schema instanceof ProtoMethodDescriptorSupplier supplier) {
      String scope =
          supplier.getMethodDescriptor().getOptions().getExtension(OptionsProto.requiredScope);
      if (!scope.isEmpty()) {
        return scope;
      }
    }
    return UNDECLARED_SCOPE;
  }

  /** The subject CN of the client certificate the handshake verified, if one was presented. */
  static Optional<String> certificateCn(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    try {
      LdapName name = new LdapName(leaf.getSubjectX500Principal().getName());
      for (Rdn rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
