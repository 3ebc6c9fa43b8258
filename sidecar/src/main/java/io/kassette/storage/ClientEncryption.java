package io.kassette.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key-encryption keys of client-side encryption: every key by id, and the id new objects are
 * encrypted with. Older ids stay listed so that backups made before a rotation remain readable. The
 * keys themselves never appear in {@link #toString()} or in any message.
 */
public final class ClientEncryption {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Map<String, SecretKey> keys;
  private final String currentId;
  private final String source;

  private ClientEncryption(Map<String, SecretKey> keys, String currentId, String source) {
    this.keys = Map.copyOf(keys);
    this.currentId = currentId;
    this.source = source;
  }

  /**
   * The keys in {@code directory} (a mounted Kubernetes Secret: each file is a key, its name the
   * id, its content 32 random bytes in base64, e.g. {@code openssl rand -base64 32}); new objects
   * use {@code currentId}. Files whose names start with a dot (the kubelet's own) are skipped.
   */
  public static ClientEncryption fromDirectory(Path directory, String currentId)
      throws IOException {
    String source = "--encryption-keys " + directory;
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          source + ": not a directory; mount the Secret holding the encryption keys there");
    }
    Map<String, SecretKey> keys = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        String id = file.getFileName().toString();
        if (id.startsWith(".") || Files.isDirectory(file)) {
          continue;
        }
        keys.put(id, parse(id, Files.readString(file, StandardCharsets.US_ASCII), source));
      }
    }
    return of(keys, currentId, source);
  }

  /** Keys given directly (tests, tools). */
  public static ClientEncryption of(Map<String, SecretKey> keys, String currentId, String source) {
    if (currentId == null || currentId.isBlank()) {
      throw new IllegalArgumentException(
          "--encryption-key-id: name the key new backups are encrypted with (one of "
              + keys.keySet()
              + " in "
              + source
              + ")");
    }
    if (!keys.containsKey(currentId)) {
      throw new IllegalArgumentException(
          "--encryption-key-id "
              + currentId
              + ": no such key in "
              + source
              + " (it holds "
              + keys.keySet()
              + "); add the key as a file named "
              + currentId);
    }
    return new ClientEncryption(keys, currentId, source);
  }

  /** A key from its base64 text; fails naming the id, never the content. */
  public static SecretKey parse(String id, String base64, String source) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          source
              + ": key id '"
              + id
              + "' must be 1 to 64 letters, digits, '.', '_' or '-' (it is the file's name)");
    }
    byte[] key;
    try {
      key = Base64.getMimeDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != 32) {
      throw new IllegalArgumentException(
          source
              + ": key '"
              + id
              + "' must be 32 random bytes in base64 (openssl rand -base64 32), not "
              + key.length
              + " bytes");
    }
    return new SecretKeySpec(key, "AES");
  }

  String currentId() {
    return currentId;
  }

  SecretKey current() {
    return keys.get(currentId);
  }

  /** The key of {@code id}, or null when it is not listed. */
  SecretKey key(String id) {
    return keys.get(id);
  }

  java.util.Set<String> ids() {
    return keys.keySet();
  }

  String source() {
    return source;
  }

  @Override
  public String toString() {
    return "ClientEncryption[current=" + currentId + ", ids=" + new TreeMap<>(keys).keySet() + "]";
  }
}
