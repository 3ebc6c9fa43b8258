package io.kassette.operator.machine;

import io.kassette.api.ApiError;
import io.kassette.api.BackupListing;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.BackupResult;
import io.kassette.api.CommitRequest;
import io.kassette.api.CommitResult;
import io.kassette.api.DeletionResult;
import io.kassette.api.ErrorCause;
import io.kassette.api.NodeDescription;
import io.kassette.api.Operation;
import io.kassette.api.OperationError;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationProgress;
import io.kassette.api.OperationState;
import io.kassette.api.PurgeRequest;
import io.kassette.api.PurgeResult;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.RestoreResult;
import io.kassette.api.Ring;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pod's sidecar as the operator's fast state-machine tests script it: the operator's unit
 * boundary (the {@link SidecarClient} interface), never a fake of the engine. It keeps the agent's
 * contract (one operation at a time: another start is {@code 409 Busy}; the same name with another
 * request is {@code 409 NameTaken}; resume of FAILED or PAUSED runs again), and the test decides
 * how each operation ends: after a number of looks, with scripted failures, or when told. Every
 * call is recorded. The ITs drive real sidecars instead.
 */
final class ScriptedSidecar implements SidecarClient {
  final String hostId;
  volatile String address;
  final String datacenter;
  final ScriptedCluster cluster;
  final List<String> calls = new CopyOnWriteArrayList<>();

  /** Looks ({@code get}) an operation takes to end; the test may hold it with {@link #hold}. */
  volatile int looksToFinish = 2;

  /** While true, every call fails as if the pod did not answer. */
  volatile boolean unreachable;

  /** While set, every start is refused as another operation of that name holds the node. */
  volatile String busyWith;

  /** Scripted failures per operation suffix ({@code upload}, {@code import} ...). */
  final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  /** Operations whose end the test decides with {@link #finish}. */
  final Map<String, Boolean> held = new ConcurrentHashMap<>();

  /** The restore mode {@code validate} reports. */
  volatile String restoreMode = "import";

  /** What {@code validate} answers with a FAILED operation, when set. */
  volatile String validateRefusal;

  final AtomicInteger commitFailures = new AtomicInteger();

  /** The cluster manifests this sidecar wrote (a repeated commit writes nothing). */
  final List<CommitRequest> commits = new CopyOnWriteArrayList<>();

  final Map<String, Op> ops = new ConcurrentHashMap<>();

  /** Run once when an operation whose name ends with the key is started, after it starts. */
  final Map<String, Runnable> afterStart = new ConcurrentHashMap<>();

  /** One scripted operation. */
  final class Op {
    final String id = UUID.randomUUID().toString();
    final OperationKind kind;
    final String name;
    final Object request;
    final Instant createdAt = Instant.now();
    OperationState state = OperationState.RUNNING;
    int attempts = 1;
    int looks;
    double rateLimit;
    final List<OperationError> errors = new ArrayList<>();

    Op(OperationKind kind, String name, Object request, double rateLimit) {
      this.kind = kind;
      this.name = name;
      this.request = request;
      this.rateLimit = rateLimit;
    }

    Operation view() {
      long total = 10L << 20;
      long done = state == OperationState.SUCCEEDED ? total : Math.min(total, looks * (1L << 20));
      return new Operation(
          id,
          kind,
          name,
          state,
          state == OperationState.SUCCEEDED ? "done" : "upload",
          new OperationProgress(10, done / (1L << 20), 0, total, done, 0, 1e6, 0, Map.of()),
          errors,
          attempts,
          createdAt,
          createdAt,
          state.terminal() ? Instant.now() : null,
          state == OperationState.SUCCEEDED && kind == OperationKind.BACKUP ? backup() : null,
          state == OperationState.SUCCEEDED && kind == OperationKind.RESTORE ? restore() : null,
          state == OperationState.SUCCEEDED && kind == OperationKind.PURGE
              ? new PurgeResult(false, List.of(), List.of(), List.of(), 0, 0)
              : null);
    }

    private BackupResult backup() {
      BackupOperationRequest r = (BackupOperationRequest) request;
      if (r.snapshotOnly()) {
        return BackupResult.snapshot("kassette-" + r.backup(), 2);
      }
      return new BackupResult(
          false,
          null,
          2,
          new BackupResult.Totals(10, 10L << 20, 10, 10L << 20, 0, 0),
          "kassette/v1/x/backups/" + r.backup() + "/nodes/" + hostId + ".json.gz",
          false,
          List.of(),
          Map.of());
    }

