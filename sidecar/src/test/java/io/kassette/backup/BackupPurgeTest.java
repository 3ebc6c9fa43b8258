package io.kassette.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kassette.node.NodeInfo;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a real {@code file://} store, with backups written as the engine writes them (pooled
 * SSTables, node manifests, commit): each backup drops an SSTable and adds one, as a compaction
 * between backups does.
 */
class BackupPurgeTest {
  static final String CLUSTER = "purge";
  static final String HOST = "6f1c2a9e-0000-4000-8000-000000000001";
  // Files are written now and then backdated; "now" for the purge is a minute later.
  final Instant start = Instant.now().minusSeconds(1);
  final Instant NOW = start.plus(Duration.ofMinutes(1));

  @TempDir Path tmp;
  ObjectStore store;
  BucketLayout layout = new BucketLayout(CLUSTER);

  @BeforeEach
  void open() throws Exception {
    store = ObjectStores.open(StorageLocation.parse("file://" + tmp), StorageOptions.defaults());
  }

  String pooled(String sstable) {
    return layout.poolPrefix(HOST) + "app/t-0001/" + sstable + ".1234/Data.db";
  }

  /** A backup of {@code sstables}, started {@code hoursAgo}; committed or not. */
  void backup(String name, int hoursAgo, boolean commit, String... sstables) throws IOException {
    List<NodeManifest.FileEntry> files = new ArrayList<>();
    for (String s : sstables) {
      String key = pooled(s);
      if (store.stat(key).isEmpty()) {
        store.put(key, s.getBytes(StandardCharsets.UTF_8));
      }
      files.add(new NodeManifest.FileEntry(s + "/Data.db", key, s.length(), "00000000"));
    }
    Instant at = NOW.minus(Duration.ofHours(hoursAgo));
    NodeManifest m =
        new NodeManifest(
            NodeManifest.FORMAT,
            name,
            CLUSTER,
            "differential",
            new NodeInfo(
                HOST, CLUSTER, "dc1", "r1", List.of("0"), "5.0.9", NodeInfo.Engine.CASSANDRA),
            at,
            at.plusSeconds(60),
            "v1",
            Map.of("app", "CREATE KEYSPACE app ..."),
            List.of(
                new NodeManifest.TableEntry("app", "t", "0001", "CREATE TABLE app.t ...", files)),
            new NodeManifest.Totals(files.size(), 0, 0, 0, 0, 0));
    store.put(layout.nodeManifest(name, HOST), ManifestCodec.gzipJson(m));
    if (commit) {
      try {
        new BackupCatalog(store, CLUSTER).commit(name);
      } catch (BackupException e) {
        throw new IOException(e);
      }
    }
    age(hoursAgo);
  }

