package io.kassette.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One pass over an upload source that several request bodies take their ranges from in order: the
 * parts of a multipart upload read the file once, without a part ever being buffered. A request
 * retried by the SDK seeks back, which reopens the source (it yields the same bytes every time, see
 * {@link UploadSource}); the checksum and the progress count each byte once, however often it is
 * sent.
 */
final class SourceReader implements Closeable {
  private final UploadSource source;
  private final long length;
  private final TransferControl control;
  private final CRC32C crc = new CRC32C();
  private UploadSource.Chunks chunks;
  private ByteBuffer leftover;
  // the next byte next() yields
  private long position;
  // bytes counted in the checksum and reported as progress: each byte once
  private long counted;
  // after close, a late read (a request the SDK failed without cancelling its body) opens nothing
  private boolean closed;

  // read into in place when set: each buffer read() returns is valid only until the next read
  private final ByteBuffer scratch;

  SourceReader(UploadSource source, TransferControl control) {
    this(source, control, null);
  }

  /**
   * A reader whose buffers are read into {@code scratch} where the source can: for a caller that
   * has written out each buffer {@link #read} returns before it reads again (the GCS store's
   * requests); the S3 SDK keeps the buffers, so its reader has none.
   */
  SourceReader(UploadSource source, TransferControl control, ByteBuffer scratch) {
    this.source = source;
    this.length = source.length();
    this.control = control;
    this.scratch = scratch;
  }

  long length() {
    return length;
  }

  String describe() {
    return source.describe();
  }

  boolean sameBytesEveryRun() {
    return source.sameBytesEveryRun();
  }

  /** Whether the operation was asked to stop (a pause or a cancel). */
  boolean stopRequested() {
    return control.stop().getAsBoolean();
  }

  /**
   * At most {@code max} bytes from {@code at}, in a buffer the caller may keep (without a scratch
   * buffer); null at the end. Reading on from the last read is the common case; going back (a
   * retried request) reopens the source. Each byte is throttled; the first time it is read it is
   * also checksummed and reported.
   */
  synchronized ByteBuffer read(long at, long max) throws IOException {
    if (closed) {
      throw new IOException("the upload of " + source.describe() + " has ended");
    }
    seek(at);
    return next(max, true);
  }

  private void seek(long offset) throws IOException {
    if (chunks != null && offset == position) {
      return;
    }
    if (chunks == null || offset < position) {
      // from there, or from the first byte not yet checksummed: every byte is counted in order
      long from = Math.min(offset, counted);
      closeChunks();
      chunks = source.open(from);
      position = from;
      leftover = null;
    }
    while (position < offset) {
      ByteBuffer skipped = next(offset - position, false);
      if (skipped == null) {
        throw new IOException(source.describe() + " shrank while being uploaded");
      }
    }
  }

  private ByteBuffer next(long max, boolean send) throws IOException {
    if (leftover == null || !leftover.hasRemaining()) {
      leftover = scratch == null ? chunks.next() : chunks.next(scratch);
      if (leftover == null) {
        return null;
      }
    }
    ByteBuffer out = leftover;
    if (out.remaining() > max) {
      out = leftover.slice(leftover.position(), (int) max);
      leftover.position(leftover.position() + (int) max);
    } else {
      leftover = null;
    }
    int n = out.remaining();
    if (send) {
      // before the bytes count as moved: progress never runs ahead of the rate limit (a suspend
      // that waits for uploaded bytes must find them stored, or on their way)
      control.throttle(n);
    }
    long end = position + n;
    if (end > counted) {
      // only the part of this buffer beyond what was counted before
      int fresh = (int) (end - Math.max(position, counted));
      crc.update(out.slice(out.position() + n - fresh, fresh)); // slice(index, length) is absolute
      counted = end;
      control.progress().accept(fresh);
    }
    position = end;
    return out;
  }

  /**
   * The MD5 of {@code length} bytes from {@code at}: a part an earlier attempt stored is compared
   * with the file by it (S3's ETag of a part). Its bytes count as moved, without the rate limit,
   * since they are not sent.
   */
  synchronized byte[] md5(long at, long length) throws IOException {
    if (closed) {
      throw new IOException("the upload of " + source.describe() + " has ended");
    }
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
    seek(at);
    for (long left = length; left > 0; ) {
      ByteBuffer bytes = next(left, false);
      if (bytes == null) {
        throw new IOException(source.describe() + " shrank while being uploaded");
      }
      left -= bytes.remaining();
      md.update(bytes);
    }
    return md.digest();
  }

  /**
   * Reads the first {@code upTo} bytes without sending them: what an earlier attempt stored, which
   * the checksum and the progress still count (without the rate limit). Stops at a stop.
   */
  synchronized void count(long upTo) throws IOException {
    if (closed) {
      throw new IOException("the upload of " + source.describe() + " has ended");
    }
    while (counted < upTo) {
      if (stopRequested()) {
        throw new TransferControl.StoppedException();
      }
      seek(Math.min(upTo, counted + Checksums.CHUNK));
    }
  }

  /** Size and checksum once every byte was read; null before. */
  synchronized UploadResult result() {
    return counted == length ? new UploadResult(length, Checksums.hex(crc)) : null;
  }

  private void closeChunks() {
    if (chunks != null) {
      try {
        chunks.close();
      } catch (IOException ignored) {
        // a source we only read
      }
      chunks = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeChunks();
  }
}
