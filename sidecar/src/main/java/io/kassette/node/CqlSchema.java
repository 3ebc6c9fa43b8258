package io.kassette.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Keyspace definitions over CQL (replication is not in the snapshot's per-table schema.cql).
 *
 * @param endpoint the node's CQL address
 * @param user null for no authentication
 * @param tls whether to use TLS with the JVM's default trust store
 */
public record CqlSchema(HostPort endpoint, String user, String password, boolean tls)
    implements SchemaAccess {

  /** CREATE KEYSPACE statements of {@code keyspaces}, by keyspace name. */
  public Map<String, String> keyspaceDefinitions(
      String localDatacenter, Collection<String> keyspaces) throws NodeException {
    try (CqlSession session = open(localDatacenter, keyspaces)) {
      Map<String, String> result = new LinkedHashMap<>();
      for (String ks : keyspaces) {
        Optional<KeyspaceMetadata> meta = session.getMetadata().getKeyspace(ks);
        if (meta.isEmpty()) {
          throw new NodeException("keyspace " + ks + " is not in the CQL schema of " + endpoint);
        }
        result.put(ks, meta.get().describe(false));
      }
      return result;
    } catch (NodeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new NodeException(
          "cannot read the schema over CQL at "
              + endpoint
              + " ("
              + CassandraJmxNode.rootMessage(e)
              + "): check --cql and the CQL credentials",
          e);
    }
  }

  @Override
  public Map<TableRef, String> existingTables(String localDatacenter, Collection<String> keyspaces)
      throws NodeException {
    try (CqlSession session = open(localDatacenter, keyspaces)) {
      Map<TableRef, String> result = new LinkedHashMap<>();
      for (String ks : keyspaces) {
        session
            .getMetadata()
            .getKeyspace(ks)
            .ifPresent(
                meta ->
                    meta.getTables()
                        .values()
                        .forEach(
                            t ->
                                result.put(
                                    new TableRef(ks, t.getName().asInternal()),
                                    t.getId()
                                        .map(id -> id.toString().replace("-", ""))
                                        .orElse(""))));
      }
      return result;
    } catch (RuntimeException e) {
      throw new NodeException(
          "cannot read the schema over CQL at "
              + endpoint
              + " ("
              + CassandraJmxNode.rootMessage(e)
              + ")",
          e);
    }
  }

  /** Runs DDL statements in order, waiting for schema agreement after each. */
  @Override
  public void execute(String localDatacenter, List<String> statements) throws NodeException {
    try (CqlSession session = open(localDatacenter, List.of())) {
      for (String cql : statements) {
        try {
          session.execute(cql);
        } catch (RuntimeException e) {
          throw new NodeException(
              "schema statement failed: " + CassandraJmxNode.rootMessage(e) + ": " + cql, e);
        }
      }
    }
  }

  private CqlSession open(String localDatacenter, Collection<String> keyspaces)
      throws NodeException {
    CqlSessionBuilder b =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(endpoint.host(), endpoint.port()))
            .withLocalDatacenter(localDatacenter)
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                    .withDuration(
                        DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                    .withDuration(
                        DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
                    // Only the keyspaces backed up, and no token map: a faster session start.
                    .withStringList(
                        DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES,
                        java.util.List.copyOf(keyspaces))
                    .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                    // Each session here is short-lived, and closing it waited out Netty's default
                    // 2 s quiet period on both event loop groups: 2 of the 3.3 s that reading one
                    // keyspace's definition took (measured by hand), in every backup.
                    .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                    .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                    .build());
    if (user != null && !user.isEmpty()) {
      b.withAuthCredentials(user, password == null ? "" : password);
    }
    if (tls) {
      try {
        b.withSslContext(SSLContext.getDefault());
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new NodeException("no TLS support in this JVM for CQL: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "CqlSchema[" + endpoint + (user == null ? "" : ", user=" + user) + ", tls=" + tls + "]";
  }
}
