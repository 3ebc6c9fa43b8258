package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * The contract with client-side encryption on a file:// store, where the test can read, tamper
 * with, truncate and reorder exactly what a bucket would hold.
 */
class EncryptedFileSystemStoreTest extends ObjectStoreContract {
  static final String MARKER = "kassette-marker-7f3a9c";

  /** A key of {@code id}, always the same bytes for the same id in one run. */
  static final Map<String, SecretKey> KEYS =
      Map.of("2026-q4", key(), "2027-q1", key(), "impostor", key());

  static SecretKey key() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return ClientEncryption.parse("k", Base64.getEncoder().encodeToString(b), "test");
  }

  static ClientEncryption encryption(String current, String... listed) {
    Map<String, SecretKey> keys = new java.util.HashMap<>();
    for (String id : listed) {
      keys.put(id, KEYS.get(id));
    }
    return ClientEncryption.of(keys, current, "test keys");
  }

  Path bucket() {
    return tmp.resolve("bucket/prefix");
  }

  ObjectStore open(ClientEncryption encryption) {
    try {
      return ObjectStores.open(
          StorageLocation.parse("file://" + bucket()),
          StorageOptions.defaults().withEncryption(encryption));
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  ObjectStore newStore() {
    return open(encryption("2026-q4", "2026-q4"));
  }

  /** Every byte the "bucket" holds. */
  byte[] everythingStored() throws Exception {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    try (Stream<Path> files = Files.walk(tmp.resolve("bucket"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.write(Files.readAllBytes(f));
      }
    }
    return all.toByteArray();
  }

  Path storedFile(String key) {
    return bucket().resolve(key + EncryptingStore.SUFFIX);
  }

  Path fileOf(String name, int size, long seed) throws Exception {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
    for (int at = 0; at + marker.length <= size; at += 100_000) {
      System.arraycopy(marker, 0, content, at, marker.length);
    }
    return Files.write(tmp.resolve(name), content);
  }

  @Test
  void theBucketHoldsNoPlaintextAndEveryObjectIsMarkedAsEncrypted() throws Exception {
    store.upload("data/big-Data.db", fileOf("big", 3 * (1 << 20) + 17, 1), TransferControl.NONE);
    store.put("manifest.json", ("{\"note\":\"" + MARKER + "\"}").getBytes(StandardCharsets.UTF_8));
    String stored = new String(everythingStored(), StandardCharsets.ISO_8859_1);
    assertThat(stored).doesNotContain(MARKER).doesNotContain("note");
    try (Stream<Path> files = Files.walk(tmp.resolve("bucket"))) {
      assertThat(files.filter(Files::isRegularFile))
          .allSatisfy(
              f -> {
                assertThat(f.toString()).endsWith(".kenc");
                assertThat(new String(Files.readAllBytes(f), 0, 4, StandardCharsets.US_ASCII))
                    .isEqualTo("KENC");
              });
    }
    assertThat(new String(store.get("manifest.json"), StandardCharsets.UTF_8)).contains(MARKER);
  }

  @Test
  void listedSizesArePlaintextSizesAtEveryChunkBoundary() throws Exception {
    int chunk = EncryptedObjects.CHUNK;
    for (int size : List.of(0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 5)) {
      Path file = fileOf("f" + size, size, size);
      UploadResult result = store.upload("sizes/f" + size, file, TransferControl.NONE);
      assertThat(result).isEqualTo(new UploadResult(size, Checksums.crc32c(file)));
      assertThat(Files.size(storedFile("sizes/f" + size)))
          .isEqualTo(EncryptedObjects.storedLength(size));
      assertThat(store.stat("sizes/f" + size))
          .get()
          .extracting(ObjectInfo::size)
          .isEqualTo((long) size);
      try (InputStream in = store.open("sizes/f" + size)) {
        assertThat(Checksums.crc32c(in)).isEqualTo(result);
      }
    }
    assertThat(store.list("sizes/")).extracting(ObjectInfo::size).contains(0L, (long) chunk + 1);
  }

  @Test
  void aTamperedTruncatedOrReorderedObjectIsRefusedNamingIt() throws Exception {
    int chunk = EncryptedObjects.CHUNK;
    Path file = fileOf("three", 3 * chunk, 3);
    store.upload("t/flipped", file, TransferControl.NONE);
    byte[] stored = Files.readAllBytes(storedFile("t/flipped"));
    stored[EncryptedObjects.HEADER + chunk + 100] ^= 1; // one bit in the second chunk
    Files.write(storedFile("t/flipped"), stored);
    assertThatThrownBy(() -> Checksums.crc32c(store.open("t/flipped")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("t/flipped")
        .hasMessageContaining("fails authentication at chunk 1");

    store.upload("t/cut", file, TransferControl.NONE);
    byte[] whole = Files.readAllBytes(storedFile("t/cut"));
    // Cut at a chunk boundary: every remaining chunk is intact, but none was the last.
    Files.write(
        storedFile("t/cut"),
        java.util.Arrays.copyOf(
            whole, EncryptedObjects.HEADER + 2 * (chunk + EncryptedObjects.TAG)));
    assertThatThrownBy(() -> Checksums.crc32c(store.open("t/cut")))
        .hasMessageContaining("fails authentication at chunk 1");

    store.upload("t/swapped", file, TransferControl.NONE);
    byte[] swapped = Files.readAllBytes(storedFile("t/swapped"));
    int a = EncryptedObjects.HEADER;
    int b = a + chunk + EncryptedObjects.TAG;
    byte[] first = java.util.Arrays.copyOfRange(swapped, a, b);
    System.arraycopy(swapped, b, swapped, a, b - a);
    System.arraycopy(first, 0, swapped, b, first.length);
    Files.write(storedFile("t/swapped"), swapped);
    assertThatThrownBy(() -> Checksums.crc32c(store.open("t/swapped")))
        .hasMessageContaining("fails authentication at chunk 0");

    Files.write(storedFile("t/appended"), new byte[0]);
    Files.write(storedFile("t/appended"), whole);
    Files.write(storedFile("t/appended"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> Checksums.crc32c(store.open("t/appended")))
        .hasMessageContaining("fails authentication");
  }

  @Test
  void aMissingOrWrongKeyIsRefusedNamingItsIdAndRotationKeepsOldObjectsReadable() throws Exception {
    store.put("old.json", "before the rotation".getBytes(StandardCharsets.UTF_8));

    try (ObjectStore withoutIt = open(encryption("2027-q1", "2027-q1"))) {
      assertThatThrownBy(() -> withoutIt.get("old.json"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("old.json")
          .hasMessageContaining("was encrypted with key '2026-q4'")
          .hasMessageContaining("test keys holds [2027-q1]");
    }
    Map<String, SecretKey> wrong = Map.of("2026-q4", KEYS.get("impostor"));
    try (ObjectStore wrongKey = open(ClientEncryption.of(wrong, "2026-q4", "test keys"))) {
      assertThatThrownBy(() -> wrongKey.get("old.json"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("key '2026-q4' in test keys does not decrypt")
          .hasMessageContaining("old.json");
    }

    try (ObjectStore rotated = open(encryption("2027-q1", "2026-q4", "2027-q1"))) {
      rotated.put("new.json", "after".getBytes(StandardCharsets.UTF_8));
      assertThat(rotated.get("old.json")).asString().isEqualTo("before the rotation");
      assertThat(
              new String(
                  Files.readAllBytes(storedFile("new.json")), 6, 7, StandardCharsets.US_ASCII))
          .isEqualTo("2027-q1");
    }
  }

  @Test
  void anEncryptedViewSeesOnlyEncryptedObjects() throws Exception {
    try (ObjectStore plain =
        ObjectStores.open(StorageLocation.parse("file://" + bucket()), StorageOptions.defaults())) {
      plain.put("backups/old/backup.json", new byte[] {1});
      store.put("backups/new/backup.json", new byte[] {2});
      assertThat(store.list("backups/"))
          .extracting(ObjectInfo::key)
          .containsExactly("backups/new/backup.json");
      assertThat(plain.get("backups/old/backup.json")).containsExactly(1);
      assertThat(store.stat("backups/old/backup.json")).isEmpty();
      assertThat(store.listChildren("backups/")).containsExactly("new");
      assertThat(plain.list("backups/"))
          .extracting(ObjectInfo::key)
          .containsExactly("backups/old/backup.json");
      store.put("top.json", new byte[] {3});
      plain.put("top-plain.json", new byte[] {4});
      assertThat(store.listChildren("")).contains("top.json").doesNotContain("top-plain.json");
      assertThat(plain.listChildren("")).contains("top-plain.json").doesNotContain("top.json.kenc");
    }
  }

  @Test
  void keysComeFromADirectoryAndBadOnesAreRefusedWithoutShowingThem() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("keys"));
    String secret = Base64.getEncoder().encodeToString(new byte[32]);
    Files.writeString(dir.resolve("2026-q4"), secret + "\n");
    Files.createDirectories(dir.resolve("..2026_12_02"));
    Files.writeString(dir.resolve("..data"), "kubelet's own");
    ClientEncryption keys = ClientEncryption.fromDirectory(dir, "2026-q4");
    assertThat(keys.toString()).contains("2026-q4").doesNotContain(secret);

    assertThatThrownBy(() -> ClientEncryption.fromDirectory(dir, "2027-q1"))
        .hasMessageContaining("--encryption-key-id 2027-q1: no such key")
        .hasMessageContaining("[2026-q4]");
    Files.writeString(dir.resolve("short"), "c2hvcnQ=");
    assertThatThrownBy(() -> ClientEncryption.fromDirectory(dir, "2026-q4"))
        .hasMessageContaining("key 'short' must be 32 random bytes in base64")
        .hasMessageNotContaining("c2hvcnQ=");
  }
}
