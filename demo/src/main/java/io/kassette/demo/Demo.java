package io.kassette.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kassette.agent.AgentOptions;
import io.kassette.agent.AgentServer;
import io.kassette.agent.JmxNodeConnector;
import io.kassette.node.HostPort;
import io.kassette.operator.HttpSidecarConnector;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.RestorePhase;
import io.kassette.restore.BulkLoader;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.KubeControlPlane;
import io.kassette.testkit.LocalPods;
import io.kassette.testkit.SidecarCertificates;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code make demo}: the whole product on this machine. Two real Cassandra nodes with sample data,
 * a Kassette sidecar beside each, the operator against a real Kubernetes API server started here
 * (etcd + kube-apiserver + kube-controller-manager from the cache, built on first use), or the
 * cluster of {@code DEMO_KUBECONFIG}; storage in a local directory (or {@code DEMO_LOCATION}). The
 * backup and restore resources of {@code examples/demo/} are applied, their progress shown as
 * {@code kubectl get} shows it, and the restored rows compared with the originals.
 *
 * <p>It can run again and again against the same cluster: it replaces what a previous run left, and
 * before it exits the operator finishes its finalizers, the demo's pods are force-deleted and the
 * namespace is deleted and gone. Everything it started stops on exit, also on Ctrl-C.
 */
public final class Demo {
  static final String NS = "demo";
  static final String CLUSTER = "demo";
  static final List<String> TABLES = List.of("orders", "customers");

  private final PrintStream out;
  private final Path root;
  private final Path work;
  private final String location;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  Demo(PrintStream out, Path root, Path work, String location) {
    this.out = out;
    this.root = root;
    this.work = work;
    this.location = location;
  }