    private RestoreResult restore() {
      RestoreOperationRequest r = (RestoreOperationRequest) request;
      List<String> sources = "load".equals(restoreMode) ? cluster.backedUpHosts() : List.of(hostId);
      return new RestoreResult(
          restoreMode,
          sources,
          hostId,
          List.of("app.t"),
          10,
          10L << 20,
          List.of(),
          "truncate".equals(r.step()),
          false,
          1);
    }
  }

  ScriptedSidecar(ScriptedCluster cluster, String hostId, String address, String datacenter) {
    this.cluster = cluster;
    this.hostId = hostId;
    this.address = address;
    this.datacenter = datacenter;
  }

  /** The test ends a held operation (name ends with {@code suffix}). */
  void finish(String suffix, OperationState state) {
    for (Op op : ops.values()) {
      if (op.name.endsWith(suffix) || op.name.contains("-" + suffix + "-")) {
        synchronized (this) {
          op.state = state;
          if (state == OperationState.FAILED) {
            op.errors.add(new OperationError(ErrorCause.STORAGE, "told to fail", Instant.now()));
          }
        }
      }
    }
    held.remove(suffix);
  }

  /** Operations whose name ends with {@code suffix} end only when the test says so. */
  void hold(String suffix) {
    held.put(suffix, true);
  }

  /** How many times an operation whose name ends with {@code suffix} was started. */
  long starts(String suffix) {
    return calls.stream().filter(c -> c.startsWith("start ") && c.endsWith(suffix)).count();
  }

  /** The operation whose name ends with {@code suffix}, else one that has it as a segment. */
  Op op(String suffix) {
    return ops.values().stream()
        .filter(o -> o.name.endsWith(suffix))
        .findFirst()
        .orElseGet(
            () ->
                ops.values().stream()
                    .filter(o -> o.name.contains("-" + suffix + "-"))
                    .findFirst()
                    .orElse(null));
  }

  private void reach(String call) {
    calls.add(call);
    if (unreachable) {
      throw new SidecarException(0, null, "agent at " + address + " unreachable (scripted)", null);
    }
  }

  private synchronized Operation start(
      OperationKind kind, String name, Object request, double rate) {
    Op existing = ops.get(kind + "/" + name);
    if (existing != null) {
      if (!existing.request.equals(request)) {
        cluster.nameTaken.add(address + " " + name);
        throw conflict(ApiError.NAME_TAKEN, "exists with a different request", existing);
      }
      return existing.view();
    }
    String busy = busyWith;
    Op running = ops.values().stream().filter(o -> o.state.active()).findFirst().orElse(null);
    if (busy != null || running != null) {
      throw conflict(
          ApiError.BUSY,
          (busy != null ? busy : running.name) + " runs; one operation at a time",
          running);
    }
    Op op = new Op(kind, name, request, rate);
    ops.put(kind + "/" + name, op);
    afterStart.keySet().stream()
        .filter(suffix -> name.endsWith("-" + suffix))
        .map(afterStart::remove)
        .toList()
        .forEach(Runnable::run);
    return op.view();
  }

  private static SidecarException conflict(String reason, String message, Op op) {
    return new SidecarException(
        409,
        new ApiError(409, message, null, op == null ? null : op.view(), reason),
        "→ 409: " + message,
        null);
  }

  private Op require(OperationKind kind, String name) {
    Op op = ops.get(kind + "/" + name);
    if (op == null) {
      throw new SidecarException(
          404, new ApiError(404, "no operation " + name, null, null), "→ 404", null);
    }
    return op;
  }

  @Override
  public synchronized Operation get(OperationKind kind, String name) {
    reach("get " + name);
    Op op = require(kind, name);
    if (op.state == OperationState.RUNNING) {
      op.looks++;
      String suffix = name.substring(name.lastIndexOf('-') + 1);
      boolean isHeld =
          held.keySet().stream()
              .anyMatch(h -> name.endsWith("-" + h) || name.contains("-" + h + "-"));
      if (op.looks >= looksToFinish && !isHeld) {
        AtomicInteger fail = failures.get(suffix);
        if (fail != null && fail.get() > 0) {
          fail.decrementAndGet();
          op.state = OperationState.FAILED;
          op.errors.add(
              new OperationError(
                  ErrorCause.STORAGE, "scripted failure of " + suffix, Instant.now()));
        } else if ("validate".equals(suffix) && validateRefusal != null) {
          op.state = OperationState.FAILED;
          op.errors.add(new OperationError(ErrorCause.REQUEST, validateRefusal, Instant.now()));
        } else {
          op.state = OperationState.SUCCEEDED;
        }
      }
    }
    return op.view();
  }

