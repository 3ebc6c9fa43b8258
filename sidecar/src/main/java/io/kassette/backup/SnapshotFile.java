package io.kassette.backup;

import java.nio.file.Path;

/**
 * One file of a table's snapshot.
 *
 * @param relativePath path inside the table's snapshot directory ('/'-separated; secondary index
 *     SSTables live in a sub-directory such as {@code .idx_name/})
 */
public record SnapshotFile(String relativePath, Path path, long size) {}
