package io.propensity.training.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.training.pipeline.TrainingDataException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CsvDatasetLoaderTest {

  private static Dataset load(String csv, CsvOptions options) {
    return CsvDatasetLoader.load(() -> new StringReader(csv), options);
  }

  @Test
  void missingLabelColumnNamesTheColumnsFound() {
    assertThatThrownBy(() -> load("a,b,c\n1,2,3\n", CsvOptions.label("bought")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage("label column \"bought\" not found; the file has columns: a, b, c");
  }

  @Test
  void nonBinaryLabelShowsTheOffendingValuesAndLines() {
    String csv = "x,bought\n1,true\n2,maybe\n3,2\n4,false\n5,maybe\n";
    assertThatThrownBy(() -> load(csv, CsvOptions.label("bought")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage(
            "label column \"bought\" must be binary (true/false or 1/0); found \"maybe\" (line 3),"
                + " \"2\" (line 4)");
  }

  @Test
  void aLabelWithOnlyOneClassIsRejected() {
    assertThatThrownBy(() -> load("x,bought\n1,TRUE\n2,true\n3,1\n", CsvOptions.label("bought")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage(
            "label column \"bought\" has only one class: all 3 rows are positive (true);"
                + " a classifier needs both positive and negative rows");
  }

  @Test
  void aNonNumericValueInADeclaredNumericColumnNamesLineAndColumn() {
    String csv = "price,bought\n1.5,true\n2,false\n3,true\n4,false\n5,true\nabc,false\n";
    assertThatThrownBy(() -> load(csv, CsvOptions.label("bought").numeric("price")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage("line 7, column \"price\": \"abc\" is not a number");
  }

  @Test
  void lineNumbersCountQuotedLineBreaks() {
    String csv = "note,price,bought\n\"two\nlines\",1,true\nplain,x1,false\n";
    assertThatThrownBy(() -> load(csv, CsvOptions.label("bought").numeric("price")))
        .hasMessage("line 4, column \"price\": \"x1\" is not a number");
  }

  @Test
  void aHeaderWithoutRowsIsAnEmptyTrainingSet() {
    assertThatThrownBy(() -> load("x,bought\n", CsvOptions.label("bought")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage("the training set is empty: the file has a header but no data rows");
  }

  @Test
  void aMissingFileIsNamed() {
    Path nowhere = Path.of("/nonexistent/train.csv");
    assertThatThrownBy(() -> CsvDatasetLoader.load(nowhere, CsvOptions.label("y")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessageContaining("/nonexistent/train.csv");
  }

  @Test
  void aRowWithTooFewValuesIsRejectedWithItsLine() {
    assertThatThrownBy(() -> load("a,b,bought\n1,2,true\n1,false\n", CsvOptions.label("bought")))
        .hasMessage("line 3 has 2 values but the header has 3 columns");
  }

  @Test
  void detectsBooleanCategoricalAndNumericColumns() {
    String csv =
        "member,device,price,flag01,bought\n"
            + "TRUE,mobile,1.5,1,true\n"
            + "false,desktop,NA,0,FALSE\n"
            + "True,,2e3,1,1\n"
            + "null,\"tablet, large\",-4,0,0\n";
    Dataset d = load(csv, CsvOptions.label("bought"));
    assertThat(d.featureNames()).containsExactly("member", "device", "price", "flag01");
    assertThat(d.kinds())
        .containsExactly(
            FeatureKind.BOOLEAN, FeatureKind.CATEGORICAL, FeatureKind.NUMERIC, FeatureKind.NUMERIC);
    assertThat(d.labels()).containsExactly(true, false, true, false);
    assertThat(d.row(0)).containsExactly(1, d.vocabularies().get("device").code("mobile"), 1.5, 1);
    assertThat(d.value(1, 2)).isNaN();
    assertThat(d.value(2, 2)).isEqualTo(2000.0);
    assertThat(d.value(3, 0)).isNaN();
    // categorical codes: 0 = missing, then the sorted values, independent of row order
    CategoricalVocabulary device = d.vocabularies().get("device");
    assertThat(device.values()).containsExactly("(missing)", "desktop", "mobile", "tablet, large");
    assertThat(d.value(2, 1)).isEqualTo(CategoricalVocabulary.MISSING_CODE);
    assertThat(d.value(3, 1)).isEqualTo(3.0);
    assertThat(device.code("never seen")).isEqualTo(CategoricalVocabulary.MISSING_CODE);
  }

  @Test
  void declaredKindsOverrideDetection() {
    String csv = "zip,flag,bought\n10115,1,true\n80331,0,false\n";
    Dataset d = load(csv, CsvOptions.label("bought").categorical("zip").bool("flag"));
    assertThat(d.kinds()).containsExactly(FeatureKind.CATEGORICAL, FeatureKind.BOOLEAN);
    assertThat(d.vocabularies().get("zip").values()).containsExactly("(missing)", "10115", "80331");
    assertThatThrownBy(
            () ->
                load("flag,bought\nyes,true\nno,false\n", CsvOptions.label("bought").bool("flag")))
        .hasMessage("line 2, column \"flag\": \"yes\" is not a boolean (true/false, 1/0)");
  }

  @Test
  void cutoffAndUserIdColumnsAreNotFeatures() {
    String csv = "uid,at,x,bought\nu1,2024-01-01,1,true\nu2,2024-02-01T12:00:00Z,2,false\n";
    Dataset d = load(csv, CsvOptions.label("bought").cutoff("at").userId("uid"));
    assertThat(d.featureNames()).containsExactly("x");
    assertThat(d.cutoff(0)).contains(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(d.cutoff(1)).contains(Instant.parse("2024-02-01T12:00:00Z"));
    assertThat(d.userId(1)).contains("u2");
    assertThatThrownBy(
            () -> load("at,x,bought\nsoon,1,true\n", CsvOptions.label("bought").cutoff("at")))
        .hasMessageStartingWith("line 2, column \"at\": \"soon\" is not a time");
  }

  @Test
  void anIdLikeColumnWithTooManyCategoriesIsRejected() {
    StringBuilder csv = new StringBuilder("session,bought\n");
    for (int i = 0; i < 30; i++) {
      csv.append("s").append(i).append(',').append(i % 2 == 0).append('\n');
    }
    assertThatThrownBy(() -> load(csv.toString(), CsvOptions.label("bought").maxCategories(20)))
        .hasMessageStartingWith("column \"session\" has more than 20 distinct values");
  }

  @Test
  void fewerRowsThanFoldsIsRejected() {
    Dataset d = load("x,bought\n1,true\n2,false\n3,true\n", CsvOptions.label("bought"));
    assertThatThrownBy(() -> DatasetChecks.requireTrainable(d, 5, "bought"))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage(
            "only 3 rows, fewer than the 5 cross-validation folds: lower the folds to 3 (--folds"
                + " 3), train without tuning (--trials 0), or add rows");
  }

  @Test
  void readsAFileFromTestResources() throws Exception {
    Path file = Path.of(getClass().getResource("/pipeline/small.csv").toURI());
    Dataset d = CsvDatasetLoader.load(file, CsvOptions.label("converted").userId("user"));
    assertThat(d.rowCount()).isEqualTo(8);
    assertThat(d.positiveCount()).isEqualTo(3);
    assertThat(d.kinds())
        .containsExactly(FeatureKind.NUMERIC, FeatureKind.CATEGORICAL, FeatureKind.BOOLEAN);
  }

  @Test
  void aSplitColumnAssignsEveryRowItsPartAndIsNotAFeature() {
    String csv =
        "x,part,bought\n1,train,true\n2,TRAIN,false\n3, Validation ,true\n4,test,false\n"
            + "5,Test,true\n";
    Dataset d = load(csv, CsvOptions.label("bought").splitColumn("part"));

    assertThat(d.featureNames()).containsExactly("x");
    assertThat(d.hasSplitParts()).isTrue();
    assertThat(java.util.stream.IntStream.range(0, 5).mapToObj(i -> d.splitPart(i).orElseThrow()))
        .containsExactly(
            SplitPart.TRAIN, SplitPart.TRAIN, SplitPart.VALIDATION, SplitPart.TEST, SplitPart.TEST);
    assertThat(d.select(new int[] {4, 2}).splitPart(1)).contains(SplitPart.VALIDATION);
    assertThat(load(csv, CsvOptions.label("bought")).hasSplitParts()).isFalse();
  }

  @Test
  void aSplitValueOtherThanTrainValidationOrTestNamesItsLine() {
    String csv = "x,part,bought\n1,train,true\n2,holdout,false\n3,test,true\n";
    assertThatThrownBy(() -> load(csv, CsvOptions.label("bought").splitColumn("part")))
        .isInstanceOf(TrainingDataException.class)
        .hasMessage(
            "line 3, split column \"part\": \"holdout\" is not a split part; use train,"
                + " validation or test");
    assertThatThrownBy(
            () ->
                load(
                    "x,part,bought\n1,,true\n2,test,false\n",
                    CsvOptions.label("bought").splitColumn("part")))
        .hasMessage(
            "line 2, split column \"part\": \"\" is not a split part; use train, validation or"
                + " test");
    assertThatThrownBy(
            () -> load("x,bought\n1,true\n", CsvOptions.label("bought").splitColumn("part")))
        .hasMessage("split column \"part\" not found; the file has columns: x, bought");
  }
}
