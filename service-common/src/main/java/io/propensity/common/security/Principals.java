package io.propensity.common.security;

import io.grpc.Context;
import java.util.Optional;
import java.util.Set;

/**
 * The authenticated caller of the current gRPC call, put into the call's {@link Context} by the
 * authentication interceptor, for endpoints that record who did something (audit).
 */
public final class Principals {
  /** The caller in insecure mode, where no one is authenticated: holds every scope. */
  public static final Principal ANONYMOUS_INSECURE =
      new Principal("anonymous (insecure)", Set.of(Principal.ALL_SCOPES));

  static final Context.Key<Principal> KEY = Context.key("propensity-principal");

  private Principals() {}

  /**
   * The caller of the gRPC call this thread serves: the authenticated principal, or {@link
   * #ANONYMOUS_INSECURE} when the service runs with the insecure switch.
   *
   * @throws IllegalStateException outside a call that passed the authentication interceptor
   */
  public static Principal current() {
    return find()
        .orElseThrow(
            () -> new IllegalStateException("no authenticated principal: not inside a gRPC call"));
  }

  /** The caller of the current gRPC call, if this thread serves one that was authenticated. */
  public static Optional<Principal> find() {
    return Optional.ofNullable(KEY.get());
  }

  /** A context in which {@link #current()} is {@code principal}. */
  public static Context with(Principal principal) {
    return Context.current().withValue(KEY, principal);
  }
}
