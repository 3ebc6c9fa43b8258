package io.kassette.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kassette.agent.AgentOptions;
import io.kassette.agent.AgentServer;
import io.kassette.agent.NodeConnector;
import io.kassette.api.HttpSidecarClient;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarClient;
import io.kassette.backup.BackupCatalog;
import io.kassette.backup.ClusterManifest;
import io.kassette.backup.NodeManifest;
import io.kassette.node.CassandraJmxNode;
import io.kassette.node.CqlSchema;
import io.kassette.node.HostPort;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.DeletionPolicy;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import io.kassette.operator.backup.CassandraBackupReconciler;
import io.kassette.restore.BulkLoader;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.io.InputStream;
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
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator end to end: the Kubernetes API test server (CRDs registered, status patched the way
 * production patches it), the operator, REAL sidecar agents in-process (each bound to its node's
 * pod IP), TWO REAL Cassandra nodes in two datacenters of one cluster, and the local S3 server.
 */
class OperatorIT {
  static final String NS = "db";
  static final String CLUSTER = "op-it";
  static final String TOKEN = "operator-it-token-0123456789abcdef";

  @TempDir static Path tmp;
  static CassandraNode node1;
  static CassandraNode node2;
  static LocalS3Server s3;
  static KubernetesMockServer server;
  static KubernetesClient kubernetes;
  static List<AgentServer> agents = new ArrayList<>();
  static int sidecarPort;
  static KassetteOperator operator;

  @BeforeAll
  static void start() throws Exception {
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
    node1.awaitReady(Duration.ofMinutes(3));
    node2.awaitReady(Duration.ofMinutes(3));
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

    sidecarPort = CassandraNode.freePort();
    Path token = Files.writeString(tmp.resolve("token"), TOKEN);
    for (CassandraNode node : List.of(node1, node2)) {
      agents.add(
          AgentServer.start(
              new AgentOptions(
                  new InetSocketAddress(node.ip(), sidecarPort),
                  token,
                  null,
                  null,
                  tmp.resolve("agent-" + node.ip()),
                  4,
                  16,
                  StorageOptions.defaults()
                      .withS3(s3.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY),
                  Duration.ofSeconds(30)),
              connector(node)));
    }

    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new java.util.HashMap<>(),
            new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(List.of()),
            false);
    server.init();
    kubernetes = server.createClient();
    for (String crd : List.of("cassandrabackups", "backupschedules", "cassandrarestores")) {
      try (InputStream in =
          Files.newInputStream(
              Path.of(
                  System.getProperty("kassette.root", ".."),
                  "crds",
                  crd + ".kassette.io-v1.yml"))) {
        kubernetes
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(Serialization.unmarshal(in, CustomResourceDefinition.class))
            .create();
      }
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
    operator = startOperator();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    agents.forEach(AgentServer::close);
    if (kubernetes != null) {
      kubernetes.close();
    }
    if (server != null) {
      server.destroy();
    }
    for (CassandraNode n : new CassandraNode[] {node1, node2}) {
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
        kubernetes,
        new HttpSidecarConnector(kubernetes, Duration.ofSeconds(60)),
        new KassetteOperator.Settings(
            Set.of(), Duration.ofMillis(300), Duration.ofMillis(200), -1));
  }

  static NodeConnector connector(CassandraNode node) {
    return new NodeConnector() {
      @Override
      public NodeAccess connect() throws NodeException {
        return CassandraJmxNode.connect(HostPort.parse(node.jmxAddress(), 7199), null, null);
      }

      @Override
      public CqlSchema cqlSchema() {
        return new CqlSchema(HostPort.parse(node.cqlAddress(), 9042), null, null, false);
      }

      @Override
      public BulkLoader loader() {
        return null;
      }

      @Override
      public List<Path> dataDirectories() {
        return List.of();
      }
    };
  }

