package io.kassette.storage;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract with client-side encryption against fake-gcs-server (resumable uploads). */
class EncryptedGcsHttpStoreTest extends ObjectStoreContract {
  @BeforeAll
  static void startServer() throws Exception {
    GcsHttpStoreTest.startServer();
  }

  @AfterAll
  static void stopServer() {
    GcsHttpStoreTest.stopServer();
  }

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("gs://contract/encrypted-" + UUID.randomUUID()),
        StorageOptions.defaults()
            .withGcsEndpoint(GcsHttpStoreTest.server.endpoint(), "test")
            .withEncryption(EncryptedFileSystemStoreTest.encryption("2026-q4", "2026-q4")));
  }
}
