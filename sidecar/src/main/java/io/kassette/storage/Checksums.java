package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * CRC32C is the checksum of every stored file: hardware-accelerated in the JDK, so computing it
 * while streaming costs far less than the I/O it rides on.
 */
public final class Checksums {
  static final int CHUNK = 1 << 20;

  // One read buffer per thread, reused: a direct buffer per call is freed only when the collector
  // runs, and a re-run that checksums a few hundred small components grew the process by as many
  // MiB before it did (measured by make bench).
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  private Checksums() {}

  public static String hex(CRC32C crc) {
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }

  /** Reads the file once and returns its CRC32C. */
  public static String crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = READ_BUFFER.get().clear();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        crc.update(buffer);
        buffer.clear();
      }
    }
    return hex(crc);
  }

  /** Drains the stream and returns its CRC32C and length. */
  public static UploadResult crc32c(InputStream in) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[CHUNK];
    long size = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      crc.update(buffer, 0, n);
      size += n;
    }
    return new UploadResult(size, hex(crc));
  }
}
