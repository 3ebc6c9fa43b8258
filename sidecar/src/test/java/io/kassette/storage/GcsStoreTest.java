package io.kassette.storage;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.util.UUID;

/**
 * The contract against Google Cloud Storage's own in-memory test double (google-cloud-nio's
 * LocalStorageHelper: the real client API over a fake RPC layer). No GCS emulator can be installed
 * on this machine; the real client is used against any emulator via KASSETTE_GCS_ENDPOINT.
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
