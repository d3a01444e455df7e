package io.propensity.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableColumnTest {
  private final TableColumn month =
      TableColumn.categorical("Month", CategoryLevels.of(List.of("Nov", "Feb", "Mar")));
  private final TableColumn weekend = TableColumn.of("Weekend", ColumnKind.BOOLEAN);
  private final TableColumn price = TableColumn.of("Price", ColumnKind.NUMERIC);

  @Test
  void levelsAreCodedInSortedOrderAfterTheMissingCode() {
    assertThat(month.levels().orElseThrow().values())
        .containsExactly(CategoryLevels.MISSING_LABEL, "Feb", "Mar", "Nov");
    assertThat(month.encodeText("Nov")).isEqualTo(3);
    assertThat(month.encodeCell(" Feb ")).isEqualTo(1);
  }

  @Test
  void anUnseenLevelIsRefusedWithTheKnownLevels() {
    assertThatThrownBy(() -> month.encodeText("Dec"))
        .isInstanceOf(TableValueException.class)
        .hasMessageContaining("\"Dec\" is not a level")
        .hasMessageContaining("3 levels: Feb, Mar, Nov");
    assertThatThrownBy(() -> month.encodeText(CategoryLevels.MISSING_LABEL))
        .isInstanceOf(TableValueException.class);
  }

  @Test
  void missingIsTheMissingCodeForCategoricalsAndNanOtherwise() {
    assertThat(month.encodeCell("")).isEqualTo(CategoryLevels.MISSING_CODE);
    assertThat(month.encodeText("NA")).isEqualTo(CategoryLevels.MISSING_CODE);
    assertThat(price.encodeCell("null")).isNaN();
    assertThat(weekend.missing()).isNaN();
  }

  @Test
  void booleansAreTrueFalseOrOneZeroInAnyCase() {
    assertThat(weekend.encodeText("TRUE")).isEqualTo(1);
    assertThat(weekend.encodeText("false")).isEqualTo(0);
    assertThat(weekend.encodeCell("1")).isEqualTo(1);
    assertThat(weekend.encodeNumber(0)).isEqualTo(0);
    assertThat(weekend.encodeFlag(true)).isEqualTo(1);
    assertThatThrownBy(() -> weekend.encodeText("yes")).hasMessageContaining("true/false");
    assertThatThrownBy(() -> weekend.encodeNumber(2)).hasMessageContaining("neither 0 nor 1");
  }

  @Test
  void eachKindRefusesTheOtherKindsOfValue() {
    assertThatThrownBy(() -> price.encodeText("cheap")).hasMessageContaining("send a number");
    assertThatThrownBy(() -> month.encodeNumber(2)).hasMessageContaining("level's name");
    assertThatThrownBy(() -> price.encodeFlag(true)).hasMessageContaining("a number");
    assertThatThrownBy(() -> price.encodeNumber(Double.POSITIVE_INFINITY))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> price.encodeCell("0x10")).hasMessageContaining("not a number");
  }

  @Test
  void manyLevelsAreQuotedTruncated() {
    List<String> levels = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      levels.add(String.format("L%02d", i));
    }
    TableColumn c = TableColumn.categorical("c", CategoryLevels.of(levels));
    assertThat(c.describeLevels()).startsWith("30 levels: L00, L01").endsWith("(10 more)");
  }
}
