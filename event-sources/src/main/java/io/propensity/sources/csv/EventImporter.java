package io.propensity.sources.csv;

import io.propensity.engine.event.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/** Reads a CSV event log of one format into validated events, streaming, with a report. */
public interface EventImporter {

  /** The format's name, as on a command line ({@code generic}, {@code retailrocket}…). */
  String formatName();

  /**
   * Starts importing from a reader: reads the header now, the rows as the caller iterates.
   *
   * @throws CsvHeaderException when the file is empty or its header lacks a required column
   */
  EventImport open(Reader reader);

  /** Like {@link #open(Reader)} for a UTF-8 file; a name ending in {@code .gz} is decompressed. */
  default EventImport open(Path file) {
    Reader reader;
    try {
      InputStream in = Files.newInputStream(file);
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return open(reader);
    } catch (RuntimeException e) {
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Passes every valid event, in file order, to {@code sink}; returns the final report. */
  default ImportReport importAll(Reader reader, Consumer<? super Event> sink) {
    try (EventImport im = open(reader)) {
      im.forEachRemaining(sink);
      return im.report();
    }
  }

  /** Like {@link #importAll(Reader, Consumer)} for a file. */
  default ImportReport importAll(Path file, Consumer<? super Event> sink) {
    try (EventImport im = open(file)) {
      im.forEachRemaining(sink);
      return im.report();
    }
  }
}
