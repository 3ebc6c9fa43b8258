package io.kassette.cli;

import io.kassette.node.CassandraJmxNode;
import io.kassette.node.CqlSchema;
import io.kassette.node.HostPort;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.node.ScyllaRestNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach the node: JMX for Cassandra or the REST API for Scylla, and CQL for the schema. */
final class NodeOptions {
  @Option(
      names = "--jmx",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7199",
      description = "Cassandra JMX (default: ${DEFAULT-VALUE}).")
  String jmx;

  @Option(
      names = "--jmx-user",
      paramLabel = "USER",
      description = "JMX user, when JMX authentication is on.")
  String jmxUser;

  @Option(
      names = "--jmx-password-file",
      paramLabel = "FILE",
      description = "File holding the JMX password (or KASSETTE_JMX_PASSWORD).")
  Path jmxPasswordFile;

  @Option(
      names = "--scylla-api",
      paramLabel = "URL",
      description = "Back up a ScyllaDB node through its REST API, e.g. http://127.0.0.1:10000.")
  URI scyllaApi;

  @Option(
      names = "--cql",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9042",
      description = "CQL endpoint for keyspace definitions (default: ${DEFAULT-VALUE}).")
  String cql;

  @Option(
      names = "--cql-user",
      paramLabel = "USER",
      description = "CQL user, when authentication is on.")
  String cqlUser;

  @Option(
      names = "--cql-password-file",
      paramLabel = "FILE",
      description = "File holding the CQL password (or KASSETTE_CQL_PASSWORD).")
  Path cqlPasswordFile;

  @Option(names = "--cql-tls", description = "Connect to CQL with TLS (JVM trust store).")
  boolean cqlTls;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory as mounted here, if it differs from the node's (repeatable).")
  List<Path> dataDirs = new ArrayList<>();

  NodeAccess connect() throws NodeException {
    if (scyllaApi != null) {
      return new ScyllaRestNode(scyllaApi);
    }
    return CassandraJmxNode.connect(
        parse("--jmx", jmx, 7199), jmxUser, secret(jmxPasswordFile, "KASSETTE_JMX_PASSWORD"));
  }

  HostPort cqlEndpoint() {
    return parse("--cql", cql, 9042);
  }

  CqlSchema cqlSchema() {
    return new CqlSchema(
        parse("--cql", cql, 9042),
        cqlUser,
        secret(cqlPasswordFile, "KASSETTE_CQL_PASSWORD"),
        cqlTls);
  }

  private static HostPort parse(String flag, String value, int defaultPort) {
    try {
      return HostPort.parse(value, defaultPort);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage());
    }
  }

  private static String secret(Path file, String env) {
    if (file != null) {
      try {
        return Files.readString(file).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read password file " + file + ": " + e.getMessage());
      }
    }
    return System.getenv(env);
  }
}
