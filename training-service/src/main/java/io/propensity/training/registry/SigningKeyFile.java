package io.propensity.training.registry;

import io.propensity.runtime.signing.ModelKeys;
import io.propensity.runtime.signing.ModelSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * The registry's signing key on disk: a PEM PKCS#8 Ed25519 private key, as {@code openssl genpkey
 * -algorithm ed25519} writes it, and its public key next to it ({@code <file>.pub.pem}) for the
 * serving systems to trust.
 */
final class SigningKeyFile {
  private SigningKeyFile() {}

  /** The public key file that goes with {@code keyFile}. */
  static Path publicKeyFile(Path keyFile) {
    return keyFile.resolveSibling(keyFile.getFileName() + ".pub.pem");
  }

  /**
   * The signer of {@code keyFile}; when it does not exist and {@code generate}, a new key pair is
   * written first (the private key readable by its owner only), and the public key file beside it
   * is (re)written from the private key either way.
   *
   * @throws IllegalArgumentException when the file is missing (and not to be generated) or holds no
   *     Ed25519 PKCS#8 key
   */
  static ModelSigner load(Path keyFile, boolean generate) {
    try {
      if (!Files.exists(keyFile)) {
        if (!generate) {
          throw new IllegalArgumentException(
              "the registry signing key file " + keyFile + " does not exist");
        }
        write(keyFile);
      }
      PrivateKey privateKey = ModelKeys.readPrivateKey(Files.readString(keyFile));
      PublicKey publicKey = publicKeyOf(privateKey);
      Path pub = publicKeyFile(keyFile);
      String pem = ModelKeys.publicKeyPem(publicKey);
      if (!holdsKey(pub, publicKey)) {
        Files.writeString(pub, pem);
      }
      return new ModelSigner(new KeyPair(publicKey, privateKey));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the registry signing key " + keyFile, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keyFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code pub} already holds exactly {@code key} (compared as keys, not as text: a file
   * written by another tool, e.g. the CLI's {@code security init} on a read-only mount, is kept).
   */
  private static boolean holdsKey(Path pub, PublicKey key) {
    if (!Files.isRegularFile(pub)) {
      return false;
    }
    try {
      return ModelKeys.readPublicKeys(Files.readString(pub)).stream()
          .anyMatch(k -> java.util.Arrays.equals(k.getEncoded(), key.getEncoded()));
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static void write(Path keyFile) throws IOException {
    Files.createDirectories(keyFile.toAbsolutePath().getParent());
    KeyPair keys = ModelKeys.generate();
    try {
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(keyFile);
    } catch (FileAlreadyExistsException raced) {
      return; // another process made it first: use theirs
    }
    Files.writeString(
        keyFile, ModelKeys.privateKeyPem(keys.getPrivate()), StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * The public half of an Ed25519 private key. The JDK has no API for it (and PKCS#8 files as
   * openssl writes them carry only the seed), so BouncyCastle derives it.
   */
  static PublicKey publicKeyOf(PrivateKey key) {
    try {
      var params = PrivateKeyFactory.createKey(key.getEncoded());
      if (!(params instanceof Ed25519PrivateKeyParameters ed)) {
        throw new IllegalArgumentException("not an Ed25519 private key");
      }
      byte[] spki =
          SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed.generatePublicKey())
              .getEncoded();
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot derive the public key: " + e, e);
    }
  }
}
