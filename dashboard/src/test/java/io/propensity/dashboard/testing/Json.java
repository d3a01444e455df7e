package io.propensity.dashboard.testing;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Minimal HTTP+JSON calls to the dashboard's API for tests. */
public final class Json {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final JsonMapper MAPPER = JsonMapper.createDefault();

  /** An HTTP answer: status and parsed JSON body. */
  public record Reply(int status, Map<String, Object> body) {
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(String key) {
      return (List<Map<String, Object>>) body.get(key);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) {
      return (Map<String, Object>) body.get(key);
    }
  }

  private Json() {}

  public static Reply get(String url) {
    return send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  public static Reply post(String url, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  @SuppressWarnings("unchecked")
  private static Reply send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), MAPPER.readValue(r.body(), Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
