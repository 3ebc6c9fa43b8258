package io.kassette.restore;

import java.util.List;

/**
 * What a restore did (or, with dry run, would do).
 *
 * @param sourceHostId the backed-up node whose files were restored here
 * @param schemaCreated CQL statements run to create missing keyspaces and tables
 * @param merged true when tables were not truncated: the backed-up rows were merged with what the
 *     tables held (newer writes win)
 */
public record RestoreSummary(
    String cluster,
    String backup,
    String sourceHostId,
    String targetHostId,
    boolean dryRun,
    List<String> tables,
    long files,
    long bytes,
    List<String> schemaCreated,
    boolean truncated,
    boolean merged,
    long durationMillis) {}
