package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.CommitRequest;
import io.kassette.api.NodeDescription;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventReason;
import io.kassette.operator.EventRecorder;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.SidecarConnector;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupTotals;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.DeletionPolicy;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.PurgeState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up a whole cluster from one CassandraBackup: observe (pods, sidecar operations) → validate
 * (the spec) → act (the next step of the phase). Everything needed to continue is in the status, so
 * a restarted operator picks up where it was: sidecar calls are keyed by a name derived from the
 * resource's name and UID, and re-sending them returns the running operation.
 *
 * <p>The phase moves only through {@link #moveTo}; the allowed transitions are listed on {@link
 * BackupPhase}.
 */
@ControllerConfiguration(name = "cassandrabackup")
public final class CassandraBackupReconciler
    implements Reconciler<CassandraBackup>, Cleaner<CassandraBackup> {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraBackupReconciler.class);
  static final String READY = "Ready";
  static final String FAILED = "Failed";
  static final String WAITING = "Waiting";
  static final String PROGRESSING = "Progressing";

  private final KubernetesClient kubernetes;
  private final ClusterPods pods;
  private final EventRecorder events;
  private final Duration poll;
  private final Duration retryBase;
  private final io.micrometer.core.instrument.MeterRegistry metrics;

  /**
   * @param poll how often a running backup is looked at; also the bound on status patches while
   *     uploading
   * @param retryBase the first backoff of a failed node, doubled on every further failure
   */
  public CassandraBackupReconciler(
      KubernetesClient kubernetes,
      SidecarConnector sidecars,
      EventRecorder events,
      Duration poll,
      Duration retryBase,
      io.micrometer.core.instrument.MeterRegistry metrics) {
    this.kubernetes = kubernetes;
    this.metrics = metrics;
    for (BackupPhase end : List.of(BackupPhase.Succeeded, BackupPhase.Failed)) {
      metrics.counter("kassette.operator.backups", "outcome", end.name().toLowerCase(Locale.ROOT));
    }
    this.pods = new ClusterPods(kubernetes, sidecars);
    this.events = events;
    this.poll = poll;
    this.retryBase = retryBase;
  }

  @Override
  public UpdateControl<CassandraBackup> reconcile(
      CassandraBackup backup, Context<CassandraBackup> context) {
    CassandraBackupStatus status =
        backup.getStatus() == null ? new CassandraBackupStatus() : backup.getStatus();
    backup.setStatus(status);
    String before = Reconciliations.fingerprint(status);
    if (status.getPhase() == null) {
      status.setPhase(BackupPhase.Pending);
    }
    boolean again = false;
    if (!status.getPhase().finished()) {
      List<String> problems = BackupSpecValidator.problems(backup.getSpec());
      if (!problems.isEmpty()) {
        fail(backup, status, "InvalidSpec", String.join("; ", problems));
      } else {
        act(backup, status);
        again = !status.getPhase().finished();
      }
    }
    status.setObservedGeneration(backup.getMetadata().getGeneration());
    summarize(status);
    return Reconciliations.patchIfChanged(backup, before, status, again, poll);
  }

  /** The one step this reconciliation takes, by phase. */
  private void act(CassandraBackup backup, CassandraBackupStatus status) {
    CassandraBackupSpec spec = backup.getSpec();
    boolean suspend = Boolean.TRUE.equals(spec.getSuspend());
    switch (status.getPhase()) {
      case Pending -> {
        if (suspend) {
          pause(backup, status);
        } else {
          pending(backup, status);
        }
      }
      case Snapshotting, Uploading -> {
        if (suspend) {
          pause(backup, status);
        } else if (status.getPhase() == BackupPhase.Snapshotting) {
          snapshotting(backup, status);
        } else {
          uploading(backup, status);
        }
      }
      case Committing -> committing(backup, status);
      case Paused -> {
        if (!suspend) {
          resume(backup, status);
        }
      }
      default -> {
        // Succeeded and Failed are final
      }
    }
  }

  // ---- Pending: find the nodes, wait for the cluster to be free --------------------------------

  private void pending(CassandraBackup backup, CassandraBackupStatus status) {
    String purge = purgeRunning(backup);
    if (purge != null) {
      if (!Conditions.isTrue(status.getConditions(), WAITING)) {
        events.normal(backup, EventReason.Waiting, "waiting for " + purge + " to finish");
      }
      Conditions.set(
          status.getConditions(),
          WAITING,
          true,
          "PurgeRunning",
          purge + " deletes what no backup of cluster " + clusterName(backup) + " references",
          generation(backup));
      return;
    }
    String other = otherBackupRunning(backup);
    if (other != null) {
      if (!Conditions.isTrue(status.getConditions(), WAITING)) {
        events.normal(
            backup,
            EventReason.Waiting,
            "waiting for backup " + other + " of the same cluster to finish");
      }
      Conditions.set(
          status.getConditions(),
          WAITING,
          true,
          "OtherBackupRunning",
          "backup " + other + " of cluster " + clusterName(backup) + " runs; one backup at a time",
          generation(backup));
      return;
    }
    Map<String, Pod> pods = pods(backup);
    if (pods.isEmpty()) {
      Conditions.set(
          status.getConditions(),
          WAITING,
          true,
          "NoPods",
          "no running pod with an IP matches podSelector "
              + backup.getSpec().getCluster().getPodSelector(),
          generation(backup));
      return;
    }
    Conditions.set(status.getConditions(), WAITING, false, "Ready", "", generation(backup));
    status.getNodes().removeIf(n -> !pods.containsKey(n.getPod()));
    for (Pod pod : pods.values()) {
      NodeBackupStatus node = node(status, pod.getMetadata().getName());
      if (node.getHostId() != null || !due(node)) {
        continue;
      }
      try {
        NodeDescription d = client(backup, pod).node();
        String location = locationFor(backup.getSpec(), d.datacenter());
        if (location == null) {
          fail(
              backup,
              status,
              "NoLocation",
              "datacenter "
                  + d.datacenter()
                  + " of pod "
                  + node.getPod()
                  + " has no location: add it to spec.datacenterLocations or set spec.location");
          return;
        }
        node.setHostId(d.hostId());
        node.setDatacenter(d.datacenter());
        node.setRack(d.rack());
        node.setLocation(location);
        node.setError(null);
        node.setNextAttemptTime(null);
      } catch (RuntimeException e) {
        if (nodeFailed(backup, status, node, message(e))) {
          return;
        }
      }
    }
    if (status.getNodes().stream().allMatch(n -> n.getHostId() != null)) {
      status.setBackupName(backup.getMetadata().getName());
      status.setStartTime(Instant.now().toString());
      status.getNodes().forEach(n -> n.setFailures(0));
      moveTo(
          backup,
          status,
          BackupPhase.Snapshotting,
          EventReason.Started,
          "backing up "
              + status.getNodes().size()
              + " nodes: "
              + status.getNodes().stream().map(NodeBackupStatus::getPod).toList());
    }
  }

  // ---- Snapshotting: the same tag on every node, snapshotParallel at once ----------------------

  private void snapshotting(CassandraBackup backup, CassandraBackupStatus status) {
    Map<String, Pod> pods = pods(backup);
    int limit = intOr(backup.getSpec().getSnapshotParallel(), 8);
    for (NodeBackupStatus node : status.getNodes()) {
      if (node.getState() == NodeBackupState.Snapshotted) {
        continue;
      }
      long inFlight = count(status, NodeBackupState.Snapshotting);
      if (node.getState() == NodeBackupState.Pending && inFlight >= limit) {
        continue;
      }
      if (!drive(backup, status, pods, node, true)) {
        return;
      }
    }
    if (status.getNodes().stream().allMatch(n -> n.getState() == NodeBackupState.Snapshotted)) {
      moveTo(
          backup,
          status,
          BackupPhase.Uploading,
          EventReason.Snapshotted,
          "snapshot kassette-" + status.getBackupName() + " taken on every node");
    }
  }

  // ---- Uploading: uploadParallel nodes at once ----------------------------------------------

  private void uploading(CassandraBackup backup, CassandraBackupStatus status) {
    Map<String, Pod> pods = pods(backup);
    int limit = intOr(backup.getSpec().getUploadParallel(), 2);
    for (NodeBackupStatus node : status.getNodes()) {
      if (node.getState() == NodeBackupState.Uploaded) {
        continue;
      }
      long inFlight = count(status, NodeBackupState.Uploading);
      if (node.getState() == NodeBackupState.Snapshotted && inFlight >= limit) {
        continue;
      }
      if (!drive(backup, status, pods, node, false)) {
        return;
      }
    }
    if (status.getNodes().stream().allMatch(n -> n.getState() == NodeBackupState.Uploaded)) {
      moveTo(
          backup,
          status,
          BackupPhase.Committing,
          EventReason.NodeUploaded,
          "every node's files and manifest are stored");
    }
  }

  /** Starts or follows one node's snapshot or upload operation. False when the backup failed. */
  private boolean drive(
      CassandraBackup backup,
      CassandraBackupStatus status,
      Map<String, Pod> pods,
      NodeBackupStatus node,
      boolean snapshot) {
    Pod pod = pods.get(node.getPod());
    if (pod == null) {
      return !nodeFailed(backup, status, node, "pod " + node.getPod() + " is gone or not running");
    }
    if (!due(node)) {
      return true;
    }
    String name = operationName(backup, snapshot ? "snapshot" : "upload");
    try {
      SidecarClient client = client(backup, pod);
      NodeBackupState working = snapshot ? NodeBackupState.Snapshotting : NodeBackupState.Uploading;
      Operation op;
      if (node.getState() != working) {
        op = client.startBackup(request(backup, status, node, name, snapshot));
        node.setState(working);
        node.setOperation(name);
        node.setCountedAttempts(0);
      } else {
        op = operation(client, name, () -> request(backup, status, node, name, snapshot));
      }
      progress(node, op);
      switch (op.state()) {
        case SUCCEEDED -> {
          node.setState(snapshot ? NodeBackupState.Snapshotted : NodeBackupState.Uploaded);
          node.setError(null);
          if (!snapshot) {
            totals(node, op);
            events.normal(
                backup,
                EventReason.NodeUploaded,
                "pod " + node.getPod() + ": " + human(node.getBytesTotal()) + " stored");
          }
        }
        case FAILED -> {
          if (op.attempts() > intOr(node.getCountedAttempts(), 0)) {
            node.setCountedAttempts(op.attempts());
            String error =
                op.errors().isEmpty()
                    ? "operation failed"
                    : op.errors().get(op.errors().size() - 1).message();
            if (nodeFailed(backup, status, node, error)) {
              return false;
            }
          } else {
            // This failure is counted and its backoff is over: the agent runs it again.
            progress(node, client.resume(OperationKind.BACKUP, name));
          }
        }
        case PAUSED -> client.resume(OperationKind.BACKUP, name); // the agent restarted under it
        case CANCELLED -> {
          fail(
              backup,
              status,
              "OperationCancelled",
              "operation "
                  + name
                  + " on pod "
                  + node.getPod()
                  + " was cancelled outside the operator");
          return false;
        }
        default -> {
          // PENDING, RUNNING: look again at the next poll
        }
      }
      return true;
    } catch (RuntimeException e) {
      return !nodeFailed(backup, status, node, message(e));
    }
  }

  /** The operation as the agent has it; started again when the agent lost it. */
  private Operation operation(
      SidecarClient client,
      String name,
      java.util.function.Supplier<BackupOperationRequest> request) {
    try {
      return client.get(OperationKind.BACKUP, name);
    } catch (SidecarException e) {
      if (e.notFound()) {
        return client.startBackup(request.get());
      }
      throw e;
    }
  }

  private BackupOperationRequest request(
      CassandraBackup backup,
      CassandraBackupStatus status,
      NodeBackupStatus node,
      String name,
      boolean snapshot) {
    CassandraBackupSpec spec = backup.getSpec();
    return BackupOperationRequest.of(name, node.getLocation(), clusterName(backup))
        .withBackup(status.getBackupName())
        .withKeyspaces(blankToNull(spec.getKeyspaces()))
        .withMode(spec.getMode() == null ? "differential" : spec.getMode().wire())
        .withParallel(intOr(spec.getFilesParallel(), 4))
        .withRateLimit(spec.getRateLimitMiBps() == null ? 0 : spec.getRateLimitMiBps())
        .withSnapshotOnly(snapshot);
  }

  // ---- Committing: one sidecar per location writes the cluster manifest ------------------------

  private void committing(CassandraBackup backup, CassandraBackupStatus status) {
    Map<String, Pod> pods = pods(backup);
    Map<String, List<NodeBackupStatus>> byLocation = new LinkedHashMap<>();
    status
        .getNodes()
        .forEach(n -> byLocation.computeIfAbsent(n.getLocation(), k -> new ArrayList<>()).add(n));
    for (var e : byLocation.entrySet()) {
      String manifest = manifestUri(e.getKey(), clusterName(backup), status.getBackupName());
      if (status.getManifests().contains(manifest)) {
        continue;
      }
      NodeBackupStatus writer =
          e.getValue().stream().filter(n -> pods.containsKey(n.getPod())).findFirst().orElse(null);
      if (writer == null) {
        return; // no pod of this location runs right now: try again at the next poll
      }
      try {
        client(backup, pods.get(writer.getPod()))
            .commit(
                status.getBackupName(),
                new CommitRequest(
                    e.getKey(),
                    clusterName(backup),
                    e.getValue().stream().map(NodeBackupStatus::getHostId).toList()));
        status.getManifests().add(manifest);
        events.normal(backup, EventReason.Committed, "cluster manifest written: " + manifest);
      } catch (RuntimeException ex) {
        status.setFailures(intOr(status.getFailures(), 0) + 1);
        if (status.getFailures() > intOr(backup.getSpec().getBackoffLimit(), 3)) {
          fail(
              backup,
              status,
              "CommitFailed",
              "commit to " + e.getKey() + " failed: " + message(ex));
        }
        return;
      }
    }
    status.setCompletionTime(Instant.now().toString());
    Conditions.set(
        status.getConditions(),
        READY,
        true,
        "Succeeded",
        "backup " + status.getBackupName() + " is complete and restorable",
        generation(backup));
    moveTo(
        backup,
        status,
        BackupPhase.Succeeded,
        EventReason.Succeeded,
        "backup "
            + status.getBackupName()
            + " of "
            + status.getNodes().size()
            + " nodes complete: "
            + human(sum(status, NodeBackupStatus::getBytesTotal))
            + ", "
            + human(sum(status, NodeBackupStatus::getBytesUploaded))
            + " uploaded");
  }

  // ---- Paused -------------------------------------------------------------------------------

  private void pause(CassandraBackup backup, CassandraBackupStatus status) {
    Map<String, Pod> pods = pods(backup);
    for (NodeBackupStatus node : status.getNodes()) {
      boolean working =
          node.getState() == NodeBackupState.Snapshotting
              || node.getState() == NodeBackupState.Uploading;
      if (!working || !pods.containsKey(node.getPod())) {
        continue;
      }
      try {
        Operation op =
            client(backup, pods.get(node.getPod()))
                .pause(OperationKind.BACKUP, node.getOperation());
        progress(node, op);
        node.setState(NodeBackupState.Paused);
      } catch (SidecarException e) {
        if (e.conflict() || e.notFound()) {
          node.setState(NodeBackupState.Paused); // it ended meanwhile: looked at again on resume
        } else {
          node.setError("could not pause: " + message(e));
          return; // try again at the next poll, before calling the backup paused
        }
      }
    }
    status.setPausedFrom(status.getPhase().name());
    Conditions.set(
        status.getConditions(),
        PROGRESSING,
        false,
        "Suspended",
        "spec.suspend is true",
        generation(backup));
    moveTo(backup, status, BackupPhase.Paused, EventReason.Paused, "suspended: every node paused");
  }

  private void resume(CassandraBackup backup, CassandraBackupStatus status) {
    Map<String, Pod> pods = pods(backup);
    for (NodeBackupStatus node : status.getNodes()) {
      if (node.getState() != NodeBackupState.Paused) {
        continue;
      }
      boolean snapshot = node.getOperation() != null && node.getOperation().endsWith("-snapshot");
      node.setState(snapshot ? NodeBackupState.Snapshotting : NodeBackupState.Uploading);
      if (pods.containsKey(node.getPod())) {
        try {
          client(backup, pods.get(node.getPod())).resume(OperationKind.BACKUP, node.getOperation());
        } catch (RuntimeException e) {
          // followed (and retried) by the phase's own step
          LOG.debug("resume of {} on {}: {}", node.getOperation(), node.getPod(), message(e));
        }
      }
    }
    BackupPhase from =
        status.getPausedFrom() == null
            ? BackupPhase.Pending
            : BackupPhase.valueOf(status.getPausedFrom());
    status.setPausedFrom(null);
    Conditions.set(status.getConditions(), PROGRESSING, true, "Resumed", "", generation(backup));
    moveTo(backup, status, from, EventReason.Resumed, "resumed");
  }

  // ---- Failure and cleanup ----------------------------------------------------------------

  /** Records a node's failure; true when it was its last allowed one and the backup failed. */
  private boolean nodeFailed(
      CassandraBackup backup, CassandraBackupStatus status, NodeBackupStatus node, String error) {
    int failures = intOr(node.getFailures(), 0) + 1;
    node.setFailures(failures);
    node.setError(error);
    status.setFailures(intOr(status.getFailures(), 0) + 1);
    int limit = intOr(backup.getSpec().getBackoffLimit(), 3);
    if (failures > limit) {
      node.setState(NodeBackupState.Failed);
      fail(
          backup,
          status,
          "NodeFailed",
          "pod " + node.getPod() + " failed " + failures + " times: " + error);
      return true;
    }
    Duration wait = Reconciliations.backoff(retryBase, failures);
    node.setNextAttemptTime(Instant.now().plus(wait).toString());
    events.warning(
        backup,
        EventReason.NodeRetrying,
        "pod "
            + node.getPod()
            + ": "
            + error
            + "; retry "
            + failures
            + " of "
            + limit
            + " in "
            + wait.toSeconds()
            + " s");
    return false;
  }

  private void fail(
      CassandraBackup backup, CassandraBackupStatus status, String reason, String message) {
    status.setCompletionTime(Instant.now().toString());
    Conditions.set(status.getConditions(), FAILED, true, reason, message, generation(backup));
    Conditions.set(
        status.getConditions(),
        READY,
        false,
        reason,
        "the backup is not restorable",
        generation(backup));
    Conditions.set(status.getConditions(), PROGRESSING, false, reason, "", generation(backup));
    moveTo(
        backup,
        status,
        BackupPhase.Failed,
        "InvalidSpec".equals(reason) ? EventReason.InvalidSpec : EventReason.Failed,
        message);
    stopAndClearSnapshots(backup, status);
  }

  /** Cancels what runs and clears the snapshot on every reachable node; best effort. */
  private List<String> stopAndClearSnapshots(CassandraBackup backup, CassandraBackupStatus status) {
    List<String> unreachable = new ArrayList<>();
    if (status.getBackupName() == null) {
      return unreachable;
    }
    Map<String, Pod> pods = pods(backup);
    for (NodeBackupStatus node : status.getNodes()) {
      Pod pod = pods.get(node.getPod());
      if (pod == null) {
        unreachable.add(node.getPod());
        continue;
      }
      try {
        SidecarClient client = client(backup, pod);
        for (String suffix : List.of("snapshot", "upload")) {
          try {
            client.cancel(OperationKind.BACKUP, operationName(backup, suffix));
          } catch (SidecarException e) {
            if (!e.notFound() && !e.conflict()) {
              throw e;
            }
          }
        }
        client.clearSnapshot("kassette-" + status.getBackupName());
      } catch (RuntimeException e) {
        unreachable.add(node.getPod());
        LOG.warn(
            "could not clean up {} on {}: {}", status.getBackupName(), node.getPod(), message(e));
      }
    }
    if (!unreachable.isEmpty()) {
      events.warning(
          backup,
          EventReason.Cleanup,
          "snapshot kassette-" + status.getBackupName() + " may remain on " + unreachable);
    }
    return unreachable;
  }

  /**
   * Keeps the resource while work is in flight: stops it and clears the snapshots; with the Delete
   * policy, removes the backup's data through a sidecar first.
   */
  @Override
  public DeleteControl cleanup(CassandraBackup backup, Context<CassandraBackup> context) {
    CassandraBackupStatus status = backup.getStatus();
    if (status == null || status.getBackupName() == null) {
      return DeleteControl.defaultDelete();
    }
    if (status.getPhase() != null && !status.getPhase().finished()) {
      stopAndClearSnapshots(backup, status);
    }
    if (backup.getSpec().getDeletionPolicy() != DeletionPolicy.Delete) {
      return DeleteControl.defaultDelete();
    }
    String other = otherBackupRunning(backup);
    if (other != null) {
      events.normal(
          backup,
          EventReason.Waiting,
          "data deletion waits for backup " + other + " of the same cluster to finish");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(poll);
    }
    Map<String, Pod> pods = pods(backup);
    if (pods.isEmpty()) {
      events.warning(backup, EventReason.Waiting, "no sidecar to delete the backup's data through");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryBase.multipliedBy(4));
    }
    Pod pod = pods.values().iterator().next();
    try {
      SidecarClient client = client(backup, pod);
      for (String location : locations(backup, status)) {
        var result = client.deleteBackup(status.getBackupName(), location, clusterName(backup));
        events.normal(
            backup,
            EventReason.DataDeleted,
            "deleted "
                + result.objects()
                + " objects ("
                + human(result.bytes())
                + ") of backup "
                + status.getBackupName()
                + " from "
                + location);
      }
      return DeleteControl.defaultDelete();
    } catch (RuntimeException e) {
      events.warning(
          backup, EventReason.Cleanup, "could not delete the backup's data: " + message(e));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryBase.multipliedBy(4));
    }
  }

  private static Set<String> locations(CassandraBackup backup, CassandraBackupStatus status) {
    Set<String> locations = new LinkedHashSet<>();
    status
        .getNodes()
        .forEach(
            n -> {
              if (n.getLocation() != null) {
                locations.add(n.getLocation());
              }
            });
    if (locations.isEmpty()) {
      if (backup.getSpec().getLocation() != null) {
        locations.add(backup.getSpec().getLocation());
      }
      if (backup.getSpec().getDatacenterLocations() != null) {
        locations.addAll(backup.getSpec().getDatacenterLocations().values());
      }
    }
    return locations;
  }

  // ---- State -------------------------------------------------------------------------------

  /** The one place the phase changes; every change is an Event. */
  private void moveTo(
      CassandraBackup backup,
      CassandraBackupStatus status,
      BackupPhase phase,
      EventReason reason,
      String message) {
    BackupPhase from = status.getPhase();
    status.setPhase(phase);
    if (phase.finished()) {
      metrics
          .counter("kassette.operator.backups", "outcome", phase.name().toLowerCase(Locale.ROOT))
          .increment();
    }
    if (phase == BackupPhase.Snapshotting || phase == BackupPhase.Uploading) {
      Conditions.set(
          status.getConditions(), PROGRESSING, true, phase.name(), message, generation(backup));
    }
    if (phase == BackupPhase.Failed) {
      events.warning(backup, reason, message);
    } else {
      events.normal(backup, reason, message);
    }
    LOG.info(
        "[{}/{}] {} → {}: {}",
        backup.getMetadata().getNamespace(),
        backup.getMetadata().getName(),
        from,
        phase,
        message);
  }

  private static void progress(NodeBackupStatus node, Operation op) {
    var p = op.progress();
    if (op.summary() != null && op.summary().containsKey("snapshot")) {
      return; // a snapshot-only run moves no bytes
    }
    node.setFilesTotal(p.filesTotal());
    node.setFilesDone(p.filesDone());
    node.setBytesTotal(p.bytesTotal());
    node.setBytesDone(p.bytesDone());
    node.setBytesSkipped(p.bytesSkipped());
    node.setBytesUploaded(Math.max(0, p.bytesDone() - p.bytesSkipped()));
  }

  /** A succeeded node's totals, exactly as its manifest records them. */
  @SuppressWarnings("unchecked")
  private static void totals(NodeBackupStatus node, Operation op) {
    if (op.summary() == null || !(op.summary().get("totals") instanceof Map)) {
      return;
    }
    Map<String, Object> t = (Map<String, Object>) op.summary().get("totals");
    node.setFilesTotal(number(t.get("files")));
    node.setFilesDone(number(t.get("files")));
    node.setBytesTotal(number(t.get("bytes")));
    node.setBytesDone(number(t.get("bytes")));
    node.setBytesUploaded(number(t.get("uploadedBytes")));
    node.setBytesSkipped(number(t.get("skippedBytes")));
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }

  /** Totals, percent and the printer columns, derived from the nodes. */
  private static void summarize(CassandraBackupStatus status) {
    List<NodeBackupStatus> nodes = status.getNodes();
    BackupTotals totals = new BackupTotals();
    totals.setFiles(sum(status, NodeBackupStatus::getFilesTotal));
    totals.setBytes(sum(status, NodeBackupStatus::getBytesTotal));
    totals.setUploadedBytes(sum(status, NodeBackupStatus::getBytesUploaded));
    totals.setSkippedBytes(sum(status, NodeBackupStatus::getBytesSkipped));
    status.setTotals(totals);
    long done = nodes.stream().filter(n -> n.getState() == NodeBackupState.Uploaded).count();
    status.setNodesReady(done + "/" + nodes.size());
    double percent =
        nodes.isEmpty()
            ? 0
            : nodes.stream()
                    .mapToDouble(
                        n ->
                            n.getState() == NodeBackupState.Uploaded
                                ? 100
                                : n.getBytesTotal() == null || n.getBytesTotal() == 0
                                    ? 0
                                    : 100.0 * longOr(n.getBytesDone()) / n.getBytesTotal())
                    .sum()
                / nodes.size();
    status.setProgressPercent(
        status.getPhase() == BackupPhase.Succeeded ? 100 : (int) Math.floor(percent));
    status.setSize(human(totals.getBytes()));
  }

  private static long sum(
      CassandraBackupStatus status, java.util.function.Function<NodeBackupStatus, Long> f) {
    return status.getNodes().stream().map(f).mapToLong(CassandraBackupReconciler::longOr).sum();
  }

  private static long longOr(Long v) {
    return v == null ? 0 : v;
  }

  private static long count(CassandraBackupStatus status, NodeBackupState state) {
    return status.getNodes().stream().filter(n -> n.getState() == state).count();
  }

  private static NodeBackupStatus node(CassandraBackupStatus status, String pod) {
    for (NodeBackupStatus n : status.getNodes()) {
      if (pod.equals(n.getPod())) {
        return n;
      }
    }
    NodeBackupStatus n = new NodeBackupStatus();
    n.setPod(pod);
    n.setState(NodeBackupState.Pending);
    n.setFailures(0);
    status.getNodes().add(n);
    status.getNodes().sort(Comparator.comparing(NodeBackupStatus::getPod));
    return n;
  }

  private static boolean due(NodeBackupStatus node) {
    return Reconciliations.due(node.getNextAttemptTime());
  }

  // ---- Observation -------------------------------------------------------------------------

  private Map<String, Pod> pods(CassandraBackup backup) {
    return pods.running(backup.getMetadata().getNamespace(), backup.getSpec().getCluster());
  }

  /** The oldest other unfinished backup of the same cluster in the namespace, if any. */
  private String otherBackupRunning(CassandraBackup backup) {
    List<CassandraBackup> all =
        kubernetes
            .resources(CassandraBackup.class)
            .inNamespace(backup.getMetadata().getNamespace())
            .list()
            .getItems();
    Comparator<CassandraBackup> age =
        Comparator.comparing(
                (CassandraBackup b) -> String.valueOf(b.getMetadata().getCreationTimestamp()))
            .thenComparing(b -> b.getMetadata().getName());
    return all.stream()
        .filter(b -> !b.getMetadata().getUid().equals(backup.getMetadata().getUid()))
        .filter(b -> b.getSpec() != null && b.getSpec().getCluster() != null)
        .filter(b -> clusterName(backup).equals(b.getSpec().getCluster().getName()))
        .filter(
            b ->
                b.getStatus() == null
                    || b.getStatus().getPhase() == null
                    || !b.getStatus().getPhase().finished())
        .filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .filter(b -> started(b) || age.compare(b, backup) < 0)
        .sorted(age)
        .map(b -> b.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  /**
   * The retention purge of a BackupSchedule of the same cluster that runs now, if any: a backup
   * started meanwhile could rely on pooled files the purge is about to sweep.
   */
  private String purgeRunning(CassandraBackup backup) {
    return kubernetes
        .resources(BackupSchedule.class)
        .inNamespace(backup.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(s -> s.getStatus() != null && s.getStatus().getRetention() != null)
        .filter(s -> s.getStatus().getRetention().getState() == PurgeState.Running)
        .filter(
            s ->
                s.getSpec() != null
                    && s.getSpec().getBackupTemplate() != null
                    && s.getSpec().getBackupTemplate().getCluster() != null
                    && clusterName(backup)
                        .equals(s.getSpec().getBackupTemplate().getCluster().getName()))
        .map(s -> "the retention purge of schedule " + s.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  /** Past Pending: it holds the cluster whatever its age. */
  private static boolean started(CassandraBackup b) {
    return b.getStatus() != null
        && b.getStatus().getPhase() != null
        && b.getStatus().getPhase() != BackupPhase.Pending;
  }

  private SidecarClient client(CassandraBackup backup, Pod pod) {
    return pods.sidecar(backup.getMetadata().getNamespace(), pod, backup.getSpec().getCluster());
  }

  static String locationFor(CassandraBackupSpec spec, String datacenter) {
    if (spec.getDatacenterLocations() != null
        && spec.getDatacenterLocations().containsKey(datacenter)) {
      return spec.getDatacenterLocations().get(datacenter);
    }
    return spec.getLocation();
  }

  /** The sidecar operation's name: the resource's name and UID, so a re-sent call finds it. */
  public static String operationName(CassandraBackup backup, String suffix) {
    return ClusterPods.operationName(backup, suffix);
  }

  public static String manifestUri(String location, String cluster, String backup) {
    String base = location.endsWith("/") ? location : location + "/";
    return base + "kassette/v1/" + cluster + "/backups/" + backup + "/backup.json";
  }

  private static String clusterName(CassandraBackup backup) {
    return backup.getSpec().getCluster().getName();
  }

  private static Long generation(CassandraBackup backup) {
    return backup.getMetadata().getGeneration();
  }

  private static int intOr(Integer v, int fallback) {
    return v == null ? fallback : v;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String message(Throwable e) {
    return ClusterPods.message(e);
  }

  static String human(long bytes) {
    return ClusterPods.human(bytes);
  }
}
