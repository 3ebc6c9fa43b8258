package io.kassette.storage;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import reactor.core.publisher.Flux;

/**
 * Azure Blob Storage through azure-storage-blob: a file goes up as blocks staged in parallel (two
 * at a time per file, {@code partSizeBytes} each) and committed at the end, so the blob appears
 * only complete; the file is read once, checksummed and rate-limited on the way, and the SDK keeps
 * the blocks in flight for its own retries.
 */
final class AzureBlobStore implements ObjectStore {
  private static final int BLOCKS_IN_FLIGHT = 2;
  // A block blob holds at most 50,000 blocks: larger files get larger blocks.
  private static final long MAX_BLOCKS = 50_000;
  // One credential per process: it caches its token, and the agent opens a store per request.
  private static volatile com.azure.core.credential.TokenCredential defaultCredential;

  private final StorageLocation location;
  private final BlobContainerClient container;
  private final BlobContainerAsyncClient async;
  private final long blockSize;
  private final String sasToken;

  private AzureBlobStore(
      StorageLocation location,
      BlobContainerClient container,
      BlobContainerAsyncClient async,
      long blockSize,
      String sasToken) {
    this.location = location;
    this.container = container;
    this.async = async;
    this.blockSize = blockSize;
    this.sasToken = sasToken;
  }

  private static synchronized com.azure.core.credential.TokenCredential defaultCredential() {
    if (defaultCredential == null) {
      defaultCredential = new DefaultAzureCredentialBuilder().build();
    }
    return defaultCredential;
  }

  static AzureBlobStore open(StorageLocation location, StorageOptions options)
      throws StorageException {
    StorageOptions.AzureOptions azure = options.azure();
    if (!location.bucket().matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
      throw new StorageException(
          "location "
              + location
              + ": '"
              + location.bucket()
              + "' is not an Azure container name (3-63 lower-case letters, digits and single"
              + " hyphens)");
    }
    try {
      BlobServiceClientBuilder b =
          new BlobServiceClientBuilder()
              .httpClient(new NettyAsyncHttpClientBuilder().build())
              .retryOptions(
                  new RequestRetryOptions(
                      RetryPolicyType.EXPONENTIAL, 4, Duration.ofMinutes(5), null, null, null));
      if (azure.connectionString() != null) {
        b.connectionString(azure.connectionString());
        if (azure.endpoint() != null) {
          b.endpoint(azure.endpoint().toString());
        }
      } else {
        String endpoint =
            azure.endpoint() != null
                ? azure.endpoint().toString()
                : azure.account() != null
                    ? "https://" + azure.account() + ".blob.core.windows.net"
                    : null;
        if (endpoint == null) {
          throw new IllegalArgumentException(
              "no storage account: set AZURE_STORAGE_ACCOUNT (with Workload Identity, a managed"
                  + " identity or AZURE_STORAGE_SAS_TOKEN), or AZURE_STORAGE_CONNECTION_STRING");
        }
        b.endpoint(endpoint);
        if (azure.sasToken() != null) {
          b.credential(new AzureSasCredential(azure.sasToken()));
        } else {
          b.credential(defaultCredential());
        }
      }
      var service = b.buildClient();
      var serviceAsync = b.buildAsyncClient();
      return new AzureBlobStore(
          location,
          service.getBlobContainerClient(location.bucket()),
          serviceAsync.getBlobContainerAsyncClient(location.bucket()),
          Math.max(1 << 20, options.partSizeBytes()),
          azure.connectionString() == null ? azure.sasToken() : sasOf(azure.connectionString()));
    } catch (RuntimeException e) {
      throw new StorageException(
          "cannot configure Azure Blob Storage for "
              + location
              + ": "
              + safeMessage(e)
              + " (set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with Workload"
              + " Identity, a managed identity or AZURE_STORAGE_SAS_TOKEN)",
          null);
    }
  }

