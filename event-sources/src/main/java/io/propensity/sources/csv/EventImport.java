package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One import in progress: the valid events of a CSV file, in file order, read lazily row by row (so
 * a file of any size is read in constant memory), and a running {@link ImportReport}.
 *
 * <p>A row that cannot become a valid event is rejected whole and recorded in the report with its
 * line number. Malformed CSV (an unterminated quote, say) cannot be resynchronised: it is recorded
 * as an error of the row where it starts and reading stops there, with {@link
 * ImportReport#abortReason()} saying why. Close the import (or the stream) to release the reader.
 */
public final class EventImport implements Iterator<Event>, Closeable {

  private final CSVParser parser;
  private final Iterator<CSVRecord> records;
  private final int columns;
  private final RowMapper mapper;
  private final EventValidator validator;
  private final List<RowError> errors = new ArrayList<>();
  private final List<RowProblem> problems = new ArrayList<>();
  private final List<String> values = new ArrayList<>();
  private long rowsRead;
  private long imported;
  private long rejected;
  private long blankLines;
  private long errorCount;
  private long lastLine;
  private Optional<String> abortReason = Optional.empty();
  private Event next;
  private boolean finished;

  /** The first data row of a file without a header, read while binding; with its line. */
  private CSVRecord pending;

  private long pendingLine;

  private EventImport(
      CSVParser parser,
      Iterator<CSVRecord> records,
      CsvHeader header,
      RowMapper mapper,
      EventValidator validator) {
    this.parser = parser;
    this.records = records;
    this.columns = header.size();
    this.mapper = mapper;
    this.validator = validator;
    this.lastLine = parser.getCurrentLineNumber();
  }

  /**
   * Reads the header and binds the format to it.
   *
   * @throws CsvHeaderException when the file is empty or its header lacks a required column; the
   *     reader is closed then
   */
  static EventImport open(
      Reader reader, char delimiter, RowMapper.Binder binder, EventValidator validator) {
    return open(reader, delimiter, false, Optional.empty(), binder, validator);
  }

  /**
   * Reads the header, or takes the given column names for a file without one, and binds the format
   * to it.
   *
   * @param whitespace runs of spaces and tabs separate the fields ({@code delimiter} is ignored)
   * @param headerless present for a file without a header row: its column names, or an empty list
   *     to call them by number
   * @throws CsvHeaderException when the file is empty, the names don't fit its first row, or a
   *     required column is missing; the reader is closed then
   */
  static EventImport open(
      Reader reader,
      char delimiter,
      boolean whitespace,
      Optional<List<String>> headerless,
      RowMapper.Binder binder,
      EventValidator validator) {
    CSVFormat format =
        CSVFormat.RFC4180
            .builder()
            .setDelimiter(whitespace ? '\t' : delimiter)
            .setIgnoreEmptyLines(false)
            .get();
    CSVParser parser;
    try {
      parser = format.parse(whitespace ? new BlankRunsReader(reader) : reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Iterator<CSVRecord> it = parser.iterator();
      CsvHeader header = null;
      CSVRecord firstData = null;
      long firstDataLine = 0;
      long previousEnd = 0;
      while (header == null && it.hasNext()) {
        CSVRecord r = it.next();
        long line = previousEnd + 1; // where this record starts
        previousEnd = parser.getCurrentLineNumber();
        if (isBlank(r)) {
          continue;
        }
        if (headerless.isEmpty()) {
          header = CsvHeader.of(r.toList());
        } else {
          List<String> names = headerless.get();
          if (!names.isEmpty() && names.size() != r.size()) {
            throw new CsvHeaderException(
                "columns names "
                    + names.size()
                    + " columns, but line "
                    + line
                    + " has "
                    + r.size()
                    + (whitespace ? "" : " (is the delimiter right?)"));
          }
          header = names.isEmpty() ? CsvHeader.numbered(r.size()) : CsvHeader.of(names);
          firstData = r;
          firstDataLine = line;
        }
      }
      if (header == null) {
        throw new CsvHeaderException(
            "the file is empty: no " + (headerless.isEmpty() ? "header row" : "data row"));
      }
      EventImport in = new EventImport(parser, it, header, binder.bind(header), validator);
      in.pending = firstData;
      in.pendingLine = firstDataLine;
      return in;
    } catch (UncheckedIOException e) {
      closeQuietly(parser);
      if (e.getCause() instanceof CSVException) {
        throw new CsvHeaderException(
            "the header row is malformed CSV: " + e.getCause().getMessage());
      }
      throw e;
    } catch (RuntimeException e) {
      closeQuietly(parser);
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    while (next == null && !finished) {
      advance();
    }
    return next != null;
  }

  @Override
  public Event next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Event e = next;
    next = null;
    return e;
  }

  /** The rest of this import as a sequential stream; closing the stream closes the import. */
  public Stream<Event> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  /** The report so far; final once {@link #hasNext()} has returned false. */
  public ImportReport report() {
    return new ImportReport(
        rowsRead,
        imported,
        rejected,
        blankLines,
        errorCount,
        errors,
        mapper.warnings(),
        abortReason);
  }

  @Override
  public void close() {
    finished = true;
    try {
      parser.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one record; leaves an event in {@code next}, or sets {@code finished}. */
  private void advance() {
    CSVRecord record;
    long line = lastLine + 1;
    try {
      if (pending != null) {
        record = pending;
        line = pendingLine;
        pending = null;
      } else if (!records.hasNext()) {
        finished = true;
        return;
      } else {
        record = records.next();
      }
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof CSVException)) {
        throw e;
      }
      String reason = "malformed CSV: " + e.getCause().getMessage();
      rowsRead++;
      rejected++;
      addError(
          new RowError(line, Optional.empty(), reason + "; the rest of the file was not read"));
      abortReason = Optional.of(reason + " (row starting on line " + line + ")");
      finished = true;
      return;
    }
    lastLine = parser.getCurrentLineNumber();
    if (isBlank(record)) {
      blankLines++;
      return;
    }
    rowsRead++;
    problems.clear();
    Optional<Event> event = Optional.empty();
    if (record.size() != columns) {
      problems.add(
          RowProblem.row(
              "expected " + columns + " columns as in the header, found " + record.size()));
    } else {
      values.clear();
      for (int i = 0; i < columns; i++) {
        values.add(record.get(i).strip());
      }
      event = mapper.map(values, problems);
      if (problems.isEmpty() && event.isPresent()) {
        for (FieldViolation v : validator.validate(event.get())) {
          problems.add(new RowProblem(mapper.columnOf(baseField(v.field())), v.toString()));
        }
      }
    }
    if (problems.isEmpty() && event.isPresent()) {
      imported++;
      next = event.get();
    } else {
      rejected++;
      if (problems.isEmpty()) {
        problems.add(RowProblem.row("the row could not be turned into an event"));
      }
      for (RowProblem p : problems) {
        addError(new RowError(line, p.column(), p.reason()));
      }
    }
  }

  private void addError(RowError error) {
    errorCount++;
    if (errors.size() < ImportReport.MAX_STORED_ERRORS) {
      errors.add(error);
    }
  }

  /** {@code attributes[brand]} belongs to the column of {@code attributes}. */
  private static String baseField(String field) {
    int bracket = field.indexOf('[');
    return bracket < 0 ? field : field.substring(0, bracket);
  }

  private static boolean isBlank(CSVRecord r) {
    for (String v : r) {
      if (!v.isBlank()) {
        return false;
      }
    }
    return true;
  }

  private static void closeQuietly(CSVParser parser) {
    try {
      parser.close();
    } catch (IOException ignored) {
      // the header error is the one to report
    }
  }
}