  /** Backdates the files just written to {@code hoursAgo} before the purge's "now". */
  void age(int hoursAgo) throws IOException {
    FileTime when = FileTime.from(NOW.minus(Duration.ofHours(hoursAgo)));
    try (Stream<Path> files = Files.walk(tmp)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Instant modified = Files.getLastModifiedTime(p).toInstant();
        if (!modified.isBefore(start) && modified.isBefore(NOW)) {
          Files.setLastModifiedTime(p, when);
        }
      }
    }
  }

  Set<String> keys() throws IOException {
    Set<String> keys = new TreeSet<>();
    for (ObjectInfo o : store.list("")) {
      keys.add(o.key());
    }
    return keys;
  }

  void fiveBackupsAFailedOneAndOneRunning() throws IOException {
    backup("b1", 50, true, "A", "B");
    backup("b2", 40, true, "B", "C");
    backup("b3", 30, true, "C", "D");
    backup("failed", 25, false, "D", "G");
    backup("b4", 20, true, "D", "E");
    backup("b5", 10, true, "E", "F");
    // a backup running now: its manifest is fresh, its object too
    store.put(pooled("H"), "H".getBytes(StandardCharsets.UTF_8));
    backup("running", 0, false, "F", "H");
    // and one it uploaded a moment ago, in no manifest yet
    store.put(pooled("I"), "I".getBytes(StandardCharsets.UTF_8));
    age(0);
  }

  @Test
  void keepsTheTwoNewestCompleteBackupsAndExactlyTheirObjects() throws IOException {
    fiveBackupsAFailedOneAndOneRunning();
    BackupPurge.Result r =
        new BackupPurge(store, CLUSTER)
            .purge(new BackupPurge.Policy(2, null, Duration.ofHours(6)), false, NOW);
    assertThat(r.kept()).containsExactly("b5", "b4");
    assertThat(r.expired()).containsExactlyInAnyOrder("b1", "b2", "b3");
    assertThat(r.incomplete()).containsExactly("failed");
    Set<String> pool = new TreeSet<>();
    keys().stream().filter(k -> k.contains("/sstables/")).forEach(pool::add);
    assertThat(pool)
        .as("what b4, b5 and the running backup reference or just uploaded, nothing else")
        .containsExactlyInAnyOrder(pooled("D"), pooled("E"), pooled("F"), pooled("H"), pooled("I"));
    assertThat(new BackupCatalog(store, CLUSTER).list(true))
        .extracting(BackupCatalog.Listing::name)
        .containsExactlyInAnyOrder("b4", "b5", "running");
    assertThat(keys()).noneMatch(k -> k.contains("/backups/b1/") || k.contains("/backups/failed/"));
  }

  @Test
  void aDryRunDeletesNothingAndTheNewestCompleteBackupIsAlwaysKept() throws IOException {
    fiveBackupsAFailedOneAndOneRunning();
    Set<String> before = keys();
    BackupPurge.Result dry =
        new BackupPurge(store, CLUSTER)
            .purge(new BackupPurge.Policy(1, null, Duration.ofHours(6)), true, NOW);
    assertThat(dry.expired()).hasSize(4);
    assertThat(dry.objects()).isPositive();
    assertThat(keys()).isEqualTo(before);
    assertThatThrownBy(() -> new BackupPurge.Policy(0, null, Duration.ZERO))
        .hasMessageContaining("--keep-last must be at least 1");
    BackupPurge.Result within =
        new BackupPurge(store, CLUSTER)
            .purge(
                new BackupPurge.Policy(1, Duration.ofHours(35), Duration.ofHours(6)), false, NOW);
    assertThat(within.kept()).containsExactly("b5", "b4", "b3");
  }

  @Test
  void aPurgeInterruptedHalfwayIsFinishedByTheNextOneWithoutOrphans() throws Exception {
    fiveBackupsAFailedOneAndOneRunning();
    AtomicInteger deletes = new AtomicInteger();
    ObjectStore failing =
        (ObjectStore)
            Proxy.newProxyInstance(
                ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("delete")) {
                    @SuppressWarnings("unchecked")
                    List<String> keys = (List<String>) args[0];
                    // the process dies after deleting half of what it planned
                    List<String> half = keys.subList(0, keys.size() / 2);
                    store.delete(half);
                    deletes.incrementAndGet();
                    throw new IOException("killed");
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    assertThatThrownBy(
            () ->
                new BackupPurge(failing, CLUSTER)
                    .purge(new BackupPurge.Policy(2, null, Duration.ofHours(6)), false, NOW))
        .hasMessageContaining("killed");
    assertThat(deletes).hasValue(1);
    new BackupPurge(store, CLUSTER)
        .purge(new BackupPurge.Policy(2, null, Duration.ofHours(6)), false, NOW);
    Set<String> pool = new TreeSet<>();
    keys().stream().filter(k -> k.contains("/sstables/")).forEach(pool::add);
    assertThat(pool)
        .containsExactlyInAnyOrder(pooled("D"), pooled("E"), pooled("F"), pooled("H"), pooled("I"));
    assertThat(new BackupCatalog(store, CLUSTER).list(true))
        .extracting(BackupCatalog.Listing::name)
        .containsExactlyInAnyOrder("b4", "b5", "running");
  }
}
