package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-side encryption keeps memory bounded: a file of more than 2 GiB is encrypted on upload and
 * decrypted on read in a JVM whose heap is 48 MiB, which could not hold even 2% of it.
 */
class EncryptedLargeObjectIT {
  @TempDir Path tmp;

  @Test
  void aMultiGibFileRoundTripsInA48MibHeap() throws Exception {
    Path file = tmp.resolve("big-Data.db");
    long size = (2L << 30) + 12_345;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size); // sparse: written fast, read as zeros
      f.seek(size / 2);
      f.write("something in the middle".getBytes(StandardCharsets.US_ASCII));
    }
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Files.writeString(keys.resolve("k1"), Base64.getEncoder().encodeToString(new byte[32]));
    Path bucket = tmp.resolve("bucket");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx48m",
                    "-XX:MaxDirectMemorySize=16m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeEncryptedRoundTrip.class.getName(),
                    file.toString(),
                    bucket.toString(),
                    keys.toString(),
                    "k1"))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(tmp.resolve("out.txt"));
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("uploaded UploadResult[size=" + size);
    assertThat(Files.size(bucket.resolve("big-Data.db" + EncryptingStore.SUFFIX)))
        .isEqualTo(EncryptedObjects.storedLength(size));
  }
}
