package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A store that passes every call to another; subclasses change the calls they are about. */
public abstract class ForwardingStore implements ObjectStore {
  protected final ObjectStore store;

  protected ForwardingStore(ObjectStore store) {
    this.store = store;
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
    return store.list(prefix);
  }

  @Override
  public List<String> listChildren(String prefix) throws IOException {
    return store.listChildren(prefix);
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    store.copy(sourceKey, targetKey);
  }

  @Override
  public void requireReadable(Collection<String> keys) throws IOException {
    store.requireReadable(keys);
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
