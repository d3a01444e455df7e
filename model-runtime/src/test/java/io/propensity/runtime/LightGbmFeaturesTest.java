package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LightGbmFeaturesTest {

  @Test
  void readsNamesAndCategoricalFeaturesOfATrainedModel() throws Exception {
    Random r = new Random(3);
    int rows = 300;
    double[] flat = new double[rows * 3];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      int level = r.nextInt(4);
      flat[i * 3] = r.nextGaussian();
      flat[i * 3 + 1] = level;
      flat[i * 3 + 2] = r.nextInt(2);
      labels[i] = (level == 2 || level == 0) && r.nextDouble() < 0.8 ? 1f : 0f;
    }
    String params =
        "objective=binary num_leaves=4 min_data_in_leaf=5 min_data_per_group=5"
            + " categorical_feature=1 "
            + TrainedModels.DETERMINISTIC;
    String text;
    try (LGBMDataset ds =
        LGBMDataset.createFromMat(flat, rows, 3, true, "max_bin=63 " + params, null)) {
      ds.setField("label", labels);
      ds.setFeatureNames(new String[] {"Price", "Month", "Weekend"});
      try (LGBMBooster b = LGBMBooster.create(ds, params)) {
        for (int i = 0; i < 5; i++) {
          b.updateOneIter();
        }
        text = b.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
      }
    }
    LightGbmFeatures f = LightGbmFeatures.read(text);
    assertThat(f.names()).containsExactly("Price", "Month", "Weekend");
    assertThat(f.categorical()).containsExactly(1);
  }

  @Test
  void aModelOfNumericFeaturesHasNoCategoricalOne() throws Exception {
    LightGbmFeatures f = LightGbmFeatures.read(TrainedModels.smallBinary());
    assertThat(f.names()).containsExactly("f0", "f1", "f2", "f3", "f4");
    assertThat(f.categorical()).isEmpty();
  }

  @Test
  void aTextWithoutFeatureNamesIsRefused() {
    assertThatThrownBy(() -> LightGbmFeatures.read("tree\nversion=v4\n"))
        .isInstanceOf(ModelLoadException.class);
  }

  @Test
  void lightGbmNamesReplaceRejectedCharactersAndNumberCollisions() {
    assertThat(LightGbmFeatures.lightGbmNames(List.of("a b", "a_b", "x\"y", "")))
        .containsExactly("a_b", "a_b_2", "x_y", "_");
  }
}
