package io.propensity.common.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSecurityStartupTest {
  @TempDir Path dir;

  @Test
  void aServiceThatIsNotInsecureRefusesToStartWithoutTlsMaterial() {
    assertThatThrownBy(
            () -> ApplicationContext.run(Map.of("propensity.security.insecure", "false")))
        .hasStackTraceContaining("propensity.security.tls.cert-file")
        .hasStackTraceContaining("PROPENSITY_SECURITY_TLS_CERT_FILE")
        .hasStackTraceContaining("propensity.security.insecure=true")
        .hasStackTraceContaining("PROPENSITY_SECURITY_INSECURE=true");
  }

  @Test
  void anUnreadableCertificateFileIsNamedAtStart() {
    Map<String, Object> props = new HashMap<>();
    props.put("propensity.security.insecure", "false");
    props.put("propensity.security.tls.cert-file", dir.resolve("missing.pem").toString());
    props.put("propensity.security.tls.key-file", dir.resolve("missing-key.pem").toString());
    assertThatThrownBy(() -> ApplicationContext.run(props))
        .hasStackTraceContaining("missing.pem is not a readable file");
  }
}
