package io.propensity.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a service JVM from outside: its heap after a full GC ({@code jcmd GC.run}, then the used
 * bytes of every generation in {@code GC.heap_info}) and its open file descriptors ({@code
 * /proc/<pid>/fd}).
 */
final class ProcessProbe {
  /** " garbage-first heap total 262144K, used 45678K" or " tenured generation total …, used …". */
  private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private final String name;
  private final long pid;
  private final Path jcmd;

  ProcessProbe(String name, long pid) {
    this.name = name;
    this.pid = pid;
    this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
  }

  String name() {
    return name;
  }

  boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Bytes of heap in use right after a full collection; -1 when the JVM cannot be asked. */
  long heapAfterGc() throws InterruptedException {
    if (run("GC.run") == null) {
      return -1;
    }
    String info = run("GC.heap_info");
    if (info == null) {
      return -1;
    }
    long kib = 0;
    boolean found = false;
    Matcher m = USED.matcher(info);
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
      found = true;
    }
    return found ? kib * 1024 : -1;
  }

  /** Open file descriptors of the process; -1 when /proc cannot be read (not Linux). */
  long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  private String run(String command) throws InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid), command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
