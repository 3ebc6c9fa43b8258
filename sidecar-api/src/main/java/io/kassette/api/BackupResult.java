package io.kassette.api;

import java.util.List;
import java.util.Map;

/**
 * What a succeeded backup operation did on its node.
 *
 * @param snapshotOnly true for the snapshot step, which moves no byte ({@code totals} is null)
 * @param snapshotTag the snapshot the node holds ({@code kassette-<backup>})
 * @param tables tables snapshotted or backed up
 * @param totals the node manifest's totals, exactly as stored
 * @param nodeManifestKey where the node manifest is, in the location
 * @param alreadyComplete the backup was committed with this node already: nothing was done
 * @param phaseMillis wall time of each engine phase, in order
 */
public record BackupResult(
    boolean snapshotOnly,
    String snapshotTag,
    int tables,
    Totals totals,
    String nodeManifestKey,
    boolean alreadyComplete,
    List<String> warnings,
    Map<String, Long> phaseMillis) {

  public BackupResult {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    phaseMillis = phaseMillis == null ? Map.of() : Map.copyOf(phaseMillis);
  }

  /** Files and bytes of one node's backup: all of them, those sent, those already stored. */
  public record Totals(
      long files,
      long bytes,
      long uploadedFiles,
      long uploadedBytes,
      long skippedFiles,
      long skippedBytes) {}

  public static BackupResult snapshot(String tag, int tables) {
    return new BackupResult(true, tag, tables, null, null, false, List.of(), Map.of());
  }
}
