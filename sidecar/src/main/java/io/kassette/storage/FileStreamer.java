package io.kassette.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The one read path of the uploads that write as they read (file and GCS stores): a source read
 * sequentially in chunks, each chunk checksummed, rate-limited and handed to a sink. Memory stays
 * at one chunk per upload, whatever its size.
 */
public final class FileStreamer {

  /** Receives the source's bytes in order. The buffer is only valid during the call. */
  @FunctionalInterface
  public interface Sink {
    void write(ByteBuffer chunk) throws IOException;
  }

  private FileStreamer() {}

  public static UploadResult stream(UploadSource source, TransferControl control, Sink sink)
      throws IOException {
    CRC32C crc = new CRC32C();
    long size = 0;
    try (UploadSource.Chunks chunks = source.open()) {
      for (ByteBuffer chunk; (chunk = chunks.next()) != null; ) {
        int n = chunk.remaining();
        crc.update(chunk.duplicate());
        control.pass(n);
        sink.write(chunk);
        size += n;
      }
    }
    return new UploadResult(size, Checksums.hex(crc));
  }
}
