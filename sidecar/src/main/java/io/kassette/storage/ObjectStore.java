package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One object store location (a bucket and prefix, or a directory). Keys are relative to the
 * location's prefix and use '/' as separator. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  StorageLocation location();

  /**
   * Streams a local file into {@code key}, reading it exactly once: the CRC32C is computed and the
   * rate limit applied while the bytes go out. An interrupted upload never leaves a partial object
   * visible under {@code key}.
   */
  default UploadResult upload(String key, Path file, TransferControl control) throws IOException {
    return upload(key, UploadSource.of(file), control);
  }

  /**
   * As {@link #upload(String, Path, TransferControl)}, from any source of a known length (a file
   * being encrypted on the way); the result describes the bytes stored.
   */
  UploadResult upload(String key, UploadSource source, TransferControl control) throws IOException;

  /** Writes a small object (manifests, markers) from memory. */
  void put(String key, byte[] content) throws IOException;

  /** Reads a small object fully; throws {@link NoSuchObjectException} when absent. */
  default byte[] get(String key) throws IOException {
    try (InputStream in = open(key)) {
      return in.readAllBytes();
    }
  }

  /** Opens an object for streaming reads; throws {@link NoSuchObjectException} when absent. */
  InputStream open(String key) throws IOException;

  Optional<ObjectInfo> stat(String key) throws IOException;

  /** Every object whose key starts with {@code prefix}, in any order, all pages. */
  List<ObjectInfo> list(String prefix) throws IOException;

  /**
   * The next path segment of every key under {@code prefix} (which should end with '/'): the
   * "directories" one level down, without the prefix and without a trailing slash.
   */
  List<String> listChildren(String prefix) throws IOException;

  /** Copies inside the store, server-side where the store supports it. */
  void copy(String sourceKey, String targetKey) throws IOException;

  /**
   * Fails, naming the object and the reason, when one of these objects could not be read: a check
   * before a restore changes anything. Stores that need nothing but access check nothing here.
   */
  default void requireReadable(Collection<String> keys) throws IOException {}

  /** Deletes the keys; absent keys are ignored. */
  void delete(Collection<String> keys) throws IOException;

  @Override
  void close();
}
