package io.kassette.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where backups live, parsed from a location URI: {@code file:///path/prefix}, {@code
 * s3://bucket/prefix}, {@code gs://bucket/prefix} or {@code az://container/prefix} (Azure Blob
 * Storage; the account comes from the credentials, as in fsspec, Arrow and DuckDB). The prefix
 * never starts or ends with '/'.
 */
public record StorageLocation(Scheme scheme, String bucket, String prefix, String uri) {

  public enum Scheme {
    FILE,
    S3,
    GS,
    AZ
  }

  // S3 and GCS bucket naming rules share this shape (3-63 characters, lower case, digits, '.', '-',
  // '_' for GCS).
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");

  public static StorageLocation parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "location is empty: give file:///path, s3://bucket/prefix, gs://bucket/prefix or az://container/prefix");
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "location '" + text + "' is not a valid URI: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "file" -> {
        String path = uri.getPath();
        if (uri.getAuthority() != null || path == null || !path.startsWith("/")) {
          throw new IllegalArgumentException(
              "location '" + text + "' must be an absolute path: file:///path/to/dir");
        }
        String normalized = Path.of(path).normalize().toString();
        return new StorageLocation(
            Scheme.FILE, "", trimSlashes(normalized), "file://" + normalized);
      }
      case "s3", "gs", "az" -> {
        String bucket = uri.getAuthority();
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
          throw new IllegalArgumentException(
              "location '"
                  + text
                  + "' needs a valid bucket name after "
                  + scheme
                  + "://"
                  + " (3-63 characters: lower-case letters, digits, '.', '-')");
        }
        String prefix = trimSlashes(uri.getPath() == null ? "" : uri.getPath());
        if (prefix.contains("//") || prefix.contains("..")) {
          throw new IllegalArgumentException(
              "location '" + text + "' has an invalid prefix: no empty or '..' segments");
        }
        Scheme s =
            switch (scheme) {
              case "s3" -> Scheme.S3;
              case "gs" -> Scheme.GS;
              default -> Scheme.AZ;
            };
        return new StorageLocation(
            s, bucket, prefix, scheme + "://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix));
      }
      default ->
          throw new IllegalArgumentException(
              "location '"
                  + text
                  + "' has unknown scheme '"
                  + scheme
                  + "': use file://, s3://, gs:// or az://");
    }
  }

  /** The full key inside the bucket (or the path under the root for file://). */
  public String fullKey(String key) {
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  /** A human-readable name of one object, for messages. */
  public String describe(String key) {
    return uri + "/" + key;
  }

  private static String trimSlashes(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '/') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(start, end);
  }

  @Override
  public String toString() {
    return uri;
  }
}
