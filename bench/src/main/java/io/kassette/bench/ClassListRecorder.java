package io.kassette.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code make cds-classlist}: records which classes the CLI and the agent load on a real node, for
 * the class-data sharing archive that the image and {@code make bench} start Kassette with. A JVM
 * maps those classes from the archive instead of reading, verifying and linking them from the jar:
 * a third of an unchanged S3 re-run's time (docs/performance.md).
 *
 * <p>Each command runs as a process of its own with {@code -XX:DumpLoadedClassList}; the lists are
 * merged in the order of first use. A class the list names that the jar no longer has is skipped
 * when the archive is made, and one it lacks is loaded from the jar as before: a stale list costs
 * speed, never correctness.
 *
 * <p>Arguments: work dir, Kassette jar, output file.
 */
public final class ClassListRecorder {
  private final Path work;
  private final BenchProcess process;
  private final List<Path> lists = new ArrayList<>();

  private ClassListRecorder(Path work, Path jar) {
    this.work = work;
    this.process = new BenchProcess(work, jar);
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    BenchProcess.deleteTree(work);
    Files.createDirectories(work);
    Set<String> merged = new ClassListRecorder(work, Path.of(args[1]).toAbsolutePath()).record();
    Path out = Path.of(args[2]);
    List<String> lines = new ArrayList<>();
    lines.add("# The classes Kassette's CLI and agent load: make cds-classlist writes this file");
    lines.add("# (bench/src/main/java/io/kassette/bench/ClassListRecorder.java); the image and");
    lines.add("# make bench make a class-data sharing archive of them (tools/cds/archive.sh).");
    lines.addAll(merged);
    Files.write(out, lines);
    System.out.println(merged.size() + " classes in " + out);
    System.exit(0);
  }

  private Set<String> record() throws Exception {
    CassandraNode node =
        CassandraNode.builder(work.resolve("node")).clusterName("cds").build().start();
    try (LocalS3Server s3 = LocalS3Server.inMemory().createBucket("cds")) {
      try (CqlSession cql = CqlSessions.open(node)) {
        cql.execute(
            "CREATE KEYSPACE cds WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
        cql.execute("CREATE TABLE cds.t (id int PRIMARY KEY, v text)");
        for (int i = 0; i < 100; i++) {
          cql.execute("INSERT INTO cds.t (id, v) VALUES (" + i + ", 'row " + i + "')");
        }
      }
      node.flush("cds");
      Path keys = Files.createDirectories(work.resolve("keys"));
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      Files.writeString(keys.resolve("k"), Base64.getEncoder().encodeToString(key));
      Files.setPosixFilePermissions(
          keys.resolve("k"), PosixFilePermissions.fromString("rw-------"));

      String file = "file://" + work.resolve("store");
      List<String> s3Flags = List.of("--s3-endpoint", s3.endpoint().toString());
      List<String> nodeFlags = BenchProcess.nodeFlags(node);
      run("--help");
      run("backup", "--help");
      for (String name : List.of("b1", "b2")) {
        run(
            join(
                List.of("backup", "--location", file, "--cluster", "cds", "--name", name),
                nodeFlags));
        run(
            join(
                List.of("backup", "--location", "s3://cds/k", "--cluster", "cds", "--name", name),
                nodeFlags,
                s3Flags,
                List.of("--json")));
      }
      run(
          join(
              List.of("backup", "--location", "s3://cds/x", "--cluster", "cds", "--name", "x1"),
              nodeFlags,
              s3Flags,
              List.of("--encryption-keys", keys.toString(), "--encryption-key-id", "k")));
      run(join(List.of("list", "--location", "s3://cds/k", "--cluster", "cds"), s3Flags));
      run("list", "--location", file, "--cluster", "cds", "--json");
      run(
          join(
              List.of("verify", "--location", "s3://cds/k", "--cluster", "cds", "--name", "b2"),
              s3Flags));
      run("verify", "--location", file, "--cluster", "cds", "--name", "b2", "--deep");
      run(
          join(
              List.of("restore", "--location", "s3://cds/k", "--cluster", "cds", "--name", "b2"),
              List.of("--truncate"),
              nodeFlags,
              s3Flags));
      run(
          join(
              List.of("restore", "--location", file, "--cluster", "cds", "--name", "b1"),
              List.of("--truncate"),
              nodeFlags));
      run("purge", "--location", file, "--cluster", "cds", "--keep-last", "1");
      serve(node);
    } finally {
      node.stop();
    }
    Set<String> merged = new LinkedHashSet<>();
    for (Path list : lists) {
      for (String line : Files.readAllLines(list)) {
        if (!line.isBlank() && !line.startsWith("#")) {
          merged.add(line);
        }
      }
    }
    return merged;
  }

  @SafeVarargs
  private static String[] join(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all.toArray(String[]::new);
  }

  private List<String> recording(String... args) {
    Path list = work.resolve("classes-" + lists.size() + ".lst");
    lists.add(list);
    List<String> cmd = process.kassette(args);
    // Every class from the jar, none from an archive of an earlier list.
    cmd.addAll(1, List.of("-Xshare:off", "-XX:DumpLoadedClassList=" + list));
    return cmd;
  }

  private void run(String... args) throws Exception {
    BenchProcess.Timed t = process.timed(recording(args), BenchProcess.s3Env());
    if (t.exit() != 0) {
      throw new IllegalStateException(
          "kassette " + String.join(" ", args) + " failed: " + Files.readString(t.log()));
    }
  }

  /** The agent from start to a stop, with its health, metrics and an authenticated request. */
  private void serve(CassandraNode node) throws Exception {
    Path token = Files.writeString(work.resolve("token"), "cds-token-0123456789abcdefghij");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    int port = CassandraNode.freePort();
    List<String> cmd =
        recording(
            "serve",
            "--token-file",
            token.toString(),
            "--plain-http",
            "--listen",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--jmx",
            node.jmxAddress(),
            "--cql",
            node.cqlAddress(),
            "--state-dir",
            Files.createDirectories(work.resolve("state")).toString(),
            "--allowed-locations",
            "s3://cds");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("serve.log").toFile());
    pb.environment().putAll(Map.copyOf(BenchProcess.s3Env()));
    Process agent = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);
      io.kassette.testkit.CachedTools.awaitReady(
          agent,
          work.resolve("serve.log"),
          "the agent",
          60,
          () ->
              http.send(
                          HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200);
      http.send(
          HttpRequest.newBuilder(base.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.discarding());
      http.send(
          HttpRequest.newBuilder(base.resolve("/v1/operations"))
              .header("Authorization", "Bearer " + Files.readString(token))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }
}
