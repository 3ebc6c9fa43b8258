package io.kassette.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.kassette.node.NodeInfo;
import io.kassette.node.TableRef;
import io.kassette.storage.Checksums;
import io.kassette.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A small committed backup as Kassette writes it, made without a node: two keyspaces, a table with
 * a type, an index and a dropped column, real bytes in the pool. Tests tamper with its manifests.
 */
public final class BackupFixture {
  public static final String CLUSTER = "prod";
  public static final String BACKUP = "b1";
  public static final String HOST = "6a1f0d4e-3b2c-4d5e-8f90-a1b2c3d4e5f6";
  public static final String USERS_ID = "1b368590ee4811f1a69891cdd8b2ddad";
  public static final String ORDERS_ID = "2c479601ff5922f2b7a9a2dee9c3eebe";

  public static final String USERS_SCHEMA =
      """
      CREATE TYPE IF NOT EXISTS app.address (
          street text,
          city text
      );

      CREATE TABLE IF NOT EXISTS app.users (
          id int PRIMARY KEY,
          name text,
          home frozen<address>,
          legacy text
      ) WITH ID = 1b368590-ee48-11f1-a698-91cdd8b2ddad
          AND additional_write_policy = '99p'
          AND bloom_filter_fp_chance = 0.01
          AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
          AND comment = 'users; not a statement -- nor a comment'
          AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
          AND gc_grace_seconds = 864000;
      ALTER TABLE app.users DROP legacy USING TIMESTAMP 1764680000000000;
      CREATE INDEX IF NOT EXISTS users_name ON app.users (name);
      """;

  public static final String ORDERS_SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS shop.orders (
          id uuid,
          at timestamp,
          total decimal,
          PRIMARY KEY (id, at)
      ) WITH ID = 2c479601-ff59-22f2-b7a9-a2dee9c3eebe
          AND CLUSTERING ORDER BY (at DESC)
          AND default_time_to_live = 0;
      """;

  public static final Map<String, String> KEYSPACES =
      Map.of(
          "app",
          "CREATE KEYSPACE app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '3'}"
              + "  AND durable_writes = true;",
          "shop",
          "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy',"
              + " 'replication_factor': '1'} AND durable_writes = true;");

  public static final List<TableRef> TABLES =
      List.of(new TableRef("app", "users"), new TableRef("shop", "orders"));

  private BackupFixture() {}

  public static BucketLayout layout() {
    return new BucketLayout(CLUSTER);
  }

  /** Writes the backup's objects and node manifest, then commits it. */
  public static NodeManifest write(ObjectStore store) throws IOException {
    NodeManifest m = nodeManifest(store);
    store.put(layout().nodeManifest(BACKUP, HOST), ManifestCodec.gzipJson(m));
    store.put(layout().latestPointer(HOST), ManifestCodec.json(Map.of("backup", BACKUP)));
    try {
      new BackupCatalog(store, CLUSTER).commit(BACKUP);
    } catch (BackupException e) {
      throw new IOException(e);
    }
    return m;
  }

  /** Replaces the node manifest with {@code json} (a tampered one). */
  public static void replaceNodeManifest(ObjectStore store, JsonNode json) throws IOException {
    store.put(layout().nodeManifest(BACKUP, HOST), ManifestCodec.gzipJson(json));
  }

  private static NodeManifest nodeManifest(ObjectStore store) throws IOException {
    List<NodeManifest.TableEntry> tables = new ArrayList<>();
    tables.add(table(store, "app", "users", USERS_ID, USERS_SCHEMA, 2));
    tables.add(table(store, "shop", "orders", ORDERS_ID, ORDERS_SCHEMA, 1));
    long files = tables.stream().mapToLong(t -> t.files().size()).sum();
    long bytes = tables.stream().flatMap(t -> t.files().stream()).mapToLong(f -> f.size()).sum();
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    return new NodeManifest(
        NodeManifest.FORMAT,
        BACKUP,
        CLUSTER,
        "differential",
        new NodeInfo(
            HOST,
            "Prod Cluster",
            "dc1",
            "rack1",
            List.of("-9223372036854775808", "0", "4611686018427387904"),
            "5.0.9",
            NodeInfo.Engine.CASSANDRA),
        at,
        at.plusSeconds(30),
        "59adb24e-f3cd-3e02-97f0-5b395827453f",
        new LinkedHashMap<>(KEYSPACES),
        tables,
        new NodeManifest.Totals(files, bytes, files, bytes, 0, 0));
  }

  private static NodeManifest.TableEntry table(
      ObjectStore store, String ks, String table, String id, String schema, int sstables)
      throws IOException {
    List<NodeManifest.FileEntry> files = new ArrayList<>();
    for (int g = 1; g <= sstables; g++) {
      for (String component : List.of("Data.db", "Index.db", "Statistics.db", "TOC.txt")) {
        String name = "nb-" + g + "-big-" + component;
        byte[] content =
            (ks + "." + table + "/" + name + "\n").repeat(g * 10).getBytes(StandardCharsets.UTF_8);
        String key = layout().poolPrefix(HOST) + BucketLayout.fileKey(ks, table, id, name, "x" + g);
        store.put(key, content);
        CRC32C crc = new CRC32C();
        crc.update(content);
        files.add(new NodeManifest.FileEntry(name, key, content.length, Checksums.hex(crc)));
      }
    }
    return new NodeManifest.TableEntry(ks, table, id, schema, files);
  }
}
