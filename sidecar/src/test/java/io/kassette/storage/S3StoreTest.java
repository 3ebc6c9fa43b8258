package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kassette.testkit.LocalS3Server;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real S3 API server on loopback (s3proxy; SigV4 signatures checked). */
class S3StoreTest extends ObjectStoreContract {
  static LocalS3Server server;

  @BeforeAll
  static void startServer() throws Exception {
    server = LocalS3Server.inMemory().createBucket("contract");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  static StorageOptions options(String accessKey, String secretKey) {
    // 5 MiB is S3's smallest part: the 23 MiB contract object goes up as 5 parts.
    return StorageOptions.defaults()
        .withS3(server.endpoint(), accessKey, secretKey)
        .withS3Region("us-east-1")
        .withPartSizeBytes(5L << 20)
        .withMaxConcurrency(8);
  }

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("s3://contract/run-" + UUID.randomUUID()),
        options(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY));
  }

  /**
   * An S3-compatible endpoint without a region does not ask the EC2 instance metadata service for
   * one (the SDK's default chain does, last): off EC2 that probe cost 0.8 s per store opened, every
   * CLI run and every agent operation, and longer where the address is not answered at all. The
   * metadata service is pointed at a local server that counts what reaches it.
   */
  @Test
  void anEndpointWithoutARegionNeverAsksTheInstanceMetadataService() throws Exception {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer imds =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    imds.createContext(
        "/",
        exchange -> {
          asked.incrementAndGet();
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    imds.start();
    // A region or a disabled metadata service in this machine's environment would let the test
    // pass without showing anything.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("AWS_REGION") == null && System.getenv("AWS_EC2_METADATA_DISABLED") == null);
    java.util.Map<String, String> saved = new java.util.HashMap<>();
    for (String p :
        java.util.List.of(
            "aws.ec2MetadataServiceEndpoint",
            "aws.configFile",
            "aws.sharedCredentialsFile",
            "aws.region",
            "aws.profile",
            "aws.disableEc2Metadata")) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
    System.setProperty(
        "aws.ec2MetadataServiceEndpoint", "http://127.0.0.1:" + imds.getAddress().getPort());
    System.setProperty("aws.configFile", tmp.resolve("no-aws-config").toString());
    System.setProperty("aws.sharedCredentialsFile", tmp.resolve("no-aws-credentials").toString());
    try {
      // the control: with these settings the SDK's default chain does ask it
      try {
        software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain.builder()
            .build()
            .getRegion();
      } catch (software.amazon.awssdk.core.exception.SdkClientException expected) {
        // no region from a server that answers 404
      }
      assertThat(asked.get()).as("the default chain asks the metadata service").isPositive();
      asked.set(0);
      opensWithoutAsking(asked);
    } finally {
      imds.stop(0);
      saved.forEach(
          (p, v) -> {
            if (v == null) {
              System.clearProperty(p);
            } else {
              System.setProperty(p, v);
            }
          });
    }
  }

  private void opensWithoutAsking(java.util.concurrent.atomic.AtomicInteger asked)
      throws Exception {
    try (ObjectStore store =
        ObjectStores.open(
            StorageLocation.parse("s3://contract/no-region-" + UUID.randomUUID()),
            StorageOptions.defaults()
                .withS3(server.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY))) {
      store.put("probe", new byte[] {1});
      assertThat(store.get("probe")).containsExactly(1);
    }
    assertThat(asked.get()).as("requests to the instance metadata service").isZero();
  }

  @Test
  void wrongCredentialsGiveAClearErrorWithoutTheSecret() throws Exception {
    try (ObjectStore bad =
        ObjectStores.open(
            StorageLocation.parse("s3://contract/x"),
            options(LocalS3Server.ACCESS_KEY, "wrong-secret"))) {
      assertThatThrownBy(() -> bad.put("probe", new byte[] {1}))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("S3 rejected the credentials for s3://contract/x")
          .hasMessageNotContaining("wrong-secret");
    }
  }

  @Test
  void serverSideEncryptionIsRequestedOnEveryWrite() throws Exception {
    try (ObjectStore sse =
        ObjectStores.open(
            StorageLocation.parse("s3://contract/sse-" + UUID.randomUUID()),
            options(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY)
                .withS3Sse("AES256", null))) {
      java.nio.file.Path file =
          java.nio.file.Files.writeString(tmp.resolve("sse"), "encrypted at rest");
      sse.upload("a", file, TransferControl.NONE);
      sse.put("b", new byte[] {1});
      sse.copy("a", "c");
      org.assertj.core.api.Assertions.assertThat(new String(sse.get("c")))
          .isEqualTo("encrypted at rest");
    }
  }

  /**
   * The parts are read from the file as they are sent, not buffered: a connection cut in the middle
   * of a part makes the SDK send that part again, read again from the file, and only that part. The
   * object, its checksum and the progress (each byte once) come out exact.
   */
  @Test
  void aPartCutMidTransferIsSentAgainFromTheFile() throws Exception {
    java.nio.file.Path file = tmp.resolve("cut-Data.db");
    byte[] block = new byte[1 << 20];
    new java.util.Random(11).nextBytes(block);
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
      for (int i = 0; i < 23; i++) {
        block[0] = (byte) i;
        out.write(block);
      }
    }
    long size = java.nio.file.Files.size(file);
    java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
    try (CuttingProxy proxy = new CuttingProxy(server.endpoint(), 12L << 20);
        ObjectStore store =
            ObjectStores.open(
                StorageLocation.parse("s3://contract/cut-" + UUID.randomUUID()),
                StorageOptions.defaults()
                    .withS3(proxy.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY)
                    .withS3Region("us-east-1")
                    .withPartSizeBytes(5L << 20))) {
      UploadResult result =
          store.upload("pool/cut-Data.db", file, new TransferControl(null, progress::addAndGet));

      assertThat(proxy.didCut()).isTrue();
      assertThat(result).isEqualTo(new UploadResult(size, Checksums.crc32c(file)));
      assertThat(progress.get()).isEqualTo(size);
      try (java.io.InputStream in = store.open("pool/cut-Data.db")) {
        assertThat(Checksums.crc32c(in)).isEqualTo(result);
      }
      assertThat(proxy.sent())
          .as("one part sent again, not the file")
          .isLessThan(size + (6L << 20));
    }
  }

  /**
   * A source whose chunks do not divide the part size (an encrypted file's chunks carry a tag):
   * parts begin inside a chunk, and the checksum still covers every byte once, in order.
   */
  @Test
  void partsThatBeginInsideAChunkChecksumEveryByteOnce() throws Exception {
    byte[] bytes = new byte[(11 << 20) + 12345];
    new java.util.Random(5).nextBytes(bytes);
    int chunk = 700_001;
    UploadSource odd = UploadSourceTest.oddChunks(bytes, chunk);
    java.util.zip.CRC32C expected = new java.util.zip.CRC32C();
    expected.update(bytes);
    try (ObjectStore store = newStore()) {
      UploadResult result = store.upload("pool/odd-Data.db", odd, TransferControl.NONE);
      assertThat(result).isEqualTo(new UploadResult(bytes.length, Checksums.hex(expected)));
      assertThat(store.get("pool/odd-Data.db")).isEqualTo(bytes);
    }
  }

  @Test
  void anUploadAbortsTheMultipartUploadAKilledAttemptLeftOfItsKey() throws Exception {
    String prefix = "abandoned-" + UUID.randomUUID();
    java.nio.file.Path big = tmp.resolve("big");
    byte[] chunk = new byte[1 << 20];
    new java.util.Random(7).nextBytes(chunk);
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(big)) {
      for (int i = 0; i < 6; i++) {
        out.write(chunk);
      }
    }
    try (software.amazon.awssdk.services.s3.S3Client s3 = syncClient()) {
      // what a sidecar killed after its first part leaves behind, and an upload of another key
      // that shares the prefix
      for (String key : java.util.List.of(prefix + "/node/Data.db", prefix + "/node/Data.db2")) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket("contract").key(key)).uploadId();
        s3.uploadPart(
            b -> b.bucket("contract").key(key).uploadId(uploadId).partNumber(1),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[5 << 20]));
      }
      Thread.sleep(1100); // the store's clock second after both uploads began
      try (ObjectStore store =
          ObjectStores.open(
              StorageLocation.parse("s3://contract/" + prefix),
              options(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY))) {
        store.upload("node/Data.db", big, TransferControl.NONE);
        assertThat(store.get("node/Data.db")).hasSize(6 << 20);
      }
      assertThat(s3.listMultipartUploads(b -> b.bucket("contract").prefix(prefix)).uploads())
          .extracting(software.amazon.awssdk.services.s3.model.MultipartUpload::key)
          .containsExactly(prefix + "/node/Data.db2");
    }
  }

  /**
   * What a sidecar killed mid-file leaves: a multipart upload with some parts stored, and its
   * record in the upload ledger. The next upload of that key resumes it: the parts whose bytes
   * match the file are kept and not sent, a part that does not match (here, other bytes of the same
   * size) is sent again, and the object, its checksum and the progress come out exact, with no
   * unfinished upload and no record left.
   */
  @Test
  void anUploadResumesTheMultipartUploadAKilledAttemptRecorded() throws Exception {
    Killed killed = killedAttempt("");
    long resent = killed.bytes.length - 2L * killed.part; // parts 1 and 3 kept
    assertThat(uploadAfter(killed, StorageOptions.defaults()))
        .as("the parts not stored, and the one stored wrong, are sent; the others are not")
        .isBetween(resent, resent + (1L << 20));
    assertThat(killed.ledgerDir).isEmptyDirectory();
  }

  /**
   * An upload found in the bucket but not in the ledger (anyone may have started it, with another
   * ACL or encryption that completing it would keep), or recorded with other encryption settings,
   * is not resumed: it is aborted and the whole file is sent.
   */
  @Test
  void anUploadNotRecordedOrRecordedWithOtherSettingsIsAbortedAndTheFileSentWhole()
      throws Exception {
    Killed unrecorded = killedAttempt(null);
    assertThat(uploadAfter(unrecorded, StorageOptions.defaults()))
        .isGreaterThanOrEqualTo(unrecorded.bytes.length);
    Killed otherSse = killedAttempt("sse=AES256;kms=null");
    assertThat(uploadAfter(otherSse, StorageOptions.defaults()))
        .isGreaterThanOrEqualTo(otherSse.bytes.length);
  }

  /**
   * Ciphertext is never resumed: every upload has a data key and nonces of its own. (The killed
   * attempt here stored plaintext parts under the recorded key; the encrypted object is whole.)
   */
  @Test
  void anEncryptedUploadIsNeverResumed() throws Exception {
    Killed killed = killedAttempt("");
    assertThat(
            uploadAgain(
                killed,
                StorageOptions.defaults()
                    .withEncryption(EncryptedFileSystemStoreTest.encryption("2026-q4", "2026-q4"))))
        .isGreaterThanOrEqualTo(killed.bytes.length);
  }

  /** A killed attempt's leftovers: 3 parts stored (the second with other bytes), maybe recorded. */
  private record Killed(
      String prefix,
      java.nio.file.Path file,
      byte[] bytes,
      int part,
      java.nio.file.Path ledgerDir) {}

  /**
   * @param settings what the ledger records with the upload: "" for this store's own, null for no
   *     record at all
   */
  private Killed killedAttempt(String settings) throws Exception {
    String prefix = "resume-" + UUID.randomUUID();
    String key = prefix + "/node/big-Data.db";
    java.nio.file.Path file = tmp.resolve(prefix + "-Data.db");
    byte[] bytes = new byte[(23 << 20) + 777];
    new java.util.Random(13).nextBytes(bytes);
    java.nio.file.Files.write(file, bytes);
    int part = 5 << 20;
    java.nio.file.Path ledgerDir = java.nio.file.Files.createDirectories(tmp.resolve(prefix));
    try (software.amazon.awssdk.services.s3.S3Client s3 = syncClient()) {
      String uploadId = s3.createMultipartUpload(b -> b.bucket("contract").key(key)).uploadId();
      for (int number = 1; number <= 3; number++) {
        byte[] body = java.util.Arrays.copyOfRange(bytes, (number - 1) * part, number * part);
        if (number == 2) {
          body[100] ^= 1; // stored, but not this file's bytes
        }
        int n = number;
        s3.uploadPart(
            b -> b.bucket("contract").key(key).uploadId(uploadId).partNumber(n),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
      }
      if (settings != null) {
        new UploadLedger(ledgerDir)
            .record(
                "contract/" + key, uploadId, settings.isEmpty() ? "sse=null;kms=null" : settings);
      }
    }
    Thread.sleep(1100); // the store's clock second after the killed attempt began
    return new Killed(prefix, file, bytes, part, ledgerDir);
  }

  /**
   * Uploads the killed attempt's file again; returns the bytes sent to the server. No unfinished
   * upload is left.
   */
  private long uploadAfter(Killed killed, StorageOptions base) throws Exception {
    long sent = uploadAgain(killed, base);
    try (software.amazon.awssdk.services.s3.S3Client s3 = syncClient()) {
      assertThat(s3.listMultipartUploads(b -> b.bucket("contract").prefix(killed.prefix)).uploads())
          .as("no unfinished upload is left")
          .isEmpty();
    }
    return sent;
  }

  /** Uploads the killed attempt's file again; returns the bytes sent to the server. */
  private long uploadAgain(Killed killed, StorageOptions base) throws Exception {
    java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
    long sent;
    try (CuttingProxy proxy = new CuttingProxy(server.endpoint(), Long.MAX_VALUE);
        ObjectStore store =
            ObjectStores.open(
                StorageLocation.parse("s3://contract/" + killed.prefix),
                base.withS3(proxy.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY)
                    .withS3Region("us-east-1")
                    .withPartSizeBytes(killed.part)
                    .withUploadLedger(killed.ledgerDir))) {
      UploadResult result =
          store.upload(
              "node/big-Data.db", killed.file, new TransferControl(null, progress::addAndGet));

      assertThat(result)
          .isEqualTo(new UploadResult(killed.bytes.length, Checksums.crc32c(killed.file)));
      assertThat(progress.get()).isEqualTo(killed.bytes.length);
      assertThat(store.get("node/big-Data.db")).isEqualTo(killed.bytes);
      sent = proxy.sent();
    }
    return sent;
  }

  private static software.amazon.awssdk.services.s3.S3Client syncClient() {
    return software.amazon.awssdk.services.s3.S3Client.builder()
        .endpointOverride(server.endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                    LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY)))
        .build();
  }

  @Test
  void missingBucketIsNamed() throws Exception {
    try (ObjectStore bad =
        ObjectStores.open(
            StorageLocation.parse("s3://no-such-bucket/x"),
            options(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY))) {
      assertThatThrownBy(() -> bad.put("probe", new byte[] {1}))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("bucket 'no-such-bucket' does not exist");
    }
  }
}
