package io.kassette.operator.backup;

import io.kassette.operator.ClusterPods;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupTotals;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import java.util.List;
import java.util.function.Function;

/** Totals, percent and the printer columns, derived from the nodes. */
final class BackupStatusSummary {
  private BackupStatusSummary() {}

  static void summarize(CassandraBackupStatus status) {
    List<NodeBackupStatus> nodes = status.getNodes();
    BackupTotals totals = new BackupTotals();
    totals.setFiles(sum(status, NodeBackupStatus::getFilesTotal));
    totals.setBytes(sum(status, NodeBackupStatus::getBytesTotal));
    totals.setUploadedBytes(sum(status, NodeBackupStatus::getBytesUploaded));
    totals.setSkippedBytes(sum(status, NodeBackupStatus::getBytesSkipped));
    status.setTotals(totals);
    long done = nodes.stream().filter(n -> n.getState() == NodeBackupState.Uploaded).count();
    int all = nodes.size() + status.getMissingNodes().size();
    status.setNodesReady(done + "/" + all);
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
    status.setSize(ClusterPods.human(totals.getBytes()));
  }

  static long sum(CassandraBackupStatus status, Function<NodeBackupStatus, Long> f) {
    return status.getNodes().stream().map(f).mapToLong(BackupStatusSummary::longOr).sum();
  }

  private static long longOr(Long v) {
    return v == null ? 0 : v;
  }
}
