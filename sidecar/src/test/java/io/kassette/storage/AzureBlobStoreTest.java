package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.kassette.testkit.Azurite;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against Azurite over real HTTP: block uploads staged in parallel and committed (the
 * 23 MiB contract object goes up in 5 MiB blocks), shared-key signatures checked, paged and
 * hierarchical listings, server-side copies.
 */
class AzureBlobStoreTest extends ObjectStoreContract {
  static Azurite server;

  @BeforeAll
  static void startServer() throws Exception {
    server = Azurite.start(Files.createTempDirectory("azurite"));
    new BlobServiceClientBuilder()
        .connectionString(server.connectionString())
        .buildClient()
        .createBlobContainerIfNotExists("contract");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static StorageOptions options(String connectionString) {
    return StorageOptions.defaults()
        .withAzure(new StorageOptions.AzureOptions(null, null, connectionString, null))
        .withPartSizeBytes(5L << 20)
        .withMaxConcurrency(8);
  }

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("az://contract/run-" + UUID.randomUUID()),
        options(server.connectionString()));
  }

  @Test
  void aSasConnectionStringAlsoSignsTheSourceOfServerSideCopies() {
    assertThat(
            AzureBlobStore.sasOf(
                "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=x"))
        .isEqualTo("sv=2024&sig=x");
    assertThat(AzureBlobStore.sasOf(server.connectionString())).isNull();
  }

  @Test
  void aWrongKeyOrAMissingContainerGivesAClearErrorWithoutTheSecret() throws Exception {
    String wrongKey =
        server.connectionString().replace(Azurite.KEY, "d3Jvbmcta2V5LXdyb25nLWtleQ==");
    try (ObjectStore bad =
        ObjectStores.open(StorageLocation.parse("az://contract/x"), options(wrongKey))) {
      assertThatThrownBy(() -> bad.put("probe", new byte[] {1}))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("Azure Blob Storage refused access to az://contract/x/probe (403")
          .hasMessageNotContaining("d3Jvbmcta2V5")
          .hasMessageNotContaining(Azurite.KEY);
    }
    try (ObjectStore missing =
        ObjectStores.open(
            StorageLocation.parse("az://no-such-container/x"),
            options(server.connectionString()))) {
      assertThatThrownBy(() -> missing.put("probe", new byte[] {1}))
          .hasMessageContaining("container 'no-such-container' does not exist");
      assertThatThrownBy(() -> missing.list(""))
          .hasMessageContaining("container 'no-such-container' does not exist");
    }
  }

  /**
   * A real connection reset in the middle of an upload: the block in flight is sent again by the
   * SDK's retry, the blocks already staged stay staged, and the blob is whole. The bytes sent stay
   * well under two copies of the file: it resumed rather than started over.
   */
  @Test
  void anUploadCutMidBlockResumesAndTheBlobIsWhole() throws Exception {
    java.nio.file.Path file = tmp.resolve("big-Data.db");
    byte[] block = new byte[1 << 20];
    new java.util.Random(7).nextBytes(block);
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < 23; i++) {
        block[0] = (byte) i;
        out.write(block);
      }
    }
    long size = Files.size(file);
    java.net.URI direct = java.net.URI.create(server.endpoint());
    try (CuttingProxy proxy =
            new CuttingProxy(
                java.net.URI.create("http://127.0.0.1:" + direct.getPort()), 12L << 20);
        ObjectStore through =
            ObjectStores.open(
                StorageLocation.parse("az://contract/resumed-" + UUID.randomUUID()),
                options(
                    server
                        .connectionString()
                        .replace(
                            "127.0.0.1:" + direct.getPort(),
                            "127.0.0.1:" + proxy.endpoint().getPort())))) {
      UploadResult result = through.upload("big-Data.db", file, TransferControl.NONE);
      assertThat(proxy.didCut()).isTrue();
      assertThat(result).isEqualTo(new UploadResult(size, Checksums.crc32c(file)));
      try (java.io.InputStream in = through.open("big-Data.db")) {
        assertThat(Checksums.crc32c(in)).isEqualTo(result);
      }
      assertThat(proxy.sent()).as("resumed, not restarted").isLessThan(size + (10L << 20));
    }
  }
}
