package io.kassette.agent;

import io.kassette.api.OperationProgress;

/** One run of the engine for an operation: a first start, a resume or a retry. */
interface EngineRun {

  /**
   * Runs to the end and returns what it did (a {@code BackupResult}, {@code RestoreResult} or
   * {@code PurgeResult}); an InterruptedException when stopped by {@link #stop}.
   */
  Object execute() throws Exception;

  OperationProgress progress();

  /** The engine's phase, lower case. */
  String phase();

  /** Whether a stop is honoured now; a restore past its download is not stopped. */
  boolean stoppable();

  /**
   * Asks the run to stop before its next chunk.
   *
   * @param pause keep what a resume needs (the snapshot); false for a cancel
   */
  void stop(boolean pause);

  /** Changes the transfer limit while the run goes on (MiB/s, 0 for none). */
  default void setRateLimit(double mibPerSecond) {}

  /** Bytes and files moved by this run, for the metrics. */
  Transferred transferred();

  /** What one run moved; every count only grows. */
  record Transferred(
      long uploadedBytes,
      long uploadedFiles,
      long downloadedBytes,
      long downloadedFiles,
      long skippedBytes,
      long skippedFiles) {
    static final Transferred NONE = new Transferred(0, 0, 0, 0, 0, 0);
  }
}