  static void pod(String name, String ip, Map<String, String> labels) {
    kubernetes
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("cassandra")
                .withImage("cassandra:5.0")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(ip)
                .endStatus()
                .build())
        .create();
  }

  static void flush(CassandraNode node) throws Exception {
    JMXServiceURL url =
        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + node.jmxAddress() + "/jmxrmi");
    try (JMXConnector c = JMXConnectorFactory.connect(url)) {
      c.getMBeanServerConnection()
          .invoke(
              new ObjectName("org.apache.cassandra.db:type=StorageService"),
              "forceKeyspaceFlush",
              new Object[] {"app", new String[] {"events"}},
              new String[] {String.class.getName(), String[].class.getName()});
    }
  }

  static CassandraBackup backup(String name, String location, Map<String, String> selector) {
    CassandraBackup b = new CassandraBackup();
    b.getMetadata().setName(name);
    b.getMetadata().setNamespace(NS);
    SecretKeyRef token = new SecretKeyRef();
    token.setName("kassette-sidecar");
    SidecarRef sidecar = new SidecarRef();
    sidecar.setPort(sidecarPort);
    sidecar.setTokenSecret(token);
    ClusterRef cluster = new ClusterRef();
    cluster.setName(CLUSTER);
    cluster.setPodSelector(selector);
    cluster.setSidecar(sidecar);
    CassandraBackupSpec spec = new CassandraBackupSpec();
    spec.setCluster(cluster);
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

  static ObjectStore store(String location) {
    try {
      return ObjectStores.open(
          StorageLocation.parse(location),
          StorageOptions.defaults()
              .withS3(s3.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY));
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

  static SidecarClient sidecar(String ip) {
    return HttpSidecarClient.builder(URI.create("http://" + ip + ":" + sidecarPort), () -> TOKEN)
        .build();
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
                    && x.getStatus().getTotals().getUploadedBytes() > (1 << 20));
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
  void anUnreachableSidecarIsRetriedThenTheBackupFailsNamingThePod() throws Exception {
    pod("ghost-0", "127.0.0.9", Map.of("app", "cassandra"));
    try {
      String location = "s3://main/ghost";
      CassandraBackup b = backup("ghosted", location, Map.of("app", "cassandra"));
      b.getSpec().setBackoffLimit(1);
      apply(b);
      CassandraBackup failed = awaitPhase("ghosted", BackupPhase.Failed);
      assertThat(failed.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("Failed");
                assertThat(c.getReason()).isEqualTo("NodeFailed");
                assertThat(c.getMessage()).contains("ghost-0").contains("2 times");
              });
      assertThat(eventReasons("ghosted")).contains("NodeRetrying", "Failed");
      try (ObjectStore store = store(location)) {
        assertThat(new BackupCatalog(store, CLUSTER).clusterManifest("ghosted")).isNull();
      }
      assertThat(snapshots("kassette-ghosted")).isEmpty();
    } finally {
      kubernetes.pods().inNamespace(NS).withName("ghost-0").delete();
    }
  }

  @Test
  void invalidSpecsSetFailedWithTheFieldAndTheOperatorCarriesOn() throws Exception {
    CassandraBackup badLocation = backup("bad-location", "ftp://somewhere/backups");
    apply(badLocation);
    CassandraBackup badParallel = backup("bad-parallel", "s3://main/bad");
    badParallel.getSpec().setUploadParallel(-1);
    apply(badParallel);
    for (var expected :
        Map.of("bad-location", "spec.location", "bad-parallel", "spec.uploadParallel").entrySet()) {
      CassandraBackup failed = awaitPhase(expected.getKey(), BackupPhase.Failed);
      assertThat(failed.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getReason()).isEqualTo("InvalidSpec");
                assertThat(c.getMessage()).contains(expected.getValue());
              });
    }
    assertThat(eventReasons("bad-location")).contains("InvalidSpec");
    apply(backup("after-bad", "s3://main/after-bad"));
    awaitPhase("after-bad", BackupPhase.Succeeded);
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
}
