package io.kassette.it;

import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.TransferControl;
import io.kassette.storage.UploadResult;
import io.kassette.storage.UploadSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection over a real store: the first upload of every key fails half-way (after the store
 * has received part of the file), as a dropped connection would; everything else goes to the real
 * store unchanged.
 */
final class FailingOnceStore implements ObjectStore {
  final ObjectStore real;
  final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  FailingOnceStore(ObjectStore real) {
    this.real = real;
  }

  @Override
  public UploadResult upload(String key, UploadSource file, TransferControl control)
      throws IOException {
    if (attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() == 1) {
      control.pass(1); // some bytes moved before the failure
      throw new IOException("injected: connection reset while uploading " + key);
    }
    return real.upload(key, file, control);
  }

  @Override
  public StorageLocation location() {
    return real.location();
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    real.put(key, content);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return real.open(key);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return real.stat(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return real.list(prefix);
  }

  @Override
  public List<String> listChildren(String prefix) throws IOException {
    return real.listChildren(prefix);
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    real.copy(sourceKey, targetKey);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    real.delete(keys);
  }

  @Override
  public void close() {
    real.close();
  }
}
