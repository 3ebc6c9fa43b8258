package io.kassette.storage;

import io.kassette.testkit.LocalS3Server;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract with client-side encryption against a real S3 API server (multipart uploads). */
class EncryptedS3StoreTest extends ObjectStoreContract {
  @BeforeAll
  static void startServer() throws Exception {
    S3StoreTest.startServer();
  }

  @AfterAll
  static void stopServer() throws Exception {
    S3StoreTest.stopServer();
  }

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("s3://contract/encrypted-" + UUID.randomUUID()),
        S3StoreTest.options(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY)
            .withEncryption(EncryptedFileSystemStoreTest.encryption("2026-q4", "2026-q4")));
  }
}
