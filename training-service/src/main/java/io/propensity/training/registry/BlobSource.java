package io.propensity.training.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a file to register, read once as a stream, so a caller can pass a file or a buffer
 * without the registry holding a second copy in memory.
 */
@FunctionalInterface
public interface BlobSource {
  /** Opens the bytes; the registry reads the stream to its end and closes it. */
  InputStream open() throws IOException;

  /** The bytes of an array (not copied: do not change the array while registering). */
  static BlobSource of(byte[] bytes) {
    return () -> new ByteArrayInputStream(bytes);
  }
}
