package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.SidecarClient;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REAL Cassandra node whose JMX and CQL both require a password, the real agent ({@code kassette
 * serve}, HTTPS) and CLI in front of it, with known secret values: the JMX and CQL passwords, the
 * S3 secret key, a GCS service-account key file and the bearer token. They authenticate, or say why
 * not; and after backups, a restore, failures and retries, no secret is found in any log line,
 * answer, metric, journal file or stored object.
 */
class CredentialsIT {
  static final String JMX_PASSWORD = "jmx-pass-5e1f0a7c93";
  static final String CQL_PASSWORD = "cql-pass-82b4d6e0f1";
  static final String TOKEN = "leak-test-token-0c9d8e7f6a5b4c3d";
  static final String GCS_KEY_ID = "gcs-key-id-4a3b2c1d0e9f";

  @TempDir static Path tmp;
  static CassandraNode cassandra;
  static LocalS3Server s3;
  static Path s3Dir;
  static HttpServer googleTokens;
  static String gcsPrivateKey;
  static String sidecarTlsKey = "";
  static Path gcsKeyFile;

  @BeforeAll
  static void start() throws Exception {
    cassandra =
        CassandraNode.builder(tmp.resolve("node"))
            .clusterName("jmx-auth")
            .jmxAuth("kassette", JMX_PASSWORD)
            .cqlAuth()
            .build()
            .start();
    try (CqlSession cql = openAsSuperuser()) {
      cql.execute(
          "CREATE ROLE kassette_backup WITH PASSWORD = '"
              + CQL_PASSWORD
              + "' AND LOGIN = true AND SUPERUSER = true");
      cql.execute(
          "CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
      cql.execute("CREATE TABLE app.t (id int PRIMARY KEY, v text)");
      for (int i = 0; i < 50; i++) {
        cql.execute("INSERT INTO app.t (id, v) VALUES (?, ?)", i, "row-" + i);
      }
    }
    cassandra.flush("app", "t");
    s3Dir = Files.createDirectories(tmp.resolve("s3"));
    s3 = LocalS3Server.onDisk(s3Dir).createBucket("leak").createBucket("other");
    // Google's token endpoint as it answers a key it does not know: 400 invalid_grant.
    googleTokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    googleTokens.createContext(
        "/token",
        ex -> {
          byte[] body =
              "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(400, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    googleTokens.start();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    gcsPrivateKey =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
    gcsKeyFile =
        Files.writeString(
            tmp.resolve("gcs-key.json"),
            new ObjectMapper()
                .writeValueAsString(
                    Map.of(
                        "type", "service_account",
                        "project_id", "kassette-leak",
                        "private_key_id", GCS_KEY_ID,
                        "private_key",
                            "-----BEGIN PRIVATE KEY-----\n"
                                + gcsPrivateKey
                                + "\n-----END PRIVATE KEY-----\n",
                        "client_email", "backup@kassette-leak.iam.gserviceaccount.com",
                        "client_id", "1234567890",
                        "token_uri",
                            "http://127.0.0.1:" + googleTokens.getAddress().getPort() + "/token")));
  }

  static CqlSession openAsSuperuser() {
    return CqlSessions.open(cassandra, "cassandra", "cassandra");
  }

  @AfterAll
  static void stop() throws Exception {
    if (googleTokens != null) {
      googleTokens.stop(0);
    }
    if (s3 != null) {
      s3.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
  }

  /** The secrets every component was given, and what to call each in a failure. */
  static Map<String, String> secrets() {
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("JMX password", JMX_PASSWORD);
    secrets.put("CQL password", CQL_PASSWORD);
    secrets.put("S3 secret key", LocalS3Server.SECRET_KEY);
    secrets.put("bearer token", TOKEN);
    secrets.put("GCS private key id", GCS_KEY_ID);
    List<String> keyLines = gcsPrivateKey.lines().toList();
    for (int i = 0; i < keyLines.size() - 1; i++) {
      secrets.put("GCS private key line " + i, keyLines.get(i));
    }
    List<String> tlsLines = sidecarTlsKey.lines().filter(l -> !l.startsWith("-----")).toList();
    for (int i = 0; i < tlsLines.size(); i++) {
      secrets.put("sidecar TLS key line " + i, tlsLines.get(i));
    }
    return secrets;
  }

  static Map<String, String> environment() {
    return Map.of(
        "KASSETTE_S3_ENDPOINT",
        s3.endpoint().toString(),
        "KASSETTE_S3_ACCESS_KEY_ID",
        LocalS3Server.ACCESS_KEY,
        "KASSETTE_S3_SECRET_ACCESS_KEY",
        LocalS3Server.SECRET_KEY,
        "KASSETTE_S3_REGION",
        "us-east-1",
        "KASSETTE_GCS_CREDENTIALS_FILE",
        gcsKeyFile.toString(),
        "KASSETTE_JMX_PASSWORD",
        JMX_PASSWORD,
        "KASSETTE_CQL_PASSWORD",
        CQL_PASSWORD);
  }

  @Test
  void noSecretLeaksFromBackupsRestoresFailuresOrRetries() throws Exception {
    Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
    Path state = tmp.resolve("agent-state");
    StringBuilder seen = new StringBuilder();
    try (AgentProcess agent =
        AgentProcess.start(
            tmp.resolve("agent"),
            environment(),
            "--token-file",
            tokenFile.toString(),
            "--jmx",
            cassandra.jmxAddress(),
            "--jmx-user",
            "kassette",
            "--cql",
            cassandra.cqlAddress(),
            "--cql-user",
            "kassette_backup",
            "--state-dir",
            state.toString(),
            "--allowed-locations",
            "s3://leak,s3://no-such-bucket,gs://leak-gcs")) {
      sidecarTlsKey = Files.readString(agent.tlsKey());
      SidecarClient client = agent.client(TOKEN);
      client.startBackup(
          BackupOperationRequest.of("b1", "s3://leak/c", "auth")
              .withKeyspaces("app.t")
              .withCommit(true));
      Operation backedUp =
          AgentIT.awaitState(client, OperationKind.BACKUP, "b1", OperationState.SUCCEEDED);
      assertThat(backedUp.backupResult().totals().files()).isPositive();

      try (CqlSession cql = openAsSuperuser()) {
        cql.execute("TRUNCATE app.t");
      }
      client.startRestore(
          RestoreOperationRequest.of("r1", "s3://leak/c", "auth", "b1").withKeyspaces("app.t"));
      AgentIT.awaitState(client, OperationKind.RESTORE, "r1", OperationState.SUCCEEDED);
      try (CqlSession cql = openAsSuperuser()) {
        assertThat(cql.execute("SELECT count(*) FROM app.t").one().getLong(0))
            .as("rows restored with the CQL and JMX credentials")
            .isEqualTo(50);
      }

      client.startBackup(
          BackupOperationRequest.of("gcs-1", "gs://leak-gcs/c", "auth").withCommit(true));
      Operation gcs =
          AgentIT.awaitState(client, OperationKind.BACKUP, "gcs-1", OperationState.FAILED);
      assertThat(gcs.errors().toString()).contains("invalid_grant");
      client.startBackup(
          BackupOperationRequest.of("gone-1", "s3://no-such-bucket/c", "auth").withCommit(true));
      Operation gone =
          AgentIT.awaitState(client, OperationKind.BACKUP, "gone-1", OperationState.FAILED);
      assertThat(gone.errors()).isNotEmpty();

      HttpClient http = agent.http();
      for (String auth : List.of("Bearer " + TOKEN, "Bearer wrong-token-0123456789", "")) {
        for (String path : List.of("/v1/operations", "/v1/node", "/metrics", "/readyz")) {
          HttpRequest.Builder r =
              HttpRequest.newBuilder(URI.create(agent.base + path)).timeout(Duration.ofSeconds(30));
          if (!auth.isEmpty()) {
            r.header("Authorization", auth);
          }
          HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
          seen.append(answer.headers().map()).append(answer.body()).append('\n');
        }
      }
      seen.append(agent.log());
    }

    CliProcess cli = new CliProcess(tmp.resolve("cli"), environment());
    for (String[] args :
        List.of(
            new String[] {"list", "--location", "gs://leak-gcs/c", "--cluster", "auth"},
            new String[] {"list", "--location", "s3://leak/c", "--cluster", "auth"},
            new String[] {
              "verify", "--location", "s3://leak/c", "--cluster", "auth", "--backup", "b1"
            },
            new String[] {
              "backup",
              "--location",
              "s3://leak/c",
              "--cluster",
              "auth",
              "--name",
              "cli-1",
              "--jmx",
              cassandra.jmxAddress(),
              "--jmx-user",
              "kassette",
              "--cql",
              cassandra.cqlAddress(),
              "--cql-user",
              "nobody",
              "--keyspaces",
              "app"
            })) {
      var result = cli.run(args);
      seen.append(String.join(" ", args)).append(" -> ").append(result.exit()).append('\n');
      seen.append(result.out()).append(result.err());
    }

    Map<String, String> places = new LinkedHashMap<>();
    places.put("agent log, answers, headers, metrics and CLI output", seen.toString());
    try (Stream<Path> files = Files.walk(state)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        places.put(
            "journal " + state.relativize(f), Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    try (Stream<Path> files = Files.walk(s3Dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        places.put(
            "stored object " + s3Dir.relativize(f),
            Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(places.keySet()).anyMatch(k -> k.startsWith("journal "));
    assertThat(places.keySet()).anyMatch(k -> k.contains("manifest") || k.endsWith(".json"));
    assertThat(seen).as("the failures were seen").contains("invalid_grant");
    secrets()
        .forEach(
            (what, value) ->
                places.forEach(
                    (where, text) ->
                        assertThat(text).as(what + " in " + where).doesNotContain(value)));
  }

  @Test
  void backupAuthenticatesWithAPasswordFileAndNamesTheProblemOtherwise() throws Exception {
    Path good = Files.writeString(tmp.resolve("jmx-password"), JMX_PASSWORD + "\n");
    Path bad = Files.writeString(tmp.resolve("wrong-password"), "not-it\n");
    CliProcess cli =
        new CliProcess(tmp.resolve("cli-jmx"), Map.of("KASSETTE_CQL_PASSWORD", CQL_PASSWORD));
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
            "--cql-user",
            "kassette_backup",
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
        .doesNotContain(JMX_PASSWORD);

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
          .doesNotContain(JMX_PASSWORD);
    }
  }

  static String[] append(List<String> base, String... more) {
    List<String> all = new java.util.ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
