package io.propensity.client.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM text of DER bytes (RFC 7468: base64 in 64-character lines between BEGIN/END labels). */
final class Pem {
  private Pem() {}

  /** One PEM block of {@code type} (e.g. {@code PRIVATE KEY}, {@code PUBLIC KEY}). */
  static String encode(String type, byte[] der) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }
}
