package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.CopyRequest;

/**
 * S3 and S3-compatible stores (MinIO, Ceph RGW, ...) through the AWS SDK v2. A file below the part
 * size is one PUT; above it, a multipart upload whose parts are read from the file as they are
 * sent, one after the other (the parallelism is several files at once). Server-side copies go
 * through the Transfer Manager; reads use plain GETs, which every S3-compatible store serves.
 */
final class S3Store implements ObjectStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(S3Store.class);
  private final java.time.Instant opened = java.time.Instant.now();
  private volatile boolean abortWarned;

  private static final int DELETE_BATCH = 1000;
  private static final long MAX_PARTS = 10_000;

  private final StorageLocation location;
  private final StorageOptions options;
  private final UploadLedger ledger;
  private final io.netty.channel.EventLoopGroup eventLoops;
  private final SdkAsyncHttpClient http;
  private final S3AsyncClient client;
  private final ExecutorService readers;
  // Built on the first server-side copy (a full backup of stored files): large objects are copied
  // in parts by the transfer manager.
  private S3AsyncClient multipartClient;
  private S3TransferManager transferManager;

  S3Store(StorageLocation location, StorageOptions options) throws StorageException {
    this.location = location;
    this.options = options;
    this.ledger = options.uploadLedger() == null ? null : new UploadLedger(options.uploadLedger());
    // The store's own event loops: the SDK closes those it creates with a 2 s quiet period, paid
    // by every CLI run and every operation of the agent (the largest part of an unchanged re-run).
    // Sockets are I/O-bound: a few threads carry every transfer.
    this.eventLoops =
        new io.netty.channel.nio.NioEventLoopGroup(
            Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())),
            r -> {
              Thread t = new Thread(r, "kassette-s3-io");
              t.setDaemon(true);
              return t;
            });
    SdkAsyncHttpClient built = null;
    try {
      this.http =
          NettyNioAsyncHttpClient.builder()
              .eventLoopGroup(
                  SdkEventLoopGroup.create(
                      eventLoops, io.netty.channel.socket.nio.NioSocketChannel::new))
              // Netty's pooled allocator keeps arenas of 4 MiB chunks per event loop, held for the
              // process's life: most of a sidecar's memory beyond its heap, measured. A buffer per
              // write costs nothing next to the network.
              .putChannelOption(
                  io.netty.channel.ChannelOption.ALLOCATOR,
                  io.netty.buffer.UnpooledByteBufAllocator.DEFAULT)
              .maxConcurrency(Math.max(16, options.maxConcurrency() * 4))
              .connectionAcquisitionTimeout(Duration.ofMinutes(2))
              .connectionTimeout(Duration.ofSeconds(10))
              .build();
      built = http;
      this.client = builder(false).build();
      this.readers =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "kassette-s3-reader");
                t.setDaemon(true);
                return t;
              });
    } catch (RuntimeException e) {
      // a bad endpoint or region: nothing of this store may outlive the refusal
      if (built != null) {
        built.close();
      }
      eventLoops.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS);
      throw new StorageException(
          "cannot configure S3 client for " + location + ": " + e.getMessage(), e);
    }
  }

  private synchronized S3TransferManager transferManager() {
    if (transferManager == null) {
      multipartClient =
          builder(true)
              .multipartConfiguration(
                  MultipartConfiguration.builder()
                      .thresholdInBytes(options.partSizeBytes())
                      .minimumPartSizeInBytes(options.partSizeBytes())
                      .apiCallBufferSizeInBytes(options.partSizeBytes())
                      .build())
              .build();
      transferManager = S3TransferManager.builder().s3Client(multipartClient).build();
    }
    return transferManager;
  }

  private S3AsyncClientBuilder builder(boolean multipart) {
    S3AsyncClientBuilder b =
        S3AsyncClient.builder()
            .httpClient(http)
            .credentialsProvider(credentials())
            .region(region())
            .forcePathStyle(options.s3PathStyle())
            .multipartEnabled(multipart)
            // Kassette checksums every file itself (CRC32C in the manifest); the SDK's own trailing
            // checksums are not understood by every S3-compatible store.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (options.s3Endpoint() != null) {
      b.endpointOverride(options.s3Endpoint());
    }
    return b;
  }

  private AwsCredentialsProvider credentials() {
    if (options.s3AccessKeyId() != null && options.s3SecretAccessKey() != null) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(options.s3AccessKeyId(), options.s3SecretAccessKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private Region region() {
    if (options.s3Region() != null && !options.s3Region().isBlank()) {
      return Region.of(options.s3Region());
    }
    // With an endpoint (an S3-compatible store) only the environment, system properties and the
    // profile file are asked: the default chain ends with the EC2 instance metadata service, a
    // probe that cost 0.8 s per store opened off EC2 (every CLI run, every agent operation) and
    // longer where that address is not answered.
    AwsRegionProvider chain =
        options.s3Endpoint() != null
            ? new AwsRegionProviderChain(
                new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
            : DefaultAwsRegionProviderChain.builder().build();
    try {
      return chain.getRegion();
    } catch (SdkClientException e) {
      // S3-compatible stores rarely care; AWS itself redirects a wrong region with a clear error.
      return Region.US_EAST_1;
    }
  }

  @Override
  public StorageLocation location() {
    return location;
  }

  private String full(String key) {
    return location.fullKey(ObjectKeys.requireSafe(key));
  }

  @Override
  public UploadResult upload(String key, UploadSource file, TransferControl control)
      throws IOException {
    long size = file.length();
    try (SourceReader reader = new SourceReader(file, control)) {
      if (size < options.partSizeBytes()) {
        client.putObject(putRequest(key), new StreamingFileBody(reader, 0, size, readers)).join();
      } else {
        Resumable recorded = resumable(reader) ? recordedUpload(key) : null;
        abortAbandonedUploads(key, recorded == null ? null : recorded.uploadId());
        multipartUpload(
            key, reader, recorded == null || recorded.parts() == null ? null : recorded);
      }
      UploadResult result = reader.result();
      if (result == null || result.size() != size) {
        throw new StorageException(
            "upload of " + file.describe() + " ended before the whole file was read");
      }
      return result;
    } catch (CompletionException | SdkException e) {
      throw translate(e, key);
    }
  }

  /**
   * A multipart upload whose parts are read from the file as they are sent, one after the other:
   * memory holds the chunk in flight, never a part (the SDK's multipart client buffers parts, which
   * made a sidecar's memory grow with its parallel uploads). Parallelism comes from uploading
   * several files at once. An upload that fails is aborted, so no part is left stored and billed.
   *
   * <p>With {@code resumed}, the upload a killed attempt of this side started for this key (see
   * {@link UploadLedger}): each part it stored whose size and ETag (the MD5 of its bytes) match the
   * file's is kept, read only to be checksummed, and the rest are sent. An 8 GiB file cut at 6 GiB
   * sends 2 GiB again, not 8.
   */
  private void multipartUpload(String key, SourceReader reader, Resumable resumed)
      throws IOException {
    long size = reader.length();
    long partSize = partSize(size);
    String full = full(key);
    // recorded only when another run could resume it (not ciphertext, not SSE-KMS)
    UploadLedger recorded = ledger != null && resumable(reader) ? ledger : null;
    String uploadId;
    if (resumed != null) {
      uploadId = resumed.uploadId();
    } else {
      CreateMultipartUploadRequest.Builder create =
          CreateMultipartUploadRequest.builder().bucket(location.bucket()).key(full);
      encryption((sse, kms) -> create.serverSideEncryption(sse).ssekmsKeyId(kms));
      uploadId = client.createMultipartUpload(create.build()).join().uploadId();
      if (recorded != null) {
        recorded.record(ledgerName(full), uploadId, settings());
      }
    }
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long kept = 0;
      for (long offset = 0; offset < size; offset += partSize) {
        long length = Math.min(partSize, size - offset);
        int number = parts.size() + 1;
        Part stored = resumed == null ? null : resumed.parts().get(number);
        String etag;
        // the ETag is compared only when it looks like an MD5: else the part is sent
        if (stored != null
            && stored.size() == length
            && stored.md5() != null
            && stored.md5().equals(HexFormat.of().formatHex(reader.md5(offset, length)))) {
          etag = stored.eTag();
          kept++;
        } else {
          etag =
              client
                  .uploadPart(
                      b ->
                          b.bucket(location.bucket())
                              .key(full)
                              .uploadId(uploadId)
                              .partNumber(number)
                              .contentLength(length),
                      new StreamingFileBody(reader, offset, length, readers))
                  .join()
                  .eTag();
        }
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      if (resumed != null) {
        LOG.info(
            "resumed the upload of {}: {} of {} parts were stored by an earlier attempt",
            location.describe(key),
            kept,
            parts.size());
      }
      client
          .completeMultipartUpload(
              b ->
                  b.bucket(location.bucket())
                      .key(full)
                      .uploadId(uploadId)
                      .multipartUpload(m -> m.parts(parts)))
          .join();
      completed = true;
    } finally {
      // a pause (the agent pauses on SIGTERM): the parts stay, for the next run to resume
      boolean keep = !completed && recorded != null && reader.stopRequested();
      if (recorded != null && !keep) {
        recorded.forget(ledgerName(full), uploadId);
      }
      if (keep) {
        LOG.info("kept the unfinished upload of {} to resume", location.describe(key));
      } else if (!completed) {
        try {
          client
              .abortMultipartUpload(b -> b.bucket(location.bucket()).key(full).uploadId(uploadId))
              .join();
        } catch (CompletionException | SdkException e) {
          LOG.warn(
              "cannot abort the failed multipart upload of {}: {}",
              location.describe(key),
              e.getMessage());
        }
      }
    }
  }

  /**
   * A multipart upload a killed attempt of this side left, with the parts it stored by number (null
   * when they could not be listed: then it is neither resumed nor aborted).
   */
  private record Resumable(String uploadId, Map<Integer, Part> parts) {}

  /**
   * A stored part: its size (-1 when not given), its ETag as S3 gave it, and that ETag as an MD5
   * when it is one (null when not).
   */
  private record Part(long size, String eTag, String md5) {}

  /**
   * Whether an upload of this source can be resumed by another run: the same bytes every run (not
   * ciphertext), and parts whose ETags are their MD5s (not SSE-KMS).
   */
  private boolean resumable(SourceReader reader) {
    return reader.sameBytesEveryRun() && !"aws:kms".equals(blankToNull(options.s3Sse()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** What the ledger calls an object: bucket and full key. */
  private String ledgerName(String fullKey) {
    return location.bucket() + "/" + fullKey;
  }

  /** The settings an upload is created with that completing it would keep. */
  private String settings() {
    return "sse=" + blankToNull(options.s3Sse()) + ";kms=" + blankToNull(options.s3KmsKeyId());
  }

  /** The configured part size, raised when S3's limit of 10,000 parts would not hold the file. */
  private long partSize(long size) {
    long atLeast = (size + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1L << 20;
    return Math.max(options.partSizeBytes(), (atLeast + mib - 1) / mib * mib);
  }

  /**
   * The unfinished upload of this key that the ledger holds, started with the same settings, and
   * the parts it stored (ListParts, every page); null when there is none, or S3 no longer knows it
   * (then it is forgotten).
   */
  private Resumable recordedUpload(String key) {
    String full = full(key);
    UploadLedger.Entry entry = ledger == null ? null : ledger.find(ledgerName(full));
    if (entry == null || !entry.settings().equals(settings())) {
      return null;
    }
    try {
      Map<Integer, Part> parts = new HashMap<>();
      Integer marker = null;
      while (true) {
        Integer after = marker;
        ListPartsResponse page =
            client
                .listParts(
                    b ->
                        b.bucket(location.bucket())
                            .key(full)
                            .uploadId(entry.uploadId())
                            .partNumberMarker(after))
                .join();
        for (software.amazon.awssdk.services.s3.model.Part p : page.parts()) {
          String etag = p.eTag() == null ? "" : p.eTag().replace("\"", "");
          String md5 =
              etag.matches("[0-9a-fA-F]{32}") ? etag.toLowerCase(java.util.Locale.ROOT) : null;
          parts.put(p.partNumber(), new Part(p.size() == null ? -1 : p.size(), p.eTag(), md5));
        }
        Integer next = page.nextPartNumberMarker();
        if (!Boolean.TRUE.equals(page.isTruncated()) || next == null || next.equals(after)) {
          break;
        }
        marker = next;
      }
      return new Resumable(entry.uploadId(), parts);
    } catch (CompletionException | SdkException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof software.amazon.awssdk.services.s3.model.NoSuchUploadException) {
        // gone (completed, aborted, expired by a lifecycle rule): start afresh
        ledger.forget(ledgerName(full), entry.uploadId());
        return null;
      }
      LOG.warn(
          "cannot list the parts of the unfinished upload of {}; sending the file whole: {}",
          location.describe(key),
          translate(e, key).getMessage());
      // kept out of the aborts: a later run may resume it
      return new Resumable(entry.uploadId(), null);
    }
  }

  /**
   * Multipart uploads of this very key that an earlier attempt started and never completed, other
   * than the one being resumed: its process was killed mid-file (a real node showed it), or its
   * record was lost. Their parts are stored and billed but never listed. Only uploads begun before
   * this store was opened are aborted: this node's key is written by its own backup, which holds
   * the cluster; a concurrent writer of the same key (a CLI run by hand) would at worst have its
   * upload fail and retried, never a wrong object, since S3 completes a multipart upload
   * atomically. A store that cannot list them (some S3-compatible ones) keeps the leftover parts: a
   * cost, for a lifecycle rule to clean, not a wrong backup.
   */
  private void abortAbandonedUploads(String key, String resumedId) {
    String full = full(key);
    try {
      for (MultipartUpload upload :
          client
              .listMultipartUploads(b -> b.bucket(location.bucket()).prefix(full))
              .join()
              .uploads()) {
        // the prefix also matches longer keys: only this one; a store without start times: none
        if (upload.key().equals(full)
            && !upload.uploadId().equals(resumedId)
            && upload.initiated() != null
            && upload.initiated().isBefore(opened)) {
          client
              .abortMultipartUpload(
                  b -> b.bucket(location.bucket()).key(full).uploadId(upload.uploadId()))
              .join();
        }
      }
    } catch (CompletionException | SdkException e) {
      if (!abortWarned) {
        abortWarned = true;
        LOG.warn(
            "cannot abort unfinished multipart uploads (first: {}): {}",
            location.describe(key),
            translate(e, key).getMessage());
      }
    }
  }

  private PutObjectRequest putRequest(String key) {
    PutObjectRequest.Builder b =
        PutObjectRequest.builder().bucket(location.bucket()).key(full(key));
    encryption((sse, kms) -> b.serverSideEncryption(sse).ssekmsKeyId(kms));
    return b.build();
  }

  /** Applies the configured server-side encryption (KMS key null for the bucket's default). */
  private void encryption(java.util.function.BiConsumer<ServerSideEncryption, String> apply) {
    if (options.s3Sse() != null && !options.s3Sse().isBlank()) {
      String kms = options.s3KmsKeyId();
      apply.accept(
          ServerSideEncryption.fromValue(options.s3Sse()),
          kms == null || kms.isBlank() ? null : kms);
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    try {
      client.putObject(putRequest(key), AsyncRequestBody.fromBytes(content)).join();
    } catch (CompletionException | SdkException e) {
      throw translate(e, key);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      ResponseInputStream<GetObjectResponse> in =
          client
              .getObject(
                  r -> r.bucket(location.bucket()).key(full(key)),
                  AsyncResponseTransformer.toBlockingInputStream())
              .join();
      return in;
    } catch (CompletionException | SdkException e) {
      throw translate(e, key);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      HeadObjectResponse head =
          client.headObject(r -> r.bucket(location.bucket()).key(full(key))).join();
      return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
    } catch (CompletionException | SdkException e) {
      IOException translated = translate(e, key);
      if (translated instanceof NoSuchObjectException) {
        return Optional.empty();
      }
      throw translated;
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    String fullPrefix = location.fullKey(prefix);
    int strip = location.prefix().isEmpty() ? 0 : location.prefix().length() + 1;
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder req =
            ListObjectsV2Request.builder().bucket(location.bucket()).prefix(fullPrefix);
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response page = client.listObjectsV2(req.build()).join();
        for (S3Object o : page.contents()) {
          result.add(new ObjectInfo(o.key().substring(strip), o.size(), o.lastModified()));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (CompletionException | SdkException e) {
      throw translate(e, prefix);
    }
    return result;
  }

  @Override
  public List<String> listChildren(String prefix) throws IOException {
    List<String> result = new ArrayList<>();
    String fullPrefix = location.fullKey(prefix);
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder req =
            ListObjectsV2Request.builder()
                .bucket(location.bucket())
                .prefix(fullPrefix)
                .delimiter("/");
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response page = client.listObjectsV2(req.build()).join();
        for (CommonPrefix p : page.commonPrefixes()) {
          String child = p.prefix().substring(fullPrefix.length());
          result.add(child.endsWith("/") ? child.substring(0, child.length() - 1) : child);
        }
        for (S3Object o : page.contents()) {
          result.add(o.key().substring(fullPrefix.length()));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (CompletionException | SdkException e) {
      throw translate(e, prefix);
    }
    return result;
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    CopyObjectRequest.Builder req =
        CopyObjectRequest.builder()
            .sourceBucket(location.bucket())
            .sourceKey(full(sourceKey))
            .destinationBucket(location.bucket())
            .destinationKey(full(targetKey));
    encryption((sse, kms) -> req.serverSideEncryption(sse).ssekmsKeyId(kms));
    try {
      transferManager()
          .copy(CopyRequest.builder().copyObjectRequest(req.build()).build())
          .completionFuture()
          .join();
    } catch (CompletionException | SdkException e) {
      throw translate(e, sourceKey);
    }
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    List<String> all = new ArrayList<>(keys);
    for (int i = 0; i < all.size(); i += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String key : all.subList(i, Math.min(all.size(), i + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(full(key)).build());
      }
      try {
        DeleteObjectsResponse response =
            client
                .deleteObjects(
                    r ->
                        r.bucket(location.bucket())
                            .delete(Delete.builder().objects(batch).quiet(true).build()))
                .join();
        if (response.hasErrors() && !response.errors().isEmpty()) {
          var first = response.errors().get(0);
          throw new StorageException(
              "could not delete "
                  + response.errors().size()
                  + " objects in "
                  + location
                  + ", first "
                  + first.key()
                  + ": "
                  + first.code()
                  + " "
                  + first.message());
        }
      } catch (CompletionException | SdkException e) {
        throw translate(e, all.get(i));
      }
    }
  }

  /** Turns SDK failures into one-line messages that say what to check; never echoes secrets. */
  IOException translate(Throwable error, String key) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorCode();
      int status = s3.statusCode();
      if (status == 404 && "NoSuchBucket".equals(code)) {
        return new StorageException(
            "bucket '" + location.bucket() + "' does not exist: create it or fix the location");
      }
      if (status == 404) {
        return new NoSuchObjectException(location, key);
      }
      if ("InvalidAccessKeyId".equals(code)
          || "SignatureDoesNotMatch".equals(code)
          || "InvalidToken".equals(code)
          || "ExpiredToken".equals(code)) {
        return new StorageException(
            "S3 rejected the credentials for "
                + location
                + " ("
                + code
                + "): check the access key and secret (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or"
                + " KASSETTE_S3_*), or the pod's IAM role");
      }
      if (status == 403) {
        return new StorageException(
            "access denied to "
                + location.describe(key)
                + " ("
                + code
                + "): the credentials need s3:GetObject, s3:PutObject, s3:ListBucket and"
                + " s3:DeleteObject on this bucket and prefix");
      }
      return new StorageException(
          "S3 request for " + location.describe(key) + " failed: " + status + " " + code, s3);
    }
    if (e instanceof SdkClientException client) {
      URI endpoint = options.s3Endpoint();
      return new StorageException(
          "cannot reach S3"
              + (endpoint == null ? "" : " at " + endpoint)
              + " for "
              + location
              + ": "
              + client.getMessage(),
          client);
    }
    if (e instanceof IOException io) {
      return io;
    }
    return new StorageException("S3 request for " + location.describe(key) + " failed: " + e, e);
  }

  @Override
  public synchronized void close() {
    if (transferManager != null) {
      transferManager.close();
      multipartClient.close();
    }
    client.close();
    http.close();
    // every request has completed or been cancelled above: nothing to wait quietly for
    eventLoops
        .shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS)
        .awaitUninterruptibly(10_000);
    readers.shutdownNow();
  }
}
