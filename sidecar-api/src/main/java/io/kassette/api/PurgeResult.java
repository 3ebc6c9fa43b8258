package io.kassette.api;

import java.util.List;

/** What a purge removed (or, dry, would remove). */
public record PurgeResult(
    boolean dryRun,
    List<String> kept,
    List<String> expired,
    List<String> incomplete,
    long objects,
    long bytes) {}
