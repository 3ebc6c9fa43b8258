package io.kassette.node;

import io.kassette.api.Ring;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Apache Cassandra over JMX. Operations are invoked by name and signature, so the sidecar needs no
 * Cassandra jar on its classpath.
 */
public final class CassandraJmxNode implements NodeAccess {
  private static final String STORAGE_SERVICE = "org.apache.cassandra.db:type=StorageService";
  private static final String SNITCH = "org.apache.cassandra.db:type=EndpointSnitchInfo";
  private static final String TABLES = "org.apache.cassandra.db:type=Tables,keyspace=*,table=*";

  private final HostPort endpoint;
  private final JMXConnector connector;
  private final MBeanServerConnection mbeans;

  private CassandraJmxNode(HostPort endpoint, JMXConnector connector) throws IOException {
    this.endpoint = endpoint;
    this.connector = connector;
    this.mbeans = connector.getMBeanServerConnection();
  }

  /**
   * Connects to {@code host:port}. A plain TCP probe comes first so an absent node fails in seconds
   * with a clear message instead of an RMI stack.
   */
  public static CassandraJmxNode connect(HostPort endpoint, String user, String password)
      throws NodeException {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5000);
    } catch (IOException e) {
      throw new NodeException(
          "cannot reach Cassandra JMX at "
              + endpoint
              + " ("
              + e.getMessage()
              + "): is the node running and --jmx right?",
          e);
    }
    Map<String, Object> env = new HashMap<>();
    if (user != null && !user.isEmpty()) {
      env.put(JMXConnector.CREDENTIALS, new String[] {user, password == null ? "" : password});
    }
    try {
      JMXServiceURL url =
          new JMXServiceURL(
              "service:jmx:rmi:///jndi/rmi://"
                  + endpoint.host()
                  + ":"
                  + endpoint.port()
                  + "/jmxrmi");
      return new CassandraJmxNode(endpoint, JMXConnectorFactory.connect(url, env));
    } catch (RuntimeException e) {
      // Cassandra's authenticator wraps the refusal in a RuntimeException that RMI hands back.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SecurityException) {
          throw new NodeException(
              "Cassandra JMX at "
                  + endpoint
                  + " refused the credentials: check --jmx-user and the password file",
              e);
        }
      }
      throw new NodeException(
          "cannot connect to Cassandra JMX at " + endpoint + ": " + rootMessage(e), e);
    } catch (IOException e) {
      throw new NodeException(
          "cannot connect to Cassandra JMX at " + endpoint + ": " + rootMessage(e), e);
    }
  }

  private Object attribute(String mbean, String name) throws NodeException {
    try {
      return mbeans.getAttribute(new ObjectName(mbean), name);
    } catch (Exception e) {
      throw new NodeException(
          "JMX read of " + name + " on " + endpoint + " failed: " + rootMessage(e), e);
    }
  }

  private Object invoke(String mbean, String op, Object[] args, String[] signature)
      throws NodeException {
    try {
      return mbeans.invoke(new ObjectName(mbean), op, args, signature);
    } catch (MBeanException e) {
      throw new NodeException(op + " on " + endpoint + " failed: " + rootMessage(e), e);
    } catch (Exception e) {
      throw new NodeException("JMX " + op + " on " + endpoint + " failed: " + rootMessage(e), e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public Ring ring(Collection<String> keyspaces) throws NodeException {
    Map<String, String> endpointByHostId =
        (Map<String, String>) attribute(STORAGE_SERVICE, "HostIdToEndpoint");
    Map<String, String> hostIdByEndpoint = new HashMap<>();
    endpointByHostId.forEach((id, endpoint) -> hostIdByEndpoint.put(endpoint, id));
    Map<String, List<String>> tokens = new HashMap<>();
    ((Map<String, String>) attribute(STORAGE_SERVICE, "TokenToEndpointMap"))
        .forEach(
            (token, endpoint) ->
                tokens.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(token));
    java.util.Set<String> unreachable =
        new java.util.HashSet<>((List<String>) attribute(STORAGE_SERVICE, "UnreachableNodes"));
    List<Ring.Member> members = new ArrayList<>();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(endpointByHostId).entrySet()) {
      String endpoint = e.getValue();
      members.add(
          new Ring.Member(
              e.getKey(),
              endpoint,
              (String)
                  invoke(
                      SNITCH,
                      "getDatacenter",
                      new Object[] {endpoint},
                      new String[] {"java.lang.String"}),
              (String)
                  invoke(
                      SNITCH,
                      "getRack",
                      new Object[] {endpoint},
                      new String[] {"java.lang.String"}),
              tokens.getOrDefault(endpoint, List.of()),
              !unreachable.contains(endpoint)));
    }
    List<Ring.KeyspaceReplicas> replicas = new ArrayList<>();
    for (String keyspace : new TreeSet<>(keyspaces)) {
      Map<List<String>, List<String>> ranges =
          (Map<List<String>, List<String>>)
              invoke(
                  STORAGE_SERVICE,
                  "getRangeToEndpointMap",
                  new Object[] {keyspace},
                  new String[] {"java.lang.String"});
      java.util.Set<List<String>> sets = new java.util.LinkedHashSet<>();
      for (List<String> endpoints : ranges.values()) {
        List<String> set = new ArrayList<>();
        endpoints.forEach(a -> set.add(hostIdByEndpoint.getOrDefault(a, a)));
        set.sort(null);
        sets.add(set);
      }
      replicas.add(new Ring.KeyspaceReplicas(keyspace, new ArrayList<>(sets)));
    }
    return new Ring((String) attribute(STORAGE_SERVICE, "ClusterName"), members, replicas);
  }

  @Override
  @SuppressWarnings("unchecked")
  public NodeInfo describe() throws NodeException {
    return new NodeInfo(
        (String) attribute(STORAGE_SERVICE, "LocalHostId"),
        (String) attribute(STORAGE_SERVICE, "ClusterName"),
        (String) attribute(SNITCH, "Datacenter"),
        (String) attribute(SNITCH, "Rack"),
        List.copyOf((List<String>) attribute(STORAGE_SERVICE, "Tokens")),
        (String) attribute(STORAGE_SERVICE, "ReleaseVersion"),
        NodeInfo.Engine.CASSANDRA);
  }

  @Override
  public String schemaVersion() throws NodeException {
    return (String) attribute(STORAGE_SERVICE, "SchemaVersion");
  }

  @Override
  public List<TableRef> listTables() throws NodeException {
    try {
      TreeSet<TableRef> tables = new TreeSet<>();
      for (ObjectName name : mbeans.queryNames(new ObjectName(TABLES), null)) {
        tables.add(new TableRef(name.getKeyProperty("keyspace"), name.getKeyProperty("table")));
      }
      return new ArrayList<>(tables);
    } catch (Exception e) {
      throw new NodeException(
          "cannot list tables over JMX at " + endpoint + ": " + rootMessage(e), e);
    }
  }

  @Override
  public void takeSnapshot(String tag, Collection<TableRef> tables) throws NodeException {
    String[] entities = tables.stream().map(TableRef::toString).toArray(String[]::new);
    HashMap<String, String> options = new HashMap<>();
    options.put("skipFlush", "false");
    invoke(
        STORAGE_SERVICE,
        "takeSnapshot",
        new Object[] {tag, options, entities},
        new String[] {String.class.getName(), Map.class.getName(), String[].class.getName()});
  }

  @Override
  public void clearSnapshot(String tag, Collection<String> keyspaces) throws NodeException {
    invoke(
        STORAGE_SERVICE,
        "clearSnapshot",
        new Object[] {tag, keyspaces.toArray(String[]::new)},
        new String[] {String.class.getName(), String[].class.getName()});
  }

  @Override
  public void truncate(TableRef table) throws NodeException {
    invoke(
        STORAGE_SERVICE,
        "truncate",
        new Object[] {table.keyspace(), table.table()},
        new String[] {String.class.getName(), String.class.getName()});
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> importSSTables(TableRef table, Path directory) throws NodeException {
    String mbean =
        "org.apache.cassandra.db:type=Tables,keyspace="
            + table.keyspace()
            + ",table="
            + table.table();
    String bool = boolean.class.getName();
    // resetLevel, clearRepaired, verifySSTables, verifyTokens, invalidateCaches, extendedVerify,
    // copyData: what nodetool import does by default, moving the files in.
    return (List<String>)
        invoke(
            mbean,
            "importNewSSTables",
            new Object[] {
              new java.util.HashSet<>(java.util.Set.of(directory.toString())),
              true,
              true,
              true,
              true,
              true,
              false,
              false
            },
            new String[] {java.util.Set.class.getName(), bool, bool, bool, bool, bool, bool, bool});
  }

  @Override
  public List<Path> dataDirectories() throws NodeException {
    String[] dirs = (String[]) attribute(STORAGE_SERVICE, "AllDataFileLocations");
    return java.util.Arrays.stream(dirs).map(Path::of).toList();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException ignored) {
      // the node may already be gone
    }
  }
}
