package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link ObjectStore} must show. Each backend binds it to a real store. */
abstract class ObjectStoreContract {
  @TempDir Path tmp;
  ObjectStore store;

  /** A fresh, empty location for one test. */
  abstract ObjectStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void putThenGetReturnsTheBytes() throws Exception {
    store.put("a/b/small.json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(store.get("a/b/small.json"), StandardCharsets.UTF_8))
        .isEqualTo("{\"x\":1}");
    assertThat(store.stat("a/b/small.json")).get().extracting(ObjectInfo::size).isEqualTo(7L);
  }

  @Test
  void missingObjectsAreReportedAsMissing() throws Exception {
    assertThatThrownBy(() -> store.get("nope/missing.db"))
        .isInstanceOf(NoSuchObjectException.class)
        .hasMessageContaining("nope/missing.db");
    assertThatThrownBy(() -> store.open("nope/missing.db"))
        .isInstanceOf(NoSuchObjectException.class);
    assertThat(store.stat("nope/missing.db")).isEmpty();
    assertThat(store.list("nope/")).isEmpty();
  }

  @Test
  void largeUploadStreamsWithChecksumAndProgress() throws Exception {
    Path file = tmp.resolve("big-Data.db");
    byte[] block = new byte[1 << 20];
    new Random(42).nextBytes(block);
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < 23; i++) { // 23 MiB: several parts, not a multiple of the part size
        block[0] = (byte) i;
        out.write(block);
      }
      out.write(block, 0, 12345);
    }
    long size = Files.size(file);
    AtomicLong progress = new AtomicLong();
    UploadResult result =
        store.upload("pool/big-Data.db", file, new TransferControl(null, progress::addAndGet));

    assertThat(result.size()).isEqualTo(size);
    assertThat(result.crc32c()).isEqualTo(Checksums.crc32c(file));
    assertThat(progress.get()).isEqualTo(size);
    assertThat(store.stat("pool/big-Data.db")).get().extracting(ObjectInfo::size).isEqualTo(size);
    try (InputStream in = store.open("pool/big-Data.db")) {
      assertThat(Checksums.crc32c(in)).isEqualTo(result);
    }
  }

  /**
   * Uploads at once, as a backup runs them, each store exactly their own file's bytes: the file and
   * GCS stores read every chunk into a buffer taken from a shared pool and given back after.
   */
  @Test
  void uploadsAtOnceEachStoreTheirOwnBytes() throws Exception {
    int files = 8;
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      byte[] bytes = new byte[(2 << 20) + 1000 * i + 7];
      new Random(i).nextBytes(bytes);
      paths.add(Files.write(tmp.resolve("f" + i + "-Data.db"), bytes));
    }
    ExecutorService pool = Executors.newFixedThreadPool(files);
    try {
      for (int round = 0; round < 2; round++) { // the second round reuses the pooled buffers
        List<Future<UploadResult>> uploads = new ArrayList<>();
        for (int i = 0; i < files; i++) {
          Path file = paths.get(i);
          String key = "at-once/" + round + "/" + i;
          uploads.add(pool.submit(() -> store.upload(key, file, TransferControl.NONE)));
        }
        for (int i = 0; i < files; i++) {
          UploadResult result = uploads.get(i).get();
          assertThat(result.crc32c()).isEqualTo(Checksums.crc32c(paths.get(i)));
          try (InputStream in = store.open("at-once/" + round + "/" + i)) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(paths.get(i)));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyFileUploads() throws Exception {
    Path file = Files.createFile(tmp.resolve("empty.db"));
    UploadResult result = store.upload("empty.db", file, TransferControl.NONE);
    assertThat(result.size()).isZero();
    assertThat(store.get("empty.db")).isEmpty();
  }

  @Test
  void listsEveryKeyUnderAPrefixAcrossPages() throws Exception {
    int count = 1100; // more than one S3 page (1000)
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = "many/k" + i;
        puts.add(
            pool.submit(
                () -> {
                  store.put(key, new byte[] {1});
                  return null;
                }));
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    store.put("many-not-a-child", new byte[] {2});
    store.put("other/x", new byte[] {3});

    List<ObjectInfo> listed = store.list("many/");
    assertThat(listed).hasSize(count);
    assertThat(listed).allMatch(o -> o.key().startsWith("many/k") && o.size() == 1);
    assertThat(store.list("many")).hasSize(count + 1);
  }

  @Test
  void listsChildrenOneLevelDown() throws Exception {
    store.put("backups/b1/backup.json", new byte[] {1});
    store.put("backups/b1/nodes/h1.json.gz", new byte[] {1});
    store.put("backups/b2/nodes/h1.json.gz", new byte[] {1});
    store.put("nodes/h1/x", new byte[] {1});
    assertThat(store.listChildren("backups/")).containsExactlyInAnyOrder("b1", "b2");
    assertThat(store.listChildren("backups/b1/")).containsExactlyInAnyOrder("backup.json", "nodes");
    assertThat(store.listChildren("absent/")).isEmpty();
  }

  @Test
  void copyAndDelete() throws Exception {
    Path file = tmp.resolve("f");
    Files.writeString(file, "payload");
    store.upload("src/f", file, TransferControl.NONE);
    store.copy("src/f", "dst/f");
    assertThat(store.get("dst/f")).isEqualTo("payload".getBytes(StandardCharsets.UTF_8));

    store.delete(List.of("src/f", "never/existed"));
    assertThat(store.stat("src/f")).isEmpty();
    assertThat(store.get("dst/f")).isEqualTo("payload".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.copy("src/f", "dst/g")).isInstanceOf(IOException.class);
  }

  @Test
  void overwriteReplacesTheObject() throws Exception {
    store.put("k", new byte[] {1, 2, 3});
    store.put("k", new byte[] {4});
    assertThat(store.get("k")).containsExactly(4);
  }

  @Test
  void refusesKeysThatEscapeTheLocation() {
    for (String bad :
        List.of("../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a\\b", "%2e%2e/x")) {
      assertThatThrownBy(() -> store.put(bad, new byte[] {1}))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
