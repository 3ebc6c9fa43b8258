package io.kassette.cli;

import io.kassette.backup.BackupProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints a backup's progress to stderr: a line rewritten in place on a terminal, a plain line every
 * ten seconds otherwise (logs, CI, kubectl logs).
 */
final class ProgressReporter implements AutoCloseable {
  private final BackupProgress progress;
  private final PrintWriter err;
  private final boolean terminal;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kassette-progress");
            t.setDaemon(true);
            return t;
          });

  ProgressReporter(BackupProgress progress, PrintWriter err, boolean quiet) {
    this.progress = progress;
    this.err = err;
    this.terminal = System.console() != null;
    if (!quiet) {
      timer.scheduleAtFixedRate(this::print, 1, terminal ? 1 : 10, TimeUnit.SECONDS);
    }
  }

  private void print() {
    BackupProgress.Snapshot s = progress.snapshot();
    String line =
        String.format(
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
    if (terminal) {
      err.print("\r" + line + "   ");
    } else {
      err.println(line);
    }
    err.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal) {
      err.println();
    }
  }
}
