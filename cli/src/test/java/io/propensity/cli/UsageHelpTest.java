package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help renders as written: no picocli format warnings, no raw format codes. */
class UsageHelpTest {

  @Test
  void everyCommandsHelpRendersWithoutFormatWarnings() {
    List<CommandLine> all = new ArrayList<>();
    collect(PropensityCli.commandLine(), all);
    assertThat(all).hasSizeGreaterThan(20);

    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> usages = new ArrayList<>();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      for (CommandLine c : all) {
        usages.add(c.getCommandName() + ": " + c.getUsageMessage(CommandLine.Help.Ansi.OFF));
      }
    } finally {
      System.setErr(original);
    }

    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    for (String usage : usages) {
      assertThat(usage).as(usage).doesNotContain("%n").doesNotContain("%%");
    }
    // the escaped percent signs render as one (lines may wrap after them)
    assertThat(String.join("\n", usages).split("95% ", -1)).hasSizeGreaterThan(5);
  }

  private static void collect(CommandLine c, List<CommandLine> into) {
    into.add(c);
    for (CommandLine sub : c.getSubcommands().values()) {
      if (!into.contains(sub)) {
        collect(sub, into);
      }
    }
  }
}
