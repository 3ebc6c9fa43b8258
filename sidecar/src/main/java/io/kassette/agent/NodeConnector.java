package io.kassette.agent;

import io.kassette.node.CqlSchema;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.restore.BulkLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * How the agent reaches its node. A connection is opened per operation and per call, so a node that
 * restarts under the agent is simply reconnected.
 */
public interface NodeConnector {
  NodeAccess connect() throws NodeException;

  /** CQL for keyspace definitions and schema creation; null to go without. */
  CqlSchema cqlSchema();

  /** The bulk loader for restores into another topology; null when Cassandra's jars are absent. */
  BulkLoader loader();

  /** Overrides of the node's data directories (another mount path); empty to ask the node. */
  List<Path> dataDirectories();
}
