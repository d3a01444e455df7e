package io.propensity.common.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSecurityStartupTest {
  @TempDir Path dir;

  @Test
  void aServiceThatIsNotInsecureRefusesToStartWithoutTlsMaterialOrAuthSource() {
    assertThatThrownBy(
            () -> ApplicationContext.run(Map.of("propensity.security.insecure", "false")))
        .hasStackTraceContaining("propensity.security.tls.cert-file")
        .hasStackTraceContaining("PROPENSITY_SECURITY_TLS_CERT_FILE")
        .hasStackTraceContaining("propensity.security.auth.principals-file")
        .hasStackTraceContaining("PROPENSITY_SECURITY_AUTH_PRINCIPALS_FILE")
        .hasStackTraceContaining("propensity.security.insecure=true")
        .hasStackTraceContaining("PROPENSITY_SECURITY_INSECURE=true");
  }

  @Test
  void anUnreadableCertificateFileIsNamedAtStart() throws Exception {
    Path principals = Files.writeString(dir.resolve("principals.txt"), "# nobody yet\n");
    Map<String, Object> props = new HashMap<>();
    props.put("propensity.security.insecure", "false");
    props.put("propensity.security.tls.cert-file", dir.resolve("missing.pem").toString());
    props.put("propensity.security.tls.key-file", dir.resolve("missing-key.pem").toString());
    props.put("propensity.security.auth.principals-file", principals.toString());
    assertThatThrownBy(() -> ApplicationContext.run(props))
        .hasStackTraceContaining("missing.pem is not a readable file");
  }

  @Test
  void aMalformedPrincipalsFileIsNamedWithItsLineAtStart() throws Exception {
    Path principals =
        Files.writeString(dir.resolve("principals.txt"), "# ok\ntoken admin * plaintext-token\n");
    Map<String, Object> props = new HashMap<>();
    props.put("propensity.security.insecure", "false");
    props.put("propensity.security.tls.cert-file", dir.resolve("missing.pem").toString());
    props.put("propensity.security.tls.key-file", dir.resolve("missing-key.pem").toString());
    props.put("propensity.security.auth.principals-file", principals.toString());
    assertThatThrownBy(() -> ApplicationContext.run(props))
        .hasStackTraceContaining("principals.txt line 2")
        .hasStackTraceContaining("sha256:");
  }
}
