package io.propensity.dashboard.health;

import io.propensity.client.security.ServiceTls;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Container health check carried by the dashboard jar (the dashboard has no gRPC port): asks HTTP
 * {@code /health} and exits 0 on status 200, 1 otherwise, 2 on bad arguments.
 *
 * <p>{@code java -cp app.jar io.propensity.dashboard.health.HttpHealthProbe [--deadline-ms=N]
 * [url]}; url default {@code https://127.0.0.1:$MICRONAUT_SERVER_PORT/health} trusting {@code
 * PROPENSITY_SECURITY_TLS_CA_FILE}, {@code http://} when {@code PROPENSITY_SECURITY_INSECURE=true}.
 */
public final class HttpHealthProbe {
  /** What one probe found. */
  public record Result(int exitCode, String message) {}

  private HttpHealthProbe() {}

  public static void main(String[] args) {
    Result r = probe(args);
    PrintStream out = r.exitCode() == 0 ? System.out : System.err;
    out.println(r.message());
    System.exit(r.exitCode());
  }

  /** Runs one probe with the command-line arguments of {@link #main}. */
  public static Result probe(String... args) {
    long deadlineMs = 3000;
    String url = null;
    for (String a : args) {
      if (a.startsWith("--deadline-ms=")) {
        try {
          deadlineMs = Long.parseLong(a.substring("--deadline-ms=".length()));
        } catch (NumberFormatException e) {
          return new Result(2, "bad " + a + ": milliseconds expected");
        }
      } else if (a.startsWith("--")) {
        return new Result(2, "unknown option " + a);
      } else if (url == null) {
        url = a;
      } else {
        return new Result(2, "one url at most, got " + a + " too");
      }
    }
    var settings = ServiceTls.systemLookup(System.getenv());
    boolean tls = !ServiceTls.insecure(settings);
    if (url == null) {
      String port = System.getenv().getOrDefault("MICRONAUT_SERVER_PORT", "8080").trim();
      url = (tls ? "https" : "http") + "://127.0.0.1:" + port + "/health";
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return new Result(2, "bad url " + url + ": " + e.getMessage());
    }
    Duration deadline = Duration.ofMillis(deadlineMs);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(deadline);
    // the dashboard's own CA (PROPENSITY_SECURITY_TLS_CA_FILE) vouches for its certificate
    settings
        .apply("propensity.security.tls.ca-file")
        .filter(ca -> uri.getScheme().equals("https"))
        .ifPresent(ca -> builder.sslContext(ServiceTls.sslContextTrusting(Path.of(ca))));
    HttpClient client = builder.build();
    try {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(uri).timeout(deadline).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return new Result(r.statusCode() == 200 ? 0 : 1, url + " " + r.statusCode());
    } catch (IOException e) {
      return new Result(1, url + " does not answer: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(1, url + " probe interrupted");
    }
  }
}
