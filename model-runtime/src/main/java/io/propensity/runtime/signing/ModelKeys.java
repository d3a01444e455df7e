package io.propensity.runtime.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys of model signatures in the PEM forms {@code openssl} reads and writes: PKCS#8 {@code
 * PRIVATE KEY} and X.509 SubjectPublicKeyInfo {@code PUBLIC KEY}; and the short id a key goes by.
 */
public final class ModelKeys {
  private static final Pattern PEM =
      Pattern.compile(
          "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----",
          Pattern.DOTALL);

  private ModelKeys() {}

  /** A fresh Ed25519 key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ModelSignature.ED25519).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 platform has Ed25519", e);
    }
  }

  /**
   * The id of {@code key}: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo
   * encoding, as {@code openssl pkey -pubin -outform DER | sha256sum} computes it.
   */
  public static String keyId(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code key} as a PEM {@code PUBLIC KEY} block. */
  public static String publicKeyPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /** {@code key} as a PEM PKCS#8 {@code PRIVATE KEY} block. */
  public static String privateKeyPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /**
   * The Ed25519 public keys of the {@code PUBLIC KEY} blocks in {@code pem}, in order.
   *
   * @throws IllegalArgumentException when there is none, or one is not an Ed25519 key
   */
  public static List<PublicKey> readPublicKeys(String pem) {
    List<PublicKey> keys = new ArrayList<>();
    for (byte[] der : blocks(pem, "PUBLIC KEY")) {
      try {
        keys.add(
            KeyFactory.getInstance(ModelSignature.ED25519)
                .generatePublic(new X509EncodedKeySpec(der)));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("a PUBLIC KEY block is not an Ed25519 key: " + e, e);
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no PEM 'PUBLIC KEY' block");
    }
    return List.copyOf(keys);
  }

  /**
   * The Ed25519 private key of the (first) PKCS#8 {@code PRIVATE KEY} block in {@code pem}.
   *
   * @throws IllegalArgumentException when there is none, or it is not an Ed25519 key
   */
  public static PrivateKey readPrivateKey(String pem) {
    List<byte[]> blocks = blocks(pem, "PRIVATE KEY");
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no PEM 'PRIVATE KEY' (PKCS#8) block");
    }
    try {
      return KeyFactory.getInstance(ModelSignature.ED25519)
          .generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the PRIVATE KEY block is not an Ed25519 key: " + e, e);
    }
  }

  private static List<byte[]> blocks(String pem, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          out.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a PEM '" + type + "' block is not base64", e);
        }
      }
    }
    return out;
  }

  private static String pem(String type, byte[] der) {
    String body =
        new String(
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encode(der),
            StandardCharsets.US_ASCII);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
