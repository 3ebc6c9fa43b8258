package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.CommitRequest;
import io.kassette.api.MissingNode;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.MissingNodeStatus;
import io.kassette.operator.api.NodeBackupStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Committing: per location, one sidecar writes the cluster manifest, stamped with the resource's
 * UID and the nodes left out. The commit has attempts of its own ({@code status.commitAttempts}),
 * with backoff, up to {@code backoffLimit}; the nodes' failures do not count against it.
 */
final class BackupCommit {
  private BackupCommit() {}

  static void run(BackupReconciliation r) {
    if (!Reconciliations.due(r.status.getNextCommitTime(), r.now)) {
      return;
    }
    Map<String, List<NodeBackupStatus>> byLocation = new LinkedHashMap<>();
    r.status
        .getNodes()
        .forEach(n -> byLocation.computeIfAbsent(n.getLocation(), k -> new ArrayList<>()).add(n));
    for (var e : byLocation.entrySet()) {
      String location = e.getKey();
      String manifest = manifestUri(location, r.cluster(), r.status.getBackupName());
      if (r.status.getManifests().contains(manifest)) {
        continue;
      }
      Pod writer =
          e.getValue().stream().map(r::readyPod).filter(p -> p != null).findFirst().orElse(null);
      if (writer == null) {
        r.waiting(
            "NodeNotReady",
            EventReason.NodeNotReady,
            "no pod of location " + location + " is Ready to write its cluster manifest");
        return;
      }
      try {
        r.client(writer)
            .commit(
                r.status.getBackupName(),
                new CommitRequest(
                    location,
                    r.cluster(),
                    e.getValue().stream().map(NodeBackupStatus::getHostId).toList(),
                    r.backup.getMetadata().getUid(),
                    missingIn(r, location)));
        r.status.getManifests().add(manifest);
        r.services
            .events()
            .normal(r.backup, EventReason.Committed, "cluster manifest written: " + manifest);
      } catch (RuntimeException ex) {
        int attempts =
            (r.status.getCommitAttempts() == null ? 0 : r.status.getCommitAttempts()) + 1;
        r.status.setCommitAttempts(attempts);
        String error = "commit to " + location + " failed: " + NodeOperations.message(ex);
        if (attempts > r.backoffLimit()) {
          r.fail("CommitFailed", error + " (" + attempts + " attempts)");
          return;
        }
        Duration wait = Reconciliations.backoff(r.services.retryBase(), attempts);
        r.status.setNextCommitTime(r.now.plus(wait).toString());
        r.services
            .events()
            .warning(
                r.backup,
                EventReason.NodeRetrying,
                error + "; attempt " + attempts + " of " + r.backoffLimit() + " failed");
        return;
      }
    }
    r.status.setNextCommitTime(null);
    r.status.setCompletionTime(r.now.toString());
    r.notWaiting();
    r.condition(
        BackupReconciliation.READY,
        true,
        "Succeeded",
        "backup "
            + r.status.getBackupName()
            + " is complete and restorable"
            + (r.status.getMissingNodes().isEmpty()
                ? ""
                : " (without " + r.status.getMissingNodes().size() + " down nodes)"));
    r.moveTo(
        BackupPhase.Succeeded,
        EventReason.Succeeded,
        "backup "
            + r.status.getBackupName()
            + " of "
            + r.status.getNodes().size()
            + " nodes complete: "
            + ClusterPods.human(BackupStatusSummary.sum(r.status, NodeBackupStatus::getBytesTotal))
            + ", "
            + ClusterPods.human(
                BackupStatusSummary.sum(r.status, NodeBackupStatus::getBytesUploaded))
            + " uploaded");
  }

  private static List<MissingNode> missingIn(BackupReconciliation r, String location) {
    List<MissingNode> missing = new ArrayList<>();
    for (MissingNodeStatus m : r.status.getMissingNodes()) {
      if (location.equals(BackupReconciliation.locationFor(r.spec(), m.getDatacenter()))) {
        missing.add(
            new MissingNode(
                m.getHostId(), m.getAddress(), m.getDatacenter(), m.getRack(), m.getReason()));
      }
    }
    return missing;
  }

  public static String manifestUri(String location, String cluster, String backup) {
    String base = location.endsWith("/") ? location : location + "/";
    return base + "kassette/v1/" + cluster + "/backups/" + backup + "/backup.json";
  }
}
