package io.kassette.restore;

import java.util.List;

/**
 * What a restore did (or, with dry run, would do).
 *
 * @param mode "import" (this node's own files) or "load" (streamed to the owning replicas)
 * @param sourceHostIds the backed-up nodes whose files were restored
 * @param schemaCreated CQL statements run to create missing keyspaces and tables
 * @param merged true when tables were not truncated: the backed-up rows were merged with what the
 *     tables held (newer writes win)
 */
public record RestoreSummary(
    String cluster,
    String backup,
    String mode,
    List<String> sourceHostIds,
    String targetHostId,
    boolean dryRun,
    List<String> tables,
    long files,
    long bytes,
    List<String> schemaCreated,
    boolean truncated,
    boolean merged,
    long durationMillis) {}
