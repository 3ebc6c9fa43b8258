package io.kassette.api;

import java.util.List;

/**
 * What a succeeded restore step did on its node (for {@code validate}: what the restore would do).
 *
 * @param mode {@code import} (this node's own files) or {@code load} (streamed to the replicas)
 * @param sourceHostIds the backed-up nodes whose files this node restores
 * @param files files of those nodes in the selection
 * @param bytes bytes of those files
 * @param schemaCreated CQL statements run to create missing keyspaces and tables
 * @param merged the tables were not truncated: the backed-up rows merged with the existing ones
 */
public record RestoreResult(
    String mode,
    List<String> sourceHostIds,
    String targetHostId,
    List<String> tables,
    long files,
    long bytes,
    List<String> schemaCreated,
    boolean truncated,
    boolean merged,
    long durationMillis) {

  public RestoreResult {
    sourceHostIds = sourceHostIds == null ? List.of() : List.copyOf(sourceHostIds);
    tables = tables == null ? List.of() : List.copyOf(tables);
    schemaCreated = schemaCreated == null ? List.of() : List.copyOf(schemaCreated);
  }
}
