package io.kassette.backup;

import java.util.List;

/**
 * The outcome of one node's backup, printed by the CLI and returned by the sidecar.
 *
 * @param phaseMillis wall time of each phase, in order (where a slow backup spends its time)
 * @param alreadyComplete the backup was committed with this node already: nothing was done
 */
public record BackupSummary(
    String cluster,
    String backup,
    String hostId,
    String mode,
    int tables,
    NodeManifest.Totals totals,
    long durationMillis,
    String nodeManifestKey,
    boolean committed,
    List<String> warnings,
    java.util.Map<String, Long> phaseMillis,
    boolean alreadyComplete) {}
