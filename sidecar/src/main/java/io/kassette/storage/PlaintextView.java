package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A store as seen without encryption: objects that client-side encryption stored ({@code
 * <key>.kenc}) do not show. Without it, a listing, verify or purge run without the keys would take
 * encrypted backups for incomplete ones and their pooled files for unreferenced ones, and delete
 * them. The mirror of {@link EncryptingStore}, which shows only those objects.
 */
final class PlaintextView implements ObjectStore {
  private final ObjectStore store;

  PlaintextView(ObjectStore store) {
    this.store = store;
  }

  private static boolean encrypted(String key) {
    return key.endsWith(EncryptingStore.SUFFIX);
  }

  @Override
  public StorageLocation location() {
    return store.location();
  }

  @Override
  public UploadResult upload(String key, UploadSource source, TransferControl control)
      throws IOException {
    return store.upload(key, source, control);
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    store.put(key, content);
  }

  @Override
  public byte[] get(String key) throws IOException {
    return store.get(key);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return store.open(key);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return store.stat(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return store.list(prefix).stream().filter(o -> !encrypted(o.key())).toList();
  }

  /**
   * The store's own children without encrypted objects directly under {@code prefix}; a "directory"
   * that holds only encrypted objects (an encrypted backup) still shows, and is read as an
   * incomplete backup whose objects this view cannot see, so a purge deletes none of them.
   */
  @Override
  public List<String> listChildren(String prefix) throws IOException {
    return store.listChildren(prefix).stream().filter(c -> !encrypted(c)).toList();
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    store.copy(sourceKey, targetKey);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    store.delete(keys);
  }

  @Override
  public void close() {
    store.close();
  }
}
