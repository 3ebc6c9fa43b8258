package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client-side encryption in front of any store: what goes in is encrypted before it leaves the
 * process ({@link EncryptedObjects}), what comes out is decrypted and authenticated, and the store
 * (and whoever reads the bucket) sees only ciphertext. Objects are stored under their key plus
 * {@value #SUFFIX}, so that an encrypted view of a location sees only encrypted objects: a location
 * that also holds backups made without encryption keeps them apart, readable without the keys. It
 * overrides every data call of {@link ForwardingStore}: none may reach the store unencrypted.
 */
final class EncryptingStore extends ForwardingStore {
  static final String SUFFIX = ".kenc";

  private final ClientEncryption encryption;

  EncryptingStore(ObjectStore store, ClientEncryption encryption) {
    super(store);
    this.encryption = encryption;
  }

  private static String stored(String key) {
    return ObjectKeys.requireSafe(key) + SUFFIX;
  }

  @Override
  public UploadResult upload(String key, UploadSource source, TransferControl control)
      throws IOException {
    EncryptedObjects.Encrypting encrypting = EncryptedObjects.encrypting(source, encryption);
    // Progress in plaintext bytes, as for an unencrypted upload; the rate limit counts what
    // actually goes over the wire.
    long total = source.length();
    AtomicLong sent = new AtomicLong();
    AtomicLong reported = new AtomicLong();
    TransferControl wire =
        new TransferControl(
            control.rateLimit(),
            n -> {
              long plain = Math.min(total, EncryptedObjects.plainBefore(sent.addAndGet(n)));
              long before = reported.getAndAccumulate(plain, Math::max);
              if (plain > before) {
                control.progress().accept(plain - before);
              }
            },
            control.stop());
    UploadResult stored = store.upload(stored(key), encrypting, wire);
    UploadResult plain = encrypting.plainResult();
    if (plain == null || stored.size() != encrypting.length()) {
      throw new StorageException(
          "upload of " + source.describe() + " ended before the whole file was read");
    }
    return plain;
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    store.put(stored(key), EncryptedObjects.encrypt(content, encryption));
  }

  @Override
  public byte[] get(String key) throws IOException {
    return EncryptedObjects.decrypt(store.get(stored(key)), encryption, describe(key));
  }

  @Override
  public InputStream open(String key) throws IOException {
    return EncryptedObjects.decrypting(store.open(stored(key)), encryption, describe(key));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return store.stat(stored(key)).map(o -> plain(key, o));
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> objects = new ArrayList<>();
    for (ObjectInfo o : store.list(prefix)) {
      if (o.key().endsWith(SUFFIX)) {
        objects.add(plain(o.key().substring(0, o.key().length() - SUFFIX.length()), o));
      }
    }
    return objects;
  }

  /**
   * Under its plaintext key and size; a stored length no encrypted object can have is reported as
   * -1 bytes, which matches no file and fails every size check, as a corrupt object should.
   */
  private static ObjectInfo plain(String key, ObjectInfo stored) {
    return new ObjectInfo(key, EncryptedObjects.plainLength(stored.size()), stored.lastModified());
  }

  /**
   * From the flat listing of encrypted objects: a store's own listing cannot tell an object from a
   * "directory", and an unencrypted object (of a backup made without encryption) must not show.
   */
  @Override
  public List<String> listChildren(String prefix) throws IOException {
    return ObjectInfo.children(list(prefix), prefix);
  }

  /**
   * Reads the header of every object (not its content): each must name a key that is listed and
   * that key must unwrap its data key. A restore calls this before it changes the node, so that a
   * missing or wrong key fails first, naming the key id.
   */
  @Override
  public void requireReadable(Collection<String> keys) throws IOException {
    for (String key : new java.util.TreeSet<>(keys)) {
      try (InputStream in = store.open(stored(key))) {
        EncryptedObjects.requireHeader(in, encryption, describe(key));
      }
    }
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    store.copy(stored(sourceKey), stored(targetKey));
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    store.delete(keys.stream().map(EncryptingStore::stored).toList());
  }

  private String describe(String key) {
    return store.location().describe(key);
  }
}
