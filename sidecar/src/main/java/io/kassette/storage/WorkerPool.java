package io.kassette.storage;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The fixed pools that run an operation's transfers, stopped so that nothing outlives them. */
public final class WorkerPool {
  private WorkerPool() {}

  public static ExecutorService fixed(String name, int threads) {
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Interrupts the workers and waits for them, so that when an operation returns (a pause, a
   * failure) no transfer of it is still moving bytes or writing files. Keeps the caller's interrupt
   * status.
   */
  public static void stop(ExecutorService pool) {
    pool.shutdownNow();
    boolean interrupted = Thread.interrupted();
    try {
      pool.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