  public static void main(String[] args) throws Exception {
    Path root0 = Path.of(System.getProperty("kassette.root", ".")).toAbsolutePath().normalize();
    // The operator's and the sidecars' own logs go to a file; the terminal shows the story.
    Files.createDirectories(root0.resolve("demo/target"));
    System.setProperty(
        "org.slf4j.simpleLogger.logFile", root0.resolve("demo/target/demo.log").toString());
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    Path root = Path.of(System.getProperty("kassette.root", ".")).toAbsolutePath().normalize();
    Path work = root.resolve("demo/target/run");
    String location =
        System.getenv().getOrDefault("DEMO_LOCATION", "file://" + work.resolve("bucket"));
    Demo demo = new Demo(System.out, root, work, location);
    Thread hook = new Thread(demo::stop, "kassette-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean ok;
    try {
      ok = demo.run();
    } finally {
      demo.stop();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    System.exit(ok ? 0 : 1);
  }

  /** True when every restored table equals its original. */
  boolean run() throws Exception {
    deleteRecursively(work);
    Files.createDirectories(work);
    step(
        "Kassette demo: a real 2-node Cassandra cluster, sidecars, the operator; storage at "
            + location
            + " (logs: demo/target/demo.log)");

    KubernetesClient kubernetes = kubernetes();

    step("starting 2 Cassandra nodes (127.0.0.1, 127.0.0.2) — about a minute");
    int storagePort = CassandraNode.freePort();
    int cqlPort = CassandraNode.freePort();
    CassandraNode seed = node("n1", "127.0.0.1", storagePort, cqlPort, 1000).launch();
    started.push(seed);
    seed.awaitStoragePort(Duration.ofMinutes(3));
    CassandraNode second = node("n2", "127.0.0.2", storagePort, cqlPort, 3000).launch();
    started.push(second);
    seed.awaitReady(Duration.ofMinutes(3));
    second.awaitReady(Duration.ofMinutes(3));
    List<CassandraNode> nodes = List.of(seed, second);

    step("loading sample data: shop.orders (2,000 rows), shop.customers (500 rows), RF 2");
    CqlSession cql = CqlSessions.open(seed);
    started.push(cql);
    awaitPeers(cql, 2);
    load(cql);
    Map<String, String> original = contents(cql);
    original.forEach((t, c) -> out.println("  shop." + t + ": " + c));

    step("starting a Kassette sidecar beside each node (HTTPS, bearer token)");
    int sidecarPort = CassandraNode.freePort();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    Path tokenFile = Files.writeString(work.resolve("sidecar-token"), token);
    // HTTPS as the chart sets it up: a CA the operator trusts, a certificate naming the sidecar.
    SidecarCertificates tls =
        SidecarCertificates.issue(work.resolve("sidecar-tls"), SidecarCertificates.serverName(NS));
    for (CassandraNode n : nodes) {
      started.push(
          AgentServer.start(
              AgentOptions.embedded(
                      new InetSocketAddress(n.ip(), sidecarPort),
                      tokenFile,
                      work.resolve("agent-" + n.ip()),
                      StorageOptions.fromEnvironment(System.getenv()),
                      io.kassette.agent.AllowedLocations.of(location))
                  .withTls(tls.certificate(), tls.key()),
              JmxNodeConnector.of(
                  n.jmxAddress(),
                  n.cqlAddress(),
                  new BulkLoader(
                      CassandraNode.cassandraLib(),
                      HostPort.parse(n.cqlAddress(), 9042),
                      n.storagePort()))));
    }

    step("kubectl apply -f crds/; the namespace, the token Secret and the two pods");
    for (String crd : List.of("cassandrabackups", "backupschedules", "cassandrarestores")) {
      try (InputStream in =
          Files.newInputStream(root.resolve("crds").resolve(crd + ".kassette.io-v1.yml"))) {
        kubernetes
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(Serialization.unmarshal(in, CustomResourceDefinition.class))
            .forceConflicts()
            .serverSideApply();
      }
      kubernetes
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd + ".kassette.io")
          .waitUntilCondition(DemoCluster::established, 1, TimeUnit.MINUTES);
    }
    DemoCluster cluster = new DemoCluster(kubernetes, NS, out);
    cluster.removeLeftovers();
    kubernetes
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    kubernetes
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("kassette-sidecar")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(Map.of("token", token))
                .build())
        .createOr(NonDeletingOperation::update);
    for (int i = 0; i < nodes.size(); i++) {
      LocalPods.running(
          kubernetes, NS, "cassandra-" + i, nodes.get(i).ip(), Map.of("app", "cassandra"));
    }

    step("starting the operator");
    started.push(
        KassetteOperator.start(
            kubernetes,
            new HttpSidecarConnector(kubernetes, Duration.ofSeconds(30), tls.ca()),
            new KassetteOperator.Settings(
                Set.of(NS), Duration.ofSeconds(1), Duration.ofSeconds(2), -1)));
    // Runs before the operator stops: its finalizers still have an operator to release them.
    started.push(cluster::removeAll);

    step("kubectl apply -f examples/demo/backup.yaml");
    CassandraBackup backup = read("backup.yaml", CassandraBackup.class);
    backup.getSpec().setLocation(location);
    backup.getSpec().getCluster().getSidecar().setPort(sidecarPort);
    kubernetes.resource(backup).create();
    CassandraBackup done =
        watch(
            kubernetes,
            CassandraBackup.class,
            backup.getMetadata().getName(),
            List.of("PHASE", "PROGRESS", "SIZE", "NODES"),
            b ->
                b.getStatus() == null
                    ? List.of("", "", "", "")
                    : List.of(
                        str(b.getStatus().getPhase()),
                        str(b.getStatus().getProgressPercent()),
                        str(b.getStatus().getSize()),
                        str(b.getStatus().getNodesReady())),
            b ->
                b.getStatus() != null
                    && b.getStatus().getPhase() != null
                    && b.getStatus().getPhase().finished());
    if (done.getStatus().getPhase() != BackupPhase.Succeeded) {
      out.println("the backup failed: " + Serialization.asYaml(done.getStatus()));
      return false;
    }

    step("changing the data: 300 orders deleted, 100 customers renamed, 50 new orders");
    change(cql);
    contents(cql).forEach((t, c) -> out.println("  shop." + t + ": " + c));

    step("kubectl apply -f examples/demo/restore.yaml");
    CassandraRestore restore = read("restore.yaml", CassandraRestore.class);
    restore.getSpec().getCluster().getSidecar().setPort(sidecarPort);
    kubernetes.resource(restore).create();
    CassandraRestore restored =
        watch(
            kubernetes,
            CassandraRestore.class,
            restore.getMetadata().getName(),
            List.of("PHASE", "MODE", "PROGRESS", "NODES"),
            r ->
                r.getStatus() == null
                    ? List.of("", "", "", "")
                    : List.of(
                        str(r.getStatus().getPhase()),
                        str(r.getStatus().getMode()),
                        str(r.getStatus().getProgressPercent()),
                        str(r.getStatus().getNodesReady())),
            r ->
                r.getStatus() != null
                    && (r.getStatus().getPhase() == RestorePhase.Succeeded
                        || r.getStatus().getPhase() == RestorePhase.Failed));
    if (restored.getStatus().getPhase() != RestorePhase.Succeeded) {
      out.println("the restore failed: " + Serialization.asYaml(restored.getStatus()));
      return false;
    }

    step("restored rows check");
    Map<String, String> now = contents(cql);
    boolean ok = true;
    for (String t : TABLES) {
      boolean same = original.get(t).equals(now.get(t));
      ok &= same;
      out.printf(
          "  shop.%-10s before the backup %s | after the restore %s | %s%n",
          t, original.get(t), now.get(t), same ? "EQUAL" : "DIFFERENT");
    }
    out.println(
        ok
            ? "restored rows check: OK — every row is back, exactly as backed up"
            : "restored rows check: FAILED");

    step("the bucket: " + location);
    try (ObjectStore store =
        ObjectStores.open(
            StorageLocation.parse(location), StorageOptions.fromEnvironment(System.getenv()))) {
      List<ObjectInfo> objects = store.list("kassette/v1/" + CLUSTER + "/backups/");
      objects.forEach(o -> out.println("  " + o.key() + "  (" + o.size() + " bytes)"));
      out.println(
          "  ... and "
              + store.list("kassette/v1/" + CLUSTER + "/nodes/").size()
              + " objects (pooled SSTables, dedup pointers) under kassette/v1/"
              + CLUSTER
              + "/nodes/");
    }
    if (location.startsWith("file://")) {
      out.println(
          "  look: java -jar sidecar/target/kassette-sidecar.jar list --location "
              + location
              + " --cluster "
              + CLUSTER);
    }
    return ok;
  }

