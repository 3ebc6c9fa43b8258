package io.kassette.storage;

import io.kassette.testkit.FakeGcsServer;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract against fake-gcs-server over real HTTP: the real client's JSON API requests,
 * resumable uploads in 8 MiB chunks (the 23 MiB contract object goes up in three), and paged
 * listings, as {@code KASSETTE_GCS_ENDPOINT} configures it.
 */
class GcsHttpStoreTest extends ObjectStoreContract {
  static FakeGcsServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server =
        FakeGcsServer.start(Files.createTempDirectory("fake-gcs").resolve("server.log"))
            .createBucket("contract");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("gs://contract/run-" + UUID.randomUUID()),
        StorageOptions.defaults().withGcsEndpoint(server.endpoint(), "test"));
  }
}
