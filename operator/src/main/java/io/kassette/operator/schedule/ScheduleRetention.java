package io.kassette.operator.schedule;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.PurgeRequest;
import io.kassette.api.PurgeResult;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleStatus;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.LocationPurgeStatus;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.PurgeState;
import io.kassette.operator.api.PurgeStatus;
import io.kassette.operator.api.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Retention: after each new success, one purge operation per location of the template (through a
 * Ready pod that wrote to it), holding the cluster's lock so that no backup, restore or deletion of
 * the cluster runs meanwhile; then the CassandraBackups of the expired backups are deleted. A
 * failed location is retried {@value #PURGE_ATTEMPTS} times with backoff, then {@code
 * RetentionFailed} until the next success.
 */
final class ScheduleRetention {
  static final int PURGE_ATTEMPTS = 3;

  private ScheduleRetention() {}

  /**
   * Purges after each new success, one sidecar per location, then deletes the objects of the
   * backups it removed. True while a purge runs.
   */
  static boolean run(ScheduleReconciliation r) {
    BackupSchedule schedule = r.schedule;
    BackupScheduleStatus status = r.status;
    ScheduleReconciliation.Observed seen = r.seen;
    Instant now = r.now;
    RetentionPolicy policy = schedule.getSpec().getRetention();
    CassandraBackup newest = seen.newestSucceeded();
    if (policy == null || newest == null) {
      abandon(r, policy == null ? "spec.retention was removed" : "its backup is gone");
      return false;
    }
    PurgeStatus purge = status.getRetention();
    String after = newest.getMetadata().getName();
    boolean inFlight = purge != null && purge.getState() == PurgeState.Running;
    if (!inFlight && (purge == null || !after.equals(purge.getAfter()))) {
      // A backup running meanwhile may reference what the purge would sweep: the cluster's lock
      // keeps them apart.
      Optional<ClusterLock.Holder> holder =
          r.services.lock().acquire(schedule, r.cluster().getName());
      if (holder.isPresent()) {
        r.events()
            .normal(
                schedule,
                EventReason.ClusterBusy,
                "retention after " + after + " waits for " + holder.get() + " to finish");
        return true;
      }
      purge = new PurgeStatus();
      purge.setAfter(after);
      purge.setState(PurgeState.Running);
      purge.setStartTime(now.toString());
      purge.setFailures(0);
      int i = 0;
      for (String location : locations(schedule.getSpec().getBackupTemplate())) {
        LocationPurgeStatus l = new LocationPurgeStatus();
        l.setLocation(location);
        l.setOperation(
            ClusterPods.operationName(
                schedule,
                "purge-" + i++ + "-" + after.substring(Math.max(0, after.length() - 13))));
        purge.getLocations().add(l);
      }
      status.setRetention(purge);
      r.events()
          .normal(
              schedule,
              EventReason.Purging,
              "retention after "
                  + after
                  + ": keep the last "
                  + policy.getKeepLast()
                  + (policy.getKeepWithin() == null
                      ? ""
                      : " and those within " + policy.getKeepWithin())
                  + " in "
                  + purge.getLocations().stream().map(LocationPurgeStatus::getLocation).toList());
    }
    if (purge.getState() != PurgeState.Running) {
      return false;
    }
    if (!Reconciliations.due(purge.getNextAttemptTime(), now)) {
      return true;
    }
    if (r.services.lock().acquire(schedule, r.cluster().getName()).isPresent()) {
      return true; // the lock was taken over meanwhile (an operator restart): wait for it
    }
    Map<String, Pod> runningPods = r.pods.ready(r.namespace(), r.cluster());
    for (LocationPurgeStatus l : purge.getLocations()) {
      if (OperationState.SUCCEEDED.name().equals(l.getState())) {
        continue;
      }
      Pod pod = podFor(l.getLocation(), newest, runningPods);
      if (pod == null) {
        return failedLocation(r, purge, l, "no Ready pod to purge " + l.getLocation() + " through");
      }
      l.setPod(pod.getMetadata().getName());
      try {
        SidecarClient client = r.services.sidecars().connect(r.namespace(), pod, r.cluster());
        Operation op = purgeOperation(client, request(schedule, l));
        l.setState(op.state().name());
        switch (op.state()) {
          case SUCCEEDED -> purged(l, op);
          case FAILED -> {
            int counted = l.getCountedAttempts() == null ? 0 : l.getCountedAttempts();
            if (op.attempts() <= counted) {
              // This failure is counted and its backoff is over: the agent runs it again.
              l.setState(client.resume(OperationKind.PURGE, l.getOperation()).state().name());
              break;
            }
            l.setCountedAttempts(op.attempts());
            return failedLocation(r, purge, l, NodeOperations.lastError(op));
          }
          case PAUSED -> client.resume(OperationKind.PURGE, l.getOperation());
          case CANCELLED -> {
            return failedLocation(
                r, purge, l, "the purge operation was cancelled outside the operator");
          }
          default -> {
            // PENDING, RUNNING: look again at the next poll
          }
        }
      } catch (SidecarException e) {
        if (e.busy()) {
          return true; // another operation holds that node: not a failure of the purge
        }
        return failedLocation(r, purge, l, ClusterPods.message(e));
      } catch (RuntimeException e) {
        return failedLocation(r, purge, l, ClusterPods.message(e));
      }
    }
    if (purge.getLocations().stream()
        .allMatch(l -> OperationState.SUCCEEDED.name().equals(l.getState()))) {
      finishPurge(r, purge);
      return false;
    }
    return true;
  }

