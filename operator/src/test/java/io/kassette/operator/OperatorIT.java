package io.kassette.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kassette.agent.AgentOptions;
import io.kassette.agent.AgentServer;
import io.kassette.agent.JmxNodeConnector;
import io.kassette.agent.NodeConnector;
import io.kassette.api.HttpSidecarClient;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarClient;
import io.kassette.backup.BackupCatalog;
import io.kassette.backup.ClusterManifest;
import io.kassette.backup.NodeManifest;
import io.kassette.node.HostPort;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.DeletionPolicy;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.PurgeState;
import io.kassette.operator.api.RestorePhase;
import io.kassette.operator.api.RetentionPolicy;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import io.kassette.operator.backup.CassandraBackupReconciler;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.operator.chart.ChartRbac;
import io.kassette.operator.chart.KassetteChart;
import io.kassette.restore.BulkLoader;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.KubeControlPlane;
import io.kassette.testkit.KubeNamespaces;
import io.kassette.testkit.LocalPods;
import io.kassette.testkit.LocalS3Server;
import io.kassette.testkit.SidecarCertificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator end to end: a REAL kube-apiserver (RBAC, CRD schemas and CEL, server-side apply),
 * the Helm chart installed into it by helm, the operator in-process authenticated as the chart's
 * ServiceAccount (a permission the chart lacks is a real 403), REAL sidecar agents in-process (each
 * bound to its node's pod IP), TWO REAL Cassandra nodes in two datacenters of one cluster, and the
 * local S3 server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorIT {
  static final String NS = "db";
  static final String CLUSTER = "op-it";
  static final String TOKEN = "operator-it-token-0123456789abcdef";

  /** The buckets this class's sidecars may touch (the agent refuses any other with 403). */
  static final io.kassette.agent.AllowedLocations ALLOWED =
      io.kassette.agent.AllowedLocations.of(
          "s3://main", "s3://dc1", "s3://dc2", "s3://no-such-bucket");

  @TempDir static Path tmp;
  static CassandraNode node1;
  static CassandraNode node2;
  static CassandraNode target;
  static LocalS3Server s3;
  static KubeControlPlane kube;
  static ChartInstall chart;
  static KubernetesClient kubernetes;
  static KubernetesClient operatorClient;
  static final TestClock clock = new TestClock();
  static List<AgentServer> agents = new ArrayList<>();
  static int sidecarPort;
  static SidecarCertificates tls;
  static KassetteOperator operator;

  /** Everything this JVM prints (the operator's and the sidecars' logs), for the secrets check. */
  static final java.io.ByteArrayOutputStream LOGS = new java.io.ByteArrayOutputStream();

  static final java.io.PrintStream OUT = System.out;
  static final java.io.PrintStream ERR = System.err;

  static java.io.PrintStream tee(java.io.PrintStream to) {
    return new java.io.PrintStream(
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            to.write(b);
            synchronized (LOGS) {
              LOGS.write(b);
            }
          }

          @Override
          public void write(byte[] b, int off, int len) {
            to.write(b, off, len);
            synchronized (LOGS) {
              LOGS.write(b, off, len);
            }
          }
        },
        true,
        java.nio.charset.StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void start() throws Exception {
    System.setOut(tee(System.out));
    System.setErr(tee(System.err));
    s3 = LocalS3Server.inMemory().createBucket("main").createBucket("dc1").createBucket("dc2");
    int storage = CassandraNode.freePort();
    int cql = CassandraNode.freePort();
    node1 =
        CassandraNode.builder(tmp.resolve("n1"))
            .ip("127.0.0.1")
            .clusterName(CLUSTER)
            .datacenter("dc1")
            .storagePort(storage)
            .cqlPort(cql)
            .seeds("127.0.0.1")
            .build()
            .launch();
    node1.awaitStoragePort(Duration.ofMinutes(2));
    node2 =
        CassandraNode.builder(tmp.resolve("n2"))
            .ip("127.0.0.2")
            .clusterName(CLUSTER)
            .datacenter("dc2")
            .storagePort(storage)
            .cqlPort(cql)
            .seeds("127.0.0.1")
            .ringDelayMillis(3000)
            .build()
            .launch();
    target =
        CassandraNode.builder(tmp.resolve("t1"))
            .ip("127.0.0.3")
            .clusterName("op-target")
            .datacenter("dc1")
            .seeds("127.0.0.3")
            .build()
            .launch();
    node1.awaitReady(Duration.ofMinutes(3));
    node2.awaitReady(Duration.ofMinutes(3));
    target.awaitReady(Duration.ofMinutes(3));
    try (CqlSession session = CqlSessions.open(node1)) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (session.getMetadata().getNodes().size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      session.execute(
          "CREATE KEYSPACE app WITH replication ="
              + " {'class':'NetworkTopologyStrategy','dc1':1,'dc2':1}");
      session.execute(
          "CREATE TABLE app.events (id int PRIMARY KEY, v blob) WITH compaction ="
              + " {'class':'SizeTieredCompactionStrategy','enabled':'false'}");
      session.execute("CREATE TABLE app.users (id int PRIMARY KEY, name text)");
      PreparedStatement users = session.prepare("INSERT INTO app.users (id, name) VALUES (?, ?)");
      for (int i = 0; i < 200; i++) {
        session.execute(
            users
                .bind(i, "user-" + i)
                .setConsistencyLevel(com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ALL));
      }
      PreparedStatement ps = session.prepare("INSERT INTO app.events (id, v) VALUES (?, ?)");
      Random r = new Random(7);
      Semaphore inFlight = new Semaphore(64);
      for (int round = 0; round < 3; round++) {
        for (int i = round * 500; i < (round + 1) * 500; i++) {
          byte[] b = new byte[4096];
          r.nextBytes(b);
          inFlight.acquire();
          session
              .executeAsync(
                  ps.bind(i, ByteBuffer.wrap(b))
                      .setConsistencyLevel(
                          com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ALL))
              .whenComplete((x, e) -> inFlight.release());
        }
        inFlight.acquire(64);
        inFlight.release(64);
        flush(node1);
        flush(node2);
      }
    }

    kube = KubeControlPlane.shared();
    kubernetes = kube.admin();
    kube.ensureNamespace(NS);
    // The chart issues the sidecars' certificates in the database namespace and its CA for the
    // operator: the agents serve those, and the operator trusts what its Deployment mounts.
    chart =
        ChartInstall.install(
            kube,
            "kassette",
            KassetteChart.NAMESPACE,
            Map.of("databaseNamespaces", "{" + NS + "}"));
    operatorClient = chart.operatorClient();
    tls = chart.sidecarCertificates(NS, tmp.resolve("tls"));
    sidecarPort = CassandraNode.freePort();
    Path token = Files.writeString(tmp.resolve("token"), TOKEN);
    for (CassandraNode node : List.of(node1, node2, target)) {
      agents.add(
          AgentServer.start(
              AgentOptions.embedded(
                      new InetSocketAddress(node.ip(), sidecarPort),
                      token,
                      tmp.resolve("agent-" + node.ip()),
                      s3Options(),
                      ALLOWED)
                  .withTls(tls.certificate(), tls.key()),
              connector(node)));
    }
    kubernetes
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("kassette-sidecar")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(Map.of("token", TOKEN))
                .build())
        .create();
    pod("cass-0", "127.0.0.1", Map.of("app", "cassandra", "member", "yes"));
    pod("cass-1", "127.0.0.2", Map.of("app", "cassandra", "member", "yes"));
    pod("target-0", "127.0.0.3", Map.of("cluster", "target"));
    operator = startOperator();
  }

  @AfterAll
  static void stop() throws Exception {
    System.setOut(OUT);
    System.setErr(ERR);
    if (operator != null) {
      // Other test classes share this API server: leave the namespace gone, its finalizers
      // released by the operator while it still runs.
      KubeNamespaces.deleteReleasing(
          kubernetes,
          NS,
          List.of(CassandraRestore.class, BackupSchedule.class, CassandraBackup.class),
          Duration.ofMinutes(1),
          m -> {});
      operator.close();
    }
    agents.forEach(AgentServer::close);
    if (chart != null) {
      chart.close();
    }

    for (CassandraNode n : new CassandraNode[] {node1, node2, target}) {
      if (n != null) {
        n.close();
      }
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static KassetteOperator startOperator() throws Exception {
    return KassetteOperator.start(
        operatorClient,
        new HttpSidecarConnector(operatorClient, Duration.ofSeconds(60), tls.ca()),
        new KassetteOperator.Settings(Set.of(), Duration.ofMillis(300), Duration.ofMillis(200), -1)
            .withClock(clock, Duration.ofMillis(300))
            .withLeaderElection(KassetteChart.NAMESPACE));
  }

  static NodeConnector connector(CassandraNode node) {
    return JmxNodeConnector.of(
        node.jmxAddress(),
        node.cqlAddress(),
        new BulkLoader(
            CassandraNode.cassandraLib(),
            HostPort.parse(node.cqlAddress(), 9042),
            node.storagePort()));
  }

  static void pod(String name, String ip, Map<String, String> labels) {
    LocalPods.running(kubernetes, NS, name, ip, labels);
  }

  static void deletePod(String name) {
    LocalPods.delete(kubernetes, NS, name);
  }

  static void flush(CassandraNode node) throws Exception {
    node.flush("app", "events");
  }

  /** The cluster as the resources name it: selector, sidecar port and token Secret. */
  static ClusterRef cluster(String name, Map<String, String> selector) {
    SecretKeyRef token = new SecretKeyRef();
    token.setName("kassette-sidecar");
    SidecarRef sidecar = new SidecarRef();
    sidecar.setPort(sidecarPort);
    sidecar.setTokenSecret(token);
    ClusterRef cluster = new ClusterRef();
    cluster.setName(name);
    cluster.setPodSelector(selector);
    cluster.setSidecar(sidecar);
    return cluster;
  }

  static CassandraBackup backup(String name, String location, Map<String, String> selector) {
    CassandraBackup b = new CassandraBackup();
    b.getMetadata().setName(name);
    b.getMetadata().setNamespace(NS);
    CassandraBackupSpec spec = new CassandraBackupSpec();
    spec.setCluster(cluster(CLUSTER, selector));
    spec.setKeyspaces("app");
    spec.setLocation(location);
    b.setSpec(spec);
    return b;
  }

  static CassandraBackup backup(String name, String location) {
    return backup(name, location, Map.of("member", "yes"));
  }

  static CassandraBackup apply(CassandraBackup b) {
    return kubernetes.resource(b).create();
  }

  static CassandraBackup get(String name) {
    return kubernetes.resources(CassandraBackup.class).inNamespace(NS).withName(name).get();
  }

  static CassandraBackup awaitPhase(String name, BackupPhase phase) {
    return await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> get(name),
            b -> {
              if (b.getStatus() == null || b.getStatus().getPhase() == null) {
                return false;
              }
              if (b.getStatus().getPhase() == BackupPhase.Failed && phase != BackupPhase.Failed) {
                throw new AssertionError(
                    "backup " + name + " failed: " + Serialization.asYaml(b.getStatus()));
              }
              return b.getStatus().getPhase() == phase;
            });
  }

  static StorageOptions s3Options() {
    return StorageOptions.defaults()
        .withS3(s3.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY);
  }

  static ObjectStore store(String location) {
    try {
      return ObjectStores.open(StorageLocation.parse(location), s3Options());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Long> objects(String location) throws Exception {
    try (ObjectStore store = store(location)) {
      Map<String, Long> all = new TreeMap<>();
      for (ObjectInfo o : store.list("")) {
        all.put(o.key(), o.size());
      }
      return all;
    }
  }

  static List<String> snapshots(String tag) throws Exception {
    List<String> found = new ArrayList<>();
    for (CassandraNode n : List.of(node1, node2)) {
      try (Stream<Path> walk = Files.walk(n.dataDir(), 4)) {
        walk.filter(
                p ->
                    p.getParent() != null
                        && p.getParent().getFileName().toString().equals("snapshots")
                        && p.getFileName().toString().equals(tag))
            .forEach(p -> found.add(p.toString()));
      }
    }
    return found;
  }

  static List<String> eventReasons(String name) {
    return kubernetes.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  /** A sidecar as the operator reaches it: HTTPS, the chart's CA and the sidecar's name. */
  static SidecarClient sidecar(String ip) {
    try {
      return HttpSidecarClient.builder(URI.create("https://" + ip + ":" + sidecarPort), () -> TOKEN)
          .sslContext(
              io.kassette.api.PemFiles.trusting(
                  Files.readAllBytes(tls.ca()), "ca.crt", SidecarCertificates.serverName(NS)))
          .build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String cli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(System.getProperty("kassette.sidecar.jar"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("AWS_ACCESS_KEY_ID", LocalS3Server.ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", LocalS3Server.SECRET_KEY);
    pb.environment().put("AWS_REGION", "us-east-1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void anAppliedBackupSucceedsWithEveryNodeInItsStatusAndTotalsEqualToTheManifests()
      throws Exception {
    String location = "s3://main/whole";
    apply(backup("whole", location));
    CassandraBackup done = awaitPhase("whole", BackupPhase.Succeeded);
    var status = done.getStatus();
    assertThat(status.getNodes())
        .hasSize(2)
        .allSatisfy(
            n -> {
              assertThat(n.getState()).isEqualTo(NodeBackupState.Uploaded);
              assertThat(n.getHostId()).isNotBlank();
              assertThat(n.getBytesTotal()).isPositive();
            });
    assertThat(status.getNodes())
        .extracting(NodeBackupStatus::getDatacenter)
        .containsExactly("dc1", "dc2");
    assertThat(status.getNodesReady()).isEqualTo("2/2");
    assertThat(status.getProgressPercent()).isEqualTo(100);
    assertThat(status.getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());
    assertThat(status.getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });

    try (ObjectStore store = store(location)) {
      BackupCatalog catalog = new BackupCatalog(store, CLUSTER);
      ClusterManifest manifest = catalog.clusterManifest("whole");
      assertThat(manifest).as("the cluster manifest is written").isNotNull();
      assertThat(manifest.nodes()).hasSize(2);
      long files = 0;
      long bytes = 0;
      long uploaded = 0;
      for (NodeManifest m : catalog.nodeManifests("whole")) {
        files += m.totals().files();
        bytes += m.totals().bytes();
        uploaded += m.totals().uploadedBytes();
      }
      assertThat(status.getTotals().getFiles()).isEqualTo(files);
      assertThat(status.getTotals().getBytes()).isEqualTo(bytes).isEqualTo(manifest.bytes());
      assertThat(status.getTotals().getUploadedBytes()).isEqualTo(uploaded);
    }
    assertThat(status.getManifests())
        .containsExactly(CassandraBackupReconciler.manifestUri(location, CLUSTER, "whole"));
    String listed =
        cli(
            "list",
            "--location",
            location,
            "--cluster",
            CLUSTER,
            "--s3-endpoint",
            s3.endpoint().toString());
    assertThat(listed).contains("whole").contains("complete");
    assertThat(snapshots("kassette-whole")).as("snapshots cleared on both nodes").isEmpty();
    assertThat(eventReasons("whole")).contains("Started", "Snapshotted", "Committed", "Succeeded");
  }

  @Test
  void perDatacenterLocationsKeepEachDatacentersFilesInItsOwnLocation() throws Exception {
    CassandraBackup b = backup("per-dc", null);
    b.getSpec()
        .setDatacenterLocations(Map.of("dc1", "s3://dc1/kassette", "dc2", "s3://dc2/kassette"));
    apply(b);
    CassandraBackup done = awaitPhase("per-dc", BackupPhase.Succeeded);
    Map<String, String> hostByDc = new TreeMap<>();
    done.getStatus().getNodes().forEach(n -> hostByDc.put(n.getDatacenter(), n.getHostId()));
    for (String dc : List.of("dc1", "dc2")) {
      String other = dc.equals("dc1") ? "dc2" : "dc1";
      Map<String, Long> objects = objects("s3://" + dc + "/kassette");
      assertThat(objects.keySet())
          .anyMatch(k -> k.contains("/nodes/" + hostByDc.get(dc) + "/sstables/"))
          .noneMatch(k -> k.contains(hostByDc.get(other)));
      try (ObjectStore store = store("s3://" + dc + "/kassette")) {
        ClusterManifest m = new BackupCatalog(store, CLUSTER).clusterManifest("per-dc");
        assertThat(m.nodes())
            .extracting(ClusterManifest.NodeRef::hostId)
            .containsExactly(hostByDc.get(dc));
      }
    }
    assertThat(done.getStatus().getManifests()).hasSize(2);
  }

  @Test
  void suspendPausesMidUploadAndResumingCompletesWithoutUploadingAgain() throws Exception {
    String location = "s3://main/suspend";
    CassandraBackup b = backup("suspended", location);
    b.getSpec().setRateLimitMiBps(1.0);
    b.getSpec().setFilesParallel(1);
    apply(b);
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> get("suspended"),
            x ->
                x.getStatus() != null
                    && x.getStatus().getPhase() == BackupPhase.Uploading
                    && x.getStatus().getTotals() != null
                    && x.getStatus().getTotals().getUploadedBytes() > (1 << 20)
                    // a file stored, not only bytes on their way: what the pause must keep
                    && x.getStatus().getNodes().stream()
                        .anyMatch(n -> n.getFilesDone() != null && n.getFilesDone() > 0));
    kubernetes
        .resources(CassandraBackup.class)
        .inNamespace(NS)
        .withName("suspended")
        .edit(
            x -> {
              x.getSpec().setSuspend(true);
              return x;
            });
    CassandraBackup paused = awaitPhase("suspended", BackupPhase.Paused);
    assertThat(paused.getStatus().getNodes())
        .allSatisfy(
            n -> assertThat(n.getState()).isIn(NodeBackupState.Paused, NodeBackupState.Uploaded));
    Map<String, Long> atPause = objects(location);
    Thread.sleep(2000);
    assertThat(objects(location)).as("no byte moves while suspended").isEqualTo(atPause);
    long storedAtPause =
        atPause.entrySet().stream()
            .filter(e -> e.getKey().contains("/sstables/"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertThat(storedAtPause).isPositive();

    kubernetes
        .resources(CassandraBackup.class)
        .inNamespace(NS)
        .withName("suspended")
        .edit(
            x -> {
              x.getSpec().setSuspend(false);
              x.getSpec().setRateLimitMiBps(0.0);
              return x;
            });
    CassandraBackup done = awaitPhase("suspended", BackupPhase.Succeeded);
    assertThat(done.getStatus().getTotals().getSkippedBytes())
        .as("what was stored before the pause is not uploaded again")
        .isEqualTo(storedAtPause);
    assertThat(eventReasons("suspended")).contains("Paused", "Resumed");
    assertThat(snapshots("kassette-suspended")).isEmpty();
  }

  @Test
  void aRestartedOperatorCompletesTheSameBackupWithoutASecondSnapshot() throws Exception {
    String location = "s3://main/restart";
    CassandraBackup b = backup("restarted", location);
    b.getSpec().setRateLimitMiBps(1.0);
    b.getSpec().setFilesParallel(1);
    CassandraBackup applied = apply(b);
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> get("restarted"),
            x ->
                x.getStatus() != null
                    && x.getStatus().getPhase() == BackupPhase.Uploading
                    && x.getStatus().getTotals() != null
                    && x.getStatus().getTotals().getUploadedBytes() > 0);
    operator.close();
    String snapshotOp = CassandraBackupReconciler.operationName(applied, "snapshot");
    String uploadOp = CassandraBackupReconciler.operationName(applied, "upload");
    Map<String, String> uploadIds = new TreeMap<>();
    for (String ip : List.of("127.0.0.1", "127.0.0.2")) {
      uploadIds.put(ip, sidecar(ip).get(OperationKind.BACKUP, uploadOp).id());
    }
    operator = startOperator();
    awaitPhase("restarted", BackupPhase.Succeeded);
    for (String ip : List.of("127.0.0.1", "127.0.0.2")) {
      SidecarClient c = sidecar(ip);
      Operation snap = c.get(OperationKind.BACKUP, snapshotOp);
      assertThat(snap.attempts()).as("one snapshot on " + ip).isEqualTo(1);
      Operation upload = c.get(OperationKind.BACKUP, uploadOp);
      assertThat(upload.id()).as("the same upload continued on " + ip).isEqualTo(uploadIds.get(ip));
      assertThat(c.operations()).filteredOn(o -> o.name().startsWith("restarted-")).hasSize(2);
    }
  }

  @Test
  void anInvalidSpecIsRefusedByTheServerAndWhatNoSchemaSeesFailsNamingTheField() throws Exception {
    CassandraBackup badLocation = backup("bad-location", "ftp://somewhere/backups");
    assertThatThrownBy(() -> apply(badLocation))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.location");
    // Only the nodes know their datacenters: a location for dc1 alone leaves dc2's node without.
    CassandraBackup noDc2 = backup("no-dc2-location", null);
    noDc2.getSpec().setDatacenterLocations(Map.of("dc1", "s3://dc1/kassette"));
    apply(noDc2);
    CassandraBackup failed = awaitPhase("no-dc2-location", BackupPhase.Failed);
    assertThat(failed.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Failed");
              assertThat(c.getReason()).isEqualTo("NoLocation");
              assertThat(c.getMessage()).contains("dc2").contains("spec.datacenterLocations");
            });
    assertThat(eventReasons("no-dc2-location")).contains("Failed");
    apply(backup("after-bad", "s3://main/after-bad"));
    awaitPhase("after-bad", BackupPhase.Succeeded);
  }

  @Test
  void aGitOpsOwnerServerSideAppliesTheSpecWhileTheBackupRunsAndNothingConflicts()
      throws Exception {
    CassandraBackup b = backup("gitops", "s3://main/gitops");
    b.getSpec().setRateLimitMiBps(1.0);
    b.getSpec().setFilesParallel(1);
    String applyArgs = "apply --server-side --field-manager=gitops -f -";
    kube.kubectlWithInput(Serialization.asYaml(b), applyArgs.split(" "));
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> get("gitops"),
            x ->
                x.getStatus() != null
                    && x.getStatus().getPhase() == BackupPhase.Uploading
                    && x.getStatus().getTotals() != null
                    && x.getStatus().getTotals().getUploadedBytes() > 0);
    // The owner changes its manifest while the operator patches status every poll.
    b.getSpec().setRateLimitMiBps(0.0);
    b.getSpec().setBackoffLimit(5);
    String out = kube.kubectlWithInput(Serialization.asYaml(b), applyArgs.split(" "));
    assertThat(out).contains("serverside-applied");
    CassandraBackup done = awaitPhase("gitops", BackupPhase.Succeeded);
    assertThat(done.getSpec().getBackoffLimit()).isEqualTo(5);
    assertThat(chart.refusedRequests())
        .as("no request of the operator was refused or conflicted")
        .noneMatch(r -> r.contains("/cassandrabackups/gitops"));
    var managers = new java.util.TreeMap<String, String>();
    done.getMetadata()
        .getManagedFields()
        .forEach(
            m ->
                managers.put(
                    m.getManager() + (m.getSubresource() == null ? "" : "/" + m.getSubresource()),
                    m.getOperation()));
    assertThat(managers)
        .as("the spec is the owner's, the status and the finalizer the operator's")
        .containsEntry("gitops", "Apply")
        .containsEntry("cassandrabackup/status", "Apply");
    // A third apply by the owner after the run, without --force-conflicts, still goes through.
    b.getSpec().setSuspend(false);
    kube.kubectlWithInput(Serialization.asYaml(b), applyArgs.split(" "));
  }

  /** The pod of cass-1 as a kubelet reports it during a rolling restart, or back to Ready. */
  static void podReady(String name, String ip, boolean ready) {
    LocalPods.setStatus(
        kubernetes, kubernetes.pods().inNamespace(NS).withName(name).get(), ip, "Running", ready);
  }

  @Test
  void aBackupDuringARollingRestartNeverSucceedsWithoutTheRestartingNode() throws Exception {
    podReady("cass-1", "127.0.0.2", false);
    try {
      CassandraBackup b = backup("rolling", "s3://main/rolling");
      b.getSpec().setNodeReadyTimeoutSeconds(5);
      apply(b);
      CassandraBackup failed = awaitPhase("rolling", BackupPhase.Failed);
      assertThat(failed.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("Failed");
                assertThat(c.getReason()).isEqualTo("NodeNotReady");
                assertThat(c.getMessage()).contains("pod cass-1").contains("not Ready");
              });
      try (ObjectStore store = store("s3://main/rolling")) {
        assertThat(new BackupCatalog(store, CLUSTER).clusterManifest("rolling"))
            .as("nothing committed")
            .isNull();
      }
      assertThat(snapshots("kassette-rolling")).isEmpty();
    } finally {
      podReady("cass-1", "127.0.0.2", true);
    }
  }

  @Test
  void withAllowDownNodesTheBackupLeavesOutACoveredNodeAndARestorePlansAroundIt() throws Exception {
    String users = contents(node1, "users");
    podReady("cass-1", "127.0.0.2", false);
    CassandraBackup done;
    try {
      CassandraBackup b = backup("one-down", "s3://main/one-down");
      b.getSpec().setNodeReadyTimeoutSeconds(3);
      b.getSpec().setAllowDownNodes(true);
      apply(b);
      done = awaitPhase("one-down", BackupPhase.Succeeded);
    } finally {
      podReady("cass-1", "127.0.0.2", true);
    }
    String node2Host = sidecar("127.0.0.2").node().hostId();
    assertThat(done.getStatus().getMissingNodes())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getHostId()).isEqualTo(node2Host);
              assertThat(m.getPod()).isEqualTo("cass-1");
            });
    assertThat(done.getStatus().getNodes())
        .singleElement()
        .satisfies(n -> assertThat(n.getPod()).isEqualTo("cass-0"));
    try (ObjectStore store = store("s3://main/one-down")) {
      ClusterManifest m = new BackupCatalog(store, CLUSTER).clusterManifest("one-down");
      assertThat(m.nodes()).hasSize(1);
      assertThat(m.missingNodes())
          .singleElement()
          .satisfies(x -> assertThat(x.hostId()).isEqualTo(node2Host));
      assertThat(m.owner()).isEqualTo(done.getMetadata().getUid());
    }
    change();
    // Every range of app has a replica in each datacenter, so node1's files hold every row: the
    // restore streams them to both nodes instead of importing node by node.
    kubernetes.resource(restoreOf("around-the-gap", "one-down")).create();
    CassandraRestore restored = awaitRestore("around-the-gap", RestorePhase.Succeeded);
    assertThat(restored.getStatus().getMode()).isEqualTo("load");
    assertThat(contents(node1, "users")).isEqualTo(users);
    assertThat(contents(node2, "users")).isEqualTo(users);
  }

  @Test
  void aResourceRecreatedUnderTheNameOfACommittedBackupIsRefusedAndLeavesNoSnapshot()
      throws Exception {
    apply(backup("reborn", "s3://main/reborn"));
    awaitPhase("reborn", BackupPhase.Succeeded);
    kubernetes.resources(CassandraBackup.class).inNamespace(NS).withName("reborn").delete();
    await().atMost(Duration.ofMinutes(1)).until(() -> get("reborn") == null);
    apply(backup("reborn", "s3://main/reborn"));
    CassandraBackup refused = awaitPhase("reborn", BackupPhase.Failed);
    assertThat(refused.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Failed");
              assertThat(c.getMessage()).contains("committed by").contains("another name");
            });
    assertThat(snapshots("kassette-reborn")).as("no snapshot left behind").isEmpty();
  }

  @Test
  void deletingWithPolicyDeleteRemovesTheDataAndRetainKeepsIt() throws Exception {
    CassandraBackup keep = backup("kept", "s3://main/retain");
    keep.getSpec().setDeletionPolicy(DeletionPolicy.Retain);
    apply(keep);
    awaitPhase("kept", BackupPhase.Succeeded);
    CassandraBackup drop = backup("dropped", "s3://main/delete");
    drop.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
    apply(drop);
    awaitPhase("dropped", BackupPhase.Succeeded);
    Map<String, Long> retained = objects("s3://main/retain");
    assertThat(objects("s3://main/delete")).isNotEmpty();

    for (String name : List.of("kept", "dropped")) {
      kubernetes.resources(CassandraBackup.class).inNamespace(NS).withName(name).delete();
      await().atMost(Duration.ofMinutes(1)).until(() -> get(name) == null);
    }
    assertThat(objects("s3://main/retain")).isEqualTo(retained);
    assertThat(objects("s3://main/delete").keySet())
        .as("only the node's latest pointers may remain")
        .allMatch(k -> k.endsWith("/latest.json"));
    assertThat(eventReasons("dropped")).contains("DataDeleted");
  }

  // ---- CassandraRestore --------------------------------------------------------------------

  static CassandraRestore restore(String name, Map<String, String> selector, String clusterName) {
    CassandraRestore r = new CassandraRestore();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(NS);
    CassandraRestoreSpec spec = new CassandraRestoreSpec();
    spec.setCluster(cluster(clusterName, selector));
    r.setSpec(spec);
    return r;
  }

  static CassandraRestore restoreOf(String name, String backupRef) {
    CassandraRestore r = restore(name, Map.of("member", "yes"), CLUSTER);
    r.getSpec().setBackupRef(backupRef);
    return r;
  }

  static CassandraRestore awaitRestore(String name, RestorePhase phase) {
    return await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> kubernetes.resources(CassandraRestore.class).inNamespace(NS).withName(name).get(),
            r -> {
              if (r.getStatus() == null || r.getStatus().getPhase() == null) {
                return false;
              }
              if (r.getStatus().getPhase() == RestorePhase.Failed && phase != RestorePhase.Failed) {
                throw new AssertionError(
                    "restore " + name + " failed: " + Serialization.asYaml(r.getStatus()));
              }
              return r.getStatus().getPhase() == phase;
            });
  }

  /** Row count and hash of a table as one node sees it (its own replica: one per datacenter). */
  static String contents(CassandraNode node, String table) throws Exception {
    try (CqlSession session = CqlSessions.open(node)) {
      List<String> rows = new ArrayList<>();
      for (var row : session.execute("SELECT * FROM app." + table)) {
        rows.add(row.getFormattedContents());
      }
      rows.sort(null);
      return rows.size() + ":" + Integer.toHexString(rows.hashCode());
    }
  }

  static void change() {
    try (CqlSession session = CqlSessions.open(node1)) {
      var all = com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ALL;
      for (int i = 0; i < 40; i++) {
        session.execute(
            com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "DELETE FROM app.users WHERE id = ?", i)
                .setConsistencyLevel(all));
        session.execute(
            com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "DELETE FROM app.events WHERE id = ?", i)
                .setConsistencyLevel(all));
      }
      session.execute(
          com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                  "INSERT INTO app.users (id, name) VALUES (9999, 'not-in-the-backup')")
              .setConsistencyLevel(all));
    }
  }

  @Test
  void aRestoreWithTruncateBringsBackExactlyTheBackedUpRowsOnEveryNode() throws Exception {
    apply(backup("before-change", "s3://main/restore-all"));
    awaitPhase("before-change", BackupPhase.Succeeded);
    Map<String, String> expected = new TreeMap<>();
    for (CassandraNode n : List.of(node1, node2)) {
      for (String t : List.of("users", "events")) {
        expected.put(n.ip() + "/" + t, contents(n, t));
      }
    }
    change();
    assertThat(contents(node1, "users")).isNotEqualTo(expected.get("127.0.0.1/users"));
    long pid1 = node1.pid();

    kubernetes.resource(restoreOf("undo-change", "before-change")).create();
    CassandraRestore done = awaitRestore("undo-change", RestorePhase.Succeeded);
    assertThat(done.getStatus().getMode()).isEqualTo("import");
    assertThat(done.getStatus().getTruncated()).isTrue();
    assertThat(done.getStatus().getNodes())
        .hasSize(2)
        .allSatisfy(
            n -> {
              assertThat(n.getState()).isEqualTo("Imported");
              assertThat(n.getSources()).containsExactly(n.getHostId());
            });
    for (CassandraNode n : List.of(node1, node2)) {
      for (String t : List.of("users", "events")) {
        assertThat(contents(n, t)).as(n.ip() + " " + t).isEqualTo(expected.get(n.ip() + "/" + t));
      }
    }
    assertThat(node1.pid()).as("online: no node restarted").isEqualTo(pid1);
    assertThat(node1.isRunning()).isTrue();
  }

  @Test
  void restoringOneTableLeavesTheOtherUntouched() throws Exception {
    apply(backup("one-table-src", "s3://main/restore-one"));
    awaitPhase("one-table-src", BackupPhase.Succeeded);
    String users = contents(node1, "users");
    change();
    String changedEvents = contents(node1, "events");
    CassandraRestore r = restoreOf("users-only", "one-table-src");
    r.getSpec().setKeyspaces("app.users");
    kubernetes.resource(r).create();
    awaitRestore("users-only", RestorePhase.Succeeded);
    assertThat(contents(node1, "users")).isEqualTo(users);
    assertThat(contents(node1, "events")).as("events untouched").isEqualTo(changedEvents);
  }

  @Test
  void aDisasterRecoveryIntoAnotherClusterFromTheBucketAloneStreamsEveryRow() throws Exception {
    apply(backup("dr-src", "s3://main/dr"));
    awaitPhase("dr-src", BackupPhase.Succeeded);
    String users = contents(node1, "users");
    String events = contents(node1, "events");
    List<String> sourceHosts =
        get("dr-src").getStatus().getNodes().stream()
            .map(NodeBackupStatus::getHostId)
            .sorted()
            .toList();
    kubernetes.resources(CassandraBackup.class).inNamespace(NS).withName("dr-src").delete();
    await().atMost(Duration.ofMinutes(1)).until(() -> get("dr-src") == null);

    CassandraRestore r = restore("dr-into-target", Map.of("cluster", "target"), "op-target");
    r.getSpec().setBackup("dr-src");
    r.getSpec().setLocation("s3://main/dr");
    r.getSpec().setSourceCluster(CLUSTER);
    r.getSpec().setReplication(Map.of("app", "{'class':'NetworkTopologyStrategy','dc1':1}"));
    kubernetes.resource(r).create();
    CassandraRestore done = awaitRestore("dr-into-target", RestorePhase.Succeeded);
    assertThat(done.getStatus().getMode()).isEqualTo("load");
    assertThat(done.getStatus().getNodes())
        .singleElement()
        .satisfies(n -> assertThat(n.getSources()).containsExactlyElementsOf(sourceHosts));
    assertThat(contents(target, "users")).isEqualTo(users);
    assertThat(contents(target, "events")).isEqualTo(events);
  }

  @Test
  void anIncompleteOrFailedBackupFailsAtValidationAndNothingIsTruncated() throws Exception {
    String users = contents(node1, "users");
    CassandraRestore missing = restore("from-nothing", Map.of("member", "yes"), CLUSTER);
    missing.getSpec().setBackup("never-written");
    missing.getSpec().setLocation("s3://main/nothing");
    kubernetes.resource(missing).create();
    CassandraRestore failed = awaitRestore("from-nothing", RestorePhase.Failed);
    assertThat(failed.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Failed");
              assertThat(c.getReason()).isEqualTo("ValidationFailed");
              assertThat(c.getMessage()).contains("not complete").contains("nothing was changed");
            });
    assertThat(failed.getStatus().getTruncated()).isNull();

    // A bucket that does not exist: the sidecar's probe fails, and with no retry the backup too.
    CassandraBackup broken = backup("broken-src", "s3://no-such-bucket/x");
    broken.getSpec().setBackoffLimit(0);
    apply(broken);
    awaitPhase("broken-src", BackupPhase.Failed);
    kubernetes.resource(restoreOf("from-broken", "broken-src")).create();
    CassandraRestore refused = awaitRestore("from-broken", RestorePhase.Failed);
    assertThat(refused.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getMessage()).contains("broken-src is Failed"));
    assertThat(contents(node1, "users")).as("nothing truncated").isEqualTo(users);
  }

  @Test
  void aRestoreThatDoesNotFitOnDiskFailsBeforeAnyDownloadWithTheNumbers() throws Exception {
    apply(backup("disk-src", "s3://main/disk"));
    awaitPhase("disk-src", BackupPhase.Succeeded);
    String users = contents(node1, "users");
    // An agent in front of node1 that must keep 1 PiB free: no disk here has that.
    int port = CassandraNode.freePort();
    try (AgentServer crowded = crowdedAgent(node1, port);
        AgentServer crowded2 = crowdedAgent(node2, port)) {
      pod("crowded-0", "127.0.0.1", Map.of("cluster", "crowded"));
      pod("crowded-1", "127.0.0.2", Map.of("cluster", "crowded"));
      CassandraRestore r = restoreOf("too-big", "disk-src");
      r.getSpec().setCluster(cluster(CLUSTER, Map.of("cluster", "crowded")));
      r.getSpec().getCluster().getSidecar().setPort(port);
      kubernetes.resource(r).create();
      CassandraRestore failed = awaitRestore("too-big", RestorePhase.Failed);
      assertThat(failed.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getReason()).isEqualTo("ValidationFailed");
                assertThat(c.getMessage())
                    .contains("not enough disk")
                    .contains("usable")
                    .contains("nothing was downloaded");
              });
      assertThat(failed.getStatus().getTruncated()).isNull();
      assertThat(contents(node1, "users")).isEqualTo(users);
      try (Stream<Path> walk = Files.walk(node1.dataDir().getParent(), 2)) {
        assertThat(walk.map(Path::toString))
            .noneMatch(p -> p.contains("kassette-staging/disk-src"));
      }
    } finally {
      deletePod("crowded-0");
      deletePod("crowded-1");
    }
  }

  /** An agent in front of the node that must keep 1 PiB free: no disk here has that. */
  static AgentServer crowdedAgent(CassandraNode node, int port) throws Exception {
    return AgentServer.start(
        AgentOptions.embedded(
                new InetSocketAddress(node.ip(), port),
                tmp.resolve("token"),
                tmp.resolve("agent-crowded-" + node.ip()),
                s3Options(),
                ALLOWED)
            .withTls(tls.certificate(), tls.key())
            .withRestoreKeepFree(1L << 50),
        connector(node));
  }

  /** Waits until the restore downloads and some bytes have arrived. */
  static void awaitDownloading(String name) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> kubernetes.resources(CassandraRestore.class).inNamespace(NS).withName(name).get(),
            x ->
                x.getStatus() != null
                    && x.getStatus().getPhase() == RestorePhase.Downloading
                    && x.getStatus().getNodes().stream()
                        .anyMatch(n -> n.getBytesDone() != null && n.getBytesDone() > 0));
  }

  static void suspendRestore(String name, boolean suspend) {
    kubernetes
        .resources(CassandraRestore.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            x -> {
              x.getSpec().setSuspend(suspend);
              return x;
            });
  }

  @Test
  void aSuspendedRestoreStopsDownloadingTruncatesNothingAndResumes() throws Exception {
    apply(backup("pause-src", "s3://main/restore-pause"));
    awaitPhase("pause-src", BackupPhase.Succeeded);
    String users = contents(node1, "users");
    change();
    String changed = contents(node1, "users");
    CassandraRestore r = restoreOf("paused-restore", "pause-src");
    r.getSpec().setRateLimitMiBps(1.0);
    r.getSpec().setFilesParallel(1);
    kubernetes.resource(r).create();
    awaitDownloading("paused-restore");
    suspendRestore("paused-restore", true);
    CassandraRestore paused = awaitRestore("paused-restore", RestorePhase.Paused);
    String download = ClusterPods.operationName(paused, "download");
    Operation before = sidecar("127.0.0.1").get(OperationKind.RESTORE, download);
    assertThat(before.state()).isEqualTo(io.kassette.api.OperationState.PAUSED);
    Thread.sleep(2000);
    assertThat(sidecar("127.0.0.1").get(OperationKind.RESTORE, download).progress().bytesDone())
        .as("no byte moves while suspended")
        .isEqualTo(before.progress().bytesDone());
    assertThat(contents(node1, "users")).as("nothing truncated yet").isEqualTo(changed);
    suspendRestore("paused-restore", false);
    awaitRestore("paused-restore", RestorePhase.Succeeded);
    assertThat(contents(node1, "users")).isEqualTo(users);
  }

  @Test
  void aRestartedOperatorCompletesTheRestoreWithoutTruncatingTwice() throws Exception {
    apply(backup("slow-src", "s3://main/restore-restart"));
    awaitPhase("slow-src", BackupPhase.Succeeded);
    String users = contents(node2, "users");
    change();
    CassandraRestore r = restoreOf("slow-restore", "slow-src");
    r.getSpec().setRateLimitMiBps(1.0);
    r.getSpec().setFilesParallel(1);
    CassandraRestore created = kubernetes.resource(r).create();
    awaitDownloading("slow-restore");
    operator.close();
    operator = startOperator();
    CassandraRestore done = awaitRestore("slow-restore", RestorePhase.Succeeded);
    assertThat(done.getStatus().getTruncated()).isTrue();
    String truncate = ClusterPods.operationName(created, "truncate");
    Operation op = sidecar("127.0.0.1").get(OperationKind.RESTORE, truncate);
    assertThat(op.attempts()).as("truncated once").isEqualTo(1);
    assertThat(sidecar("127.0.0.2").operations()).noneMatch(o -> o.name().equals(truncate));
    assertThat(contents(node2, "users")).isEqualTo(users);
  }

  // ---- BackupSchedule ----------------------------------------------------------------------

  static BackupSchedule schedule(String name) {
    return kubernetes.resources(BackupSchedule.class).inNamespace(NS).withName(name).get();
  }

  /** Every object the backups need: their own files and the pooled SSTables they reference. */
  static Set<String> needed(String location, List<String> backups) throws Exception {
    Set<String> keys = new java.util.TreeSet<>();
    try (ObjectStore store = store(location)) {
      BackupCatalog catalog = new BackupCatalog(store, CLUSTER);
      io.kassette.backup.BucketLayout layout = new io.kassette.backup.BucketLayout(CLUSTER);
      for (String b : backups) {
        store.list(layout.backupPrefix(b)).forEach(o -> keys.add(o.key()));
        for (NodeManifest m : catalog.nodeManifests(b)) {
          keys.add(layout.latestPointer(m.node().hostId()));
          m.tables().forEach(t -> t.files().forEach(f -> keys.add(f.key())));
        }
      }
    }
    return keys;
  }

  @Test
  void aScheduleBacksUpOnTimeAndRetentionTrimsTheBucketAndTheBackupObjects() throws Exception {
    String location = "s3://main/scheduled";
    BackupSchedule s = new BackupSchedule();
    s.getMetadata().setName("hourly");
    s.getMetadata().setNamespace(NS);
    BackupScheduleSpec spec = new BackupScheduleSpec();
    spec.setSchedule("0 * * * *");
    spec.setTimeZone("UTC");
    RetentionPolicy retention = new RetentionPolicy();
    retention.setKeepLast(2);
    retention.setGrace("0s"); // the operator runs no backup of the cluster during a purge
    spec.setRetention(retention);
    spec.setBackupTemplate(backup("template", location).getSpec());
    s.setSpec(spec);
    kubernetes.resource(s).create();

    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      BackupSchedule before =
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () -> schedule("hourly"),
                  x -> x.getStatus() != null && x.getStatus().getNextScheduleTime() != null);
      java.time.Instant due = java.time.Instant.parse(before.getStatus().getNextScheduleTime());
      clock.set(due.plusSeconds(30)); // the hour has come
      String run = io.kassette.operator.schedule.BackupScheduleReconciler.runName(before, due);
      runs.add(run);
      awaitPhase(run, BackupPhase.Succeeded);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> schedule("hourly").getStatus().getRetention(),
              r -> r != null && run.equals(r.getAfter()) && r.getState() == PurgeState.Succeeded);
      // New rows and a major compaction: the next run shares no SSTable with this one.
      try (CqlSession session = CqlSessions.open(node1)) {
        for (int r = 0; r < 20; r++) {
          session.execute(
              com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                      "INSERT INTO app.users (id, name) VALUES (?, ?)", 5000 + i * 100 + r, "s" + i)
                  .setConsistencyLevel(
                      com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ALL));
        }
      }
      for (CassandraNode n : List.of(node1, node2)) {
        n.compact("app");
      }
    }

    BackupSchedule done = schedule("hourly");
    assertThat(done.getStatus().getLastSuccessfulBackup()).isEqualTo(runs.get(3));
    assertThat(done.getStatus().getRetention().getExpired()).containsExactly(runs.get(1));
    assertThat(done.getStatus().getRetention().getDeletedBackups()).containsExactly(runs.get(1));
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(
                        kubernetes
                            .resources(CassandraBackup.class)
                            .inNamespace(NS)
                            .withLabel(BackupSchedule.LABEL, "hourly")
                            .list()
                            .getItems())
                    .as("kubectl get matches the bucket")
                    .extracting(b -> b.getMetadata().getName())
                    .containsExactlyInAnyOrder(runs.get(2), runs.get(3)));
    assertThat(objects(location).keySet())
        .as("exactly the objects of the two newest runs remain")
        .isEqualTo(needed(location, List.of(runs.get(2), runs.get(3))));
    try (ObjectStore store = store(location)) {
      assertThat(new BackupCatalog(store, CLUSTER).list(true))
          .extracting(BackupCatalog.Listing::name)
          .containsExactlyInAnyOrder(runs.get(2), runs.get(3));
    }
    assertThat(eventReasons("hourly")).contains("Scheduled", "Purging", "Purged");
  }

  // ---- Secrets -----------------------------------------------------------------------------

  /**
   * After every backup, restore, schedule, failure and retry of this class: the sidecar token and
   * the S3 secret key appear in no log line (operator and sidecars), no status of any resource
   * (where error and exception messages land) and no Event.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void noSecretReachesALogAStatusOrAnEvent() {
    Map<String, String> places = new java.util.LinkedHashMap<>();
    synchronized (LOGS) {
      places.put("the logs", LOGS.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(places.get("the logs")).as("the logs were captured").contains("Succeeded");
    for (Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind :
        List.of(CassandraBackup.class, CassandraRestore.class, BackupSchedule.class)) {
      for (var r : kubernetes.resources(kind).inAnyNamespace().list().getItems()) {
        places.put(
            kind.getSimpleName() + " " + r.getMetadata().getName(),
            io.fabric8.kubernetes.client.utils.Serialization.asYaml(r));
      }
    }
    for (var e : kubernetes.v1().events().inAnyNamespace().list().getItems()) {
      places.put("Event " + e.getMetadata().getName(), e.getMessage() + " " + e.getReason());
    }
    assertThat(places).hasSizeGreaterThan(20);
    places.forEach(
        (where, text) ->
            assertThat(text)
                .as(where)
                .doesNotContain(TOKEN)
                .doesNotContain(LocalS3Server.SECRET_KEY));
  }

  // ---- RBAC --------------------------------------------------------------------------------

  /**
   * Runs last: every request the operator made in this class (backups, restores, schedules,
   * retention, finalizers, restarts, leader election) is allowed by the Helm chart's RBAC, and
   * everything the chart grants was used.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void theChartGrantsWhatTheOperatorCalledAndNothingMore() {
    var rendered = KassetteChart.render(Map.of());
    Set<String> requests = chart.operatorRequests();
    assertThat(requests).isNotEmpty();
    try {
      // For whoever changes the chart: what the operator asked, one request a line.
      Files.write(Path.of("target/operator-api-requests.txt"), new java.util.TreeSet<>(requests));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(ChartRbac.denied(rendered, requests))
        .as("requests the chart's RBAC refuses; the operator made: " + ChartRbac.summary(requests))
        .isEmpty();
    Set<String> unused = new java.util.TreeSet<>(ChartRbac.unused(rendered, requests));
    // Not a request but a pre-flight check: JOSDK refuses to start leader election unless a
    // review of its own rules shows update on the Lease (fabric8's lock then patches it).
    assertThat(
            unused.remove(
                "update coordination.k8s.io/leases [kassette-operator] in Role "
                    + KassetteChart.NAMESPACE))
        .isTrue();
    // Rules of paths that only contention takes (whether this class's backups meet one depends on
    // timing): whether a cluster lock's holder still lives (get of the holder), and taking over a
    // lock whose holder finished without releasing it (update). ClusterLockIT takes both paths as
    // the chart's ServiceAccount.
    unused.removeAll(io.kassette.operator.machine.ClusterLockIT.CONTENTION_ONLY_RULES);
    assertThat(unused)
        .as("rules no request used; the operator made: " + ChartRbac.summary(requests))
        .isEmpty();
  }
}
