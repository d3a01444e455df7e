package io.propensity.dashboard.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class HttpHealthProbeTest {

  @Test
  void healthyOnlyWhenHealthAnswers200() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/health",
        x -> {
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    server.createContext(
        "/sick",
        x -> {
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      assertThat(HttpHealthProbe.probe(base + "/health").exitCode()).isZero();
      HttpHealthProbe.Result sick = HttpHealthProbe.probe(base + "/sick");
      assertThat(sick.exitCode()).isEqualTo(1);
      assertThat(sick.message()).endsWith("503");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void closedPortIsUnhealthyAndBadArgumentsAreUsageErrors() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(
            HttpHealthProbe.probe("--deadline-ms=1000", "http://127.0.0.1:" + port + "/health")
                .exitCode())
        .isEqualTo(1);
    assertThat(HttpHealthProbe.probe("--bogus").exitCode()).isEqualTo(2);
    assertThat(HttpHealthProbe.probe("--deadline-ms=soon").exitCode()).isEqualTo(2);
  }
}
