package io.propensity.common.security;

import java.util.Locale;
import java.util.Optional;

/**
 * Resolves the caller of a call from its credentials, in order: the verified mTLS client
 * certificate's CN when the principals file lists it, else the {@code authorization: Bearer} token,
 * a static token of the principals file or a JWT.
 */
public final class Authenticator {
  private final Optional<PrincipalsFile> principals;
  private final Optional<JwtVerifier> jwt;

  /** An authenticator over the configured sources; at least one must be present. */
  public Authenticator(Optional<PrincipalsFile> principals, Optional<JwtVerifier> jwt) {
    if (principals.isEmpty() && jwt.isEmpty()) {
      throw new IllegalArgumentException("no authentication source");
    }
    this.principals = principals;
    this.jwt = jwt;
  }

  /** What authentication made of a call's credentials. */
  public sealed interface Outcome {}

  /**
   * The caller is known.
   *
   * @param principal who it is
   * @param via which credential identified it ({@code cert}, {@code token}, {@code jwt})
   */
  public record Authenticated(Principal principal, String via) implements Outcome {}

  /**
   * The caller is not known.
   *
   * @param reason a short, bounded code for metrics ({@code no_credentials}, {@code unknown_token},
   *     {@code expired}, ...)
   * @param detail what exactly failed, for the service log only
   */
  public record Refused(String reason, String detail) implements Outcome {}

  /**
   * Authenticates a call.
   *
   * @param certificateCn the subject CN of the client certificate the TLS handshake verified
   * @param authorization the {@code authorization} header, if sent
   */
  public Outcome authenticate(Optional<String> certificateCn, Optional<String> authorization) {
    if (certificateCn.isPresent() && principals.isPresent()) {
      Optional<Principal> p = principals.get().byCertificateCn(certificateCn.get());
      if (p.isPresent()) {
        return new Authenticated(p.get(), "cert");
      }
    }
    if (authorization.isEmpty()) {
      return certificateCn.isPresent()
          ? new Refused(
              "unknown_certificate",
              "client certificate CN=" + certificateCn.get() + " is not a principal")
          : new Refused("no_credentials", "no client certificate and no authorization header");
    }
    String header = authorization.get().strip();
    if (!header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      return new Refused("bad_scheme", "authorization header is not 'Bearer <token>'");
    }
    String token = header.substring("bearer ".length()).strip();
    if (token.isEmpty()) {
      return new Refused("no_credentials", "empty bearer token");
    }
    if (principals.isPresent()) {
      Optional<Principal> p = principals.get().byToken(token);
      if (p.isPresent()) {
        return new Authenticated(p.get(), "token");
      }
    }
    if (jwt.isPresent() && JwtVerifier.looksLikeJwt(token)) {
      try {
        return new Authenticated(jwt.get().verify(token), "jwt");
      } catch (JwtVerifier.JwtRejectedException e) {
        return new Refused("jwt_" + e.reason(), "JWT refused: " + e.getMessage());
      }
    }
    return new Refused("unknown_token", "bearer token matches no principal");
  }
}
