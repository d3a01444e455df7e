package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Service options take several replicas: an address list, checked before any call. */
class ReplicaAddressesTest {
  @Test
  void aMalformedEntryOfAnAddressListIsAUsageErrorNamingIt() {
    CliRun.Run r =
        CliRun.run("models", "list", "--insecure", "--training-service", "127.0.0.1:1,replica-b");

    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.all()).contains("entry 2 ('replica-b') of the address list");
  }

  @Test
  void anAddressListOfUnreachableReplicasIsAnUnreachableServiceNotAUsageError() {
    CliRun.Run r =
        CliRun.run(
            "models",
            "list",
            "--insecure",
            "--deadline",
            "5s",
            "--training-service",
            "127.0.0.1:1,127.0.0.1:2");

    assertThat(r.exit()).as(r.all()).isEqualTo(4);
  }
}
