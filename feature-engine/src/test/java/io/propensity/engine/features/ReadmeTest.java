package io.propensity.engine.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's feature table and schema hash follow the catalog. */
class ReadmeTest {

  private static String readme() throws IOException {
    return Files.readString(Path.of("README.md"));
  }

  @Test
  void theReadmeTableListsEveryFeatureInOrderWithItsWindowTypeAndDescription() throws IOException {
    List<String> rows = readme().lines().filter(l -> l.matches("\\| \\d+ \\| `.*")).toList();
    List<FeatureSpec> features = FeatureCatalog.SCHEMA.features();
    assertThat(rows).hasSize(features.size());
    for (int i = 0; i < features.size(); i++) {
      FeatureSpec f = features.get(i);
      assertThat(rows.get(i))
          .isEqualTo(
              "| "
                  + i
                  + " | `"
                  + f.name()
                  + "` | "
                  + f.window().label()
                  + " | "
                  + f.type()
                  + " | "
                  + f.description().replace("|", "\\|")
                  + " |");
    }
  }

  @Test
  void theReadmeStatesTheCurrentSchemaHash() throws IOException {
    assertThat(readme())
        .contains("Current schema hash: **`" + FeatureCatalog.SCHEMA.versionHash() + "`**");
  }
}
