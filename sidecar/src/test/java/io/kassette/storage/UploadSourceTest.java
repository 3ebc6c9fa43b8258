package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read from the middle of a source, as a part sent again or the first part after kept ones reads
 * it: a file reads from there directly, any other source (ciphertext) by dropping what comes
 * before; both yield exactly the bytes from that offset on.
 */
class UploadSourceTest {
  @TempDir Path tmp;

  private final byte[] bytes = new byte[(3 << 20) + 4321];

  UploadSourceTest() {
    new Random(3).nextBytes(bytes);
  }

  @Test
  void aFileAndAnyOtherSourceReadFromAnOffsetYieldExactlyTheRest() throws IOException {
    UploadSource file = UploadSource.of(Files.write(tmp.resolve("f"), bytes));
    UploadSource odd = oddChunks(bytes, 700_001);
    for (long from :
        new long[] {0, 1, 700_000, 700_001, 700_002, 1 << 20, bytes.length - 1, bytes.length}) {
      byte[] expected = Arrays.copyOfRange(bytes, (int) from, bytes.length);
      assertThat(readAll(file.open(from))).as("file from %d", from).isEqualTo(expected);
      assertThat(readAll(odd.open(from))).as("odd chunks from %d", from).isEqualTo(expected);
    }
  }

  /**
   * The file and GCS stores read each chunk into one reused direct buffer (FileStreamer): a file
   * fills that buffer in place, a dirty one included, and yields the same bytes; any other source
   * keeps handing out buffers of its own.
   */
  @Test
  void aFileReadIntoAReusedBufferYieldsTheSameBytes() throws IOException {
    UploadSource file = UploadSource.of(Files.write(tmp.resolve("f"), bytes));
    ByteBuffer scratch = ByteBuffer.allocateDirect(1 << 20);
    scratch.put(new byte[1000]).limit(7); // left dirty by an earlier file
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (UploadSource.Chunks chunks = file.open()) {
      for (ByteBuffer b; (b = chunks.next(scratch)) != null; ) {
        assertThat(b).isSameAs(scratch);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.write(a);
      }
    }
    assertThat(out.toByteArray()).isEqualTo(bytes);
    try (UploadSource.Chunks chunks = oddChunks(bytes, 700_001).open()) {
      ByteBuffer own = chunks.next(scratch);
      assertThat(own).isNotSameAs(scratch);
      assertThat(own.remaining()).isEqualTo(700_001);
    }
  }

  @Test
  void anOffsetBeyondTheEndOfAShrunkSourceFails() {
    UploadSource shrunk = oddChunks(Arrays.copyOf(bytes, 1000), 300);
    UploadSource claimed =
        new UploadSource() {
          @Override
          public long length() {
            return bytes.length;
          }

          @Override
          public Chunks open() throws IOException {
            return shrunk.open();
          }

          @Override
          public String describe() {
            return "shrunk";
          }
        };
    assertThatThrownBy(() -> readAll(claimed.open(5000)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("shrunk shrank");
  }

  private static byte[] readAll(UploadSource.Chunks chunks) throws IOException {
    try (chunks) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (ByteBuffer b = chunks.next(); b != null; b = chunks.next()) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.write(a);
      }
      return out.toByteArray();
    }
  }

  /** {@code bytes} in chunks of {@code chunk}, each a buffer whose position is not 0 (a slice). */
  static UploadSource oddChunks(byte[] bytes, int chunk) {
    return new UploadSource() {
      @Override
      public long length() {
        return bytes.length;
      }

      @Override
      public String describe() {
        return "odd chunks";
      }

      @Override
      public Chunks open() {
        return new Chunks() {
          private int at;

          @Override
          public ByteBuffer next() {
            if (at >= bytes.length) {
              return null;
            }
            int n = Math.min(chunk, bytes.length - at);
            // a buffer whose position is not 0, as a slice of a larger one has
            ByteBuffer b = ByteBuffer.wrap(bytes, at, n).asReadOnlyBuffer();
            at += n;
            return b;
          }

          @Override
          public void close() {}
        };
      }
    };
  }
}
