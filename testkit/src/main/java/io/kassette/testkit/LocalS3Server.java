package io.kassette.testkit;

import java.net.URI;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 API server on loopback (s3proxy): real HTTP, SigV4 signatures checked. Objects live in
 * memory, or in a directory when one is given.
 */
public final class LocalS3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "kassette-test-access";
  public static final String SECRET_KEY = "kassette-test-secret-0123456789";

  private final S3Proxy proxy;
  private final BlobStore blobStore;

  private LocalS3Server(BlobStore blobStore) throws Exception {
    this.blobStore = blobStore;
    this.proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  /** A server keeping objects in memory. */
  public static LocalS3Server inMemory() throws Exception {
    return new LocalS3Server(new TransientNio2BlobStore());
  }

  /** A server keeping objects under {@code dir} (for data larger than the heap). */
  public static LocalS3Server onDisk(Path dir) throws Exception {
    return new LocalS3Server(new FilesystemNio2BlobStore(dir.toString()));
  }

  public LocalS3Server createBucket(String bucket) {
    blobStore.createContainer(bucket);
    return this;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
