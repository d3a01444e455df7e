package io.propensity.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

  @Test
  void defaultsDescribeACombinedSingleNodeKraftBroker() {
    Properties p = BrokerConfig.from(new String[0], Map.of()).serverProperties();
    assertThat(p.getProperty("process.roles")).isEqualTo("broker,controller");
    assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@localhost:9093");
    assertThat(p.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://localhost:9092");
    assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
    assertThat(p.getProperty("num.partitions")).isEqualTo("3");
  }

  @Test
  void argumentsWinOverEnvironmentAndRawPropertiesWinOverBoth() {
    BrokerConfig c =
        BrokerConfig.from(
            new String[] {"--port=19092", "log.segment.bytes=1048576", "num.partitions=7"},
            Map.of(
                "KAFKA_PORT", "29092",
                "KAFKA_ADVERTISED", "kafka:9092",
                "KAFKA_PARTITIONS", "4",
                "KAFKA_BROKER_PROPERTIES", "log.retention.ms=1000;num.partitions=5"));
    Properties p = c.serverProperties();
    assertThat(c.port()).isEqualTo(19092);
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://kafka:9092");
    assertThat(p.getProperty("log.segment.bytes")).isEqualTo("1048576");
    assertThat(p.getProperty("log.retention.ms")).isEqualTo("1000");
    assertThat(p.getProperty("num.partitions")).isEqualTo("7");
  }

  @Test
  void anExternalListenerIsAdvertisedAsGivenAndBoundOnItsPort() {
    Properties p =
        BrokerConfig.from(
                new String[] {"--advertised=kafka:9092", "--external=127.0.0.1:39094"}, Map.of())
            .serverProperties();
    assertThat(p.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093,EXTERNAL://0.0.0.0:39094");
    assertThat(p.getProperty("advertised.listeners"))
        .isEqualTo("PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:39094");
    assertThat(p.getProperty("listener.security.protocol.map")).contains("EXTERNAL:PLAINTEXT");
    assertThatThrownBy(() -> BrokerConfig.from(new String[] {"--external=nohost"}, Map.of()))
        .hasMessageContaining("external");
  }

  @Test
  void badOptionsFailWithTheirName() {
    assertThatThrownBy(() -> BrokerConfig.from(new String[] {"--port=abc"}, Map.of()))
        .hasMessageContaining("port: 'abc' is not a number");
    assertThatThrownBy(() -> BrokerConfig.from(new String[] {"--prot=1"}, Map.of()))
        .hasMessageContaining("unknown option(s) [prot]");
    assertThatThrownBy(() -> BrokerConfig.from(new String[] {"--controller-port=9092"}, Map.of()))
        .hasMessageContaining("port and controller-port must differ");
  }
}
