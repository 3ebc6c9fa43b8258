package io.kassette.node;

import io.kassette.api.Ring;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The database node beside the sidecar: who it is, what tables it has, and its snapshots. One
 * implementation per engine (Cassandra over JMX, ScyllaDB over its REST API).
 */
public interface NodeAccess extends AutoCloseable {

  NodeInfo describe() throws NodeException;

  /** The node's schema version: a hash of the whole schema that any DDL in the cluster changes. */
  String schemaVersion() throws NodeException;

  /** Every table of every keyspace, system ones included. */
  List<TableRef> listTables() throws NodeException;

  /** Flushes and hard-links the tables' live SSTables under {@code snapshots/<tag>/}. */
  void takeSnapshot(String tag, Collection<TableRef> tables) throws NodeException;

  /** Removes the snapshot {@code tag} from the keyspaces. */
  void clearSnapshot(String tag, Collection<String> keyspaces) throws NodeException;

  /** Removes every row of the table on every replica (CQL TRUNCATE semantics). */
  void truncate(TableRef table) throws NodeException;

  /**
   * Loads the SSTables in {@code directory} into the live table (nodetool import semantics: the
   * files are moved in, verified, indexes built); returns the directories that failed.
   */
  List<String> importSSTables(TableRef table, Path directory) throws NodeException;

  /**
   * The ring as this node sees it: every member (host id, address, dc, rack, tokens, up or down)
   * and, for each of {@code keyspaces}, the distinct replica sets of its token ranges.
   */
  Ring ring(Collection<String> keyspaces) throws NodeException;

  /** The data directories as the node sees them (several with JBOD). */
  List<Path> dataDirectories() throws NodeException;

  @Override
  void close();
}
