package io.propensity.common.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks bearer JWTs against the configured public keys (nimbus-jose-jwt): signature, {@code exp}
 * (required), {@code nbf}, and issuer and audience when configured. The principal is {@code sub},
 * the scopes come from {@code scope} (space-separated) or {@code scp} (an array).
 */
public final class JwtVerifier {
  /** Clock skew tolerated between the token's issuer and this service. */
  static final Duration SKEW = Duration.ofSeconds(30);

  private final List<JWSVerifier> verifiers;
  private final Optional<String> issuer;
  private final Optional<String> audience;
  private final Clock clock;

  JwtVerifier(
      List<JWSVerifier> verifiers,
      Optional<String> issuer,
      Optional<String> audience,
      Clock clock) {
    this.verifiers = List.copyOf(verifiers);
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
  }

  /**
   * A verifier for the keys of {@code config}.
   *
   * @throws IllegalArgumentException naming the file when a key cannot be read
   */
  public static JwtVerifier from(JwtConfiguration config) {
    List<JWSVerifier> verifiers = new ArrayList<>();
    for (Path file : config.publicKeyPaths()) {
      verifiers.add(verifierFor(readPublicKey(file), file));
    }
    return new JwtVerifier(
        verifiers, config.requiredIssuer(), config.requiredAudience(), Clock.systemUTC());
  }

  /** Whether any key is configured. */
  public boolean hasKeys() {
    return !verifiers.isEmpty();
  }

  /** Whether {@code token} has the shape of a JWS compact serialization (three dot parts). */
  public static boolean looksLikeJwt(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /**
   * The principal of a valid token.
   *
   * @throws JwtRejectedException with the reason (for the log, never the caller)
   */
  public Principal verify(String token) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new JwtRejectedException("malformed", "not a signed JWT: " + e.getMessage());
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    boolean verified = false;
    for (JWSVerifier v : verifiers) {
      if (!v.supportedJWSAlgorithms().contains(alg)) {
        continue;
      }
      try {
        if (jwt.verify(v)) {
          verified = true;
          break;
        }
      } catch (JOSEException e) {
        // this key cannot check this signature; another one may
      }
    }
    if (!verified) {
      throw new JwtRejectedException(
          "bad_signature", "no configured key verifies it (" + alg + ")");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new JwtRejectedException("malformed", "claims unreadable: " + e.getMessage());
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new JwtRejectedException("no_expiry", "no exp claim");
    }
    if (!now.isBefore(exp.toInstant().plus(SKEW))) {
      throw new JwtRejectedException("expired", "expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) {
      throw new JwtRejectedException("not_yet_valid", "not valid before " + nbf.toInstant());
    }
    if (issuer.isPresent() && !issuer.get().equals(claims.getIssuer())) {
      throw new JwtRejectedException(
          "wrong_issuer", "issuer " + claims.getIssuer() + ", expected " + issuer.get());
    }
    if (audience.isPresent()
        && (claims.getAudience() == null || !claims.getAudience().contains(audience.get()))) {
      throw new JwtRejectedException(
          "wrong_audience", "audience " + claims.getAudience() + ", expected " + audience.get());
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new JwtRejectedException("no_subject", "no sub claim");
    }
    return new Principal(subject, scopes(claims));
  }

  private static Set<String> scopes(JWTClaimsSet claims) {
    Set<String> scopes = new LinkedHashSet<>();
    Object scope = claims.getClaim("scope");
    if (scope instanceof String s) {
      for (String part : s.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    Object scp = claims.getClaim("scp");
    if (scp instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s && !s.isBlank()) {
          scopes.add(s.trim());
        }
      }
    } else if (scp instanceof String s) {
      for (String part : s.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    }
    return scopes;
  }

  static PublicKey readPublicKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JWT public key " + file, e);
    }
    int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
    int end = pem.indexOf("-----END PUBLIC KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "JWT public key " + file + " is not a PEM public key (BEGIN PUBLIC KEY)");
    }
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end));
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    throw new IllegalArgumentException("JWT public key " + file + " is neither RSA nor EC");
  }

  private static JWSVerifier verifierFor(PublicKey key, Path file) {
    try {
      if (key instanceof RSAPublicKey rsa) {
        return new RSASSAVerifier(rsa);
      }
      if (key instanceof ECPublicKey ec) {
        return new ECDSAVerifier(ec);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("JWT public key " + file + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("JWT public key " + file + " is neither RSA nor EC");
  }

  /** A token that does not authenticate its bearer, with a short reason code for metrics. */
  public static final class JwtRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    JwtRejectedException(String reason, String detail) {
      super(detail);
      this.reason = reason;
    }

    /** A short, bounded reason code ({@code expired}, {@code bad_signature}, ...). */
    public String reason() {
      return reason;
    }
  }
}
