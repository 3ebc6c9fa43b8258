package io.kassette.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/**
 * An upload source as an SDK request body that checksums and rate-limits on the way out, so an S3
 * upload reads each file once. The SDK may subscribe again on a retry: each subscription reads from
 * the start, and progress is reported only past the furthest byte already reported.
 */
final class StreamingFileBody implements AsyncRequestBody {
  private final UploadSource source;
  private final long length;
  private final TransferControl control;
  private final Executor executor;
  private final AtomicLong reported = new AtomicLong();
  private volatile UploadResult result;

  StreamingFileBody(UploadSource source, TransferControl control, Executor executor) {
    this.source = source;
    this.length = source.length();
    this.control = control;
    this.executor = executor;
  }

  /** The size and checksum of the last complete read; null until one completed. */
  UploadResult result() {
    return result;
  }

  @Override
  public Optional<Long> contentLength() {
    return Optional.of(length);
  }

  @Override
  public String contentType() {
    return "application/octet-stream";
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
    UploadSource.Chunks chunks;
    try {
      chunks = source.open();
    } catch (IOException e) {
      subscriber.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(e);
      return;
    }
    subscriber.onSubscribe(new FileSubscription(subscriber, chunks));
  }

  private final class FileSubscription implements Subscription {
    private final Subscriber<? super ByteBuffer> subscriber;
    private final UploadSource.Chunks chunks;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CRC32C crc = new CRC32C();
    private volatile boolean done;
    private long position;

    FileSubscription(Subscriber<? super ByteBuffer> subscriber, UploadSource.Chunks chunks) {
      this.subscriber = subscriber;
      this.chunks = chunks;
    }

    @Override
    public void request(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        finish(new IllegalArgumentException("reactive-streams 3.9: request must be positive"));
        return;
      }
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      drain();
    }

    @Override
    public void cancel() {
      done = true;
      closeQuietly();
    }

    private void drain() {
      if (draining.compareAndSet(false, true)) {
        executor.execute(this::emit);
      }
    }

    private void emit() {
      try {
        while (!done && demand.get() > 0) {
          if (position >= length) {
            complete();
            return;
          }
          ByteBuffer chunk = chunks.next();
          if (chunk == null) {
            throw new IOException(source.describe() + " shrank while being uploaded");
          }
          crc.update(chunk.duplicate());
          int n = chunk.remaining();
          control.throttle(n);
          position += n;
          long before = reported.getAndAccumulate(position, Math::max);
          if (position > before) {
            control.progress().accept(position - before);
          }
          demand.decrementAndGet();
          if (position >= length) {
            // The SDK may cancel as soon as it holds contentLength bytes, before onComplete.
            result = new UploadResult(position, Checksums.hex(crc));
          }
          subscriber.onNext(chunk);
        }
        if (!done && position >= length) {
          complete();
        }
      } catch (IOException | RuntimeException e) {
        finish(e);
      } finally {
        draining.set(false);
      }
      if (!done && demand.get() > 0) {
        drain();
      }
    }

    private void complete() {
      done = true;
      closeQuietly();
      result = new UploadResult(position, Checksums.hex(crc));
      subscriber.onComplete();
    }

    private void finish(Throwable error) {
      if (!done) {
        done = true;
        closeQuietly();
        subscriber.onError(error);
      }
    }

    private void closeQuietly() {
      try {
        chunks.close();
      } catch (IOException ignored) {
        // nothing left to do with a source we only read
      }
    }
  }
}
