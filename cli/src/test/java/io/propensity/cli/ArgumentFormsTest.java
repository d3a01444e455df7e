package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureType;

class ArgumentFormsTest {
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  @Test
  void speedsReadAsAFactorOrMax() {
    assertThat(Args.speed("10x")).isEqualTo(10);
    assertThat(Args.speed("0.5x")).isEqualTo(0.5);
    assertThat(Args.speed("4")).isEqualTo(4);
    assertThat(Args.speed("MAX")).isInfinite();
    for (String bad : new String[] {"fast", "0x", "-2x", "x"}) {
      assertThatThrownBy(() -> Args.speed(bad))
          .isInstanceOf(CliException.class)
          .hasMessageContaining("--speed " + bad)
          .extracting(e -> ((CliException) e).exitCode())
          .isEqualTo(2);
    }
  }

  @Test
  void campaignGoalsReadAsEventTypeNamesInAnyCaseWithDashesOrUnderscores() {
    assertThat(Args.goalEvent("purchase"))
        .isEqualTo(propensity.events.v1.EventType.EVENT_TYPE_PURCHASE);
    assertThat(Args.goalEvent("add-to-cart"))
        .isEqualTo(propensity.events.v1.EventType.EVENT_TYPE_ADD_TO_CART);
    assertThat(Args.goalEvent("Begin_Checkout"))
        .isEqualTo(propensity.events.v1.EventType.EVENT_TYPE_BEGIN_CHECKOUT);
    for (String bad : new String[] {"unspecified", "checkout", "", "EVENT_TYPE_PURCHASE"}) {
      assertThatThrownBy(() -> Args.goalEvent(bad))
          .isInstanceOf(CliException.class)
          .hasMessageContaining("--goal " + bad + " is not one of purchase, add-to-cart")
          .extracting(e -> ((CliException) e).exitCode())
          .isEqualTo(2);
    }
  }

  @Test
  void instantsReadAsIsoOrAsAnAge() {
    assertThat(Args.instantOrAge("--from", "2026-11-01T00:00:00Z", NOW))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(Args.instantOrAge("--from", "7d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(7)));
    assertThat(Args.instantOrAge("--from", "12h", NOW)).isEqualTo(NOW.minus(Duration.ofHours(12)));
    assertThatThrownBy(() -> Args.instantOrAge("--active-since", "last week", NOW))
        .hasMessageStartingWith("--active-since last week");
  }

  @Test
  void durationsFormatInTheShortestFormTheConverterReadsBack() {
    for (String d : new String[] {"7d", "12h", "90m", "45s", "30d"}) {
      assertThat(DurationConverter.format(DurationConverter.parse(d))).isEqualTo(d);
    }
  }

  @Test
  void theDefaultStackKeepsItsWellKnownPortsAndABasePortMovesAllOfThem() {
    Stack standard = new Stack(Path.of("/x"), Path.of("/x/.propensity"), Stack.DEFAULT_BASE_PORT);
    assertThat(Stack.grpcServices())
        .extracting(standard::grpcPort)
        .containsExactly(50051, 50052, 50053);
    assertThat(Stack.grpcServices())
        .extracting(standard::httpPort)
        .containsExactly(8081, 8082, 8083);
    // secure by default: the dashboard of a stack not started with --insecure is https
    assertThat(standard.dashboardUrl()).isEqualTo("https://127.0.0.1:8080/");
    Stack second = new Stack(Path.of("/x"), Path.of("/tmp/s2"), 41000);
    assertThat(Stack.grpcServices())
        .extracting(second::grpcPort)
        .containsExactly(41001, 41002, 41003);
    assertThat(Stack.grpcServices())
        .extracting(second::httpPort)
        .containsExactly(41011, 41012, 41013);
    assertThat(second.dashboardUrl()).isEqualTo("https://127.0.0.1:41010/");
    assertThatThrownBy(() -> new Stack(Path.of("/x"), Path.of("/y"), 80))
        .hasMessageContaining("--base-port 80");
    assertThat(standard.options()).isEmpty();
    assertThat(second.options()).isEqualTo(" --base-port 41000 --state-dir " + Path.of("/tmp/s2"));
  }

  @Test
  void eachServiceIsToldWhereTheOthersAreOnItsStack() {
    Stack second = new Stack(Path.of("/x"), Path.of("/tmp/s2"), 41000);
    assertThat(second.environment(Stack.service("training-service")))
        .containsEntry("PROPENSITY_TRAINING_FEATURE_SERVICE", "127.0.0.1:41001")
        .containsEntry("GRPC_SERVER_PORT", "41002")
        .containsEntry("MICRONAUT_SERVER_PORT", "41012")
        .containsEntry("PROPENSITY_DATA_DIR", Path.of("/tmp/s2/data").toString());
    assertThat(second.environment(Stack.service("inference-service")))
        .containsEntry("PROPENSITY_INFERENCE_REGISTRY_TARGET", "127.0.0.1:41002")
        .containsEntry("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", "127.0.0.1:41001");
  }

  @Test
  void featureValuesReadAsTheirTypeSays() {
    FeatureDefinition flag =
        FeatureDefinition.newBuilder()
            .setName("f")
            .setType(FeatureType.FEATURE_TYPE_BOOLEAN)
            .build();
    FeatureDefinition device =
        FeatureDefinition.newBuilder()
            .setName("d")
            .setType(FeatureType.FEATURE_TYPE_CATEGORICAL)
            .addCategories("unknown")
            .addCategories("desktop")
            .addCategories("mobile")
            .build();
    FeatureDefinition hours =
        FeatureDefinition.newBuilder()
            .setName("h")
            .setType(FeatureType.FEATURE_TYPE_NUMERIC)
            .build();
    assertThat(Inputs.value(flag, "yes", "x")).isEqualTo(1);
    assertThat(Inputs.value(flag, "FALSE", "x")).isZero();
    assertThat(Inputs.value(device, "mobile", "x")).isEqualTo(2);
    assertThat(Inputs.value(device, "1", "x")).isEqualTo(1);
    assertThat(Inputs.value(hours, "2.5", "x")).isEqualTo(2.5);
    assertThatThrownBy(() -> Inputs.value(flag, "maybe", "--features f"))
        .hasMessageContaining("not a boolean");
    assertThatThrownBy(() -> Inputs.value(device, "fridge", "--features d"))
        .hasMessageContaining("[unknown, desktop, mobile]");
  }

  @Test
  void theLocalStackGivesInferenceAFeatureDeadlineForColdJvmsUnlessTheEnvironmentSetsOne() {
    Stack stack = new Stack(Path.of("home"), Path.of("state"), 40_000);
    var env = stack.environment(Stack.service("inference-service"));
    assertThat(env)
        .containsEntry("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", "127.0.0.1:40001")
        .containsEntry("PROPENSITY_INFERENCE_REGISTRY_TARGET", "127.0.0.1:40002")
        .containsEntry(
            "PROPENSITY_INFERENCE_FEATURE_SERVICE_DEADLINE",
            System.getenv()
                .getOrDefault(
                    "PROPENSITY_INFERENCE_FEATURE_SERVICE_DEADLINE", Stack.LOCAL_FEATURE_DEADLINE));
  }
}
