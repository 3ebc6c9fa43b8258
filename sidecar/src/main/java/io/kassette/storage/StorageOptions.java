package io.kassette.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to reach a store. Secrets are held here only in memory and never appear in {@link
 * #toString()}. Unset fields fall back to each SDK's default chain (environment, profile, IRSA web
 * identity, GKE Workload Identity, instance metadata).
 *
 * @param s3Region region. Unset with an endpoint: aws.region / AWS_REGION, then the profile's
 *     region, then us-east-1 (never the instance metadata service; an endpoint that is AWS itself,
 *     such as a VPC endpoint, needs it set). Unset without one: the SDK's default chain, then
 *     us-east-1
 * @param s3Endpoint endpoint override for S3-compatible stores (MinIO, Ceph); null for AWS
 * @param s3PathStyle path-style addressing, needed by most S3-compatible stores
 * @param s3AccessKeyId explicit access key id, or null for the default credentials chain
 * @param s3SecretAccessKey explicit secret key, or null
 * @param s3Sse server-side encryption: null, "AES256" (SSE-S3) or "aws:kms" (SSE-KMS)
 * @param s3KmsKeyId KMS key for SSE-KMS, or null for the bucket's default key
 * @param gcsCredentialsFile a service account key file, or null for Application Default Credentials
 * @param gcsEndpoint endpoint override (emulators), or null
 * @param gcsProject project id, or null for the credentials' project
 * @param partSizeBytes multipart part size (S3) and chunk size (GCS resumable uploads)
 * @param maxConcurrency concurrent requests to the store
 * @param encryption client-side encryption of every object, or null (the default) for none
 * @param azure how to reach Azure Blob Storage (never null; its fields may be)
 * @param uploadLedger where the S3 multipart uploads and GCS resumable sessions this side started
 *     and has not finished are recorded, so that an upload killed mid-file is resumed; null: none
 *     is resumed
 */
