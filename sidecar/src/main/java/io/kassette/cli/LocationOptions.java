package io.kassette.cli;

import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the backups are and how to reach the store. Credentials come from the environment (AWS_*,
 * KASSETTE_S3_ACCESS_KEY_ID/KASSETTE_S3_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS) or the
 * cloud identity of the pod, never from flags, so they stay out of process listings.
 */
final class LocationOptions {
  @Option(
      names = "--location",
      required = true,
      paramLabel = "URI",
      description = "file:///path, s3://bucket/prefix or gs://bucket/prefix")
  String location;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "NAME",
      description = "Cluster name used in the bucket path.")
  String cluster;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "S3-compatible endpoint (MinIO, Ceph); implies path-style.")
  URI s3Endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description =
          "S3 region (default: AWS_REGION, the AWS profile, else us-east-1; without"
              + " --s3-endpoint also EC2 instance metadata). Set it for an --s3-endpoint that is"
              + " AWS itself (a VPC endpoint).")
  String s3Region;

  @Option(
      names = "--s3-sse",
      paramLabel = "AES256|aws:kms",
      description = "Server-side encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS).")
  String s3Sse;

  @Option(
      names = "--s3-sse-kms-key-id",
      paramLabel = "KEY",
      description = "KMS key id for SSE-KMS.")
  String s3KmsKeyId;

  @Option(
      names = "--gcs-endpoint",
      paramLabel = "URL",
      description = "GCS endpoint override (emulators).")
  URI gcsEndpoint;

  @Option(names = "--gcs-project", paramLabel = "PROJECT", description = "GCS project id.")
  String gcsProject;

  @Option(
      names = "--gcs-credentials-file",
      paramLabel = "FILE",
      description = "Service account key (default: Application Default Credentials).")
  Path gcsCredentialsFile;

  @Mixin EncryptionOptions encryption;

  StorageLocation parsedLocation() {
    return StorageLocation.parse(location);
  }

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where unfinished S3 multipart uploads are recorded, so that a run killed mid-file is"
              + " resumed by the next (default: ${DEFAULT-VALUE}).",
      defaultValue = "${user.home}/.kassette")
  java.nio.file.Path stateDir;

  ObjectStore open(int concurrency) throws java.io.IOException {
    StorageOptions env = StorageOptions.fromEnvironment(System.getenv());
    if (s3Sse != null && !s3Sse.equals("AES256") && !s3Sse.equals("aws:kms")) {
      throw new IllegalArgumentException("--s3-sse must be AES256 or aws:kms, got '" + s3Sse + "'");
    }
    StorageOptions options =
        new StorageOptions(
            s3Region != null ? s3Region : env.s3Region(),
            s3Endpoint != null ? s3Endpoint : env.s3Endpoint(),
            s3Endpoint != null || env.s3PathStyle(),
            env.s3AccessKeyId(),
            env.s3SecretAccessKey(),
            s3Sse != null ? s3Sse : env.s3Sse(),
            s3KmsKeyId != null ? s3KmsKeyId : env.s3KmsKeyId(),
            gcsCredentialsFile != null ? gcsCredentialsFile : env.gcsCredentialsFile(),
            gcsEndpoint != null ? gcsEndpoint : env.gcsEndpoint(),
            gcsProject != null ? gcsProject : env.gcsProject(),
            env.partSizeBytes(),
            concurrency,
            encryption.load(),
            env.azure(),
            stateDir.resolve("uploads"));
    return ObjectStores.open(parsedLocation(), options);
  }
}
