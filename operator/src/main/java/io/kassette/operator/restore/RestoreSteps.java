package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.RestoreResult;
import io.kassette.api.SidecarClient;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.NodeRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import java.util.ArrayList;
import java.util.List;

/**
 * The restore's steps, each a sidecar restore operation per node (or once, on the first node, for
 * the cluster-wide schema and truncate), started once by name and then only followed: a changed
 * rate limit reaches a running download live; a node not Ready or busy is waited for.
 */
final class RestoreSteps {
  private RestoreSteps() {}

  /** What one pass over the nodes found, to say why the restore waits. */
  private static final class Waits {
    final List<String> notReady = new ArrayList<>();
    final List<String> busy = new ArrayList<>();

    /** False when the restore failed (a node was not Ready past its deadline). */
    boolean notReady(RestoreReconciliation r, NodeRestoreStatus node) {
      if (r.overdue(node, r.nodeReadyTimeoutSeconds())) {
        r.fail(
            "NodeNotReady",
            r.describe(node) + " not Ready for " + r.nodeReadyTimeoutSeconds() + " s");
        return false;
      }
      notReady.add(r.describe(node));
      return true;
    }

    void report(RestoreReconciliation r) {
      if (!notReady.isEmpty()) {
        r.waiting(
            "NodeNotReady",
            EventReason.NodeNotReady,
            "waiting up to " + r.nodeReadyTimeoutSeconds() + " s for " + notReady);
      } else if (!busy.isEmpty()) {
        r.waiting("NodeBusy", EventReason.NodeBusy, String.join("; ", busy));
      } else {
        r.notWaiting();
      }
    }
  }

  /** Validating: every node checks; the mode and the source-to-target mapping are chosen. */
  static void validate(RestoreReconciliation r) {
    String name = r.operationName("validate");
    Waits waits = new Waits();
    List<String> loadSources = new ArrayList<>();
    boolean anyLoad = false;
    boolean allDone = true;
    for (NodeRestoreStatus node : r.status.getNodes()) {
      NodeOperations.Result result = drive(r, node, name, "validate", null, waits);
      if (result == null) {
        if (r.status.getPhase().finished()) {
          return;
        }
        allDone = false;
        continue;
      }
      if (result.operation() != null
          && result.operation().state() == OperationState.FAILED
          && refusal(result.operation())) {
        // The agent refused: the backup, the tables or the disk. Retrying changes nothing; a
        // storage or node error is retried like any step's.
        r.fail(
            "ValidationFailed",
            "pod "
                + node.getPod()
                + ": "
                + NodeOperations.lastError(result.operation())
                + "; nothing was changed");
        return;
      }
      if (!handle(r, node, result, "Validated", waits)) {
        return;
      }
      if (result.outcome() != NodeOperations.Outcome.SUCCEEDED) {
        allDone = false;
        continue;
      }
      RestoreResult v = result.operation().restoreResult();
      node.getSources().clear();
      node.getSources().addAll(v.sourceHostIds());
      node.setBytesTotal(v.bytes());
      if ("load".equals(v.mode())) {
        anyLoad = true;
        v.sourceHostIds().stream().filter(s -> !loadSources.contains(s)).forEach(loadSources::add);
      }
    }
    waits.report(r);
    if (!allDone) {
      return;
    }
    if (anyLoad) {
      // Another topology, or a backup without some node: every backed-up node's files are streamed
      // once, spread over the nodes, and the bulk loader sends each row to all its replicas.
      r.status.setMode("load");
      List<NodeRestoreStatus> nodes = r.status.getNodes();
      nodes.forEach(n -> n.getSources().clear());
      loadSources.sort(null);
      for (int i = 0; i < loadSources.size(); i++) {
        nodes.get(i % nodes.size()).getSources().add(loadSources.get(i));
      }
    } else {
      r.status.setMode("import");
    }
    r.moveTo(
        RestorePhase.RestoringSchema,
        EventReason.Validated,
        "validated on every node; "
            + r.status.getMode()
            + " mode: "
            + r.status.getNodes().stream().map(n -> n.getPod() + "<-" + n.getSources()).toList());
  }

  /** A cluster-wide step run once, by the first node: schema, truncate. */
  static void once(RestoreReconciliation r, String step, RestorePhase next) {
    NodeRestoreStatus first = r.status.getNodes().get(0);
    Waits waits = new Waits();
    NodeOperations.Result result = drive(r, first, r.operationName(step), step, null, waits);
    if (result != null && handle(r, first, result, first.getState(), waits)) {
      if (result.outcome() == NodeOperations.Outcome.SUCCEEDED) {
        if ("truncate".equals(step)) {
          r.status.setTruncated(true);
        }
        waits.report(r);
        r.moveTo(
            next,
            "truncate".equals(step) ? EventReason.Truncated : EventReason.SchemaCreated,
            "truncate".equals(step)
                ? "tables truncated once, every node holding its verified files"
                : "missing keyspaces and tables created");
        return;
      }
    }
    if (!r.status.getPhase().finished()) {
      waits.report(r);
    }
  }

