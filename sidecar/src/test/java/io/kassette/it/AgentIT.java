package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kassette.api.BackupListing;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.ErrorCause;
import io.kassette.api.NodeDescription;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.backup.BackupCatalog;
import io.kassette.backup.NodeManifest;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar agent as the operator drives it: the real {@code kassette serve} process in front of
 * a REAL Cassandra 5.0 node and a real S3 API server on loopback, reached through the contract
 * module's {@code HttpSidecarClient}.
 */
class AgentIT {
  static final String CLUSTER = "agent-it";
  static final long MIB = 1 << 20;

  @TempDir static Path tmp;
  static CassandraNode cassandra;
  static LocalS3Server s3;
  static CqlSession cql;
  static String token;
  static Path tokenFile;
  static Map<String, String> env;
  static AgentProcess agent;
  static SidecarClient client;
  static String hostId;

  @BeforeAll
  static void start() throws Exception {
    s3 = LocalS3Server.inMemory().createBucket("agent");
    cassandra = CassandraNode.builder(tmp.resolve("node1")).clusterName(CLUSTER).build().start();
    cql = CqlSessions.open(cassandra);
    cql.execute(
        "CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
    cql.execute(
        "CREATE TABLE app.events (id int PRIMARY KEY, v blob) WITH compaction ="
            + " {'class':'SizeTieredCompactionStrategy','enabled':'false'}");
    cql.execute("CREATE TABLE app.users (id int PRIMARY KEY, name text)");
    // Four SSTables of ~4 MiB: a rate-limited upload of them is slow enough to pause or kill.
    for (int round = 0; round < 4; round++) {
      insertEvents(round * 1000, 1000, 4096);
      flush("app", "events");
    }
    for (int i = 0; i < 300; i++) {
      cql.execute("INSERT INTO app.users (id, name) VALUES (?, ?)", i, "user-" + i);
    }
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    token = HexFormat.of().formatHex(secret);
    tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
    env =
        Map.of(
            "KASSETTE_S3_ENDPOINT",
            s3.endpoint().toString(),
            "KASSETTE_S3_ACCESS_KEY_ID",
            LocalS3Server.ACCESS_KEY,
            "KASSETTE_S3_SECRET_ACCESS_KEY",
            LocalS3Server.SECRET_KEY,
            "KASSETTE_S3_REGION",
            "us-east-1");
    agent = startAgent("state-main");
    client = agent.client(token);
    hostId = client.node().hostId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (cql != null) {
      cql.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static AgentProcess startAgent(String stateDir) throws Exception {
    return startAgentWith(stateDir, "--stop-wait", "30", "--allowed-locations", "s3://agent");
  }

  /** An agent before this node with only the settings every agent needs, and {@code more}. */
  static AgentProcess startAgentWith(String stateDir, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--token-file",
                tokenFile.toString(),
                "--jmx",
                cassandra.jmxAddress(),
                "--cql",
                cassandra.cqlAddress(),
                "--state-dir",
                tmp.resolve(stateDir).toString()));
    args.addAll(List.of(more));
    return AgentProcess.start(tmp.resolve("agent-logs"), env, args.toArray(String[]::new));
  }

  static void insertEvents(int from, int rows, int size) throws InterruptedException {
    PreparedStatement ps = cql.prepare("INSERT INTO app.events (id, v) VALUES (?, ?)");
    Random r = new Random(from);
    Semaphore inFlight = new Semaphore(64);
    for (int i = from; i < from + rows; i++) {
      byte[] b = new byte[size];
      r.nextBytes(b);
      inFlight.acquire();
      cql.executeAsync(ps.bind(i, ByteBuffer.wrap(b))).whenComplete((x, e) -> inFlight.release());
    }
    inFlight.acquire(64);
  }

  static void flush(String keyspace, String table) throws Exception {
    cassandra.flush(keyspace, table);
  }

  static String location(String test) {
    return "s3://agent/" + test;
  }

  static ObjectStore store(String test) throws Exception {
    return ObjectStores.open(
        StorageLocation.parse(location(test)),
        StorageOptions.defaults()
            .withS3(s3.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY));
  }

  /** SSTable objects in the node's shared pool, key → size. */
  static Map<String, Long> pool(String test) throws Exception {
    try (ObjectStore store = store(test)) {
      Map<String, Long> objects = new TreeMap<>();
      for (ObjectInfo o :
          store.list("kassette/v1/" + CLUSTER + "/nodes/" + hostId + "/sstables/")) {
        objects.put(o.key(), o.size());
      }
      return objects;
    }
  }

  static List<String> snapshots(String tag) throws Exception {
    try (Stream<Path> walk = Files.walk(cassandra.dataDir(), 4)) {
      return walk.filter(
              p ->
                  p.getParent() != null
                      && p.getParent().getFileName().toString().equals("snapshots")
                      && p.getFileName().toString().equals(tag))
          .map(Path::toString)
          .toList();
    }
  }

  /** Waits until the operation is no longer pending or running, and expects {@code s}. */
  static Operation awaitState(SidecarClient c, OperationKind kind, String name, OperationState s) {
    Operation o =
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> c.get(kind, name), x -> !x.state().active());
    assertThat(o.state()).as("%s", o.errors()).isEqualTo(s);
    return o;
  }

