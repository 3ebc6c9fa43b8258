package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kassette.backup.ManifestCodec;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of a REAL two-node cluster restored into a REAL one-node cluster (another topology,
 * another cluster) from the location and backup name alone: load mode streams every node's SSTables
 * through Cassandra's bulk loader.
 */
class TopologyRestoreIT {
  @TempDir static Path tmp;
  static CassandraNode source1;
  static CassandraNode source2;
  static CassandraNode target;

  @BeforeAll
  static void start() throws Exception {
    int storage = CassandraNode.freePort();
    int cqlPort = CassandraNode.freePort();
    source1 =
        CassandraNode.builder(tmp.resolve("s1"))
            .ip("127.0.0.1")
            .clusterName("source")
            .storagePort(storage)
            .cqlPort(cqlPort)
            .seeds("127.0.0.1")
            .build()
            .launch();
    source1.awaitStoragePort(Duration.ofMinutes(2));
    source2 =
        CassandraNode.builder(tmp.resolve("s2"))
            .ip("127.0.0.2")
            .clusterName("source")
            .storagePort(storage)
            .cqlPort(cqlPort)
            .seeds("127.0.0.1")
            .ringDelayMillis(3000)
            .build()
            .launch();
    target =
        CassandraNode.builder(tmp.resolve("t1"))
            .ip("127.0.0.3")
            .clusterName("target")
            .seeds("127.0.0.3")
            .build()
            .launch();
    for (CassandraNode n : List.of(source1, source2, target)) {
      n.awaitReady(Duration.ofMinutes(3));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (CassandraNode n : new CassandraNode[] {source1, source2, target}) {
      if (n != null) {
        n.close();
      }
    }
  }

  static String contents(CqlSession cql) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Row row : cql.execute("SELECT id, v FROM moved.t")) {
      rows.add(row.getInt("id") + "|" + HexFormat.of().formatHex(row.getByteBuffer("v").array()));
    }
    rows.sort(null);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    rows.forEach(r -> sha.update(r.getBytes(StandardCharsets.UTF_8)));
    return rows.size() + ":" + HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void aTwoNodeBackupRestoresIntoAOneNodeClusterFromTheLocationAlone() throws Exception {
    String expected;
    try (CqlSession cql = CqlSessions.open(source1)) {
      // Wait until both nodes are in the ring, so the rows really are split between them.
      long deadline = System.currentTimeMillis() + 120_000;
      while (cql.getMetadata().getNodes().size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      assertThat(cql.getMetadata().getNodes()).hasSize(2);
      cql.execute(
          "CREATE KEYSPACE moved WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
      cql.execute("CREATE TABLE moved.t (id int PRIMARY KEY, v blob)");
      PreparedStatement ps = cql.prepare("INSERT INTO moved.t (id, v) VALUES (?, ?)");
      Random r = new Random(5);
      for (int i = 0; i < 1000; i++) {
        byte[] b = new byte[100];
        r.nextBytes(b);
        cql.execute(ps.bind(i, ByteBuffer.wrap(b)));
      }
      expected = contents(cql);
    }
    assertThat(expected).startsWith("1000:");

    String location = "file://" + tmp.resolve("bucket");
    CliProcess cli = new CliProcess(tmp.resolve("cli"), Map.of());
    for (CassandraNode n : List.of(source1, source2)) {
      var backup =
          cli.run(
              "backup",
              "--location",
              location,
              "--cluster",
              "source",
              "--name",
              "b1",
              "--keyspaces",
              "moved",
              "--jmx",
              n.jmxAddress(),
              "--cql",
              n.cqlAddress(),
              "--no-commit");
      assertThat(backup.exit()).as(backup.err()).isZero();
    }
    var commit = cli.run("commit", "--location", location, "--cluster", "source", "--name", "b1");
    assertThat(commit.exit()).as(commit.err()).isZero();
    assertThat(commit.out()).contains("2 nodes");

    // Source cluster gone from the picture: only the location and the names are used.
    var restore =
        cli.run(
            "restore",
            "--location",
            location,
            "--cluster",
            "source",
            "--name",
            "b1",
            "--jmx",
            target.jmxAddress(),
            "--cql",
            target.cqlAddress(),
            "--loader-lib",
            CassandraNode.cassandraLib().toString(),
            "--storage-port",
            String.valueOf(target.storagePort()),
            "--json");
    assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
    Map<?, ?> summary = ManifestCodec.JSON.readValue(restore.out(), Map.class);
    assertThat(summary.get("mode")).isEqualTo("load");
    assertThat((List<?>) summary.get("sourceHostIds")).hasSize(2);
    try (CqlSession cql = CqlSessions.open(target)) {
      assertThat(contents(cql)).isEqualTo(expected);
    }
  }
}
