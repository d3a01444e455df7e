package io.propensity.sources.csv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an import did: every data row read is either imported or rejected, and every rejection is
 * counted and explained; only the first {@link #MAX_STORED_ERRORS} explanations are kept.
 *
 * @param rowsRead data rows read (header and blank lines excluded); always {@code imported +
 *     rejected}
 * @param imported rows turned into valid events
 * @param rejected rows refused as a whole
 * @param blankLines blank lines (or rows of empty cells) skipped
 * @param errorCount all row errors found, stored or not (a rejected row has one or more)
 * @param errors the first row errors, in file order, at most {@link #MAX_STORED_ERRORS}
 * @param warnings file-level remarks that reject nothing, e.g. an optional column the header lacks
 * @param abortReason why reading stopped before the end of the file, when it did (malformed CSV)
 */
public record ImportReport(
    long rowsRead,
    long imported,
    long rejected,
    long blankLines,
    long errorCount,
    List<RowError> errors,
    List<String> warnings,
    Optional<String> abortReason) {

  /** How many row errors a report keeps; the rest are only counted. */
  public static final int MAX_STORED_ERRORS = 1000;

  public ImportReport {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(abortReason, "abortReason");
  }

  /** True when the whole file was read and every row imported. */
  public boolean clean() {
    return rejected == 0 && abortReason.isEmpty();
  }

  /** True when more errors were found than {@link #errors()} holds. */
  public boolean errorsTruncated() {
    return errorCount > errors.size();
  }

  /** A one-line summary for logs and command lines. */
  public String summary() {
    return rowsRead
        + " rows read, "
        + imported
        + " imported, "
        + rejected
        + " rejected"
        + (blankLines > 0 ? ", " + blankLines + " blank lines skipped" : "")
        + abortReason.map(r -> "; stopped early: " + r).orElse("");
  }
}
