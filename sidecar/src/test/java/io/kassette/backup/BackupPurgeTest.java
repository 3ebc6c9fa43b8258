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

  static final String HOST2 = "6f1c2a9e-0000-4000-8000-000000000002";

  String pooled(String sstable) {
    return pooled(HOST, sstable);
  }

  String pooled(String host, String sstable) {
    return layout.poolPrefix(host) + "app/t-0001/" + sstable + ".1234/Data.db";
  }

  /** A backup of {@code sstables}, started {@code hoursAgo}; committed or not. */
  void backup(String name, int hoursAgo, boolean commit, String... sstables) throws IOException {
    backup(HOST, name, hoursAgo, commit, sstables);
  }

  void backup(String host, String name, int hoursAgo, boolean commit, String... sstables)
      throws IOException {
    List<NodeManifest.FileEntry> files = new ArrayList<>();
    for (String s : sstables) {
      String key = pooled(host, s);
      if (store.stat(key).isEmpty()) {
        store.put(key, s.getBytes(StandardCharsets.UTF_8));
      }
      files.add(
          new NodeManifest.FileEntry("nb-" + s + "-big-Data.db", key, s.length(), "00000000"));
    }
    Instant at = NOW.minus(Duration.ofHours(hoursAgo));
    NodeManifest m =
        new NodeManifest(
            NodeManifest.FORMAT,
            name,
            CLUSTER,
            "differential",
            new NodeInfo(
                host, CLUSTER, "dc1", "r1", List.of("0"), "5.0.9", NodeInfo.Engine.CASSANDRA),
            at,
            at.plusSeconds(60),
            "v1",
            Map.of(
                "app",
                "CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy',"
                    + " 'replication_factor': '1'};"),
            List.of(
                new NodeManifest.TableEntry(
                    "app",
                    "t",
                    "00000000000000000000000000000001",
                    "CREATE TABLE app.t (id int PRIMARY KEY);",
                    files)),
            new NodeManifest.Totals(files.size(), 0, 0, 0, 0, 0));
    store.put(layout.nodeManifest(name, host), ManifestCodec.gzipJson(m));
    store.put(layout.latestPointer(host), ManifestCodec.json(Map.of("backup", name)));
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

  /**
   * A location that holds encrypted and unencrypted backups: a purge without the keys sees the
   * encrypted ones only as folders it cannot read and deletes none of their files, and a purge with
   * the keys touches none of the unencrypted ones; each applies retention to its own.
   */
  @Test
  void aPurgeWithoutTheKeysLeavesEncryptedBackupsAloneAndTheOtherWayRound() throws Exception {
    ObjectStore plain = store;
    backup("plain-1", 50, true, "A", "B");
    backup("plain-2", 40, true, "B", "C");
    byte[] kek = new byte[32];
    new java.security.SecureRandom().nextBytes(kek);
    ObjectStore sealed =
        ObjectStores.open(
            StorageLocation.parse("file://" + tmp),
            StorageOptions.defaults()
                .withEncryption(
                    io.kassette.storage.ClientEncryption.of(
                        Map.of("k1", new javax.crypto.spec.SecretKeySpec(kek, "AES")),
                        "k1",
                        "test keys")));
    store = sealed;
    backup("sealed-1", 30, true, "D", "E");
    backup("sealed-2", 20, true, "E", "F");
    Set<String> encrypted = filesOnDisk(".kenc");
    Set<String> unencrypted = filesOnDisk("");
    unencrypted.removeAll(encrypted);

    BackupPurge.Result withoutKeys =
        new BackupPurge(plain, CLUSTER)
            .purge(new BackupPurge.Policy(1, null, Duration.ofHours(6)), false, NOW);
    assertThat(filesOnDisk(".kenc")).as("no encrypted file deleted").isEqualTo(encrypted);
    assertThat(withoutKeys.expired()).containsExactly("plain-1");
    assertThat(withoutKeys.incomplete()).as("the encrypted ones are not its to judge").isEmpty();
    Set<String> unencryptedLeft = filesOnDisk("");
    unencryptedLeft.removeAll(encrypted);
    assertThat(unencryptedLeft).isNotEqualTo(unencrypted).noneMatch(f -> f.contains("plain-1/"));

    BackupPurge.Result withKeys =
        new BackupPurge(sealed, CLUSTER)
            .purge(new BackupPurge.Policy(1, null, Duration.ofHours(6)), false, NOW);
    assertThat(withKeys.expired()).containsExactly("sealed-1");
    assertThat(withKeys.incomplete()).isEmpty();
    Set<String> unencryptedAfter = filesOnDisk("");
    unencryptedAfter.removeIf(f -> f.endsWith(".kenc"));
    assertThat(unencryptedAfter)
        .as("the purge with the keys deleted no unencrypted file")
        .isEqualTo(unencryptedLeft);
    Set<String> left = filesOnDisk("");
    assertThat(left).noneMatch(f -> f.contains("sealed-1/"));
    assertThat(new BackupCatalog(sealed, CLUSTER).list(true))
        .extracting(BackupCatalog.Listing::name)
        .containsExactly("sealed-2");
    assertThat(new BackupCatalog(plain, CLUSTER).list(false))
        .extracting(BackupCatalog.Listing::name)
        .as("the unencrypted backup the first purge kept is still whole")
        .containsExactly("plain-2");
  }

  Set<String> filesOnDisk(String suffix) throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> all = Files.walk(tmp)) {
      all.filter(Files::isRegularFile)
          .map(p -> tmp.relativize(p).toString())
          .filter(p -> p.endsWith(suffix))
          .forEach(files::add);
    }
    return files;
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

  /**
   * The catalog reads many backups' manifests at once: the listing is still newest first, with
   * every backup once, a damaged one named with its defect, and incomplete ones only when asked.
   */
  @Test
  void manyBackupsAreListedNewestFirstWithTheDamagedOneAndTheIncompleteOnesOnRequest()
      throws IOException {
    for (int i = 0; i < 40; i++) {
      backup(String.format("n%02d", i), 100 - i, i % 10 != 3, "A");
    }
    store.put(layout.clusterManifest("n20"), "{not json".getBytes(StandardCharsets.UTF_8));

    List<BackupCatalog.Listing> all = new BackupCatalog(store, CLUSTER).list(true);
    assertThat(all).hasSize(40);
    assertThat(all.stream().filter(l -> l.defect() != null))
        .extracting(BackupCatalog.Listing::name)
        .containsExactly("n20");
    assertThat(all.stream().filter(l -> l.startedAt() != null))
        .extracting(BackupCatalog.Listing::name)
        .as("newest first")
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    List<BackupCatalog.Listing> complete = new BackupCatalog(store, CLUSTER).list(false);
    assertThat(complete)
        .extracting(BackupCatalog.Listing::name)
        .hasSize(36)
        .contains("n20")
        .doesNotContain("n03", "n13", "n23", "n33");
  }

  /** A read that fails for another reason than a damaged manifest fails the listing, named. */
  @Test
  void aManifestThatCannotBeReadFailsTheListing() throws IOException {
    for (int i = 0; i < 12; i++) {
      backup(String.format("n%02d", i), 100 - i, true, "A");
    }
    String unreadable = layout.clusterManifest("n07");
    ObjectStore failing =
        new io.kassette.storage.ForwardingStore(store) {
          @Override
          public java.io.InputStream open(String key) throws IOException {
            if (key.equals(unreadable)) {
              throw new IOException("connection reset reading " + key);
            }
            return super.open(key);
          }
        };
    assertThatThrownBy(() -> new BackupCatalog(failing, CLUSTER).list(true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset reading " + unreadable);
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

  /** A store that dies (throws) at the first delete, after deleting half of that batch. */
  ObjectStore dyingAtFirstDelete() {
    return (ObjectStore)
        Proxy.newProxyInstance(
            ObjectStore.class.getClassLoader(),
            new Class<?>[] {ObjectStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("delete")) {
                @SuppressWarnings("unchecked")
                List<String> keys = (List<String>) args[0];
                store.delete(keys.subList(0, keys.size() / 2));
                throw new IOException("killed");
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void anInterruptedPurgeOfRecentBackupsIsFinishedWithinTheGracePeriod() throws Exception {
    backup("h1", 3, true, "A", "B");
    backup("h2", 2, true, "B", "C");
    backup("h3", 1, true, "C", "D");
    BackupPurge.Policy policy = new BackupPurge.Policy(1, null, Duration.ofHours(6));
    assertThatThrownBy(
            () -> new BackupPurge(dyingAtFirstDelete(), CLUSTER).purge(policy, false, NOW))
        .hasMessageContaining("killed");
    assertThat(keys())
        .as("the doomed backups are marked before anything is deleted")
        .contains(layout.purgeMarker("h1"), layout.purgeMarker("h2"));

    // The next purge finishes h1 and h2 although they are younger than the grace period: their
    // purge markers say a purge started on them.
    BackupPurge.Result r = new BackupPurge(store, CLUSTER).purge(policy, false, NOW);
    assertThat(r.kept()).containsExactly("h3");
    assertThat(new BackupCatalog(store, CLUSTER).list(true))
        .extracting(BackupCatalog.Listing::name)
        .containsExactly("h3");
    assertThat(keys()).noneMatch(k -> k.contains("/backups/h1/") || k.contains("/backups/h2/"));
  }

  @Test
  void aPurgeMarkerOnABackupANewPolicyKeepsIsDroppedAndTheBackupStaysRestorable() throws Exception {
    fiveBackupsAFailedOneAndOneRunning();
    store.put(layout.purgeMarker("b4"), "{}".getBytes(StandardCharsets.UTF_8));
    BackupPurge.Result r =
        new BackupPurge(store, CLUSTER)
            .purge(new BackupPurge.Policy(3, null, Duration.ofHours(6)), false, NOW);
    assertThat(r.kept()).containsExactly("b5", "b4", "b3");
    assertThat(keys())
        .doesNotContain(layout.purgeMarker("b4"))
        .contains(layout.clusterManifest("b4"));
  }

  @Test
  void withAPrefixOnlyThatSchedulesBackupsExpireAndOthersKeepTheirFiles() throws Exception {
    backup("manual-1", 60, true, "M", "A");
    backup("manual-failed", 55, false, "N");
    backup("nightly-1", 50, true, "A", "B");
    backup("nightly-2", 40, true, "B", "C");
    backup("nightly-3", 30, true, "C", "D");
    BackupPurge.Result r =
        new BackupPurge(store, CLUSTER)
            .purge(new BackupPurge.Policy(1, null, Duration.ofHours(6), "nightly-"), false, NOW);
    assertThat(r.kept()).containsExactly("nightly-3");
    assertThat(r.expired()).containsExactlyInAnyOrder("nightly-1", "nightly-2");
    assertThat(r.incomplete()).as("not the schedule's to clean up").isEmpty();
    assertThat(new BackupCatalog(store, CLUSTER).list(true))
        .extracting(BackupCatalog.Listing::name)
        .containsExactlyInAnyOrder("manual-1", "manual-failed", "nightly-3");
    assertThat(keys())
        .as("what the manual backups reference stays")
        .contains(pooled("M"), pooled("A"), pooled("N"), pooled("C"), pooled("D"))
        .doesNotContain(pooled("B"));
  }

  @Test
  void aNodeThatLeftTheClusterGoesWithTheLastBackupThatReferencedIt() throws Exception {
    backup(HOST2, "b1", 50, false, "X", "Y");
    backup("b1", 50, true, "A");
    backup("b2", 40, true, "A", "B");
    age(50);
    assertThat(keys()).anyMatch(k -> k.contains("/nodes/" + HOST2 + "/"));
    new BackupPurge(store, CLUSTER)
        .purge(new BackupPurge.Policy(1, null, Duration.ofHours(6)), false, NOW);
    assertThat(keys())
        .as("no pooled SSTable and no dedup pointer of the departed node")
        .noneMatch(k -> k.contains(HOST2));
    assertThat(keys()).contains(pooled("A"), pooled("B"), layout.latestPointer(HOST));
  }
}