  static Operation awaitBytes(SidecarClient c, String name, long bytes) {
    return await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> c.get(OperationKind.BACKUP, name),
            o ->
                o.progress().bytesDone() - o.progress().bytesSkipped() >= bytes
                    || o.state().terminal());
  }

  static long total(Operation o, String field) {
    var t = o.backupResult().totals();
    return switch (field) {
      case "files" -> t.files();
      case "bytes" -> t.bytes();
      case "uploadedFiles" -> t.uploadedFiles();
      case "uploadedBytes" -> t.uploadedBytes();
      case "skippedFiles" -> t.skippedFiles();
      case "skippedBytes" -> t.skippedBytes();
      default -> throw new IllegalArgumentException(field);
    };
  }

  static double metric(String name) throws Exception {
    HttpResponse<String> r = raw("GET", "/metrics", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static HttpResponse<String> raw(String method, String path, String auth, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(agent.base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return agent.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyAllowedLocationsAreTouchedAndByDefaultNone() throws Exception {
    SidecarException outside =
        catchThrowableOfType(
            SidecarException.class,
            () ->
                client.startBackup(
                    BackupOperationRequest.of("elsewhere-1", "s3://agent-other/x", CLUSTER)));
    assertThat(outside.status()).isEqualTo(403);
    assertThat(outside.getMessage())
        .contains("s3://agent-other/x is not allowed")
        .contains("--allowed-locations");
    SidecarException sibling =
        catchThrowableOfType(
            SidecarException.class, () -> client.backups("s3://agentx/y", CLUSTER, false));
    assertThat(sibling.status()).as("a prefix by whole segments only").isEqualTo(403);
    SidecarException file =
        catchThrowableOfType(
            SidecarException.class,
            () -> client.backups("file://" + tmp.resolve("bucket"), CLUSTER, false));
    assertThat(file.status()).isEqualTo(403);
    assertThat(file.getMessage()).contains("only a file:// entry allows a file:// location");

    // As deployed with no setting at all: nothing is allowed until someone names the bucket.
    try (AgentProcess bare = startAgentWith("state-bare")) {
      SidecarException none =
          catchThrowableOfType(
              SidecarException.class,
              () ->
                  bare.client(token)
                      .startBackup(BackupOperationRequest.of("any-1", location("any"), CLUSTER)));
      assertThat(none.status()).isEqualTo(403);
      assertThat(none.getMessage()).contains("it allows none yet");
      try (ObjectStore any = store("any")) {
        assertThat(any.list("")).as("nothing written").isEmpty();
      }
    }
  }

  @Test
  void backupStartedOverHttpSucceedsWithProgressThatOnlyGrowsAndMetricsCountItsBytes()
      throws Exception {
    double uploadedBefore = metric("kassette_uploaded_bytes_total");
    double filesBefore = metric("kassette_uploaded_files_total");
    BackupOperationRequest request =
        BackupOperationRequest.of("progress-1", location("progress"), CLUSTER)
            .withKeyspaces("app")
            .withParallel(2)
            .withRateLimit(8)
            .withCommit(true);
    Operation started = client.startBackup(request);
    assertThat(started.state()).isIn(OperationState.PENDING, OperationState.RUNNING);

    List<Operation> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Operation o = client.get(OperationKind.BACKUP, "progress-1");
              seen.add(o);
              return o.state() != OperationState.RUNNING && o.state() != OperationState.PENDING;
            });
    Operation done = seen.get(seen.size() - 1);
    assertThat(done.state()).as("%s", done.errors()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(done.id()).isEqualTo(started.id());
    assertThat(done.progress().percent()).isEqualTo(100.0);
    assertThat(done.progress().bytesDone()).isEqualTo(done.progress().bytesTotal()).isPositive();
    assertThat(done.progress().tables()).containsKeys("app.events", "app.users");
    assertThat(done.endedAt()).isAfterOrEqualTo(done.startedAt());
    // Progress only grows, and it was seen in between, not only at 0 and 100%.
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).progress().bytesDone())
          .isGreaterThanOrEqualTo(seen.get(i - 1).progress().bytesDone());
      assertThat(seen.get(i).progress().filesDone())
          .isGreaterThanOrEqualTo(seen.get(i - 1).progress().filesDone());
    }
    assertThat(seen)
        .anySatisfy(o -> assertThat(o.progress().percent()).isGreaterThan(0).isLessThan(100));

    Map<String, Long> stored = pool("progress");
    long storedBytes = stored.values().stream().mapToLong(Long::longValue).sum();
    assertThat(total(done, "uploadedBytes")).isEqualTo(storedBytes).isGreaterThan(15 * MIB);
    assertThat(metric("kassette_uploaded_bytes_total") - uploadedBefore).isEqualTo(storedBytes);
    assertThat(metric("kassette_uploaded_files_total") - filesBefore).isEqualTo(stored.size());
    assertThat(metric("kassette_last_success_timestamp_seconds")).isPositive();

    BackupListing listing = client.backups(location("progress"), CLUSTER, false);
    assertThat(listing.backups())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.name()).isEqualTo("progress-1");
              assertThat(b.complete()).isTrue();
              assertThat(b.nodes()).isEqualTo(1);
            });
    assertThat(snapshots("kassette-progress-1")).isEmpty();
  }

  @Test
  void pauseStopsTheBytesAndResumeCompletesWithoutUploadingAgain() throws Exception {
    BackupOperationRequest request =
        BackupOperationRequest.of("paused-1", location("pause"), CLUSTER)
            .withKeyspaces("app.events")
            .withParallel(1)
            .withRateLimit(2)
            .withCommit(true);
    client.startBackup(request);
    awaitBytes(client, "paused-1", 5 * MIB);

    Operation paused = client.pause(OperationKind.BACKUP, "paused-1");
    assertThat(paused.state()).isEqualTo(OperationState.PAUSED);
    Map<String, Long> storedAtPause = pool("pause");
    assertThat(storedAtPause).isNotEmpty();
    Thread.sleep(2000);
    Operation later = client.get(OperationKind.BACKUP, "paused-1");
    assertThat(later.state()).isEqualTo(OperationState.PAUSED);
    assertThat(later.progress().bytesDone()).isEqualTo(paused.progress().bytesDone());
    assertThat(pool("pause")).as("no object written while paused").isEqualTo(storedAtPause);
    assertThat(snapshots("kassette-paused-1"))
        .as("the snapshot is kept for the resume")
        .isNotEmpty();
    assertThat(client.pause(OperationKind.BACKUP, "paused-1").state())
        .isEqualTo(OperationState.PAUSED);

    Operation resumed = client.resume(OperationKind.BACKUP, "paused-1");
    assertThat(resumed.state()).isIn(OperationState.PENDING, OperationState.RUNNING);
    Operation done = awaitState(client, OperationKind.BACKUP, "paused-1", OperationState.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    long storedBytes = storedAtPause.values().stream().mapToLong(Long::longValue).sum();
    // What was stored before the pause is skipped, and only the rest is uploaded.
    assertThat(total(done, "skippedFiles")).isEqualTo(storedAtPause.size());
    assertThat(total(done, "skippedBytes")).isEqualTo(storedBytes);
    assertThat(total(done, "uploadedBytes")).isEqualTo(total(done, "bytes") - storedBytes);
    Map<String, Long> finalPool = pool("pause");
    assertThat(finalPool).containsAllEntriesOf(storedAtPause);
    assertThat(finalPool.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(total(done, "bytes"));
    assertThat(snapshots("kassette-paused-1")).isEmpty();
  }

  @Test
  void theSameStartTwiceIsOneOperationAndAnotherGetsConflict() throws Exception {
    BackupOperationRequest request =
        BackupOperationRequest.of("twice-1", location("twice"), CLUSTER)
            .withKeyspaces("app.events")
            .withParallel(1)
            .withRateLimit(1);
    String body =
        "{\"name\":\"twice-1\",\"location\":\""
            + location("twice")
            + "\",\"cluster\":\""
            + CLUSTER
            + "\",\"keyspaces\":\"app.events\",\"parallel\":1,\"rateLimitMiBps\":1}";
    HttpResponse<String> first = raw("POST", "/v1/backup-operations", "Bearer " + token, body);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    HttpResponse<String> again = raw("POST", "/v1/backup-operations", "Bearer " + token, body);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    Operation viaClient = client.startBackup(request);
    assertThat(again.body()).contains("\"id\":\"" + viaClient.id() + "\"");
    assertThat(first.body()).contains("\"id\":\"" + viaClient.id() + "\"");

    SidecarException other =
        catchThrowableOfType(
            SidecarException.class,
            () ->
                client.startBackup(
                    BackupOperationRequest.of("other-1", location("twice"), CLUSTER)));
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.busy()).as("another operation holds the node: busy, not broken").isTrue();
    assertThat(other.error().running().name()).isEqualTo("twice-1");
    assertThat(other.getMessage()).contains("twice-1").contains("one operation runs at a time");

    SidecarException changed =
        catchThrowableOfType(
            SidecarException.class, () -> client.startBackup(request.withParallel(2)));
    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.busy()).isFalse();
    assertThat(changed.error().reason()).isEqualTo(io.kassette.api.ApiError.NAME_TAKEN);
    assertThat(changed.getMessage()).contains("different request");

    SidecarException restore =
        catchThrowableOfType(
            SidecarException.class,
            () ->
                client.startRestore(
                    RestoreOperationRequest.of("r-1", location("twice"), CLUSTER, "twice-1")));
    assertThat(restore.status()).isEqualTo(409);

    Operation cancelled = client.cancel(OperationKind.BACKUP, "twice-1");
    assertThat(cancelled.state()).isEqualTo(OperationState.CANCELLED);
    assertThat(client.operations()).filteredOn(o -> o.name().equals("twice-1")).hasSize(1);
    assertThat(snapshots("kassette-twice-1")).as("a cancel clears the snapshot").isEmpty();
    SidecarException resume =
        catchThrowableOfType(
            SidecarException.class, () -> client.resume(OperationKind.BACKUP, "twice-1"));
    assertThat(resume.status()).isEqualTo(409);
  }

  @Test
  void aRunningUploadTakesANewRateLimitLiveAndTheSameStartStillMatches() throws Exception {
    BackupOperationRequest slow =
        BackupOperationRequest.of("live-rate-1", location("live-rate"), CLUSTER)
            .withKeyspaces("app.events")
            .withParallel(1)
            .withRateLimit(1)
            .withCommit(true);
    client.startBackup(slow);
    awaitBytes(client, "live-rate-1", MIB);
    long before = System.nanoTime();
    Operation changed = client.setRateLimit(OperationKind.BACKUP, "live-rate-1", 0);
    assertThat(changed.state()).isIn(OperationState.RUNNING, OperationState.SUCCEEDED);
    Operation done =
        awaitState(client, OperationKind.BACKUP, "live-rate-1", OperationState.SUCCEEDED);
    // ~16 MiB at 1 MiB/s would take ~15 s more; without a limit the rest goes in moments.
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    assertThat(total(done, "bytes")).isGreaterThan(15 * MIB);
    assertThat(client.startBackup(slow.withRateLimit(0)).id())
        .as("the kept request has the new limit: re-sending it finds the operation")
        .isEqualTo(done.id());
    SidecarException purge =
        catchThrowableOfType(
            SidecarException.class,
            () -> client.setRateLimit(OperationKind.BACKUP, "no-such-operation", 1));
    assertThat(purge.notFound()).isTrue();
  }

  @Test
  void theRingNamesThisNodeWithItsTokensAndTheReplicaSetsOfTheSelectedKeyspaces() {
    io.kassette.api.Ring ring = client.ring("app");
    assertThat(ring.cluster()).isEqualTo(CLUSTER);
    assertThat(ring.members())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.hostId()).isEqualTo(hostId);
              assertThat(m.address()).isEqualTo(cassandra.ip());
              assertThat(m.datacenter()).isEqualTo("dc1");
              assertThat(m.tokens()).isNotEmpty();
              assertThat(m.up()).isTrue();
            });
    assertThat(ring.replicas())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.keyspace()).isEqualTo("app");
              assertThat(k.replicaSets()).containsExactly(List.of(hostId));
            });
    assertThat(ring.uncovered(List.of(hostId))).isEmpty();
    assertThat(ring.uncovered(List.of())).containsExactly("app [" + hostId + "]");
  }

  @Test
  void aBackupNameCommittedByAnotherOwnerIsRefusedBeforeAnySnapshot() throws Exception {
    BackupOperationRequest first =
        BackupOperationRequest.of("owned-1", location("owned"), CLUSTER)
            .withKeyspaces("app.users")
            .withCommit(true)
            .withOwner("uid-a");
    client.startBackup(first);
    awaitState(client, OperationKind.BACKUP, "owned-1", OperationState.SUCCEEDED);
    // Another resource of the same name: another owner, the same backup name in the bucket.
    BackupOperationRequest snapshot =
        BackupOperationRequest.of("owned-1-b-snapshot", location("owned"), CLUSTER)
            .withBackup("owned-1")
            .withKeyspaces("app.users")
            .withSnapshotOnly(true)
            .withOwner("uid-b");
    client.startBackup(snapshot);
    Operation refused =
        awaitState(client, OperationKind.BACKUP, "owned-1-b-snapshot", OperationState.FAILED);
    assertThat(refused.errors().get(refused.errors().size() - 1).message())
        .contains("committed by uid-a")
        .contains("another name");
    assertThat(snapshots("kassette-owned-1")).as("no snapshot left behind").isEmpty();
    // The same owner again (a restarted operator whose snapshot step had run before the commit):
    // the upload finds the backup complete, does nothing, and still clears the snapshot.
    try (var jmx =
        io.kassette.node.CassandraJmxNode.connect(
            io.kassette.node.HostPort.parse(cassandra.jmxAddress(), 7199), null, null)) {
      jmx.takeSnapshot("kassette-owned-1", List.of(new io.kassette.node.TableRef("app", "users")));
    }
    assertThat(snapshots("kassette-owned-1")).isNotEmpty();
    BackupOperationRequest again =
        BackupOperationRequest.of("owned-1-again", location("owned"), CLUSTER)
            .withBackup("owned-1")
            .withKeyspaces("app.users")
            .withOwner("uid-a");
    client.startBackup(again);
    Operation done =
        awaitState(client, OperationKind.BACKUP, "owned-1-again", OperationState.SUCCEEDED);
    assertThat(done.backupResult().alreadyComplete()).isTrue();
    assertThat(snapshots("kassette-owned-1")).isEmpty();
  }

  @Test
  void killedMidUploadThenRestartedTheResentStartCompletesWithoutDuplicates() throws Exception {
    BackupOperationRequest request =
        BackupOperationRequest.of("killed-1", location("kill"), CLUSTER)
            .withKeyspaces("app.events")
            .withParallel(1)
            .withRateLimit(2)
            .withCommit(true);
    String id;
    try (AgentProcess doomed = startAgent("state-kill")) {
      SidecarClient c = doomed.client(token);
      id = c.startBackup(request).id();
      awaitBytes(c, "killed-1", 5 * MIB);
      doomed.kill();
    }
    Map<String, Long> storedAtKill = pool("kill");
    assertThat(storedAtKill).isNotEmpty();
    try (AgentProcess again = startAgent("state-kill")) {
      SidecarClient c = again.client(token);
      Operation found = c.get(OperationKind.BACKUP, "killed-1");
      assertThat(found.id()).isEqualTo(id);
      assertThat(found.state()).isEqualTo(OperationState.PAUSED);
      assertThat(found.errors()).anyMatch(e -> e.cause() == ErrorCause.INTERRUPTED);

      Operation resent = c.startBackup(request);
      assertThat(resent.id()).isEqualTo(id);
      Operation done = awaitState(c, OperationKind.BACKUP, "killed-1", OperationState.SUCCEEDED);
      assertThat(total(done, "skippedFiles")).isEqualTo(storedAtKill.size());
    }
    // Every SSTable object is in the manifest exactly once, and nothing else is in the pool.
    try (ObjectStore store = store("kill")) {
      List<NodeManifest> manifests = new BackupCatalog(store, CLUSTER).nodeManifests("killed-1");
      assertThat(manifests).hasSize(1);
      List<String> keys = new ArrayList<>();
      manifests.get(0).tables().forEach(t -> t.files().forEach(f -> keys.add(f.key())));
      assertThat(keys).doesNotHaveDuplicates();
      assertThat(pool("kill").keySet()).containsExactlyInAnyOrderElementsOf(keys);
    }
    assertThat(snapshots("kassette-killed-1")).isEmpty();
  }

  @Test
  void sigtermPausesTheRunningBackupAndCancelLaterClearsItsSnapshot() throws Exception {
    BackupOperationRequest request =
        BackupOperationRequest.of("term-1", location("term"), CLUSTER)
            .withKeyspaces("app.events")
            .withParallel(1)
            .withRateLimit(2);
    try (AgentProcess stopping = startAgent("state-term")) {
      SidecarClient c = stopping.client(token);
      c.startBackup(request);
      awaitBytes(c, "term-1", 2 * MIB);
      stopping.terminate();
    }
    try (AgentProcess again = startAgent("state-term")) {
      SidecarClient c = again.client(token);
      Operation paused = c.get(OperationKind.BACKUP, "term-1");
      assertThat(paused.state()).isEqualTo(OperationState.PAUSED);
      assertThat(paused.errors()).as("a clean SIGTERM is a pause, not an error").isEmpty();
      assertThat(snapshots("kassette-term-1")).isNotEmpty();
      assertThat(c.cancel(OperationKind.BACKUP, "term-1").state())
          .isEqualTo(OperationState.CANCELLED);
      assertThat(snapshots("kassette-term-1")).isEmpty();
    }
  }

  @Test
  void refusesWithoutTheTokenAndNamesTheFieldOfABadRequest() throws Exception {
    String path = "/v1/backup-operations";
    assertThat(raw("GET", "/v1/node", null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = raw("GET", "/v1/node", "Bearer " + token + "x", null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(raw("POST", path, "Basic " + token, "{}").statusCode()).isEqualTo(401);
    assertThat(raw("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    assertThat(raw("GET", "/readyz", null, null).statusCode()).isEqualTo(200);

    String auth = "Bearer " + token;
    HttpResponse<String> malformed = raw("POST", path, auth, "{\"name\": \"x\",");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("malformed JSON");

    String valid =
        "\"name\":\"bad-1\",\"location\":\"s3://agent/bad\",\"cluster\":\"" + CLUSTER + "\"";
    HttpResponse<String> type = raw("POST", path, auth, "{" + valid + ",\"parallel\":\"many\"}");
    assertThat(type.statusCode()).isEqualTo(400);
    assertThat(type.body()).contains("\"field\":\"parallel\"");

    HttpResponse<String> unknown = raw("POST", path, auth, "{" + valid + ",\"paralel\":2}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("\"field\":\"paralel\"").contains("unknown field");

    HttpResponse<String> range = raw("POST", path, auth, "{" + valid + ",\"parallel\":0}");
    assertThat(range.statusCode()).isEqualTo(400);
    assertThat(range.body()).contains("\"field\":\"parallel\"").contains("between 1 and 16");

    HttpResponse<String> location =
        raw(
            "POST",
            path,
            auth,
            "{\"name\":\"bad-2\",\"location\":\"ftp://x/y\",\"cluster\":\"" + CLUSTER + "\"}");
    assertThat(location.statusCode()).isEqualTo(400);
    assertThat(location.body()).contains("\"field\":\"location\"");

    HttpResponse<String> name =
        raw(
            "POST",
            path,
            auth,
            "{\"name\":\"../etc\",\"location\":\"s3://agent/x\",\"cluster\":\"c\"}");
    assertThat(name.statusCode()).isEqualTo(400);
    assertThat(name.body()).contains("\"field\":\"name\"");

    HttpResponse<String> missing = raw("GET", path + "/no-such-backup", auth, null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("no-such-backup");
    SidecarException notFound =
        catchThrowableOfType(
            SidecarException.class, () -> client.get(OperationKind.RESTORE, "no-such-restore"));
    assertThat(notFound.notFound()).isTrue();
    assertThat(client.operations()).noneMatch(o -> o.name().startsWith("bad-"));

    NodeDescription node = client.node();
    assertThat(node.cluster()).isEqualTo(CLUSTER);
    assertThat(node.engine()).isEqualTo("cassandra");
    assertThat(node.tokens()).isNotEmpty();
    assertThat(node.dataDirectories()).isNotEmpty();
    assertThat(agent.log()).doesNotContain(token);
  }

  @Test
  void restoresATableOverHttpAndTheRowsComeBack() throws Exception {
    String before = users();
    client.startBackup(
        BackupOperationRequest.of("users-1", location("restore"), CLUSTER)
            .withKeyspaces("app.users")
            .withCommit(true));
    awaitState(client, OperationKind.BACKUP, "users-1", OperationState.SUCCEEDED);

    for (int i = 0; i < 100; i++) {
      cql.execute("DELETE FROM app.users WHERE id = ?", i);
    }
    cql.execute("INSERT INTO app.users (id, name) VALUES (?, ?)", 5000, "not-in-the-backup");
    assertThat(users()).isNotEqualTo(before);

    Operation started =
        client.startRestore(
            RestoreOperationRequest.of("restore-users-1", location("restore"), CLUSTER, "users-1")
                .withKeyspaces("app.users"));
    assertThat(started.kind()).isEqualTo(OperationKind.RESTORE);
    Operation done =
        awaitState(client, OperationKind.RESTORE, "restore-users-1", OperationState.SUCCEEDED);
    assertThat(done.progress().filesDone()).isPositive();
    assertThat(done.progress().tables()).containsKey("app.users");
    assertThat(users()).isEqualTo(before);
  }

  @Test
  void snapshotsFirstThenUploadsAndDeletesABackupKeepingWhatAnotherReferences() throws Exception {
    BackupOperationRequest snap =
        BackupOperationRequest.of("del-1-snapshot", location("delete"), CLUSTER)
            .withBackup("del-1")
            .withKeyspaces("app.users")
            .withSnapshotOnly(true);
    client.startBackup(snap);
    Operation snapped =
        awaitState(client, OperationKind.BACKUP, "del-1-snapshot", OperationState.SUCCEEDED);
    assertThat(snapped.backupResult().snapshotOnly()).isTrue();
    assertThat(snapped.backupResult().tables()).isEqualTo(1);
    assertThat(snapshots("kassette-del-1")).isNotEmpty();
    client.clearSnapshot("kassette-del-1");
    assertThat(snapshots("kassette-del-1")).isEmpty();
    SidecarException foreign =
        catchThrowableOfType(SidecarException.class, () -> client.clearSnapshot("nightly"));
    assertThat(foreign.status()).isEqualTo(400);

    for (String name : List.of("del-1", "del-2")) {
      client.startBackup(
          BackupOperationRequest.of(name, location("delete"), CLUSTER)
              .withKeyspaces("app.users")
              .withCommit(true));
      awaitState(client, OperationKind.BACKUP, name, OperationState.SUCCEEDED);
    }
    Map<String, Long> shared = pool("delete");
    var first = client.deleteBackup("del-1", location("delete"), CLUSTER, null);
    assertThat(first.existed()).isTrue();
    assertThat(pool("delete")).as("del-2 references the same SSTables").isEqualTo(shared);
    assertThat(client.backups(location("delete"), CLUSTER, true).backups())
        .extracting(BackupListing.Entry::name)
        .containsExactly("del-2");
    var second = client.deleteBackup("del-2", location("delete"), CLUSTER, null);
    assertThat(second.objects()).isGreaterThanOrEqualTo(shared.size());
    assertThat(pool("delete")).isEmpty();
    try (ObjectStore store = store("delete")) {
      assertThat(store.list("kassette/v1/" + CLUSTER + "/backups/")).isEmpty();
    }
    assertThat(client.deleteBackup("del-2", location("delete"), CLUSTER, null).existed()).isFalse();
  }

  static String users() {
    List<String> rows = new ArrayList<>();
    for (Row row : cql.execute("SELECT id, name FROM app.users")) {
      rows.add(row.getInt("id") + "=" + row.getString("name"));
    }
    rows.sort(null);
    return rows.size() + ":" + String.join(",", rows);
  }
}
