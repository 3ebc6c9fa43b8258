package io.kassette.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The one read path of every upload: a file read sequentially in chunks, each chunk checksummed,
 * rate-limited and handed to a sink. Memory stays at one chunk per file, whatever its size.
 */
public final class FileStreamer {

  /** Receives the file's bytes in order. The buffer is only valid during the call. */
  @FunctionalInterface
  public interface Sink {
    void write(ByteBuffer chunk) throws IOException;
  }

  private FileStreamer() {}

  public static UploadResult stream(Path file, TransferControl control, Sink sink)
      throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(Checksums.CHUNK);
    long size = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        buffer.clear();
        int n = channel.read(buffer);
        if (n < 0) {
          break;
        }
        buffer.flip();
        crc.update(buffer.duplicate());
        control.pass(n);
        sink.write(buffer);
        size += n;
      }
    }
    return new UploadResult(size, Checksums.hex(crc));
  }
}
