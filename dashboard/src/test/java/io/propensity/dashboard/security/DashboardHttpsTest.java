package io.propensity.dashboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.propensity.client.security.SecurityDirectory;
import io.propensity.client.security.ServiceTls;
import io.propensity.dashboard.health.HttpHealthProbe;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardHttpsTest {
  @TempDir Path dir;

  @Test
  void theDashboardServesHttpsWithItsPemFilesAndPicksUpARenewedCertificate() throws Exception {
    SecurityDirectory s = new SecurityDirectory(dir);
    s.init(List.of(), false);
    Map<String, String> settings =
        Map.of(
            "propensity.security.tls.cert-file", s.certFile("dashboard").toString(),
            "propensity.security.tls.key-file", s.keyFile("dashboard").toString(),
            "propensity.security.tls.reload-interval", "1s");
    Map<String, Object> props =
        new HashMap<>(
            ServiceTls.httpServerProperties(name -> Optional.ofNullable(settings.get(name))));
    props.put("micronaut.server.port", -1);
    props.put("micronaut.server.host", "127.0.0.1");

    try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
      String health = "https://127.0.0.1:" + server.getPort() + "/health";
      assertThat(server.getScheme()).isEqualTo("https");
      BigInteger first = served(health, s.caFile());

      // plain HTTP on the same port gets nowhere
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + server.getPort() + "/health"))
                              .timeout(Duration.ofSeconds(5))
                              .build(),
                          HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(IOException.class);
      assertThat(HttpHealthProbe.probe("--deadline-ms=5000", health).exitCode())
          .as("the probe without the CA does not trust the certificate")
          .isEqualTo(1);

      // renewing the certificate (same CA) needs no restart: new handshakes present the new one
      Path oldCa = dir.resolve("old-ca.pem");
      java.nio.file.Files.copy(s.caFile(), oldCa);
      java.nio.file.Files.delete(s.certFile("dashboard"));
      s.init(List.of(), false);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !served(health, oldCa).equals(first));
    }
  }

  /** The serial number of the certificate the server presents, trusting {@code ca}. */
  private static BigInteger served(String url, Path ca) throws Exception {
    SSLContext ctx = ServiceTls.sslContextTrusting(ca);
    HttpClient client = HttpClient.newBuilder().sslContext(ctx).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }
}
