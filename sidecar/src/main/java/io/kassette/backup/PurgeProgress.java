package io.kassette.backup;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one running purge, and its stop flag. */
public final class PurgeProgress {

  /** Where the purge is, in the order it goes. */
  public enum Phase {
    PLAN,
    MARK,
    EXPIRE,
    DELETE,
    SWEEP,
    DONE
  }

  private volatile Phase phase = Phase.PLAN;
  private final AtomicLong objectsTotal = new AtomicLong();
  private final AtomicLong bytesTotal = new AtomicLong();
  private final AtomicLong objectsDone = new AtomicLong();
  private volatile boolean stopRequested;

  public Phase phase() {
    return phase;
  }

  void phase(Phase p) {
    phase = p;
  }

  void planned(long objects, long bytes) {
    objectsTotal.set(objects);
    bytesTotal.set(bytes);
  }

  void deleted(long objects) {
    objectsDone.addAndGet(objects);
  }

  public long objectsTotal() {
    return objectsTotal.get();
  }

  public long bytesTotal() {
    return bytesTotal.get();
  }

  public long objectsDone() {
    return objectsDone.get();
  }

  /** Asks the purge to stop before its next batch; a later purge finishes what it started. */
  public void requestStop() {
    stopRequested = true;
  }

  void checkStop() throws InterruptedException {
    if (stopRequested) {
      throw new InterruptedException("purge stopped");
    }
  }
}
