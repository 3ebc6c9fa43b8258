package io.kassette.storage;

/** Opens the store a location URI names. */
public final class ObjectStores {
  private ObjectStores() {}

  public static ObjectStore open(StorageLocation location, StorageOptions options)
      throws StorageException {
    ObjectStore store =
        switch (location.scheme()) {
          case FILE -> new FileSystemStore(location);
          case S3 -> new S3Store(location, options);
          case GS -> GcsStore.open(location, options);
          case AZ -> AzureBlobStore.open(location, options);
        };
    return options.encryption() == null
        ? new PlaintextView(store)
        : new EncryptingStore(store, options.encryption());
  }
}
