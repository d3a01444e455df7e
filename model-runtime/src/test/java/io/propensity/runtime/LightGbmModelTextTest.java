package io.propensity.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The check refuses every text LightGBM's own parser would crash on, read differently from Java, or
 * refuse (gaps the parser fuzz test found), naming the header or tree and the field.
 */
class LightGbmModelTextTest {

  private static final String MODEL = LightGbmTreesTest.CATEGORICAL;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // LightGBM's predictor divides by num_tree_per_iteration and crashes on anything but 1 here
        "two trees per iteration | num_tree_per_iteration=1 | num_tree_per_iteration=2 |"
            + " num_tree_per_iteration is '2'",
        "no tree per iteration | num_tree_per_iteration=1 | num_tree_per_iteration=0 |"
            + " num_tree_per_iteration is '0'",
        "signed count | num_tree_per_iteration=1 | num_tree_per_iteration=+1 |"
            + " num_tree_per_iteration is '+1'",
        "arabic-indic one | num_tree_per_iteration=1 | num_tree_per_iteration=\u0661 |"
            + " num_tree_per_iteration",
        "empty count | num_tree_per_iteration=1 | num_tree_per_iteration= | num_tree_per_iteration",
        // LightGBM keeps the last of duplicated header keys, Java dropped only the first tree_sizes
        "duplicated tree_sizes | tree_sizes=1 | 'tree_sizes=1\\ntree_sizes=1' |"
            + " header: field 'tree_sizes' is given twice",
        "duplicated max_feature_idx | max_feature_idx=1 | 'max_feature_idx=1\\nmax_feature_idx=9' |"
            + " header: field 'max_feature_idx' is given twice",
        "second '=' in a header line | label_index=0 | label_index=0=1 | not a key=value field",
        "indented header key | label_index=0 | ' label_index=0' | not a key=value field",
        // fields LightGBM requires although the Java scorer does not read them
        "objective without sigmoid | objective=binary sigmoid:1 | objective=binary |"
            + " should state sigmoid:1 exactly once",
        "sigmoid without value | objective=binary sigmoid:1 | objective=binary sigmoid: |"
            + " objective parameter 'sigmoid:'",
        "missing feature_names | 'feature_names=a b\\n' | '' | header field 'feature_names' is missing",
        "short feature_names | feature_names=a b | feature_names=a | feature_names has 1 values",
        "long feature_infos | feature_infos=[-1:1] 0:1:2:63 | feature_infos=[-1:1] 0:1 2:63 |"
            + " feature_infos has 3 values",
        "missing label_index | 'label_index=0\\n' | '' | header field 'label_index' is missing",
        "fractional label_index | label_index=0 | label_index=0.5 | label_index is not an integer",
      })
  void headerGapsAreRefusedNamingTheField(
      String name, String original, String replacement, String message) {
    assertRefused(original, replacement, message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "duplicated tree field | leaf_value=0.1 0.2 0.3 | 'leaf_value=0.1 0.2 0.3\\nleaf_value=1 1 1' |"
            + " tree 0: field 'leaf_value' is given twice",
        // Integer.parseInt reads Unicode digits, LightGBM's Atoi stops at them
        "arabic-indic feature index | split_feature=1 0 | split_feature=1 \u0660 |"
            + " tree 0 split_feature is not an integer",
        "trailing letter in an index | left_child=1 -1 | left_child=1d -1 | left_child is not an",
        "double dash | right_child=-3 -2 | right_child=--3 -2 | right_child is not an integer",
        // LightGBM's Atoi reads any leading integer as is_linear: only a plain 0 means 0
        "is_linear 1d | is_linear=0 | is_linear=1d | is_linear is '1d', expected 0",
        "is_linear 1.5 | is_linear=0 | is_linear=1.5 | is_linear is '1.5', expected 0",
        "is_linear -1 | is_linear=0 | is_linear=-1 | is_linear is '-1', expected 0",
        "is_linear +3 | is_linear=0 | is_linear=+3 | is_linear is '+3', expected 0",
        "is_linear past int | is_linear=0 | is_linear=2147483648 | is_linear is '2147483648'",
        // LightGBM ends a tree at its first empty line, Java used to end it at the next Tree=
        "block without its empty line | 'shrinkage=1\\n\\n\\n' | 'shrinkage=1\\n' |"
            + " tree 0: unexpected line 'end of trees'",
        "parameter line inside a tree | is_linear=0 | 'is_linear=0\\n[boosting: gbdt]' |"
            + " tree 0: unexpected line '[boosting: gbdt]'",
        "tree number with a suffix | Tree=0 | Tree=0f | expected 'Tree=0'",
        "tree number with a space | Tree=0 | Tree= 0 | expected 'Tree=0'",
        "wrong tree number | Tree=0 | Tree=1 | tree 0: its block starts with 'Tree=1'",
        // a declared size is trusted only once the text holds that many values
        "huge num_leaves | num_leaves=3 | num_leaves=2147483647 |"
            + " leaf_value has 3 values, expected 2147483647",
        "huge num_cat | num_cat=1 | num_cat=2147483647 | num_cat is 2147483647 with 2 split(s)",
        "huge bitset count | cat_boundaries=0 2 | cat_boundaries=0 2147483647 |"
            + " cat_threshold has 2 values, expected 2147483647",
        // fields LightGBM parses (and may refuse) although the Java scorer ignores them
        "missing num_cat | 'num_cat=1\\n' | '' | tree 0: field 'num_cat' is missing",
        "short leaf_weight | leaf_weight=1 1 1 | leaf_weight=1 1 | leaf_weight has 2 values",
        "long split_gain | split_gain=1 1 | split_gain=1 1 1 | split_gain has 3 values",
        "float suffix in split_gain | split_gain=1 1 | split_gain=1 1f | split_gain is not a number",
        "hex float in internal_value | internal_value=0 0 | internal_value=0 0x1p3 |"
            + " internal_value is not a number",
        "garbage internal_weight | internal_weight=1 1 | internal_weight=1 garbage |"
            + " internal_weight is not a number",
        "double suffix in shrinkage | shrinkage=1 | shrinkage=1d | shrinkage is not a number",
        "overflowing threshold | threshold=0 0.5 | threshold=0 1e309 | threshold is not a number",
        "decision type beyond its bits | decision_type=1 10 | decision_type=1 26 |"
            + " decision_type: node 1 has 26",
      })
  void treeGapsAreRefusedNamingTheTreeAndField(
      String name, String original, String replacement, String message) {
    assertRefused(original, replacement, message);
  }

  @Test
  void loneCarriageReturnIsRefusedSinceOnlyLightGbmBreaksTheLineThere() {
    assertRefused("split_gain=1 1", "split_gain=1\r1", "a carriage return without a line feed");
  }

  @Test
  void nulIsRefusedSinceItEndsLightGbmsString() {
    assertRefused("split_gain=1 1", "split_gain=1\u00001", "a NUL");
  }

  @Test
  void windowsLineBreaksReadAsLightGbmReadsThem() throws ModelLoadException {
    LightGbmTrees lf = LightGbmTrees.fromModelText(MODEL);
    LightGbmTrees crlf = LightGbmTrees.fromModelText(MODEL.replace("\n", "\r\n"));
    for (double[] row : new double[][] {{0.2, 0}, {0.7, 2}, {Double.NaN, 63}, {0.5, 1}}) {
      assertThat(crlf.predictRaw(row)).isEqualTo(lf.predictRaw(row));
    }
  }

  @Test
  void theNativeCopyDropsTheOnlyTreeSizesLine() throws ModelLoadException {
    String nativeText = LightGbmModelText.check(MODEL).nativeText;
    assertThat(nativeText).doesNotContain("tree_sizes").contains("Tree=0\nnum_leaves=3");
  }

  private static void assertRefused(String original, String replacement, String message) {
    String from = original.replace("\\n", "\n"); // CSV values spell line breaks as \n
    assertThat(MODEL).contains(from);
    String corrupted = MODEL.replace(from, replacement.replace("\\n", "\n"));
    assertThatThrownBy(() -> LightGbmModelText.check(corrupted))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(message);
  }
}
