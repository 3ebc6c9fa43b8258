package io.kassette.agent;

import io.kassette.node.CassandraJmxNode;
import io.kassette.node.CqlSchema;
import io.kassette.node.HostPort;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.restore.BulkLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * A Cassandra node reached over JMX (and CQL for schema), as an agent embedded in another process
 * reaches it: the demo's local cluster and the operator's tests.
 *
 * @param loader the bulk loader for restores into another topology; null without Cassandra's jars
 */
public record JmxNodeConnector(
    HostPort jmx,
    String jmxUser,
    String jmxPassword,
    CqlSchema cqlSchema,
    BulkLoader loader,
    List<Path> dataDirectories)
    implements NodeConnector {

  /** A node with JMX and CQL as given, no authentication, its own data directories. */
  public static JmxNodeConnector of(String jmx, String cql, BulkLoader loader) {
    return new JmxNodeConnector(
        HostPort.parse(jmx, 7199),
        null,
        null,
        new CqlSchema(HostPort.parse(cql, 9042), null, null, false),
        loader,
        List.of());
  }

  @Override
  public NodeAccess connect() throws NodeException {
    return CassandraJmxNode.connect(jmx, jmxUser, jmxPassword);
  }
}
