package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kassette.testkit.GcsEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resumable sessions against gcp-storage-emulator over real HTTP: continued from what the server
 * holds after a connection cut in the middle of a chunk, a pause (the agent pauses on SIGTERM) and
 * a process killed mid-file. fake-gcs-server, which runs the store's contract ({@link
 * GcsHttpStoreTest}), cannot show these: it completes the object on a status query and appends a
 * chunk sent again. (This emulator answers batch deletes in a form the client cannot parse, so it
 * does not run the contract.)
 */
class GcsEmulatorStoreTest {
  @org.junit.jupiter.api.io.TempDir Path tmp;
  private static final int CHUNK = 4 << 20;
  static GcsEmulator server;
  static Path serverDir;

  @BeforeAll
  static void startServer() throws Exception {
    serverDir = Files.createTempDirectory("gcs-emulator");
    server = GcsEmulator.start(serverDir, "contract");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
    if (serverDir != null) {
      try (var files = Files.walk(serverDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private ObjectStore store(URI endpoint, String prefix, Path ledger, StorageOptions base)
      throws Exception {
    StorageOptions options = base.withGcsEndpoint(endpoint, "test").withPartSizeBytes(CHUNK);
    return ObjectStores.open(
        StorageLocation.parse("gs://contract/" + prefix),
        ledger == null ? options : options.withUploadLedger(ledger));
  }

  private Path file(String name, int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    return Files.write(tmp.resolve(name), bytes);
  }

  /**
   * A connection reset in the middle of a chunk: the store asks the session what it holds and sends
   * on from there, reading the file again; the object, its checksum and the progress (each byte
   * once) come out exact, and about one chunk is sent twice, not the file.
   */
  @Test
  void aChunkCutMidTransferIsSentOnFromWhatTheSessionHolds() throws Exception {
    Path file = file("cut-Data.db", (19 << 20) + 4321);
    long size = Files.size(file);
    AtomicLong progress = new AtomicLong();
    try (CuttingProxy proxy = new CuttingProxy(server.endpoint(), 10L << 20);
        ObjectStore store =
            store(proxy.endpoint(), "cut-" + UUID.randomUUID(), null, StorageOptions.defaults())) {
      UploadResult result =
          store.upload("node/cut-Data.db", file, new TransferControl(null, progress::addAndGet));

      assertThat(proxy.didCut()).isTrue();
      assertThat(result).isEqualTo(new UploadResult(size, Checksums.crc32c(file)));
      assertThat(progress.get()).isEqualTo(size);
      assertThat(store.get("node/cut-Data.db")).isEqualTo(Files.readAllBytes(file));
      assertThat(proxy.sent())
          .as("one chunk sent again, not the file")
          .isLessThan(size + CHUNK + (1 << 20));
    }
  }

  /**
   * An upload paused mid-file (the agent pauses its operations on SIGTERM) keeps its session in the
   * ledger; the next upload of the key sends only what the session lacks, and leaves no record.
   */
  @Test
  void aPausedUploadIsContinuedByTheNextOne() throws Exception {
    String prefix = "paused-" + UUID.randomUUID();
    Path ledger = tmp.resolve(prefix + "-ledger");
    Path file = file(prefix + "-Data.db", (21 << 20) + 99);
    long size = Files.size(file);
    try (CuttingProxy proxy = new CuttingProxy(server.endpoint(), Long.MAX_VALUE)) {
      AtomicLong moved = new AtomicLong();
      try (ObjectStore store = store(proxy.endpoint(), prefix, ledger, StorageOptions.defaults())) {
        TransferControl stopAt9MiB =
            new TransferControl(null, moved::addAndGet, () -> moved.get() >= 9 << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> store.upload("node/big-Data.db", file, stopAt9MiB))
            .isInstanceOf(TransferControl.StoppedException.class);
        assertThat(store.stat("node/big-Data.db")).as("no object before the end").isEmpty();
      }
      assertThat(ledger).as("the session is recorded").isNotEmptyDirectory();
      long before = proxy.sent();

      AtomicLong progress = new AtomicLong();
      try (ObjectStore store = store(proxy.endpoint(), prefix, ledger, StorageOptions.defaults())) {
        UploadResult result =
            store.upload("node/big-Data.db", file, new TransferControl(null, progress::addAndGet));
        assertThat(result).isEqualTo(new UploadResult(size, Checksums.crc32c(file)));
        assertThat(progress.get()).isEqualTo(size);
        assertThat(store.get("node/big-Data.db")).isEqualTo(Files.readAllBytes(file));
      }
      long resent = proxy.sent() - before;
      assertThat(resent)
          .as("the chunks the session held (8 MiB) are not sent again")
          .isLessThan(size - (8 << 20) + (1 << 20));
      assertThat(ledger).isEmptyDirectory();
    }
  }

  /**
   * What a sidecar killed mid-file leaves: a session holding the first chunks, recorded in the
   * ledger (it is recorded when it starts, before any byte). The next upload sends only the rest.
   */
  @Test
  void aSessionAKilledAttemptRecordedIsContinued() throws Exception {
    Killed killed = killedAttempt(false);
    assertThat(uploadAgain(killed, StorageOptions.defaults()))
        .as("two chunks of three and a bit were stored: the rest is sent")
        .isBetween(killed.size - 2L * CHUNK, killed.size - 2L * CHUNK + (1 << 20));
    assertThat(killed.ledger).isEmptyDirectory();
  }

  /**
   * A session whose stored bytes are not the file's (GCS cannot show them before the object exists)
   * makes an object whose CRC32C differs: it is deleted and the file sent again whole.
   */
  @Test
  void aContinuedSessionThatHeldOtherBytesIsSentAgainWhole() throws Exception {
    Killed killed = killedAttempt(true);
    assertThat(uploadAgain(killed, StorageOptions.defaults())).isGreaterThanOrEqualTo(killed.size);
    assertThat(killed.ledger).isEmptyDirectory();
  }

  /** Ciphertext is never recorded, so never continued: every upload has keys of its own. */
  @Test
  void anEncryptedUploadIsNeverRecorded() throws Exception {
    String prefix = "encrypted-" + UUID.randomUUID();
    Path ledger = tmp.resolve(prefix + "-ledger");
    Path file = file(prefix + "-Data.db", 13 << 20);
    AtomicLong moved = new AtomicLong();
    try (ObjectStore store =
        store(
            server.endpoint(),
            prefix,
            ledger,
            StorageOptions.defaults()
                .withEncryption(EncryptedFileSystemStoreTest.encryption("2026-q4", "2026-q4")))) {
      TransferControl stopAt5MiB =
          new TransferControl(null, moved::addAndGet, () -> moved.get() >= 5 << 20);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> store.upload("node/big-Data.db", file, stopAt5MiB))
          .isInstanceOf(java.io.IOException.class);
    }
    assertThat(ledger.toFile().list() == null || ledger.toFile().list().length == 0).isTrue();
  }

  /** A recorded session the server no longer knows (expired after a week) starts afresh. */
  @Test
  void aRecordedSessionTheServerForgotStartsAfresh() throws Exception {
    Killed killed = killedAttempt(false);
    String forgotten = killed.session.replaceAll("upload_id=[^&]*", "upload_id=gone");
    new UploadLedger(killed.ledger).record(killed.object, forgotten, "gcs;size=" + killed.size);
    assertThat(uploadAgain(killed, StorageOptions.defaults())).isGreaterThanOrEqualTo(killed.size);
    assertThat(killed.ledger).isEmptyDirectory();
  }

  /**
   * The ledger is a file on disk: a record naming a session elsewhere than this bucket's (another
   * host here) is never asked, so the client's token never goes there; it is forgotten and the file
   * sent whole.
   */
  @Test
  void aRecordedSessionElsewhereIsNeverAsked() throws Exception {
    Killed killed = killedAttempt(false);
    try (java.net.ServerSocket elsewhere =
        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      elsewhere.setSoTimeout(200);
      String other =
          killed.session.replaceFirst(
              "//127\\.0\\.0\\.1:\\d+/", "//127.0.0.1:" + elsewhere.getLocalPort() + "/");
      assertThat(other).isNotEqualTo(killed.session);
      new UploadLedger(killed.ledger).record(killed.object, other, "gcs;size=" + killed.size);
      assertThat(uploadAgain(killed, StorageOptions.defaults()))
          .isGreaterThanOrEqualTo(killed.size);
      org.assertj.core.api.Assertions.assertThatThrownBy(elsewhere::accept)
          .as("no connection to the other host")
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
    assertThat(killed.ledger).isEmptyDirectory();
  }

  /**
   * A record whose session began another object (a planted or mixed-up line) is not continued: the
   * bytes would go to that object. It is forgotten and the file sent whole to its own.
   */
  @Test
  void aRecordedSessionOfAnotherObjectIsNotContinued() throws Exception {
    Killed killed = killedAttempt(false);
    Killed other = killedAttempt(false);
    new UploadLedger(killed.ledger).record(killed.object, other.session, "gcs;size=" + killed.size);
    assertThat(uploadAgain(killed, StorageOptions.defaults())).isGreaterThanOrEqualTo(killed.size);
    assertThat(killed.ledger).isEmptyDirectory();
    try (ObjectStore store =
        store(server.endpoint(), other.prefix, null, StorageOptions.defaults())) {
      assertThat(store.stat("node/big-Data.db"))
          .as("the other session was not completed")
          .isEmpty();
    }
  }

  private record Killed(
      String prefix, Path file, long size, Path ledger, String object, String session) {}

  /**
   * Starts a session for {@code node/big-Data.db} as the store would, sends two of its chunks (with
   * one byte flipped when {@code otherBytes}) and records it in a ledger: then the process "dies".
   */
  private Killed killedAttempt(boolean otherBytes) throws Exception {
    String prefix = "killed-" + UUID.randomUUID();
    Path file = file(prefix + "-Data.db", 3 * CHUNK + 12345);
    byte[] bytes = Files.readAllBytes(file);
    Path ledger = Files.createDirectories(tmp.resolve(prefix + "-ledger"));
    String object = "gs://contract/" + prefix + "/node/big-Data.db";
    // a client per request: the emulator answers in HTTP/1.0, and a reused connection may be closed
    HttpResponse<Void> started =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            proxy().endpoint()
                                + "/upload/storage/v1/b/contract/o?uploadType=resumable&name="
                                + java.net.URLEncoder.encode(
                                    prefix + "/node/big-Data.db",
                                    java.nio.charset.StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    String session = started.headers().firstValue("Location").orElseThrow();
    byte[] stored = Arrays.copyOf(bytes, 2 * CHUNK);
    if (otherBytes) {
      stored[1000] ^= 1;
    }
    for (int i = 0; i < 2; i++) {
      HttpResponse<Void> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(session))
                      .header(
                          "Content-Range",
                          "bytes " + i * CHUNK + "-" + ((i + 1) * CHUNK - 1) + "/" + bytes.length)
                      .PUT(HttpRequest.BodyPublishers.ofByteArray(stored, i * CHUNK, CHUNK))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(308);
    }
    new UploadLedger(ledger).record(object, session, "gcs;size=" + bytes.length);
    return new Killed(prefix, file, bytes.length, ledger, object, session);
  }

  private static CuttingProxy proxy;

  /** One counting proxy for the killed attempts and their uploads: its sessions name its port. */
  private static synchronized CuttingProxy proxy() throws Exception {
    if (proxy == null) {
      proxy = new CuttingProxy(server.endpoint(), Long.MAX_VALUE);
    }
    return proxy;
  }

  /** Uploads the killed attempt's file again; returns the bytes sent to the server. */
  private long uploadAgain(Killed killed, StorageOptions base) throws Exception {
    AtomicLong progress = new AtomicLong();
    long before = proxy().sent();
    try (ObjectStore store = store(proxy().endpoint(), killed.prefix, killed.ledger, base)) {
      UploadResult result =
          store.upload(
              "node/big-Data.db", killed.file, new TransferControl(null, progress::addAndGet));
      assertThat(result).isEqualTo(new UploadResult(killed.size, Checksums.crc32c(killed.file)));
      assertThat(progress.get()).isEqualTo(killed.size);
      assertThat(store.get("node/big-Data.db")).isEqualTo(Files.readAllBytes(killed.file));
    }
    return proxy().sent() - before;
  }
}