  /** The SharedAccessSignature of a connection string, or null when it holds an account key. */
  static String sasOf(String connectionString) {
    for (String part : connectionString.split(";")) {
      if (part.startsWith("SharedAccessSignature=")) {
        return part.substring("SharedAccessSignature=".length());
      }
    }
    return null;
  }

  /** A message without whatever secret the SDK might quote from a malformed connection string. */
  private static String safeMessage(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("AccountKey") || m.contains("SharedAccessSignature") || m.contains("sig=")
        ? e.getClass().getSimpleName() + " (the connection string or SAS is malformed)"
        : m;
  }

  @Override
  public StorageLocation location() {
    return location;
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(location.fullKey(ObjectKeys.requireSafe(key)));
  }

  @Override
  public UploadResult upload(String key, UploadSource source, TransferControl control)
      throws IOException {
    BlobAsyncClient target =
        async.getBlobAsyncClient(location.fullKey(ObjectKeys.requireSafe(key)));
    CRC32C crc = new CRC32C();
    AtomicLong size = new AtomicLong();
    long block = Math.max(blockSize, (source.length() + MAX_BLOCKS - 1) / MAX_BLOCKS);
    Flux<ByteBuffer> body =
        Flux.<ByteBuffer, UploadSource.Chunks>using(
                source::open,
                chunks ->
                    Flux.generate(
                        sink -> {
                          try {
                            ByteBuffer chunk = chunks.next();
                            if (chunk == null) {
                              sink.complete();
                              return;
                            }
                            int n = chunk.remaining();
                            crc.update(chunk.duplicate());
                            control.pass(n);
                            size.addAndGet(n);
                            sink.next(chunk);
                          } catch (IOException e) {
                            sink.error(e);
                          }
                        }),
                chunks -> {
                  try {
                    chunks.close();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            // Reading, encrypting and waiting for the rate limit block: never on the SDK's
            // event loop threads, which every Azure request of the process shares.
            .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    java.util.concurrent.CompletableFuture<?> upload =
        target
            .uploadWithResponse(
                new BlobParallelUploadOptions(body)
                    .setParallelTransferOptions(
                        new ParallelTransferOptions()
                            .setBlockSizeLong(block)
                            .setMaxSingleUploadSizeLong(block)
                            .setMaxConcurrency(BLOCKS_IN_FLIGHT)))
            .toFuture();
    try {
      upload.get();
    } catch (InterruptedException e) {
      // A stop: cancel the subscription, so that no block is sent and nothing is committed later.
      upload.cancel(true);
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("upload of " + source.describe() + " interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw unwrap(cause instanceof RuntimeException r ? r : new IllegalStateException(cause), key);
    }
    if (size.get() != source.length()) {
      throw new StorageException(
          "upload of " + source.describe() + " ended before the whole file was read");
    }
    return new UploadResult(size.get(), Checksums.hex(crc));
  }

  /** The IOException (a stop, a file that shrank) a reactive pipeline wrapped, or the failure. */
  private IOException unwrap(RuntimeException e, String key) {
    if (e instanceof IllegalArgumentException refusedKey) {
      throw refusedKey; // an unsafe key, refused before any request
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
      if (t instanceof BlobStorageException b) {
        return translate(b, key);
      }
    }
    return new StorageException(
        "Azure Blob Storage request for " + location.describe(key) + " failed: " + e, e);
  }

  /** One SDK call about {@code key}. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  /** Runs an SDK call, its failures translated into messages about {@code key}. */
  private <T> T request(String key, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (RuntimeException e) {
      throw unwrap(e, key); // a BlobStorageException is translated there
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    request(
        key,
        () -> {
          blob(key).upload(BinaryData.fromBytes(content), true);
          return null;
        });
  }

  @Override
  public InputStream open(String key) throws IOException {
    return request(key, () -> blob(key).openInputStream());
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      BlobProperties p = blob(key).getProperties();
      return Optional.of(new ObjectInfo(key, p.getBlobSize(), p.getLastModified().toInstant()));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404 && e.getErrorCode() != BlobErrorCode.CONTAINER_NOT_FOUND) {
        return Optional.empty();
      }
      throw translate(e, key);
    } catch (RuntimeException e) {
      throw unwrap(e, key);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    int strip = location.prefix().isEmpty() ? 0 : location.prefix().length() + 1;
    return request(
        prefix,
        () -> {
          List<ObjectInfo> result = new ArrayList<>();
          for (BlobItem b :
              container.listBlobs(
                  new ListBlobsOptions().setPrefix(location.fullKey(prefix)), null)) {
            if (Boolean.TRUE.equals(b.isPrefix())) {
              continue;
            }
            result.add(
                new ObjectInfo(
                    b.getName().substring(strip),
                    b.getProperties().getContentLength() == null
                        ? 0
                        : b.getProperties().getContentLength(),
                    b.getProperties().getLastModified() == null
                        ? Instant.EPOCH
                        : b.getProperties().getLastModified().toInstant()));
          }
          return result;
        });
  }

  @Override
  public List<String> listChildren(String prefix) throws IOException {
    String full = location.fullKey(prefix);
    return request(
        prefix,
        () -> {
          List<String> children = new ArrayList<>();
          for (BlobItem b :
              container.listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(full), null)) {
            String rest = b.getName().substring(full.length());
            children.add(rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest);
          }
          return children;
        });
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    BlobClient source = blob(sourceKey);
    // Server-side, within the account. Copy Blob authorizes a source of the same account by the
    // request's own shared key or Entra token; a SAS must be on the source URL too.
    String sourceUrl =
        sasToken == null
            ? source.getBlobUrl()
            : source.getBlobUrl() + (sasToken.startsWith("?") ? sasToken : "?" + sasToken);
    request(
        sourceKey,
        () -> {
          var poller = blob(targetKey).beginCopy(sourceUrl, Duration.ofMillis(200));
          com.azure.core.util.polling.PollResponse<com.azure.storage.blob.models.BlobCopyInfo> done;
          try {
            done = poller.waitForCompletion(Duration.ofMinutes(30));
          } catch (RuntimeException timedOut) {
            try {
              poller.cancelOperation(); // aborts the copy: no half-copied blob stays behind
            } catch (RuntimeException ignored) {
              // it may have finished or failed meanwhile; the error below says what happened
            }
            throw timedOut;
          }
          var status = done.getValue() == null ? null : done.getValue().getCopyStatus();
          if (done.getStatus()
                  != com.azure.core.util.polling.LongRunningOperationStatus.SUCCESSFULLY_COMPLETED
              || status != com.azure.storage.blob.models.CopyStatusType.SUCCESS) {
            throw new StorageException(
                "copy of "
                    + location.describe(sourceKey)
                    + " to "
                    + location.describe(targetKey)
                    + " did not succeed: "
                    + (status == null ? done.getStatus() : status));
          }
          return null;
        });
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    for (String key : keys) {
      request(key, () -> blob(key).deleteIfExists());
    }
  }

  private IOException translate(BlobStorageException e, String key) {
    int code = e.getStatusCode();
    if (code == 401 || code == 403) {
      return new StorageException(
          "Azure Blob Storage refused access to "
              + location.describe(key)
              + " ("
              + code
              + " "
              + e.getErrorCode()
              + "): check the identity's role (Storage Blob Data Contributor on the container)"
              + " or the SAS's permissions (read, add, create, write, delete, list)");
    }
    if (code == 404) {
      if (e.getErrorCode() == BlobErrorCode.CONTAINER_NOT_FOUND) {
        return new StorageException(
            "container '" + location.bucket() + "' does not exist: create it or fix the location");
      }
      return new NoSuchObjectException(location, key);
    }
    return new StorageException(
        "Azure Blob Storage request for "
            + location.describe(key)
            + " failed: "
            + code
            + " "
            + e.getErrorCode());
  }

  @Override
  public void close() {
    // The clients hold no resources of their own beyond the shared HTTP client's pool.
  }
}
