package io.propensity.client.security;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Call credentials that send {@code authorization: Bearer <token>} with every call (a static token
 * of the stack's principals file, or a JWT). They refuse to send the token over a connection that
 * is not encrypted, so a token never leaves the process in clear text.
 */
public final class BearerToken extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String token;

  /** Credentials for {@code token} (not blank; surrounding white space is dropped). */
  public BearerToken(String token) {
    Objects.requireNonNull(token, "token");
    String t = token.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("the bearer token is empty");
    }
    if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // a header value with a line break or a control character would be refused by the transport
      throw new IllegalArgumentException("the bearer token has characters outside printable ASCII");
    }
    this.token = t;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      applier.fail(
          Status.UNAUTHENTICATED.withDescription(
              "refusing to send a bearer token over a connection without TLS"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