public record StorageOptions(
    String s3Region,
    URI s3Endpoint,
    boolean s3PathStyle,
    String s3AccessKeyId,
    String s3SecretAccessKey,
    String s3Sse,
    String s3KmsKeyId,
    Path gcsCredentialsFile,
    URI gcsEndpoint,
    String gcsProject,
    long partSizeBytes,
    int maxConcurrency,
    ClientEncryption encryption,
    AzureOptions azure,
    Path uploadLedger) {

  /**
   * Azure Blob Storage: a connection string (account key or SAS, as the portal and Azurite give
   * it), else the account's endpoint with a SAS token, else with {@code DefaultAzureCredential}
   * (Workload Identity, managed identity, environment).
   *
   * @param endpoint the blob endpoint, e.g. https://account.blob.core.windows.net; null: from the
   *     account name
   * @param account the storage account name, or null
   * @param connectionString a connection string, or null; a secret
   * @param sasToken a shared access signature, or null; a secret
   */
  public record AzureOptions(
      URI endpoint, String account, String connectionString, String sasToken) {
    public static final AzureOptions NONE = new AzureOptions(null, null, null, null);

    @Override
    public String toString() {
      return "AzureOptions[endpoint="
          + endpoint
          + ", account="
          + account
          + ", connectionString="
          + (connectionString == null ? "unset" : "<set>")
          + ", sasToken="
          + (sasToken == null ? "unset" : "<set>")
          + "]";
    }
  }

  public static final long DEFAULT_PART_SIZE = 8L << 20;

  public static StorageOptions defaults() {
    return new StorageOptions(
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        DEFAULT_PART_SIZE,
        16,
        null,
        AzureOptions.NONE,
        null);
  }

  /**
   * Options from the environment: the variables a Kubernetes Secret or a shell provides. AWS_* and
   * GOOGLE_APPLICATION_CREDENTIALS are read by the SDKs themselves; these are Kassette's own.
   */
  public static StorageOptions fromEnvironment(Map<String, String> env) {
    StorageOptions d = defaults();
    String endpoint = env.get("KASSETTE_S3_ENDPOINT");
    String gcsEndpoint = env.get("KASSETTE_GCS_ENDPOINT");
    String gcsCredentials = env.get("KASSETTE_GCS_CREDENTIALS_FILE");
    return new StorageOptions(
        env.get("KASSETTE_S3_REGION"),
        endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint),
        endpoint != null && !endpoint.isBlank(),
        env.get("KASSETTE_S3_ACCESS_KEY_ID"),
        env.get("KASSETTE_S3_SECRET_ACCESS_KEY"),
        env.get("KASSETTE_S3_SSE"),
        env.get("KASSETTE_S3_SSE_KMS_KEY_ID"),
        gcsCredentials == null || gcsCredentials.isBlank() ? null : Path.of(gcsCredentials),
        gcsEndpoint == null || gcsEndpoint.isBlank() ? null : URI.create(gcsEndpoint),
        env.get("KASSETTE_GCS_PROJECT"),
        d.partSizeBytes(),
        d.maxConcurrency(),
        null,
        new AzureOptions(
            blank(env.get("KASSETTE_AZURE_ENDPOINT"))
                ? null
                : URI.create(env.get("KASSETTE_AZURE_ENDPOINT")),
            first(env, "KASSETTE_AZURE_ACCOUNT", "AZURE_STORAGE_ACCOUNT"),
            first(env, "KASSETTE_AZURE_CONNECTION_STRING", "AZURE_STORAGE_CONNECTION_STRING"),
            first(env, "KASSETTE_AZURE_SAS_TOKEN", "AZURE_STORAGE_SAS_TOKEN")),
        null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String first(Map<String, String> env, String... names) {
    for (String n : names) {
      if (!blank(env.get(n))) {
        return env.get(n);
      }
    }
    return null;
  }

  /** The same options with room for {@code n} transfers at once. */
  public StorageOptions withMaxConcurrency(int n) {
    return with(b -> b.maxConcurrency = Math.max(1, n));
  }

  /** The same options with multipart parts (S3), chunks (GCS) and blocks (Azure) of this size. */
  public StorageOptions withPartSizeBytes(long bytes) {
    return with(b -> b.partSizeBytes = bytes);
  }

  public StorageOptions withS3(URI endpoint, String accessKeyId, String secretAccessKey) {
    return with(
        b -> {
          b.s3Endpoint = endpoint;
          b.s3PathStyle = endpoint != null || s3PathStyle;
          b.s3AccessKeyId = accessKeyId;
          b.s3SecretAccessKey = secretAccessKey;
        });
  }

  public StorageOptions withS3Region(String region) {
    return with(b -> b.s3Region = region);
  }

  /** The same options against a GCS endpoint (an emulator), without credentials. */
  public StorageOptions withGcsEndpoint(URI endpoint, String project) {
    return with(
        b -> {
          b.gcsEndpoint = endpoint;
          b.gcsProject = project;
        });
  }

  public StorageOptions withS3Sse(String sse, String kmsKeyId) {
    return with(
        b -> {
          b.s3Sse = sse;
          b.s3KmsKeyId = kmsKeyId;
        });
  }

  /** The same options with these Azure settings. */
  public StorageOptions withAzure(AzureOptions settings) {
    return with(b -> b.azure = settings);
  }

  /** The same options, encrypting every object on the client with these keys (null: none). */
  public StorageOptions withEncryption(ClientEncryption keys) {
    return with(b -> b.encryption = keys);
  }

  /**
   * A copy that records its unfinished S3 multipart uploads and GCS sessions in {@code dir}, to
   * resume them.
   */
  public StorageOptions withUploadLedger(Path dir) {
    return with(b -> b.uploadLedger = dir);
  }

  /** A copy with some fields changed: the one place besides the constructor that lists them. */
  private StorageOptions with(java.util.function.Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new StorageOptions(
        f.s3Region,
        f.s3Endpoint,
        f.s3PathStyle,
        f.s3AccessKeyId,
        f.s3SecretAccessKey,
        f.s3Sse,
        f.s3KmsKeyId,
        f.gcsCredentialsFile,
        f.gcsEndpoint,
        f.gcsProject,
        f.partSizeBytes,
        f.maxConcurrency,
        f.encryption,
        f.azure,
        f.uploadLedger);
  }

  private static final class Fields {
    String s3Region;
    URI s3Endpoint;
    boolean s3PathStyle;
    String s3AccessKeyId;
    String s3SecretAccessKey;
    String s3Sse;
    String s3KmsKeyId;
    Path gcsCredentialsFile;
    URI gcsEndpoint;
    String gcsProject;
    long partSizeBytes;
    int maxConcurrency;
    ClientEncryption encryption;
    AzureOptions azure;
    Path uploadLedger;

    Fields(StorageOptions o) {
      s3Region = o.s3Region;
      s3Endpoint = o.s3Endpoint;
      s3PathStyle = o.s3PathStyle;
      s3AccessKeyId = o.s3AccessKeyId;
      s3SecretAccessKey = o.s3SecretAccessKey;
      s3Sse = o.s3Sse;
      s3KmsKeyId = o.s3KmsKeyId;
      gcsCredentialsFile = o.gcsCredentialsFile;
      gcsEndpoint = o.gcsEndpoint;
      gcsProject = o.gcsProject;
      partSizeBytes = o.partSizeBytes;
      maxConcurrency = o.maxConcurrency;
      encryption = o.encryption;
      azure = o.azure;
      uploadLedger = o.uploadLedger;
    }
  }

  @Override
  public String toString() {
    return "StorageOptions[s3Region="
        + s3Region
        + ", s3Endpoint="
        + s3Endpoint
        + ", s3PathStyle="
        + s3PathStyle
        + ", s3AccessKeyId="
        + (s3AccessKeyId == null ? "default chain" : "<set>")
        + ", s3Sse="
        + s3Sse
        + ", gcsEndpoint="
        + gcsEndpoint
        + ", gcsProject="
        + gcsProject
        + ", encryption="
        + encryption
        + ", azure="
        + azure
        + "]";
  }
}
