package io.kassette.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.zip.CRC32C;

/**
 * The one copy path of the file store: a source read sequentially in chunks, each chunk
 * checksummed, rate-limited and written out (a plain file's bytes by the kernel). Memory stays at
 * one chunk per upload, whatever its size. It also lends its chunk buffers to the GCS store's
 * requests, which write each chunk out before they read the next.
 */
public final class FileStreamer {

  // Direct buffers read into and written from in place, one per upload in flight, kept for the
  // next: a heap buffer per 1 MiB chunk was 82% of a file:// backup's allocation, and with the
  // image's small serial heap it cost a collection every few chunks (198 in a 1 GiB backup, 2 s of
  // pauses; JFR, make bench); a heap buffer is also copied once more on its way in and out of the
  // kernel. Pooled rather than per thread: the agent's upload threads live for one backup, and
  // their buffers would be freed only when the collector ran.
  private static final int MAX_POOLED = 16;

  private static final ConcurrentLinkedDeque<ByteBuffer> BUFFERS = new ConcurrentLinkedDeque<>();

  private FileStreamer() {}

  /**
   * Copies {@code source} to {@code out}, each chunk read into a pooled buffer for its checksum and
   * the rate limit. A plain file's chunk then goes out by the kernel (sendfile), not written back
   * from here: a quarter to a third off a 2 GiB copy's system CPU and about a sixth off a file://
   * backup's time (docs/performance.md, finding 12).
   */
  public static UploadResult copy(UploadSource source, TransferControl control, FileChannel out)
      throws IOException {
    Optional<Path> file = source.plainFile();
    // The checksum is of the bytes read here, the stored bytes are those the kernel reads again: a
    // file written to in place in between (never a snapshot's) fails the upload instead.
    FileTime modified = file.isPresent() ? Files.getLastModifiedTime(file.get()) : null;
    CRC32C crc = new CRC32C();
    long position = 0;
    ByteBuffer scratch = borrow();
    try (UploadSource.Chunks chunks = source.open()) {
      FileChannel in = chunks.file().orElse(null);
      for (ByteBuffer chunk; (chunk = chunks.next(scratch)) != null; ) {
        int n = chunk.remaining();
        crc.update(chunk.duplicate());
        control.pass(n);
        if (in == null) {
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
        } else {
          for (long done = 0; done < n; ) {
            long sent = in.transferTo(position + done, n - done, out);
            if (sent <= 0) {
              throw new IOException(source.describe() + " shrank while being uploaded");
            }
            done += sent;
          }
        }
        position += n;
      }
      if (modified != null && !Files.getLastModifiedTime(file.get()).equals(modified)) {
        throw new IOException(source.describe() + " changed while being uploaded");
      }
    } finally {
      giveBack(scratch);
    }
    return new UploadResult(position, Checksums.hex(crc));
  }

  /** A direct buffer of {@link Checksums#CHUNK} bytes, to {@link #giveBack} when done. */
  static ByteBuffer borrow() {
    ByteBuffer polled = BUFFERS.poll();
    return polled != null ? polled : ByteBuffer.allocateDirect(Checksums.CHUNK);
  }

  static void giveBack(ByteBuffer buffer) {
    if (BUFFERS.size() < MAX_POOLED) {
      BUFFERS.push(buffer.clear());
    }
  }
}
