package io.kassette.storage;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.util.UUID;

/**
 * The contract against Google Cloud Storage's own in-memory test double (google-cloud-nio's
 * LocalStorageHelper: the real client API over a fake RPC layer, no HTTP), fast; {@link
 * GcsHttpStoreTest} runs the same contract over real HTTP against fake-gcs-server.
 */
class GcsStoreTest extends ObjectStoreContract {
  @Override
  ObjectStore newStore() {
    return new GcsStore(
        StorageLocation.parse("gs://contract/run-" + UUID.randomUUID()),
        LocalStorageHelper.getOptions().getService(),
        StorageOptions.DEFAULT_PART_SIZE);
  }
}
