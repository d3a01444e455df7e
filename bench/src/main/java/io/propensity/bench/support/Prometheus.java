package io.propensity.bench.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** One scrape of a Prometheus text endpoint, with sums over samples of a metric. */
public final class Prometheus {
  private final List<Sample> samples;

  private Prometheus(List<Sample> samples) {
    this.samples = samples;
  }

  /** One line {@code name{labels} value}. */
  public record Sample(String name, String labels, double value) {}

  /** Scrapes {@code url} (loopback only), with a 10-second deadline. */
  public static Prometheus scrape(String url) throws IOException, InterruptedException {
    if (!url.startsWith("http://127.0.0.1:")) {
      throw new IllegalArgumentException("the benchmarks only talk to loopback: " + url);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return parse(r.body());
  }

  static Prometheus parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name;
      String labels = "";
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        labels = line.substring(brace + 1, line.lastIndexOf('}'));
      } else {
        name = line.substring(0, space).trim();
      }
      try {
        out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
      } catch (NumberFormatException ignored) {
        // a value we do not need (e.g. NaN spelled oddly)
      }
    }
    return new Prometheus(out);
  }

  /**
   * Sum of every sample of {@code name} whose labels contain {@code labelFilter} (e.g. {@code
   * area="heap"}).
   */
  public OptionalDouble sum(String name, String labelFilter) {
    double total = 0;
    boolean any = false;
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().contains(labelFilter)) {
        total += s.value();
        any = true;
      }
    }
    return any ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  /** Sum of every sample of {@code name}. */
  public OptionalDouble sum(String name) {
    return sum(name, "");
  }
}
