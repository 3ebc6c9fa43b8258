package io.kassette.backup;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live counters of one running backup, read by the CLI's progress line and the sidecar's status.
 * Totals are set once the snapshot is scanned; "done" counters only grow.
 */
public final class BackupProgress {

  /** Where the backup is. */
  public enum Phase {
    PREPARING,
    SNAPSHOT,
    UPLOAD,
    MANIFEST,
    CLEANUP,
    DONE
  }

  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.PREPARING);
  final AtomicLong filesTotal = new AtomicLong();
  final AtomicLong bytesTotal = new AtomicLong();
  final AtomicLong filesUploaded = new AtomicLong();
  final AtomicLong bytesUploaded = new AtomicLong();
  final AtomicLong filesSkipped = new AtomicLong();
  final AtomicLong bytesSkipped = new AtomicLong();
  final AtomicLong bytesMoved = new AtomicLong();
  private final TableCounters tables = new TableCounters();
  private final long startNanos = System.nanoTime();
  private volatile boolean stopRequested;
  private final io.kassette.storage.RateLimit rateLimit = io.kassette.storage.RateLimit.unlimited();
  private volatile boolean keepSnapshotOnStop;

  /**
   * Asks the run to stop before its next chunk; it then ends with an InterruptedException and
   * everything already stored stays for a resumed run.
   *
   * @param keepSnapshot a pause keeps the snapshot so that the resumed run uploads the same files
   */
  public void requestStop(boolean keepSnapshot) {
    keepSnapshotOnStop = keepSnapshot;
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

  boolean keepSnapshotOnStop() {
    return stopRequested && keepSnapshotOnStop;
  }

  public Phase phase() {
    return phase.get();
  }

  void phase(Phase p) {
    phase.set(p);
  }

  void addTable(String table, long bytes) {
    tables.add(table, bytes);
  }

  void tableDone(String table, long bytes) {
    tables.done(table, bytes);
  }

  /** An immutable view for printing or serialising. */
  public Snapshot snapshot() {
    Map<String, TableProgress> perTable = tables.snapshot();
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    return new Snapshot(
        phase.get(),
        filesTotal.get(),
        bytesTotal.get(),
        filesUploaded.get() + filesSkipped.get(),
        Math.min(bytesTotal.get(), bytesMoved.get() + bytesSkipped.get()),
        filesUploaded.get(),
        bytesUploaded.get(),
        filesSkipped.get(),
        bytesSkipped.get(),
        bytesMoved.get() / seconds,
        perTable);
  }

  /** Bytes total and done of one table. */
  public record TableProgress(long bytesTotal, long bytesDone) {}

  /**
   * @param bytesDone uploaded (as they stream) plus skipped bytes
   * @param rateBytesPerSecond bytes moved to the store per second since the start
   */
  public record Snapshot(
      Phase phase,
      long filesTotal,
      long bytesTotal,
      long filesDone,
      long bytesDone,
      long filesUploaded,
      long bytesUploaded,
      long filesSkipped,
      long bytesSkipped,
      double rateBytesPerSecond,
      Map<String, TableProgress> tables) {

    public double percent() {
      return bytesTotal == 0 ? (phase == Phase.DONE ? 100 : 0) : 100.0 * bytesDone / bytesTotal;
    }
  }
}
