package io.kassette.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;

/**
 * A range of an upload source as an SDK request body: a whole file for a single PUT, one part of a
 * multipart upload. Bytes are read only as the SDK asks for them, so nothing is buffered beyond the
 * chunk in flight, and they are checksummed and rate-limited on the way out by the {@link
 * SourceReader} the ranges share. The SDK may subscribe again on a retry: each subscription reads
 * its range from its first byte.
 */
final class StreamingFileBody implements AsyncRequestBody {
  private final SourceReader reader;
  private final long offset;
  private final long length;
  private final Executor executor;

  StreamingFileBody(SourceReader reader, long offset, long length, Executor executor) {
    this.reader = reader;
    this.offset = offset;
    this.length = length;
    this.executor = executor;
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
    subscriber.onSubscribe(new RangeSubscription(subscriber));
  }

  private final class RangeSubscription implements Subscription {
    private final Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean done;
    private long sent;

    RangeSubscription(Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
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
    }

    private void drain() {
      if (draining.compareAndSet(false, true)) {
        executor.execute(this::emit);
      }
    }

    private void emit() {
      try {
        while (!done && demand.get() > 0 && sent < length) {
          ByteBuffer chunk = reader.read(offset + sent, length - sent);
          if (chunk == null) {
            throw new IOException(reader.describe() + " shrank while being uploaded");
          }
          sent += chunk.remaining();
          demand.decrementAndGet();
          subscriber.onNext(chunk);
        }
        if (!done && sent >= length) {
          // The SDK may cancel as soon as it holds contentLength bytes, before onComplete.
          done = true;
          subscriber.onComplete();
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

    private void finish(Throwable error) {
      if (!done) {
        done = true;
        subscriber.onError(error);
      }
    }
  }
}
