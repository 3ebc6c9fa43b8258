package io.kassette.restore;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of one running restore, read by the CLI's progress line and the sidecar. */
public final class RestoreProgress {

  /** Where the restore is. */
  public enum Phase {
    PLAN,
    SCHEMA,
    DOWNLOAD,
    TRUNCATE,
    IMPORT,
    LOAD,
    CLEANUP,
    DONE
  }

  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.PLAN);
  final AtomicLong filesTotal = new AtomicLong();
  final AtomicLong bytesTotal = new AtomicLong();
  final AtomicLong filesDone = new AtomicLong();
  final AtomicLong bytesDone = new AtomicLong();
  final io.kassette.backup.TableCounters tables = new io.kassette.backup.TableCounters();
  private final long startNanos = System.nanoTime();
  private volatile boolean stopRequested;
  private final io.kassette.storage.RateLimit rateLimit = io.kassette.storage.RateLimit.unlimited();

  /**
   * Asks the run to stop before its next chunk. Honoured until the download ends: once tables are
   * truncated, the import runs to its end rather than leave a table half restored.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * The run's transfer limit: the request's value unless changed while the run goes on (the agent's
   * {@code PATCH} of a running operation).
   */
  public io.kassette.storage.RateLimit rateLimit() {
    return rateLimit;
  }

  public boolean stopRequested() {
    return stopRequested;
  }

  public Phase phase() {
    return phase.get();
  }

  void phase(Phase p) {
    phase.set(p);
  }

  public Snapshot snapshot() {
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    return new Snapshot(
        phase.get(),
        filesTotal.get(),
        bytesTotal.get(),
        filesDone.get(),
        bytesDone.get(),
        bytesDone.get() / seconds,
        tables.snapshot());
  }

  /** Downloaded files and bytes against the totals. */
  public record Snapshot(
      Phase phase,
      long filesTotal,
      long bytesTotal,
      long filesDone,
      long bytesDone,
      double rateBytesPerSecond,
      java.util.Map<String, io.kassette.backup.BackupProgress.TableProgress> tables) {}
}
