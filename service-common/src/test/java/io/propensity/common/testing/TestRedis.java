package io.propensity.common.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis for backend test suites, found through {@code PROPENSITY_TEST_REDIS_URL} ({@code
 * .ci/run} starts one from Debian's packages and sets it). Tests isolate themselves by key prefix.
 */
public final class TestRedis {
  public static final String URL_ENV = "PROPENSITY_TEST_REDIS_URL";

  private TestRedis() {}

  /** The server's URL; skips the calling test with a message when none is configured. */
  public static String url() {
    String url = System.getenv(URL_ENV);
    Assumptions.assumeTrue(
        url != null && !url.isBlank(),
        "Redis not configured: set "
            + URL_ENV
            + " (e.g. redis://127.0.0.1:6379); .ci/run does this"
            + " after starting the Debian-packaged server");
    return url;
  }
}
