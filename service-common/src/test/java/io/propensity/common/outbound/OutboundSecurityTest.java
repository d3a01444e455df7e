package io.propensity.common.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.client.security.ChannelSecurity;
import io.propensity.common.security.SecurityConfiguration;
import io.propensity.common.security.TlsConfiguration;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundSecurityTest {
  @Test
  void withoutSettingsAServiceCallsOverTlsNeverPlaintext() {
    ChannelSecurity s = OutboundSecurity.fromEnvironment(Map.of());

    assertThat(s.insecure()).isFalse();
    assertThat(s.caFile()).isEmpty();
    assertThat(s.certFile()).isEmpty();
  }

  @Test
  void aServicePresentsItsOwnCertificateAndTrustsItsCaFile() {
    ChannelSecurity s =
        OutboundSecurity.fromEnvironment(
            Map.of(
                "PROPENSITY_SECURITY_TLS_CA_FILE", "/sec/ca.pem",
                "PROPENSITY_SECURITY_TLS_CERT_FILE", "/sec/inference-service.pem",
                "PROPENSITY_SECURITY_TLS_KEY_FILE", "/sec/inference-service-key.pem"));

    assertThat(s.insecure()).isFalse();
    assertThat(s.caFile()).contains(Path.of("/sec/ca.pem"));
    assertThat(s.certFile()).contains(Path.of("/sec/inference-service.pem"));
    assertThat(s.keyFile()).contains(Path.of("/sec/inference-service-key.pem"));
    assertThat(s.token()).isEmpty();
  }

  @Test
  void theInsecureSwitchMeansPlaintextWhateverFilesAreNamed() {
    ChannelSecurity s =
        OutboundSecurity.of(
            new SecurityConfiguration(true),
            new TlsConfiguration(null, null, "/sec/ca.pem", null, null));

    assertThat(s).isEqualTo(ChannelSecurity.plaintext());
  }

  @Test
  void theBoundTlsSettingsAreTheOutboundIdentity() {
    ChannelSecurity s =
        OutboundSecurity.of(
            new SecurityConfiguration(false),
            new TlsConfiguration("/sec/f.pem", "/sec/f-key.pem", "/sec/ca.pem", null, null));

    assertThat(s.insecure()).isFalse();
    assertThat(s.caFile()).contains(Path.of("/sec/ca.pem"));
    assertThat(s.certFile()).contains(Path.of("/sec/f.pem"));
    assertThat(s.keyFile()).contains(Path.of("/sec/f-key.pem"));
  }
}
