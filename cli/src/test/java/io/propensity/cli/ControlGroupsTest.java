package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlGroupsTest {

  @Test
  void everyBlockOfTenRanksGivesExactlyOneUserToControl() {
    ControlGroups.Split s = ControlGroups.split(1_000, 0.1, 42);
    assertThat(s.control()).hasSize(100);
    assertThat(s.targeted()).hasSize(900);
    for (int block = 0; block < 100; block++) {
      int b = block;
      assertThat(s.control()).filteredOn(i -> i / 10 == b).hasSize(1);
    }
  }

  @Test
  void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
    assertThat(ControlGroups.split(500, 0.2, 7)).isEqualTo(ControlGroups.split(500, 0.2, 7));
    assertThat(ControlGroups.split(500, 0.2, 7).control())
        .isNotEqualTo(ControlGroups.split(500, 0.2, 8).control());
  }

  @Test
  void controlRanksSpreadLikeTargetedRanks() {
    ControlGroups.Split s = ControlGroups.split(10_000, 0.1, 3);
    double meanControl = s.control().stream().mapToInt(i -> i).average().orElseThrow();
    double meanTargeted = s.targeted().stream().mapToInt(i -> i).average().orElseThrow();
    // stratified: the mean rank differs by less than one block
    assertThat(Math.abs(meanControl - meanTargeted)).isLessThan(10);
  }

  @Test
  void blockSizeHoldsAWholeNumberOfControlUsers() {
    assertThat(ControlGroups.blockSize(0.1)).isEqualTo(10);
    assertThat(ControlGroups.blockSize(0.25)).isEqualTo(4);
    assertThat(ControlGroups.blockSize(0.3)).isEqualTo(10);
    assertThat(ControlGroups.blockSize(0.5)).isEqualTo(2);
    assertThat(ControlGroups.split(23, 0.5, 1).control().size()).isBetween(11, 12);
  }
}