  @Override
  public NodeDescription node() {
    reach("node");
    return new NodeDescription(
        hostId, cluster.name, datacenter, "rack1", List.of("0"), "5.0.9", "cassandra", List.of());
  }

  @Override
  public Ring ring(String keyspaces) {
    reach("ring");
    return cluster.ring();
  }

  @Override
  public Operation startBackup(BackupOperationRequest request) {
    reach("start " + request.name());
    cluster.owners.add(Objects.toString(request.owner()));
    return start(OperationKind.BACKUP, request.name(), request, request.rateLimitMiBps());
  }

  @Override
  public Operation startRestore(RestoreOperationRequest request) {
    reach("start " + request.name());
    return start(OperationKind.RESTORE, request.name(), request, request.rateLimitMiBps());
  }

  @Override
  public Operation startPurge(PurgeRequest request) {
    reach("start " + request.name());
    return start(OperationKind.PURGE, request.name(), request, 0);
  }

  @Override
  public synchronized Operation pause(OperationKind kind, String name) {
    reach("pause " + name);
    Op op = require(kind, name);
    if (op.state.active()) {
      op.state = OperationState.PAUSED;
    }
    return op.view();
  }

  @Override
  public synchronized Operation resume(OperationKind kind, String name) {
    reach("resume " + name);
    Op op = require(kind, name);
    if (op.state == OperationState.PAUSED || op.state == OperationState.FAILED) {
      Op other =
          ops.values().stream().filter(o -> o != op && o.state.active()).findFirst().orElse(null);
      if (other != null) {
        throw conflict(ApiError.BUSY, other.name + " runs", other);
      }
      op.state = OperationState.RUNNING;
      op.attempts++;
      op.looks = 0;
    }
    return op.view();
  }

  @Override
  public synchronized Operation cancel(OperationKind kind, String name) {
    reach("cancel " + name);
    Op op = require(kind, name);
    if (!op.state.terminal()) {
      op.state = OperationState.CANCELLED;
    }
    return op.view();
  }

  @Override
  public synchronized Operation setRateLimit(OperationKind kind, String name, double mibPerSecond) {
    reach("rate " + name + " " + mibPerSecond);
    Op op = require(kind, name);
    op.rateLimit = mibPerSecond;
    return op.view();
  }

  @Override
  public List<Operation> operations() {
    reach("operations");
    return ops.values().stream().map(Op::view).toList();
  }

  @Override
  public BackupListing backups(String location, String cluster, boolean includeIncomplete) {
    reach("backups");
    return new BackupListing(List.of());
  }

  @Override
  public CommitResult commit(String backup, CommitRequest request) {
    reach("commit " + backup);
    if (commitFailures.get() > 0) {
      commitFailures.decrementAndGet();
      throw new SidecarException(
          502, new ApiError(502, "storage: scripted", "location", null), "→ 502 scripted", null);
    }
    // the owner the manifest was written with ("" for none); the real sidecar compares owners only
    // when both are set
    String owner = request.owner() == null ? "" : request.owner();
    String existing =
        cluster.committed.putIfAbsent(
            request.location() + "|" + request.cluster() + "|" + backup, owner);
    if (existing != null && !existing.isEmpty() && !owner.isEmpty() && !existing.equals(owner)) {
      cluster.nameTaken.add(address + " commit " + backup);
      throw conflict(ApiError.NAME_TAKEN, "committed by " + existing + "; not overwritten", null);
    }
    if (existing == null) {
      commits.add(request);
    }
    return new CommitResult(backup, request.hostIds(), 10, 10L << 20);
  }

  @Override
  public DeletionResult deleteBackup(String backup, String location, String cluster, String owner) {
    reach("delete " + backup);
    return new DeletionResult(backup, true, 3, 100);
  }

  @Override
  public PurgeResult purge(PurgeRequest request) {
    reach("purge");
    return new PurgeResult(false, List.of(), List.of(), List.of(), 0, 0);
  }

  @Override
  public void clearSnapshot(String tag) {
    reach("clear " + tag);
  }
}