  /** Stops whatever was started, newest first; safe to call twice (Ctrl-C during a run). */
  synchronized void stop() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        out.println("(while stopping: " + e + ")");
      }
    }
  }

  // ---- Kubernetes --------------------------------------------------------------------------

  private KubernetesClient kubernetes() {
    String kubeconfig = System.getenv("DEMO_KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      step("using the Kubernetes API of " + kubeconfig + " (its current context)");
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(null, readString(Path.of(kubeconfig)), kubeconfig))
              .build();
      started.push(client);
      return client;
    }
    step(
        "starting a real Kubernetes API server on 127.0.0.1 (etcd, kube-apiserver,"
            + " kube-controller-manager; DEMO_KUBECONFIG=... to use another cluster)");
    try {
      KubeControlPlane plane = KubeControlPlane.start(work.resolve("kube"));
      started.push(plane);
      out.println("  API server " + plane.server() + ", kubeconfig " + plane.adminKubeconfig());
      return plane.admin();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private <T extends HasMetadata> T read(String file, Class<T> type) throws Exception {
    return Serialization.unmarshal(
        Files.readString(root.resolve("examples/demo").resolve(file)), type);
  }

  /** Prints a row as {@code kubectl get -w} does, each time it changes, until {@code done}. */
  private <T extends HasMetadata> T watch(
      KubernetesClient kubernetes,
      Class<T> type,
      String name,
      List<String> columns,
      Function<T, List<String>> row,
      java.util.function.Predicate<T> done)
      throws InterruptedException {
    String format = "  %-14s" + " %-16s".repeat(columns.size()) + " %s%n";
    List<Object> header = new ArrayList<>(List.of("NAME"));
    header.addAll(columns);
    header.add("AGE");
    out.printf(format, header.toArray());
    Instant start = Instant.now();
    List<String> last = null;
    Instant deadline = start.plus(Duration.ofMinutes(10));
    while (Instant.now().isBefore(deadline)) {
      T r = kubernetes.resources(type).inNamespace(NS).withName(name).get();
      if (r != null) {
        List<String> cells = row.apply(r);
        if (!cells.equals(last)) {
          List<Object> line = new ArrayList<>(List.of(name));
          line.addAll(cells);
          line.add(Duration.between(start, Instant.now()).toSeconds() + "s");
          out.printf(format, line.toArray());
          last = cells;
        }
        if (done.test(r)) {
          return r;
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(name + " did not finish in 10 minutes");
  }

  // ---- Cassandra ---------------------------------------------------------------------------

  private CassandraNode node(String dir, String ip, int storagePort, int cqlPort, int ringDelay) {
    return CassandraNode.builder(work.resolve(dir))
        .ip(ip)
        .clusterName(CLUSTER)
        .datacenter("dc1")
        .storagePort(storagePort)
        .cqlPort(cqlPort)
        .seeds("127.0.0.1")
        .ringDelayMillis(ringDelay)
        .build();
  }

  private static void awaitPeers(CqlSession cql, int nodes) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (cql.getMetadata().getNodes().size() < nodes && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
  }

  private static void load(CqlSession cql) {
    cql.execute(
        "CREATE KEYSPACE shop WITH replication = {'class':'NetworkTopologyStrategy','dc1':2}");
    cql.execute("CREATE TABLE shop.customers (id int PRIMARY KEY, name text, email text)");
    cql.execute(
        "CREATE TABLE shop.orders (id int PRIMARY KEY, customer int, total decimal, note blob)");
    PreparedStatement customers =
        cql.prepare("INSERT INTO shop.customers (id, name, email) VALUES (?, ?, ?)");
    for (int i = 0; i < 500; i++) {
      cql.execute(
          customers
              .bind(i, "customer " + i, "c" + i + "@example.com")
              .setConsistencyLevel(DefaultConsistencyLevel.ALL));
    }
    PreparedStatement orders =
        cql.prepare("INSERT INTO shop.orders (id, customer, total, note) VALUES (?, ?, ?, ?)");
    Random r = new Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] note = new byte[512];
      r.nextBytes(note);
      cql.execute(
          orders
              .bind(
                  i,
                  i % 500,
                  new java.math.BigDecimal(r.nextInt(100_000)).movePointLeft(2),
                  ByteBuffer.wrap(note))
              .setConsistencyLevel(DefaultConsistencyLevel.ALL));
    }
  }

  private static void change(CqlSession cql) {
    for (int i = 0; i < 300; i++) {
      all(cql, SimpleStatement.newInstance("DELETE FROM shop.orders WHERE id = ?", i));
    }
    for (int i = 0; i < 100; i++) {
      all(
          cql,
          SimpleStatement.newInstance(
              "UPDATE shop.customers SET name = ? WHERE id = ?", "renamed " + i, i));
    }
    for (int i = 0; i < 50; i++) {
      all(
          cql,
          SimpleStatement.newInstance(
              "INSERT INTO shop.orders (id, customer, total) VALUES (?, 0, 1.00)", 10_000 + i));
    }
  }

  private static void all(CqlSession cql, SimpleStatement s) {
    cql.execute(s.setConsistencyLevel(DefaultConsistencyLevel.ALL));
  }

  /** Per table: row count and a SHA-256 over every row, read at consistency ALL. */
  static Map<String, String> contents(CqlSession cql) throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    for (String t : TABLES) {
      List<String> rows = new ArrayList<>();
      for (Row row :
          cql.execute(
              SimpleStatement.newInstance("SELECT * FROM shop." + t)
                  .setConsistencyLevel(DefaultConsistencyLevel.ALL))) {
        rows.add(row.getFormattedContents());
      }
      rows.sort(null);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      rows.forEach(x -> sha.update(x.getBytes(StandardCharsets.UTF_8)));
      result.put(
          t,
          rows.size() + " rows, sha256 " + HexFormat.of().formatHex(sha.digest()).substring(0, 16));
    }
    return result;
  }

  // ---- Small things ------------------------------------------------------------------------

  private void step(String what) {
    out.println();
    out.println("==> " + what);
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "DEMO_KUBECONFIG " + p + " cannot be read: " + e.getMessage());
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
