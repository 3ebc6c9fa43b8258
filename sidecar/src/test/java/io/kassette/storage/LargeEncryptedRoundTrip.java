package io.kassette.storage;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Uploads one file to an encrypted file:// store and reads it back, checking size and CRC32C: run
 * in a JVM with a small heap by {@link EncryptedLargeObjectIT}, it shows that neither direction
 * holds more than a few chunks, whatever the file's size.
 */
public final class LargeEncryptedRoundTrip {
  private LargeEncryptedRoundTrip() {}

  /** Arguments: the file, the store directory, the key directory, the key id. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    StorageOptions options =
        StorageOptions.defaults()
            .withEncryption(ClientEncryption.fromDirectory(Path.of(args[2]), args[3]));
    try (ObjectStore store =
        ObjectStores.open(StorageLocation.parse("file://" + args[1]), options)) {
      UploadResult up = store.upload("big-Data.db", file, TransferControl.NONE);
      UploadResult down;
      try (InputStream in = store.open("big-Data.db")) {
        down = Checksums.crc32c(in);
      }
      UploadResult local = new UploadResult(file.toFile().length(), Checksums.crc32c(file));
      Runtime rt = Runtime.getRuntime();
      System.out.println(
          "uploaded "
              + up
              + " read back "
              + down
              + " local "
              + local
              + " max heap "
              + rt.maxMemory());
      System.exit(up.equals(local) && down.equals(local) ? 0 : 1);
    }
  }
}
