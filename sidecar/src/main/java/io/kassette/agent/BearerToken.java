package io.kassette.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The token every {@code /v1} call must carry, read from a file (a mounted Secret) and re-read when
 * the file changes, so a rotated Secret takes effect without a restart. Only its SHA-256 is kept,
 * and comparisons take the same time whatever the guess.
 */
final class BearerToken {
  private final Path file;
  private volatile FileTime loadedAt;
  private volatile byte[] digest;

  BearerToken(Path file) throws IOException {
    this.file = file;
    reload();
  }

  private void reload() throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.length() < 16) {
      throw new IOException(
          "the token in " + file + " is shorter than 16 characters: use a random secret");
    }
    digest = sha256(token);
    loadedAt = modified;
  }

  /** Whether an {@code Authorization} header carries the token. */
  boolean accepts(String authorization) {
    try {
      if (!Files.getLastModifiedTime(file).equals(loadedAt)) {
        reload();
      }
    } catch (IOException e) {
      // A Secret being swapped: keep the token we have rather than lock the operator out.
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(sha256(authorization.substring(7).strip()), digest);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