  /** The purge operation: started once by name, then followed. */
  private static Operation purgeOperation(SidecarClient client, PurgeRequest request) {
    try {
      return client.get(OperationKind.PURGE, request.name());
    } catch (SidecarException e) {
      if (e.notFound()) {
        return client.startPurge(request);
      }
      throw e;
    }
  }

  private static PurgeRequest request(BackupSchedule schedule, LocationPurgeStatus l) {
    RetentionPolicy p = schedule.getSpec().getRetention();
    return new PurgeRequest(
            l.getLocation(),
            schedule.getSpec().getBackupTemplate().getCluster().getName(),
            p.getKeepLast() == null ? 7 : p.getKeepLast(),
            p.getKeepWithin(),
            p.getGrace() == null ? "6h" : p.getGrace(),
            false)
        .asOperation(l.getOperation(), schedule.getMetadata().getName() + "-");
  }

  private static void purged(LocationPurgeStatus l, Operation op) {
    PurgeResult s = op.purgeResult();
    l.setExpired(s == null ? List.of() : s.expired());
    l.setKept(s == null ? List.of() : s.kept());
    l.setObjects(s == null ? 0L : s.objects());
    l.setBytes(s == null ? 0L : s.bytes());
    l.setError(null);
  }

  /** Records a failed attempt; after the last one the purge is Failed until the next success. */
  private static boolean failedLocation(
      ScheduleReconciliation r, PurgeStatus purge, LocationPurgeStatus l, String error) {
    BackupSchedule schedule = r.schedule;
    l.setError(error);
    int failures = (purge.getFailures() == null ? 0 : purge.getFailures()) + 1;
    purge.setFailures(failures);
    if (failures > PURGE_ATTEMPTS) {
      // The other locations' purges may still run: stopped before the lock goes.
      if (!cancelAll(r, purge)) {
        return true;
      }
      purge.setState(PurgeState.Failed);
      purge.setCompletionTime(r.now.toString());
      purge.setNextAttemptTime(null);
      r.services.lock().release(schedule, r.cluster().getName());
      String message =
          "retention purge of " + l.getLocation() + " failed " + failures + " times: " + error;
      r.condition(ScheduleReconciliation.RETENTION_FAILED, true, "PurgeFailed", message);
      r.events()
          .warning(
              schedule,
              EventReason.PurgeFailed,
              message + "; the next successful backup tries again");
      return false;
    }
    Duration wait = Reconciliations.backoff(r.services.retryBase(), failures);
    purge.setNextAttemptTime(r.now.plus(wait).toString());
    r.events()
        .warning(
            schedule,
            EventReason.PurgeFailed,
            "retention purge of "
                + l.getLocation()
                + ": "
                + error
                + "; retry "
                + failures
                + " of "
                + PURGE_ATTEMPTS
                + " in "
                + wait.toSeconds()
                + " s");
    return true;
  }

