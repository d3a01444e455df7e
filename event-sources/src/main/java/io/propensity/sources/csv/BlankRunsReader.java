package io.propensity.sources.csv;

import java.io.IOException;
import java.io.Reader;

/**
 * A reader of a text table whose fields are separated by runs of blanks: each run of spaces and
 * tabs between two fields becomes one tab, and blanks at the start and end of a line go. Line
 * breaks pass through unchanged, so line numbers stay those of the file. Quoted text is copied as
 * it is, blanks included.
 */
final class BlankRunsReader extends Reader {
  private final Reader in;
  private boolean lineStart = true;
  private boolean pendingSeparator;
  private boolean quoted;
  private int lookahead = -2;

  BlankRunsReader(Reader in) {
    this.in = in;
  }

  private int nextChar() throws IOException {
    if (lookahead != -2) {
      int c = lookahead;
      lookahead = -2;
      return c;
    }
    return in.read();
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (n < len) {
      int c = nextChar();
      if (c < 0) {
        break;
      }
      if (quoted) {
        if (c == '"') {
          quoted = false;
        }
        buf[off + n++] = (char) c;
        continue;
      }
      if (c == ' ' || c == '\t') {
        if (!lineStart) {
          pendingSeparator = true;
        }
        continue;
      }
      if (c == '\n' || c == '\r') {
        pendingSeparator = false; // blanks at the end of a line go
        lineStart = true;
        buf[off + n++] = (char) c;
        continue;
      }
      if (pendingSeparator) {
        pendingSeparator = false;
        lookahead = c; // the separator goes first, the character on the next round
        buf[off + n++] = '\t';
        continue;
      }
      lineStart = false;
      if (c == '"') {
        quoted = true;
      }
      buf[off + n++] = (char) c;
    }
    return n == 0 ? -1 : n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
