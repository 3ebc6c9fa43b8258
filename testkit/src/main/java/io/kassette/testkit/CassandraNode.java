package io.kassette.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Cassandra node in a child JVM, built from the Maven Central jars the test kit
 * module cassandra-dist copies to {@code cassandra-dist/target/cassandra-lib}. Several nodes form
 * one cluster on 127.0.0.x with the same storage and CQL ports and a JMX port each.
 */
public final class CassandraNode implements AutoCloseable {
  private final Path dir;
  private final String ip;
  private final String clusterName;
  private final String seeds;
  private final String datacenter;
  private final String rack;
  private final int storagePort;
  private final int cqlPort;
  private final int jmxPort;
  private final boolean autoBootstrap;
  private final int ringDelayMillis;
  private final String jmxUser;
  private final String jmxPassword;
  private final boolean cqlAuth;
  private Process process;

  private CassandraNode(Builder b) {
    this.dir = b.dir;
    this.ip = b.ip;
    this.clusterName = b.clusterName;
    this.seeds = b.seeds == null ? b.ip : b.seeds;
    this.datacenter = b.datacenter;
    this.rack = b.rack;
    this.storagePort = b.storagePort;
    this.cqlPort = b.cqlPort;
    this.jmxPort = b.jmxPort;
    this.autoBootstrap = b.autoBootstrap;
    this.ringDelayMillis = b.ringDelayMillis;
    this.jmxUser = b.jmxUser;
    this.cqlAuth = b.cqlAuth;
    this.jmxPassword = b.jmxPassword;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Builds a node; ports default to free ones. */
  public static final class Builder {
    private final Path dir;
    private String ip = "127.0.0.1";
    private String clusterName = "kassette-test";
    private String seeds;
    private String datacenter = "dc1";
    private String rack = "rack1";
    private int storagePort = freePort();
    private int cqlPort = freePort();
    private int jmxPort = freePort();
    private boolean autoBootstrap = false;
    private int ringDelayMillis = 1000;
    private String jmxUser;
    private String jmxPassword;
    private boolean cqlAuth;

    private Builder(Path dir) {
      this.dir = dir;
    }

    public Builder ip(String v) {
      ip = v;
      return this;
    }

    public Builder clusterName(String v) {
      clusterName = v;
      return this;
    }

    public Builder seeds(String v) {
      seeds = v;
      return this;
    }

    public Builder datacenter(String v) {
      datacenter = v;
      return this;
    }

    public Builder rack(String v) {
      rack = v;
      return this;
    }

    public Builder storagePort(int v) {
      storagePort = v;
      return this;
    }

    public Builder cqlPort(int v) {
      cqlPort = v;
      return this;
    }

    public Builder jmxPort(int v) {
      jmxPort = v;
      return this;
    }

    public Builder ringDelayMillis(int v) {
      ringDelayMillis = v;
      return this;
    }

    /** JMX with password authentication (the JVM's file-based authenticator). */
    public Builder jmxAuth(String user, String password) {
      jmxUser = user;
      jmxPassword = password;
      return this;
    }

    /**
     * CQL with password authentication: the superuser {@code cassandra}/{@code cassandra} exists at
     * once, to create the roles a test needs.
     */
    public Builder cqlAuth() {
      cqlAuth = true;
      return this;
    }

    public CassandraNode build() {
      return new CassandraNode(this);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory holding Cassandra's jars. */
  public static Path cassandraLib() {
    String configured = System.getProperty("kassette.cassandra.lib");
    if (configured != null && Files.isDirectory(Path.of(configured))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path lib = p.resolve("cassandra-dist/target/cassandra-lib");
      if (Files.isDirectory(lib)) {
        return lib;
      }
    }
    throw new IllegalStateException(
        "Cassandra jars not found: build the cassandra-dist module first (mvn -pl cassandra-dist package)");
  }

  /** Resources of the test kit written out beside the node (config templates, JVM flags). */
  static Path resource(Path targetDir, String name) throws IOException {
    Path target = targetDir.resolve(name);
    try (InputStream in = CassandraNode.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test kit resource " + name);
      }
      Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Starts the node (or restarts it on its existing data) without waiting. */
  public CassandraNode launch() throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(dir.resolve("logs"));
    String yaml =
        new String(
                CassandraNode.class.getResourceAsStream("cassandra-template.yaml").readAllBytes(),
                StandardCharsets.UTF_8)
            .replace("@NODEDIR@", dir.toString())
            .replace("@IP@", ip)
            .replace("@SEEDS@", seeds)
            .replace("@CLUSTER@", clusterName)
            .replace("@STORAGE_PORT@", String.valueOf(storagePort))
            .replace("@CQL_PORT@", String.valueOf(cqlPort))
            .replace("@AUTO_BOOTSTRAP@", String.valueOf(autoBootstrap));
    if (cqlAuth) {
      yaml =
          yaml.replace(
              "authenticator: AllowAllAuthenticator", "authenticator: PasswordAuthenticator");
    }
    Path conf = dir.resolve("conf");
    Files.writeString(conf.resolve("cassandra.yaml"), yaml);
    Files.writeString(
        conf.resolve("cassandra-rackdc.properties"), "dc=" + datacenter + "\nrack=" + rack + "\n");
    Path args = resource(conf, "jvm17-jpms.args");
    Path logback = resource(conf, "logback.xml");

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xms64m",
            "-Xmx512m",
            "-Xss256k",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "@" + args,
            "-Dcassandra.config=file://" + conf.resolve("cassandra.yaml"),
            "-Dcassandra-rackdc.properties=file://" + conf.resolve("cassandra-rackdc.properties"),
            "-Dcassandra.storagedir=" + dir,
            "-Dcassandra.logdir=" + dir.resolve("logs"),
            "-Dlogback.configurationFile=" + logback,
            "-Dcassandra-foreground=yes",
            "-Dcassandra.jmx.local.port=" + jmxPort,
            "-Djava.rmi.server.hostname=127.0.0.1",
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dcassandra.ring_delay_ms=" + ringDelayMillis));
    if (cqlAuth) {
      // The default superuser at once, not after the 10 s meant for joining a cluster.
      cmd.add("-Dcassandra.superuser_setup_delay_ms=0");
    }
    if (jmxUser != null) {
      Path passwords = conf.resolve("jmxremote.password");
      Files.writeString(passwords, jmxUser + " " + jmxPassword + "\n");
      // The JVM refuses a password file that others can read.
      Files.setPosixFilePermissions(
          passwords, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      Path access = Files.writeString(conf.resolve("jmxremote.access"), jmxUser + " readwrite\n");
      cmd.addAll(
          List.of(
              // Cassandra's JMX authenticator wraps a JDK-internal class.
              "--add-exports=java.management/com.sun.jmx.remote.security=ALL-UNNAMED",
              "-Dcom.sun.management.jmxremote.authenticate=true",
              "-Dcom.sun.management.jmxremote.password.file=" + passwords,
              "-Dcom.sun.management.jmxremote.access.file=" + access));
    }
    cmd.addAll(
        List.of("-cp", cassandraLib() + "/*", "org.apache.cassandra.service.CassandraDaemon"));
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("logs/stdout.log").toFile())
            .start();
    return this;
  }

  /** Starts the node and waits until CQL accepts connections. */
  public CassandraNode start() throws IOException, InterruptedException {
    launch();
    awaitReady(Duration.ofMinutes(3));
    return this;
  }

  public void awaitReady(Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Cassandra at " + ip + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      if (listening(ip, cqlPort) && listening("127.0.0.1", jmxPort)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "Cassandra at " + ip + " not ready in " + timeout + "; see " + dir.resolve("logs"));
  }

  /** The last lines the node printed, for failure messages (the temp dir may be gone later). */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("logs/stdout.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Waits until the storage port is open (a seed others can join). */
  public void awaitStoragePort(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !listening(ip, storagePort)) {
      Thread.sleep(200);
    }
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code nodetool flush <keyspace> [tables]}, over JMX. */
  public void flush(String keyspace, String... tables) throws Exception {
    storageService(
        "forceKeyspaceFlush",
        new Object[] {keyspace, tables},
        new String[] {String.class.getName(), String[].class.getName()});
  }

  /** {@code nodetool compact <keyspace>}: a major compaction, over JMX. */
  public void compact(String keyspace) throws Exception {
    storageService(
        "forceKeyspaceCompaction",
        new Object[] {false, keyspace, new String[0]},
        new String[] {"boolean", String.class.getName(), String[].class.getName()});
  }

  private void storageService(String operation, Object[] args, String[] signature)
      throws Exception {
    javax.management.remote.JMXServiceURL url =
        new javax.management.remote.JMXServiceURL(
            "service:jmx:rmi:///jndi/rmi://" + jmxAddress() + "/jmxrmi");
    java.util.Map<String, Object> env =
        jmxUser == null
            ? java.util.Map.of()
            : java.util.Map.of(
                javax.management.remote.JMXConnector.CREDENTIALS,
                new String[] {jmxUser, jmxPassword});
    try (javax.management.remote.JMXConnector c =
        javax.management.remote.JMXConnectorFactory.connect(url, env)) {
      c.getMBeanServerConnection()
          .invoke(
              new javax.management.ObjectName("org.apache.cassandra.db:type=StorageService"),
              operation,
              args,
              signature);
    }
  }

  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String ip() {
    return ip;
  }

  public int cqlPort() {
    return cqlPort;
  }

  public int jmxPort() {
    return jmxPort;
  }

  public int storagePort() {
    return storagePort;
  }

  public String datacenter() {
    return datacenter;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path dir() {
    return dir;
  }

  public String jmxAddress() {
    return "127.0.0.1:" + jmxPort;
  }

  public String cqlAddress() {
    return ip + ":" + cqlPort;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
