package io.kassette.storage;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract with client-side encryption against Azurite (block uploads). */
class EncryptedAzureBlobStoreTest extends ObjectStoreContract {
  @BeforeAll
  static void startServer() throws Exception {
    AzureBlobStoreTest.startServer();
  }

  @AfterAll
  static void stopServer() {
    AzureBlobStoreTest.stopServer();
  }

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("az://contract/encrypted-" + UUID.randomUUID()),
        AzureBlobStoreTest.options(AzureBlobStoreTest.server.connectionString())
            .withEncryption(EncryptedFileSystemStoreTest.encryption("2026-q4", "2026-q4")));
  }
}