  /** Every location purged: totals, and the CassandraBackups whose data went. */
  private static void finishPurge(ScheduleReconciliation r, PurgeStatus purge) {
    BackupSchedule schedule = r.schedule;
    // Finishing is not idempotent (the CassandraBackups deleted are named once), and a
    // reconciliation may start from a cached schedule older than the status this purge's finish
    // already wrote: read the schedule itself before finishing again.
    BackupSchedule current =
        r.kubernetes
            .resources(BackupSchedule.class)
            .inNamespace(schedule.getMetadata().getNamespace())
            .withName(schedule.getMetadata().getName())
            .get();
    PurgeStatus finished =
        current == null || current.getStatus() == null ? null : current.getStatus().getRetention();
    if (finished != null
        && finished.getState() == PurgeState.Succeeded
        && purge.getAfter().equals(finished.getAfter())
        && Objects.equals(purge.getStartTime(), finished.getStartTime())) {
      r.status.setRetention(finished);
      return;
    }
    Set<String> expired = new LinkedHashSet<>();
    Set<String> kept = new LinkedHashSet<>();
    long objects = 0;
    long bytes = 0;
    for (LocationPurgeStatus l : purge.getLocations()) {
      expired.addAll(l.getExpired());
      kept.addAll(l.getKept());
      objects += l.getObjects() == null ? 0 : l.getObjects();
      bytes += l.getBytes() == null ? 0 : l.getBytes();
    }
    expired.removeAll(kept); // kept in any location: its object stays
    List<String> deleted = new ArrayList<>();
    for (CassandraBackup b : r.seen.succeeded()) {
      String bucketName =
          b.getStatus().getBackupName() == null
              ? b.getMetadata().getName()
              : b.getStatus().getBackupName();
      if (expired.contains(bucketName) && b.getMetadata().getDeletionTimestamp() == null) {
        r.kubernetes.resource(b).delete();
        deleted.add(b.getMetadata().getName());
      }
    }
    purge.setExpired(new ArrayList<>(expired));
    purge.setObjects(objects);
    purge.setBytes(bytes);
    purge.setDeletedBackups(deleted);
    purge.setState(PurgeState.Succeeded);
    purge.setCompletionTime(r.now.toString());
    purge.setNextAttemptTime(null);
    r.services.lock().release(schedule, r.cluster().getName());
    r.condition(ScheduleReconciliation.RETENTION_FAILED, false, "Purged", "");
    r.events()
        .normal(
            schedule,
            EventReason.Purged,
            "retention after "
                + purge.getAfter()
                + ": deleted "
                + expired.size()
                + " backups "
                + expired
                + ", "
                + objects
                + " objects ("
                + ClusterPods.human(bytes)
                + "); deleted CassandraBackups "
                + deleted);
  }

  /** Where a location is purged: a running pod that wrote to it in the last success, else any. */
  private static Pod podFor(String location, CassandraBackup newest, Map<String, Pod> running) {
    for (NodeBackupStatus n : newest.getStatus().getNodes()) {
      if (location.equals(n.getLocation()) && running.containsKey(n.getPod())) {
        return running.get(n.getPod());
      }
    }
    return running.isEmpty() ? null : running.values().iterator().next();
  }

  private static List<String> locations(CassandraBackupSpec template) {
    Set<String> locations = new LinkedHashSet<>();
    if (template.getLocation() != null) {
      locations.add(template.getLocation());
    }
    if (template.getDatacenterLocations() != null) {
      locations.addAll(new java.util.TreeMap<>(template.getDatacenterLocations()).values());
    }
    return new ArrayList<>(locations);
  }

  /**
   * A purge that runs but has no reason to any more (retention removed, the spec invalid, the
   * schedule deleted): its operations are cancelled, then the lock is released. False while an
   * operation could not be cancelled yet (its node unreachable): the lock stays until it is.
   */
  static boolean abandon(ScheduleReconciliation r, String why) {
    PurgeStatus purge = r.status.getRetention();
    if (purge == null || purge.getState() != PurgeState.Running) {
      return true;
    }
    if (!cancelAll(r, purge)) {
      return false;
    }
    purge.setState(PurgeState.Failed);
    purge.setCompletionTime(r.now.toString());
    purge.setNextAttemptTime(null);
    r.services.lock().release(r.schedule, r.cluster().getName());
    r.events().warning(r.schedule, EventReason.PurgeFailed, "retention purge stopped: " + why);
    return true;
  }

  /** Cancels every location's purge operation that may still run; false when one could not be. */
  private static boolean cancelAll(ScheduleReconciliation r, PurgeStatus purge) {
    Map<String, Pod> pods = r.pods == null ? Map.of() : r.pods.selected(r.namespace(), r.cluster());
    boolean all = true;
    for (LocationPurgeStatus l : purge.getLocations()) {
      if (l.getPod() == null
          || l.getOperation() == null
          || OperationState.SUCCEEDED.name().equals(l.getState())) {
        continue;
      }
      Pod pod = pods.get(l.getPod());
      if (pod == null || ClusterPods.ip(pod) == null) {
        continue; // its pod is gone: nothing of it runs
      }
      try {
        r.services
            .sidecars()
            .connect(r.namespace(), pod, r.cluster())
            .cancel(OperationKind.PURGE, l.getOperation());
        l.setState(OperationState.CANCELLED.name());
      } catch (SidecarException e) {
        if (!e.notFound() && !e.conflict()) {
          all = false;
        }
      }
    }
    return all;
  }
}
