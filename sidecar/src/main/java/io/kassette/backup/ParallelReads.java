package io.kassette.backup;

import io.kassette.storage.WorkerPool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Store reads that do not depend on each other, several at once: a bucket answers each after a
 * round trip, and one after another those add up (1,002 cluster manifests, a pool of 100 tables).
 */
final class ParallelReads {
  static final int MAX_PARALLEL = 8;

  /** One read. */
  @FunctionalInterface
  interface Read<T, R> {
    R apply(T item) throws IOException;
  }

  private ParallelReads() {}

  /**
   * {@code read} of every item, up to {@link #MAX_PARALLEL} at a time, results in the items' order;
   * the first failure in that order is thrown as it was.
   */
  static <T, R> List<R> map(String threadName, List<T> items, Read<T, R> read) throws IOException {
    List<R> results = new ArrayList<>(items.size());
    if (items.size() <= 1) {
      for (T item : items) {
        results.add(read.apply(item));
      }
      return results;
    }
    ExecutorService workers = WorkerPool.fixed(threadName, Math.min(MAX_PARALLEL, items.size()));
    try {
      List<Future<R>> reads = new ArrayList<>(items.size());
      for (T item : items) {
        reads.add(workers.submit(() -> read.apply(item)));
      }
      for (Future<R> r : reads) {
        results.add(r.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(threadName + " interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IOException(e.getCause());
    } finally {
      WorkerPool.stop(workers);
    }
  }
}
