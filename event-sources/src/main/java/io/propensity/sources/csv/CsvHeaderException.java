package io.propensity.sources.csv;

/**
 * A CSV file whose header cannot be imported (empty file, a required column missing); thrown before
 * any row is read, so nothing of the file has been imported.
 */
public final class CsvHeaderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CsvHeaderException(String message) {
    super(message);
  }
}
