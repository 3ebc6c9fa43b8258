package io.kassette.it;

import io.kassette.storage.ForwardingStore;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.TransferControl;
import io.kassette.storage.UploadResult;
import io.kassette.storage.UploadSource;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection over a real store: the first upload of every key fails half-way (after the store
 * has received part of the file), as a dropped connection would; everything else goes to the real
 * store unchanged.
 */
final class FailingOnceStore extends ForwardingStore {
  final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  FailingOnceStore(ObjectStore real) {
    super(real);
  }

  @Override
  public UploadResult upload(String key, UploadSource file, TransferControl control)
      throws IOException {
    if (attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() == 1) {
      control.pass(1); // some bytes moved before the failure
      throw new IOException("injected: connection reset while uploading " + key);
    }
    return store.upload(key, file, control);
  }
}
