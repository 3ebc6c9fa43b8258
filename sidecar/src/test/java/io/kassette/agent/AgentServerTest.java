package io.kassette.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.kassette.api.BackupOperationRequest;
import io.kassette.api.ErrorCause;
import io.kassette.api.HttpSidecarClient;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.PemFiles;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.node.CqlSchema;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.restore.BulkLoader;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.SidecarCertificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in-process with no database behind it (its node connector refuses, as a node that is
 * down does): what it answers without a node, TLS from PEM files, token rotation, the journal.
 * Everything with a node is in {@code AgentIT}, against a real Cassandra.
 */
class AgentServerTest {
  static final String TOKEN = "test-token-0123456789abcdef";

  @TempDir Path tmp;
  AgentServer agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  /** How a test node answers a connection. */
  interface Connection {
    NodeAccess open() throws NodeException;
  }

  /** A node with no CQL, no loader and its data directories asked from the node. */
  static NodeConnector node(Connection connection) {
    return new NodeConnector() {
      @Override
      public NodeAccess connect() throws NodeException {
        return connection.open();
      }

      @Override
      public CqlSchema cqlSchema() {
        return null;
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

  /** A node that is down: every connection is refused. */
  static final NodeConnector NO_NODE =
      node(
          () -> {
            throw new NodeException("cannot reach JMX at 127.0.0.1:1: Connection refused");
          });

  AgentServer start(Path tokenFile, Path cert, Path key) throws Exception {
    return start(tokenFile, cert, key, AllowedLocations.of("file:///", "s3://agent"));
  }

  AgentServer start(Path tokenFile, Path cert, Path key, AllowedLocations allowed)
      throws Exception {
    return start(tokenFile, cert, key, allowed, NO_NODE);
  }

  AgentServer start(
      Path tokenFile, Path cert, Path key, AllowedLocations allowed, NodeConnector node)
      throws Exception {
    if (agent != null) {
      agent.close();
    }
    agent =
        AgentServer.start(
            new AgentOptions(
                new InetSocketAddress("127.0.0.1", 0),
                tokenFile,
                cert,
                key,
                tmp.resolve("state"),
                2,
                16,
                StorageOptions.defaults(),
                Duration.ofSeconds(10),
                0,
                allowed),
            node);
    return agent;
  }

  Path token(String value) throws Exception {
    return Files.writeString(tmp.resolve("token"), value + "\n");
  }

  URI base(String scheme) {
    return URI.create(scheme + "://127.0.0.1:" + agent.address().getPort());
  }

  HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base("http").resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutItsNodeTheAgentIsAliveButNotReadyAndSaysWhy() throws Exception {
    start(token(TOKEN), null, null);
    assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = send("GET", "/readyz", null, null);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("Connection refused");
    HttpResponse<String> node = send("GET", "/v1/node", TOKEN, null);
    assertThat(node.statusCode()).isEqualTo(503);
    assertThat(node.body()).contains("node not reachable");
  }

  @Test
  void probesAnswerWhileReachingTheNodeHangs() throws Exception {
    // A node that is still starting: its JMX port accepts and then says nothing.
    CountDownLatch released = new CountDownLatch(1);
    NodeConnector hanging =
        node(
            () -> {
              try {
                released.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new NodeException("cannot reach JMX at 127.0.0.1:7199: Connection refused");
            });
    try {
      start(token(TOKEN), null, null, AllowedLocations.of("file:///"), hanging);
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 8; i++) {
        // more probes than the agent has request threads, each answered while the node hangs
        for (String path : List.of("/readyz", "/healthz")) {
          HttpResponse<String> answer =
              client.send(
                  HttpRequest.newBuilder(base("http").resolve(path))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (path.equals("/healthz")) {
            assertThat(answer.statusCode()).isEqualTo(200);
          } else {
            assertThat(answer.statusCode()).isEqualTo(503);
            // within 10 s "still checking", after that "has not answered for N s"
            assertThat(answer.body()).containsAnyOf("still checking the node", "has not answered");
          }
        }
      }
    } finally {
      released.countDown();
    }
  }

  @Test
  void wrongMethodsRoutesAndSizesAreRefused() throws Exception {
    start(token(TOKEN), null, null);
    assertThat(send("DELETE", "/v1/node", TOKEN, null).statusCode()).isEqualTo(405);
    assertThat(send("GET", "/v1/nothing", TOKEN, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/v2/node", TOKEN, null).statusCode()).isEqualTo(404);
    assertThat(send("POST", "/v1/backup-operations/x/explode", TOKEN, null).statusCode())
        .isEqualTo(404);
    char[] big = new char[(1 << 20) + 10];
    Arrays.fill(big, ' ');
    assertThat(send("POST", "/v1/backup-operations", TOKEN, new String(big)).statusCode())
        .isEqualTo(413);
    HttpResponse<String> empty = send("POST", "/v1/backup-operations", TOKEN, "");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("JSON request body is required");
    HttpResponse<String> missing =
        send("POST", "/v1/backup-operations", TOKEN, "{\"name\":\"b1\",\"cluster\":\"c1\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("\"field\":\"location\"");
    HttpResponse<String> glob =
        send(
            "POST",
            "/v1/backup-operations",
            TOKEN,
            "{\"name\":\"b1\",\"cluster\":\"c1\",\"location\":\"file:///tmp/x\",\"mode\":\"partial\"}");
    assertThat(glob.statusCode()).isEqualTo(400);
    assertThat(glob.body()).contains("\"field\":\"mode\"").contains("differential or full");
  }

  @Test
  void everyRouteThatNamesALocationRefusesOneOutsideTheAllowList() throws Exception {
    start(token(TOKEN), null, null);
    String outside = "s3://agent-other/x";
    String q = "?location=" + outside + "&cluster=c1";
    List<HttpResponse<String>> answers =
        List.of(
            send(
                "POST",
                "/v1/backup-operations",
                TOKEN,
                "{\"name\":\"b-1\",\"backup\":\"b1\",\"location\":\""
                    + outside
                    + "\",\"cluster\":\"c1\"}"),
            send(
                "POST",
                "/v1/restore-operations",
                TOKEN,
                "{\"name\":\"r-1\",\"backup\":\"b1\",\"location\":\""
                    + outside
                    + "\",\"cluster\":\"c1\"}"),
            send(
                "POST",
                "/v1/purge",
                TOKEN,
                "{\"location\":\"" + outside + "\",\"cluster\":\"c1\",\"keepLast\":2}"),
            send(
                "POST",
                "/v1/purge-operations",
                TOKEN,
                "{\"name\":\"p-1\",\"location\":\""
                    + outside
                    + "\",\"cluster\":\"c1\",\"keepLast\":2}"),
            send("GET", "/v1/backups" + q, TOKEN, null),
            send("DELETE", "/v1/backups/b1" + q, TOKEN, null),
            send(
                "POST",
                "/v1/backups/b1/commit",
                TOKEN,
                "{\"location\":\"" + outside + "\",\"cluster\":\"c1\",\"hostIds\":[]}"));
    assertThat(answers)
        .allSatisfy(
            a -> {
              assertThat(a.statusCode()).as(a.request() + " " + a.body()).isEqualTo(403);
              assertThat(a.body())
                  .contains("\"field\":\"location\"")
                  .contains("s3://agent-other/x is not allowed");
            });
    // The normalised path decides: a file:// location that climbs out of an allowed one does not
    // get in, and neither does a sibling that merely shares the prefix's characters.
    start(token(TOKEN), null, null, AllowedLocations.of("file://" + tmp.resolve("bucket")));
    for (String sneaky :
        List.of(
            "file://" + tmp.resolve("bucket") + "/../elsewhere",
            "file://" + tmp.resolve("bucket-2"),
            "s3://bucket/x")) {
      HttpResponse<String> a =
          send("GET", "/v1/backups?cluster=c1&location=" + sneaky, TOKEN, null);
      assertThat(a.statusCode()).as(sneaky + " " + a.body()).isEqualTo(403);
    }
    assertThat(
            send(
                    "GET",
                    "/v1/backups?cluster=c1&location=file://" + tmp.resolve("bucket/prod"),
                    TOKEN,
                    null)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void purgeAnswersWhatItRemovedAndNamesBadFields() throws Exception {
    start(token(TOKEN), null, null);
    SidecarClient client = HttpSidecarClient.builder(base("http"), () -> TOKEN).build();
    String location = "file://" + tmp.resolve("bucket");
    var result =
        client.purge(new io.kassette.api.PurgeRequest(location, "c1", 3, "7d", null, true));
    assertThat(result.dryRun()).isTrue();
    assertThat(result.expired()).isEmpty();
    HttpResponse<String> none =
        send(
            "POST",
            "/v1/purge",
            TOKEN,
            "{\"location\":\"" + location + "\",\"cluster\":\"c1\",\"keepLast\":0}");
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("\"field\":\"keepLast\"").contains("at least 1");
    HttpResponse<String> grace =
        send(
            "POST",
            "/v1/purge",
            TOKEN,
            "{\"location\":\""
                + location
                + "\",\"cluster\":\"c1\",\"keepLast\":2,\"grace\":\"soon\"}");
    assertThat(grace.statusCode()).isEqualTo(400);
    assertThat(grace.body()).contains("grace 'soon' is not a duration");
  }

  @Test
  void aPurgeOperationRunsOnceByNameAndReportsWhatItDid() throws Exception {
    start(token(TOKEN), null, null);
    SidecarClient client = HttpSidecarClient.builder(base("http"), () -> TOKEN).build();
    String location = "file://" + tmp.resolve("bucket");
    var request =
        new io.kassette.api.PurgeRequest(location, "c1", 2, null, "1h", false)
            .asOperation("nightly-purge-1", "nightly-");
    Operation started = client.startPurge(request);
    assertThat(started.kind()).isEqualTo(OperationKind.PURGE);
    Operation done =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> client.get(OperationKind.PURGE, "nightly-purge-1"),
                o -> o.state() == OperationState.SUCCEEDED);
    assertThat(done.purgeResult().objects()).isZero();
    assertThat(done.purgeResult().expired()).isNotNull();
    assertThat(client.startPurge(request).id()).as("idempotent by name").isEqualTo(started.id());
    HttpResponse<String> unnamed =
        send(
            "POST",
            "/v1/purge-operations",
            TOKEN,
            "{\"location\":\"" + location + "\",\"cluster\":\"c1\",\"keepLast\":2}");
    assertThat(unnamed.statusCode()).isEqualTo(400);
    assertThat(unnamed.body()).contains("\"field\":\"name\"");
  }

  @Test
  void aRotatedTokenTakesEffectWithoutARestart() throws Exception {
    Path file = token(TOKEN);
    start(file, null, null);
    assertThat(send("GET", "/v1/operations", TOKEN, null).statusCode()).isEqualTo(200);
    String rotated = "rotated-token-9876543210fedcba";
    Files.writeString(file, rotated);
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    assertThat(send("GET", "/v1/operations", TOKEN, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/v1/operations", rotated, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aShortTokenIsRefusedAtStart() throws Exception {
    assertThatThrownBy(() -> start(token("short"), null, null))
        .hasMessageContaining("shorter than 16 characters");
  }

  @Test
  void aFailedOperationNamesItsCauseCountsItAndSurvivesARestart() throws Exception {
    start(token(TOKEN), null, null);
    SidecarClient client = HttpSidecarClient.builder(base("http"), () -> TOKEN).build();
    String location = "file://" + tmp.resolve("bucket");
    Operation started =
        client.startBackup(BackupOperationRequest.of("b1", location, "c1").withCommit(true));
    Operation failed =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> client.get(OperationKind.BACKUP, "b1"), o -> !o.state().active());
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.cause()).isEqualTo(ErrorCause.NODE);
              assertThat(e.message()).contains("Connection refused");
            });
    HttpResponse<String> metrics = send("GET", "/metrics", null, null);
    assertThat(metrics.body())
        .contains("kassette_operation_errors_total{cause=\"node\",kind=\"backup\"} 1.0")
        .contains("kassette_operations_in_flight{kind=\"backup\"} 0.0");

    agent.close();
    start(tmp.resolve("token"), null, null);
    SidecarClient again = HttpSidecarClient.builder(base("http"), () -> TOKEN).build();
    Operation remembered = again.get(OperationKind.BACKUP, "b1");
    assertThat(remembered.id()).isEqualTo(started.id());
    assertThat(remembered.state()).isEqualTo(OperationState.FAILED);
    assertThat(remembered.errors()).hasSize(1);
  }

  @Test
  void servesHttpsFromPemFilesAndTheClientTrustsOnlyItsCa() throws Exception {
    Path[] pem = selfSigned(false);
    start(token(TOKEN), pem[0], pem[1]);
    SSLContext trust = PemFiles.trusting(pem[0]);
    SidecarClient client =
        HttpSidecarClient.builder(base("https"), () -> TOKEN).sslContext(trust).build();
    assertThat(client.operations()).isEmpty();

    SidecarClient untrusting =
        HttpSidecarClient.builder(base("https"), () -> TOKEN)
            .connectAttempts(1, Duration.ZERO)
            .build();
    SidecarException refused = catchThrowableOfType(SidecarException.class, untrusting::operations);
    assertThat(refused.status()).isZero();
    assertThat(refused.getMessage()).doesNotContain(TOKEN);
  }

  @Test
  void theClientChecksTheSidecarsNameNotItsAddressAndARenewedCertificateIsServed()
      throws Exception {
    SidecarCertificates first = SidecarCertificates.issue(tmp.resolve("first"));
    SidecarCertificates renewed = SidecarCertificates.issue(tmp.resolve("renewed"));
    Path live = Files.createDirectories(tmp.resolve("live"));
    Path cert = Files.copy(first.certificate(), live.resolve("tls.crt"));
    Path key = Files.copy(first.key(), live.resolve("tls.key"));
    start(token(TOKEN), cert, key);
    // Reached at 127.0.0.1, which the certificate does not name: the name is what counts.
    assertThat(trusting(first, SidecarCertificates.SERVER_NAME).operations()).isEmpty();
    SidecarException wrongName =
        catchThrowableOfType(SidecarException.class, trusting(first, "other-sidecar")::operations);
    assertThat(wrongName.getMessage())
        .contains("the sidecar's certificate names [kassette-sidecar], not other-sidecar");
    assertThat(
            catchThrowableOfType(
                    SidecarException.class,
                    trusting(renewed, SidecarCertificates.SERVER_NAME)::operations)
                .getMessage())
        .as("another CA's refusal names the CA it was checked against")
        .contains("does not chain to the CA in ca.crt");
    assertThat(
            catchThrowableOfType(
                SidecarException.class,
                trusting(renewed, SidecarCertificates.SERVER_NAME)::operations))
        .as("a CA that did not issue it")
        .isNotNull();

    // When the certificate expires is on /metrics, for an alert before it does.
    X509Certificate served =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(first.certificate()));
    HttpResponse<String> metrics =
        HttpSidecarClient.httpClient(
                Duration.ofSeconds(5),
                PemFiles.trusting(
                    Files.readAllBytes(first.ca()), "ca.crt", SidecarCertificates.SERVER_NAME))
            .send(
                HttpRequest.newBuilder(base("https").resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains(
            "kassette_tls_certificate_expiration_timestamp_seconds "
                + (double) served.getNotAfter().toInstant().getEpochSecond());

    // A key that does not belong to the certificate is refused at start, naming both files...
    assertThatThrownBy(() -> PemFiles.server(first.certificate(), renewed.key()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("does not belong to the first certificate in " + first.certificate());

    // ...and, met on a reload (cert-manager renews the key first, then the certificate), leaves
    // the pair in use being served: no handshake fails in between.
    Files.copy(renewed.key(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Thread.sleep(11_000); // past the agent's ten-second look at the files
    assertThat(trusting(first, SidecarCertificates.SERVER_NAME).operations()).isEmpty();
    Files.copy(renewed.certificate(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(SidecarException.class)
        .untilAsserted(
            () ->
                assertThat(trusting(renewed, SidecarCertificates.SERVER_NAME).operations())
                    .isEmpty());
  }

  /** A client of its own (no pooled connection) trusting {@code ca}'s CA and {@code name}. */
  SidecarClient trusting(SidecarCertificates ca, String name) throws Exception {
    return HttpSidecarClient.builder(base("https"), () -> TOKEN)
        .sslContext(PemFiles.trusting(Files.readAllBytes(ca.ca()), "ca.crt", name))
        .connectAttempts(1, Duration.ZERO)
        .build();
  }

  @Test
  void aPkcs1RsaKeyAsCertManagerWritesItWorksToo() throws Exception {
    Path[] pem = selfSigned(true);
    start(token(TOKEN), pem[0], pem[1]);
    SidecarClient client =
        HttpSidecarClient.builder(base("https"), () -> TOKEN)
            .sslContext(PemFiles.trusting(pem[0]))
            .build();
    assertThat(client.operations()).isEmpty();
  }

  @Test
  void anUnreachableAgentIsRetriedThenReportedWithoutTheToken() throws Exception {
    start(token(TOKEN), null, null);
    URI gone = base("http");
    agent.close();
    agent = null;
    SidecarClient client =
        HttpSidecarClient.builder(gone, () -> TOKEN)
            .connectAttempts(3, Duration.ofMillis(10))
            .build();
    SidecarException e = catchThrowableOfType(SidecarException.class, client::node);
    assertThat(e.status()).isZero();
    assertThat(e.getMessage()).contains("unreachable after 3 attempts").doesNotContain(TOKEN);
  }

  /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, as PEM files. */
  Path[] selfSigned(boolean pkcs1) throws Exception {
    Path store = tmp.resolve("tls.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "agent",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=kassette-agent",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(output).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("agent");
    PrivateKey key = (PrivateKey) ks.getKey("agent", "changeit".toCharArray());
    byte[] der = key.getEncoded();
    String type = "PRIVATE KEY";
    if (pkcs1) {
      // PKCS#8 of a 2048-bit RSA key: 4-byte SEQUENCE header, version (3), algorithm (15),
      // 4-byte OCTET STRING header, then the PKCS#1 key itself.
      der = Arrays.copyOfRange(der, 26, der.length);
      type = "RSA PRIVATE KEY";
    }
    Path certFile = tmp.resolve("tls.crt");
    Path keyFile = tmp.resolve("tls.key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem(type, der));
    return new Path[] {certFile, keyFile};
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
