package io.propensity.engine.features;

/**
 * Object-size arithmetic for a 64-bit JVM with compressed oops (the default below 32 GiB heaps).
 */
final class MemoryLayout {

  static final long OBJECT_HEADER = 12;
  static final long ARRAY_HEADER = 16;
  static final long REFERENCE = 4;

  private MemoryLayout() {}

  static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  static long longArray(int length) {
    return align(ARRAY_HEADER + 8L * length);
  }

  static long intArray(int length) {
    return align(ARRAY_HEADER + 4L * length);
  }
}
