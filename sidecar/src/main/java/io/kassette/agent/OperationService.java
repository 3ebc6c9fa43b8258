package io.kassette.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.BackupResult;
import io.kassette.api.ErrorCause;
import io.kassette.api.Operation;
import io.kassette.api.OperationError;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationProgress;
import io.kassette.api.OperationState;
import io.kassette.api.PurgeRequest;
import io.kassette.api.PurgeResult;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.RestoreResult;
import io.kassette.backup.BackupException;
import io.kassette.node.NodeException;
import io.kassette.storage.StorageException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's operations: one runs at a time, each keyed by kind and caller-given name. This is the
 * one place that changes an operation's state; the transitions are those listed on {@link
 * OperationState}. Every change of state is journaled before it is visible.
 */
final class OperationService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperationService.class);
  private static final int KEEP_FINISHED = 100;

  /** Builds a run from a request, refusing bad fields with a 400. */
  interface RunFactory {
    EngineRun create(OperationKind kind, Object request) throws ApiException;

    /** Undoes what a paused run kept (the snapshot) when its operation is cancelled. */
    void discard(OperationKind kind, Object request) throws Exception;

    /** The same request with another rate limit; a 400 for a kind that has none. */
    Object withRateLimit(OperationKind kind, Object request, double mibPerSecond)
        throws ApiException;
  }

  /** The answer to a start: the operation, and whether this call created it. */
  record Started(Operation operation, boolean created) {}

  private static final class Tracked {
    final String id;
    final OperationKind kind;
    final String name;
    Object request;
    final Instant createdAt;
    OperationState state = OperationState.PENDING;
    String phase = "";
    final List<OperationError> errors = new ArrayList<>();
    int attempts;
    Instant startedAt;
    Instant endedAt;
    Object result;
    EngineRun run;
    EngineRun.Transferred reported = EngineRun.Transferred.NONE;
    OperationProgress lastProgress = OperationProgress.NONE;
    boolean stopRequested;
    boolean cancelRequested;

    Tracked(String id, OperationKind kind, String name, Object request, Instant createdAt) {
      this.id = id;
      this.kind = kind;
      this.name = name;
      this.request = request;
      this.createdAt = createdAt;
    }

    Operation view() {
      EngineRun r = run;
      return new Operation(
          id,
          kind,
          name,
          state,
          r != null ? r.phase() : phase,
          r != null ? r.progress() : lastProgress,
          errors,
          attempts,
          createdAt,
          startedAt,
          endedAt,
          result instanceof BackupResult b ? b : null,
          result instanceof RestoreResult r2 ? r2 : null,
          result instanceof PurgeResult p ? p : null);
    }
  }

  private final Object lock = new Object();
  private final Map<String, Tracked> operations = new LinkedHashMap<>();
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kassette-operation");
            t.setDaemon(true);
            return t;
          });
  private final OperationJournal journal;
  private final AgentMetrics metrics;
  private final RunFactory runs;
  private final Duration stopWait;
  private Tracked active;

  OperationService(
      OperationJournal journal,
      AgentMetrics metrics,
      RunFactory runs,
      ObjectMapper json,
      Duration stopWait)
      throws IOException {
    this.journal = journal;
    this.metrics = metrics;
    this.runs = runs;
    this.stopWait = stopWait;
    for (OperationJournal.Entry e : journal.load()) {
      Operation o = e.operation();
      Object request = json.convertValue(e.request(), requestType(o.kind()));
      Tracked t = new Tracked(o.id(), o.kind(), o.name(), request, o.createdAt());
      t.state = o.state();
      t.phase = o.phase();
      t.errors.addAll(o.errors());
      t.attempts = o.attempts();
      t.startedAt = o.startedAt();
      t.endedAt = o.endedAt();
      t.result =
          o.backupResult() != null
              ? o.backupResult()
              : o.restoreResult() != null ? o.restoreResult() : o.purgeResult();
      t.lastProgress = o.progress();
      if (t.state.active()) {
        // The agent died under it (SIGKILL, OOM, node drained): what was stored stays, and a
        // resume or a re-sent start continues from there.
        t.state = OperationState.PAUSED;
        t.errors.add(
            new OperationError(
                ErrorCause.INTERRUPTED,
                "the agent stopped during this operation; resume it or send its start again",
                Instant.now()));
        journal.save(t.view(), t.request);
      }
      operations.put(key(t.kind, t.name), t);
    }
  }

  /** The wire record that starts an operation of {@code kind}. */
  static Class<?> requestType(OperationKind kind) {
    return switch (kind) {
      case BACKUP -> BackupOperationRequest.class;
      case RESTORE -> RestoreOperationRequest.class;
      case PURGE -> PurgeRequest.class;
    };
  }

  private static String key(OperationKind kind, String name) {
    return kind + "/" + name;
  }

  Started start(OperationKind kind, String name, Object request) throws ApiException {
    EngineRun run = runs.create(kind, request);
    synchronized (lock) {
      Tracked t = operations.get(key(kind, name));
      if (t != null) {
        if (!t.request.equals(request)) {
          throw ApiException.nameTaken(
              kind.name().toLowerCase(java.util.Locale.ROOT)
                  + " operation "
                  + name
                  + " exists with a different request; choose another name",
              t.view());
        }
        if (t.state == OperationState.PAUSED) {
          launch(t, run);
        }
        return new Started(t.view(), false);
      }
      requireIdle();
      evictFinished();
      t = new Tracked(UUID.randomUUID().toString(), kind, name, request, Instant.now());
      operations.put(key(kind, name), t);
      launch(t, run);
      return new Started(t.view(), true);
    }
  }

  Operation get(OperationKind kind, String name) throws ApiException {
    synchronized (lock) {
      return require(kind, name).view();
    }
  }

  List<Operation> list() {
    synchronized (lock) {
      List<Operation> all = new ArrayList<>();
      operations.values().forEach(t -> all.add(t.view()));
      all.sort(Comparator.comparing(Operation::createdAt).reversed());
      return all;
    }
  }

  Operation pause(OperationKind kind, String name) throws ApiException, InterruptedException {
    synchronized (lock) {
      Tracked t = require(kind, name);
      switch (t.state) {
        case PAUSED -> {
          return t.view();
        }
        case PENDING -> {
          finish(t, OperationState.PAUSED);
          return t.view();
        }
        case RUNNING -> {
          stop(t, true);
          return t.view();
        }
        default ->
            throw ApiException.conflict(
                "operation " + name + " is " + t.state + ": there is nothing to pause", t.view());
      }
    }
  }

  Operation resume(OperationKind kind, String name) throws ApiException {
    synchronized (lock) {
      Tracked t = require(kind, name);
      switch (t.state) {
        case PENDING, RUNNING -> {
          return t.view();
        }
        case PAUSED, FAILED -> {
          launch(t, runs.create(kind, t.request));
          return t.view();
        }
        default ->
            throw ApiException.conflict(
                "operation " + name + " is " + t.state + " and cannot be resumed; start a new one",
                t.view());
      }
    }
  }

  /**
   * Changes the rate limit of an operation: live when it runs, for its next run otherwise. The kept
   * request is changed too, so the same start sent later with the new limit still matches.
   */
  Operation setRateLimit(OperationKind kind, String name, double mibPerSecond) throws ApiException {
    synchronized (lock) {
      Tracked t = require(kind, name);
      Object changed = runs.withRateLimit(kind, t.request, mibPerSecond);
      t.request = changed;
      if (t.run != null) {
        t.run.setRateLimit(mibPerSecond);
      }
      journal.save(t.view(), t.request);
      return t.view();
    }
  }

  Operation cancel(OperationKind kind, String name) throws ApiException, InterruptedException {
    synchronized (lock) {
      Tracked t = require(kind, name);
      switch (t.state) {
        case CANCELLED -> {
          return t.view();
        }
        case PENDING -> finish(t, OperationState.CANCELLED);
        case RUNNING -> stop(t, false);
        case PAUSED, FAILED -> {
          try {
            runs.discard(kind, t.request);
          } catch (Exception e) {
            t.errors.add(
                new OperationError(
                    causeOf(e), "cancelled, but could not clean up: " + message(e), Instant.now()));
          }
          finish(t, OperationState.CANCELLED);
        }
        default ->
            throw ApiException.conflict(
                "operation " + name + " is " + t.state + ": there is nothing to cancel", t.view());
      }
      return t.view();
    }
  }

  /** Adds what running operations moved since the last call to the counters (before a scrape). */
  void syncMetrics() {
    synchronized (lock) {
      if (active != null && active.run != null) {
        report(active, active.run);
      }
    }
  }

  /**
   * SIGTERM: pauses what runs (keeping its snapshot) and waits for it, so that a re-sent start
   * after the restart continues.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (active != null && active.state == OperationState.RUNNING) {
        try {
          stop(active, true);
        } catch (ApiException | InterruptedException e) {
          LOG.warn("could not pause {} before exiting: {}", active.name, e.getMessage());
        }
      }
    }
    runner.shutdownNow();
  }

  private Tracked require(OperationKind kind, String name) throws ApiException {
    Tracked t = operations.get(key(kind, name));
    if (t == null) {
      throw ApiException.notFound(
          "no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " operation named " + name);
    }
    return t;
  }

  private void requireIdle() throws ApiException {
    if (active != null) {
      throw ApiException.busy(
          active.kind.name().toLowerCase(java.util.Locale.ROOT)
              + " operation "
              + active.name
              + " is "
              + active.state
              + " on this node; one operation runs at a time",
          active.view());
    }
  }

  /** Holds the lock. Starts a run of {@code t} in the single work slot. */
  private void launch(Tracked t, EngineRun run) throws ApiException {
    if (active != t) {
      requireIdle();
    }
    active = t;
    t.state = OperationState.PENDING;
    t.stopRequested = false;
    t.cancelRequested = false;
    t.run = run;
    t.reported = EngineRun.Transferred.NONE;
    t.endedAt = null;
    journal.save(t.view(), t.request);
    runner.execute(() -> execute(t, run));
  }

  private void execute(Tracked t, EngineRun run) {
    synchronized (lock) {
      if (t.run != run || t.state != OperationState.PENDING) {
        return; // paused or cancelled before it started
      }
      t.state = OperationState.RUNNING;
      t.attempts++;
      if (t.startedAt == null) {
        t.startedAt = Instant.now();
      }
      journal.save(t.view(), t.request);
      metrics.started(t.kind);
    }
    long start = System.nanoTime();
    Object result = null;
    Exception failure = null;
    try {
      result = run.execute();
    } catch (Exception e) {
      failure = e;
    } catch (OutOfMemoryError | StackOverflowError e) {
      failure = new IllegalStateException(e.toString(), e);
    }
    synchronized (lock) {
      OperationState outcome;
      ErrorCause cause = null;
      if (failure == null) {
        outcome = OperationState.SUCCEEDED;
        t.result = result;
      } else if (t.stopRequested) {
        outcome = t.cancelRequested ? OperationState.CANCELLED : OperationState.PAUSED;
      } else {
        outcome = OperationState.FAILED;
        cause = causeOf(failure);
        t.errors.add(new OperationError(cause, message(failure), Instant.now()));
        LOG.warn("{} operation {} failed: {}", t.kind, t.name, message(failure));
      }
      report(t, run);
      t.lastProgress = run.progress();
      t.phase = run.phase();
      t.run = null;
      metrics.ended(t.kind, outcome, Duration.ofNanos(System.nanoTime() - start), cause);
      finish(t, outcome);
    }
  }

  /** Holds the lock. Asks the run to stop and waits (bounded) until it has. */
  private void stop(Tracked t, boolean pause) throws ApiException, InterruptedException {
    EngineRun run = t.run;
    if (run == null || !run.stoppable()) {
      throw ApiException.conflict(
          "operation "
              + t.name
              + " is in phase "
              + (run == null ? t.phase : run.phase())
              + " and cannot be stopped there without leaving tables half restored; wait for it",
          t.view());
    }
    t.stopRequested = true;
    t.cancelRequested = !pause;
    run.stop(pause);
    long deadline = System.nanoTime() + stopWait.toNanos();
    while (t.run == run && System.nanoTime() < deadline) {
      lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
  }

  /** Holds the lock. The one place an operation leaves the work slot. */
  private void finish(Tracked t, OperationState outcome) {
    t.state = outcome;
    t.endedAt = Instant.now();
    if (active == t) {
      active = null;
    }
    if (t.run != null && outcome != OperationState.RUNNING) {
      t.run = null; // paused or cancelled before it started
    }
    journal.save(t.view(), t.request);
    lock.notifyAll();
  }

  private void report(Tracked t, EngineRun run) {
    EngineRun.Transferred now = run.transferred();
    EngineRun.Transferred before = t.reported;
    metrics.transferred(
        new EngineRun.Transferred(
            now.uploadedBytes() - before.uploadedBytes(),
            now.uploadedFiles() - before.uploadedFiles(),
            now.downloadedBytes() - before.downloadedBytes(),
            now.downloadedFiles() - before.downloadedFiles(),
            now.skippedBytes() - before.skippedBytes(),
            now.skippedFiles() - before.skippedFiles()));
    t.reported = now;
  }

  private void evictFinished() {
    List<Tracked> finished =
        operations.values().stream()
            .filter(t -> t.state.terminal() || t.state == OperationState.FAILED)
            .sorted(Comparator.comparing((Tracked t) -> t.createdAt))
            .toList();
    for (int i = 0; i < finished.size() - KEEP_FINISHED; i++) {
      Tracked t = finished.get(i);
      operations.remove(key(t.kind, t.name));
      journal.delete(t.kind, t.name);
    }
  }

  static ErrorCause causeOf(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof io.kassette.backup.BackupRefusedException) {
        return ErrorCause.REFUSED;
      }
      if (c instanceof StorageException) {
        return ErrorCause.STORAGE;
      }
      if (c instanceof NodeException) {
        return ErrorCause.NODE;
      }
      if (c instanceof FileSystemException) {
        return ErrorCause.DISK;
      }
    }
    if (e instanceof BackupException || e instanceof IllegalArgumentException) {
      return e.getCause() == null || e.getCause() instanceof IllegalArgumentException
          ? ErrorCause.REQUEST
          : ErrorCause.INTERNAL;
    }
    return ErrorCause.INTERNAL;
  }

  static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
