package io.kassette.backup;

import io.kassette.node.TableRef;
import java.util.List;

/** A table's snapshot on this node: its id, its schema.cql, and its files across data dirs. */
public record TableSnapshot(
    TableRef table, String tableId, String schemaCql, List<SnapshotFile> files) {}
