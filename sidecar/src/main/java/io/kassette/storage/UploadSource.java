package io.kassette.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of one upload, of a length known in advance (stores size multipart uploads by it),
 * readable again from the first byte: an SDK may retry by reading the body once more. A local file,
 * or a file as client-side encryption turns it into ciphertext on the way.
 */
public interface UploadSource {

  /** The number of bytes every read yields. */
  long length();

  /** Opens a read from the first byte; each read is independent of the others. */
  Chunks open() throws IOException;

  /**
   * Opens a read from byte {@code from}: what a part sent again, or a part after parts already
   * stored, reads. This default reads the source from the first byte and drops what comes before; a
   * file overrides it with a positional read.
   */
  default Chunks open(long from) throws IOException {
    Chunks all = open();
    if (from == 0) {
      return all;
    }
    return new Chunks() {
      private long skip = from;

      @Override
      public ByteBuffer next() throws IOException {
        while (skip > 0) {
          ByteBuffer chunk = all.next();
          if (chunk == null) {
            throw new IOException(describe() + " shrank while being uploaded");
          }
          if (chunk.remaining() > skip) {
            chunk.position(chunk.position() + (int) skip);
            skip = 0;
            return chunk;
          }
          skip -= chunk.remaining();
        }
        return all.next();
      }

      @Override
      public void close() throws IOException {
        all.close();
      }
    };
  }

  /** What to call the source in an error: the local file. */
  String describe();

  /**
   * Whether another run over the same file yields the same bytes, so that parts an earlier, killed
   * run stored can be kept. Ciphertext does not: every upload has a key and nonces of its own.
   */
  default boolean sameBytesEveryRun() {
    return true;
  }

  /**
   * The local file whose bytes this source yields unchanged, for a store that can have the kernel
   * copy them (file://); empty when they change on the way (ciphertext).
   */
  default java.util.Optional<Path> plainFile() {
    return java.util.Optional.empty();
  }

  /**
   * One read of the source, in order, in chunks of at most about {@link Checksums#CHUNK} bytes (an
   * encrypted chunk carries its 16-byte tag beyond that).
   */
  interface Chunks extends Closeable {
    /**
     * The next bytes, in a buffer of their own that the caller may keep, or null at the end. Fails
     * when the source yields other than {@link #length()} bytes (a file that changed).
     */
    ByteBuffer next() throws IOException;

    /**
     * The next bytes, read into {@code scratch} (cleared first) where the source can read in place,
     * else in a buffer of their own; valid only until the next call; null at the end. For a caller
     * that is done with each chunk before it asks for the next (a caller that hands chunks on, as
     * the S3 and Azure stores do, uses {@link #next()}); a source never keeps {@code scratch}.
     */
    default ByteBuffer next(ByteBuffer scratch) throws IOException {
      return next();
    }

    /**
     * The open file these chunks read, when they are its bytes unchanged (not ciphertext), for a
     * store that has the kernel copy each chunk's range: from the very file read here, so the bytes
     * checksummed are the bytes stored even if the path is renamed over meanwhile. Else empty. A
     * chunk's bytes sit in this file at the offset the chunks were opened at ({@code open(from)})
     * plus what earlier chunks yielded.
     */
    default java.util.Optional<FileChannel> file() {
      return java.util.Optional.empty();
    }
  }

  /** A local file as it is now. */
  static UploadSource of(Path file) throws IOException {
    long length = java.nio.file.Files.size(file);
    return new UploadSource() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public String describe() {
        return file.toString();
      }

      @Override
      public java.util.Optional<Path> plainFile() {
        return java.util.Optional.of(file);
      }

      @Override
      public Chunks open() throws IOException {
        return open(0);
      }

      @Override
      public Chunks open(long from) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new Chunks() {
          private long position = from;

          @Override
          public ByteBuffer next() throws IOException {
            return position >= length
                ? null
                : fill(ByteBuffer.allocate((int) Math.min(Checksums.CHUNK, length - position)));
          }

          @Override
          public ByteBuffer next(ByteBuffer scratch) throws IOException {
            return position >= length
                ? null
                : fill(
                    scratch
                        .clear()
                        .limit(
                            (int)
                                Math.min(
                                    Math.min(Checksums.CHUNK, scratch.capacity()),
                                    length - position)));
          }

          private ByteBuffer fill(ByteBuffer chunk) throws IOException {
            while (chunk.hasRemaining()) {
              if (channel.read(chunk, position + chunk.position()) < 0) {
                throw new IOException(file + " shrank while being uploaded");
              }
            }
            position += chunk.flip().remaining();
            return chunk;
          }

          @Override
          public java.util.Optional<FileChannel> file() {
            return java.util.Optional.of(channel);
          }

          @Override
          public void close() throws IOException {
            channel.close();
          }
        };
      }
    };
  }
}
