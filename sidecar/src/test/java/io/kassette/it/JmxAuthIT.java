package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A REAL Cassandra node whose JMX requires a password: the CLI authenticates, or says why not. */
class JmxAuthIT {
  @TempDir static Path tmp;
  static CassandraNode cassandra;

  @BeforeAll
  static void start() throws Exception {
    cassandra =
        CassandraNode.builder(tmp.resolve("node"))
            .clusterName("jmx-auth")
            .jmxAuth("kassette", "s3cret-jmx-pass")
            .build()
            .start();
    try (CqlSession cql = CqlSessions.open(cassandra)) {
      cql.execute(
          "CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
      cql.execute("CREATE TABLE app.t (id int PRIMARY KEY, v text)");
      cql.execute("INSERT INTO app.t (id, v) VALUES (1, 'x')");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cassandra != null) {
      cassandra.close();
    }
  }

  @Test
  void backupAuthenticatesWithAPasswordFileAndNamesTheProblemOtherwise() throws Exception {
    Path good = Files.writeString(tmp.resolve("jmx-password"), "s3cret-jmx-pass\n");
    Path bad = Files.writeString(tmp.resolve("wrong-password"), "not-it\n");
    CliProcess cli = new CliProcess(tmp.resolve("cli"), Map.of());
    String location = "file://" + tmp.resolve("bucket");
    List<String> base =
        List.of(
            "backup",
            "--location",
            location,
            "--cluster",
            "auth",
            "--jmx",
            cassandra.jmxAddress(),
            "--cql",
            cassandra.cqlAddress(),
            "--keyspaces",
            "app");

    var ok =
        cli.run(
            append(
                base,
                "--name",
                "b1",
                "--jmx-user",
                "kassette",
                "--jmx-password-file",
                good.toString()));
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("backup b1 of node").contains("complete");
    assertThat(ok.out() + ok.err())
        .as("the password is never printed")
        .doesNotContain("s3cret-jmx-pass");

    for (String[] wrong :
        List.of(
            append(base, "--name", "b2"),
            append(
                base,
                "--name",
                "b3",
                "--jmx-user",
                "kassette",
                "--jmx-password-file",
                bad.toString()))) {
      var result = cli.run(wrong);
      assertThat(result.exit()).isEqualTo(1);
      assertThat(result.err().lines().filter(l -> !l.isBlank()).toList())
          .singleElement()
          .asString()
          .contains("Cassandra JMX at " + cassandra.jmxAddress() + " refused the credentials")
          .doesNotContain("not-it")
          .doesNotContain("s3cret-jmx-pass");
    }
  }

  static String[] append(List<String> base, String... more) {
    List<String> all = new java.util.ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
