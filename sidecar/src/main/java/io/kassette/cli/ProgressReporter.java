package io.kassette.cli;

import io.kassette.backup.BackupProgress;
import io.kassette.restore.RestoreProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints an operation's progress to stderr: a line rewritten in place on a terminal, a plain line
 * every ten seconds otherwise (logs, CI, kubectl logs).
 */
final class ProgressReporter implements AutoCloseable {
  private final Supplier<String> line;
  private final PrintWriter err;
  private final boolean terminal;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kassette-progress");
            t.setDaemon(true);
            return t;
          });

  ProgressReporter(Supplier<String> line, PrintWriter err, boolean quiet) {
    this.line = line;
    this.err = err;
    this.terminal = System.console() != null;
    if (!quiet) {
      timer.scheduleAtFixedRate(this::print, 1, terminal ? 1 : 10, TimeUnit.SECONDS);
    }
  }

  /**
   * files/bytes done, rate, and what was already stored; null while still preparing, since a line
   * of zeros says nothing and would only sit above an early validation error.
   */
  static String backupLine(BackupProgress progress) {
    BackupProgress.Snapshot s = progress.snapshot();
    if (s.phase() == BackupProgress.Phase.PREPARING) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "%-8s %5.1f%%  %d/%d files  %s / %s  %s/s  (%d files already stored)",
        s.phase().name().toLowerCase(Locale.ROOT),
        s.percent(),
        s.filesDone(),
        s.filesTotal(),
        Sizes.bytes(s.bytesDone()),
        Sizes.bytes(s.bytesTotal()),
        Sizes.bytes(s.rateBytesPerSecond()),
        s.filesSkipped());
  }

  /** files/bytes downloaded and verified, rate; null while still planning. */
  static String restoreLine(RestoreProgress progress) {
    RestoreProgress.Snapshot s = progress.snapshot();
    if (s.phase() == RestoreProgress.Phase.PLAN) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "%-8s %5.1f%%  %d/%d files  %s / %s  %s/s",
        s.phase().name().toLowerCase(Locale.ROOT),
        s.bytesTotal() == 0 ? 0.0 : 100.0 * s.bytesDone() / s.bytesTotal(),
        s.filesDone(),
        s.filesTotal(),
        Sizes.bytes(s.bytesDone()),
        Sizes.bytes(s.bytesTotal()),
        Sizes.bytes(s.rateBytesPerSecond()));
  }

  private void print() {
    String line = this.line.get();
    if (line == null) {
      return;
    }
    if (terminal) {
      err.print("\r" + line + "   ");
    } else {
      err.println(line);
    }
    err.flush();
  }

  @Override
  public void close() {
    if (timer.isShutdown()) {
      return;
    }
    timer.shutdownNow();
    if (terminal) {
      err.println();
    }
  }
}
