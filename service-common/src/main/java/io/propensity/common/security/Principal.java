package io.propensity.common.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, once authenticated: a name (a token's principal, a certificate's CN, a JWT's
 * {@code sub}) and the scopes it holds; {@code *} holds every scope.
 *
 * @param name what audit records and logs call the caller
 * @param scopes the scopes granted, e.g. {@code predict}, {@code promote}
 */
public record Principal(String name, Set<String> scopes) {
  /** The scope that stands for every scope. */
  public static final String ALL_SCOPES = "*";

  /** Copies the scopes. */
  public Principal {
    Objects.requireNonNull(name, "name");
    scopes = Set.copyOf(scopes);
  }

  /** Whether this principal may call an RPC that requires {@code scope}. */
  public boolean holds(String scope) {
    return scopes.contains(ALL_SCOPES) || scopes.contains(scope);
  }
}