  /** A per-node step (download, import), {@code spec.parallel} nodes at once. */
  static void perNode(RestoreReconciliation r, String step, String working, String done) {
    int limit = r.spec().getParallel() == null ? 2 : r.spec().getParallel();
    String name = r.operationName(step);
    Double rate = transfers(step) ? rateLimit(r.spec()) : null;
    Waits waits = new Waits();
    for (NodeRestoreStatus node : r.status.getNodes()) {
      if (done.equals(node.getState())) {
        continue;
      }
      if ("load".equals(r.status.getMode()) && node.getSources().isEmpty()) {
        // More target nodes than backed-up ones: this one streams nothing (the others' streams
        // reach it as a replica).
        node.setState(done);
        continue;
      }
      long inFlight =
          r.status.getNodes().stream().filter(n -> working.equals(n.getState())).count();
      if (!working.equals(node.getState()) && inFlight >= limit) {
        continue;
      }
      NodeOperations.Result result = drive(r, node, name, step, rate, waits);
      if (result == null) {
        if (r.status.getPhase().finished()) {
          return;
        }
        continue;
      }
      if (result.operation() != null) {
        node.setState(working);
        if ("download".equals(step)) {
          var p = result.operation().progress();
          node.setFilesTotal(p.filesTotal());
          node.setFilesDone(p.filesDone());
          node.setBytesTotal(p.bytesTotal());
          node.setBytesDone(p.bytesDone());
        }
      }
      if (!handle(r, node, result, done, waits)) {
        return;
      }
    }
    waits.report(r);
    if (r.status.getNodes().stream().allMatch(n -> done.equals(n.getState()))) {
      if ("download".equals(step)) {
        boolean truncate = !Boolean.FALSE.equals(r.spec().getTruncate());
        r.moveTo(
            truncate ? RestorePhase.Truncating : RestorePhase.Importing,
            EventReason.Downloaded,
            "every node holds its verified files");
      } else {
        r.status.setCompletionTime(r.now.toString());
        r.condition(RestoreReconciliation.READY, true, "Succeeded", "restored");
        r.moveTo(
            RestorePhase.Succeeded,
            EventReason.Succeeded,
            "backup "
                + r.status.getBackupName()
                + " restored into "
                + r.status.getNodes().size()
                + " nodes ("
                + r.status.getMode()
                + ")");
      }
    }
  }

  /**
   * One look at the node's operation; null when its pod is not Ready (the wait is recorded, or the
   * restore failed past the deadline).
   */
  private static NodeOperations.Result drive(
      RestoreReconciliation r,
      NodeRestoreStatus node,
      String name,
      String step,
      Double rate,
      Waits waits) {
    Pod pod = r.readyPod(node);
    if (pod == null) {
      waits.notReady(r, node);
      return null;
    }
    node.setNotReadySince(null);
    SidecarClient client = r.client(pod);
    return r.services
        .operations()
        .drive(
            node,
            client,
            OperationKind.RESTORE,
            name,
            () -> client.startRestore(request(r, node, name, step)),
            rate,
            r.backoffLimit(),
            r.now);
  }

  /** Applies one look's outcome to the node; false when the restore failed. */
  private static boolean handle(
      RestoreReconciliation r,
      NodeRestoreStatus node,
      NodeOperations.Result result,
      String done,
      Waits waits) {
    switch (result.outcome()) {
      case SUCCEEDED -> {
        node.setState(done);
        node.setError(null);
      }
      case RETRYING ->
          r.services.events().warning(r.restore, EventReason.NodeRetrying, result.message());
      case FAILED -> {
        node.setState("Failed");
        r.fail("NodeFailed", result.message());
        return false;
      }
      case WAITING -> {
        if (result.message() != null && result.message().startsWith("the sidecar is busy")) {
          waits.busy.add("pod " + node.getPod() + ": " + result.message());
        }
      }
      default -> {
        // RUNNING: look again at the next poll
      }
    }
    return true;
  }

  static RestoreOperationRequest request(
      RestoreReconciliation r, NodeRestoreStatus node, String name, String step) {
    CassandraRestoreSpec spec = r.spec();
    String mode =
        r.status.getMode() != null
            ? r.status.getMode()
            : spec.getMode() == null ? "auto" : spec.getMode();
    return RestoreOperationRequest.of(
            name, r.status.getLocation(), r.status.getSourceCluster(), r.status.getBackupName())
        .withTransfer(
            spec.getKeyspaces() == null || spec.getKeyspaces().isBlank()
                ? null
                : spec.getKeyspaces(),
            !Boolean.FALSE.equals(spec.getTruncate()),
            spec.getFilesParallel() == null ? 4 : spec.getFilesParallel(),
            transfers(step) ? rateLimit(spec) : 0,
            spec.getRenames())
        .withSources(
            "validate".equals(step) || node.getSources().isEmpty()
                ? null
                : String.join(",", node.getSources()),
            mode)
        .withReplication(spec.getReplication())
        // validated before the schema step; tables it created have new ids
        .withIgnoreTableIds(!"validate".equals(step))
        .forStep(name, step);
  }

  private static boolean refusal(io.kassette.api.Operation op) {
    if (op.errors().isEmpty()) {
      return true;
    }
    io.kassette.api.ErrorCause cause = op.errors().get(op.errors().size() - 1).cause();
    return cause == io.kassette.api.ErrorCause.REQUEST
        || cause == io.kassette.api.ErrorCause.REFUSED
        || cause == io.kassette.api.ErrorCause.DISK;
  }

  /** Download moves bytes from the store, import in load mode streams them to the replicas. */
  private static boolean transfers(String step) {
    return "download".equals(step) || "import".equals(step);
  }

  static double rateLimit(CassandraRestoreSpec spec) {
    return spec.getRateLimitMiBps() == null ? 0 : spec.getRateLimitMiBps();
  }
}
