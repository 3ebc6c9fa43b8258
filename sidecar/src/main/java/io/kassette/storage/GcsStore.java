package io.kassette.storage;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Google Cloud Storage through google-cloud-storage, with Application Default Credentials (which
 * include GKE Workload Identity) or a service-account key file. Uploads are resumable sessions
 * ({@link GcsResumableUpload}: the object appears only when the upload completes, and a session a
 * killed attempt left is continued).
 */
final class GcsStore implements ObjectStore {
  private static final int DELETE_BATCH = 100;
  private static final long RETRY_BASE_MILLIS = 500;

  private final StorageLocation location;
  private final Storage storage;
  private final int chunkSize;
  private final GcsResumableUpload uploads;

  GcsStore(StorageLocation location, StorageOptions options, long chunkSize, Path ledger) {
    this.location = location;
    this.storage = options.getService();
    // Resumable upload chunks must be multiples of 256 KiB.
    this.chunkSize = (int) Math.max(256 << 10, chunkSize / (256 << 10) * (256 << 10));
    this.uploads =
        new GcsResumableUpload(
            location,
            options,
            this.chunkSize,
            ledger == null ? null : new UploadLedger(ledger),
            RETRY_BASE_MILLIS);
  }

  static GcsStore open(StorageLocation location, io.kassette.storage.StorageOptions options)
      throws StorageException {
    try {
      StorageOptions.Builder b = StorageOptions.http();
      if (options.gcsEndpoint() != null) {
        b.setHost(options.gcsEndpoint().toString()).setCredentials(NoCredentials.getInstance());
      } else if (options.gcsCredentialsFile() != null) {
        try (InputStream in = Files.newInputStream(options.gcsCredentialsFile())) {
          b.setCredentials(GoogleCredentials.fromStream(in));
        }
      }
      if (options.gcsProject() != null) {
        b.setProjectId(options.gcsProject());
      }
      return new GcsStore(location, b.build(), options.partSizeBytes(), options.uploadLedger());
    } catch (IOException | RuntimeException e) {
      throw new StorageException(
          "cannot configure Google Cloud Storage for "
              + location
              + ": "
              + e.getMessage()
              + " (set GOOGLE_APPLICATION_CREDENTIALS, KASSETTE_GCS_CREDENTIALS_FILE or the"
              + " pod's Workload Identity)",
          e);
    }
  }

  @Override
  public StorageLocation location() {
    return location;
  }

  private BlobId blob(String key) {
    return BlobId.of(location.bucket(), location.fullKey(ObjectKeys.requireSafe(key)));
  }

  @Override
  public UploadResult upload(String key, UploadSource file, TransferControl control)
      throws IOException {
    return uploads.upload(key, location.fullKey(ObjectKeys.requireSafe(key)), file, control);
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    try {
      storage.create(BlobInfo.newBuilder(blob(key)).build(), content);
    } catch (com.google.cloud.BaseServiceException e) {
      throw translate(e, key);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      if (storage.get(blob(key)) == null) {
        throw new NoSuchObjectException(location, key);
      }
      ReadChannel reader = storage.reader(blob(key));
      reader.setChunkSize(chunkSize);
      return Channels.newInputStream(reader);
    } catch (com.google.cloud.BaseServiceException e) {
      throw translate(e, key);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      Blob b = storage.get(blob(key));
      return b == null ? Optional.empty() : Optional.of(info(b));
    } catch (com.google.cloud.BaseServiceException e) {
      throw translate(e, key);
    }
  }

  private ObjectInfo info(Blob b) {
    int strip = location.prefix().isEmpty() ? 0 : location.prefix().length() + 1;
    Long updated = b.getUpdateTime();
    return new ObjectInfo(
        b.getName().substring(strip),
        b.getSize() == null ? 0 : b.getSize(),
        updated == null ? Instant.EPOCH : Instant.ofEpochMilli(updated));
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    try {
      List<ObjectInfo> result = new ArrayList<>();
      for (Blob b :
          storage
              .list(location.bucket(), BlobListOption.prefix(location.fullKey(prefix)))
              .iterateAll()) {
        if (!b.isDirectory()) {
          result.add(info(b));
        }
      }
      return result;
    } catch (com.google.cloud.BaseServiceException e) {
      throw translate(e, prefix);
    }
  }

  @Override
  public List<String> listChildren(String prefix) throws IOException {
    // Derived from the flat listing: correct on every GCS implementation, and the prefixes this is
    // used on (backups/, nodes/) hold few objects directly.
    return ObjectInfo.children(list(prefix), prefix);
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    try {
      storage.copy(Storage.CopyRequest.of(blob(sourceKey), blob(targetKey))).getResult();
    } catch (com.google.cloud.BaseServiceException e) {
      throw translate(e, sourceKey);
    }
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    List<BlobId> all = keys.stream().map(this::blob).toList();
    try {
      for (int i = 0; i < all.size(); i += DELETE_BATCH) {
        List<BlobId> batch = all.subList(i, Math.min(all.size(), i + DELETE_BATCH));
        if (batch.size() == 1) {
          storage.delete(batch.get(0)); // one request, without a batch's multipart envelope
        } else {
          storage.delete(batch);
        }
      }
    } catch (com.google.cloud.BaseServiceException e) {
      throw translate(e, keys.isEmpty() ? "" : keys.iterator().next());
    }
  }

  private IOException translate(com.google.cloud.BaseServiceException e, String key) {
    int code = e.getCode();
    if (code == 401 || code == 403) {
      return new StorageException(
          "Google Cloud Storage refused access to "
              + location.describe(key)
              + " ("
              + code
              + "): check the service account and its roles/storage.objectAdmin on the bucket",
          e);
    }
    if (code == 404) {
      if (e.getMessage() != null && e.getMessage().toLowerCase().contains("bucket")) {
        return new StorageException(
            "bucket '" + location.bucket() + "' does not exist: create it or fix the location");
      }
      return new NoSuchObjectException(location, key);
    }
    return new StorageException(
        "Google Cloud Storage request for "
            + location.describe(key)
            + " failed: "
            + code
            + " "
            + e.getMessage(),
        e);
  }

  @Override
  public void close() {
    try {
      storage.close();
    } catch (Exception ignored) {
      // nothing to release that matters at shutdown
    }
  }
}
