package io.kassette.api;

import java.util.List;

/** The committed backup: its nodes and size, as the cluster manifest records them. */
public record CommitResult(String backup, List<String> hostIds, long files, long bytes) {}
