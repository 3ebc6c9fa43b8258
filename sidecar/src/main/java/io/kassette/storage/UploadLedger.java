package io.kassette.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The S3 multipart uploads and GCS resumable sessions this side started and has not finished, one
 * small owner-only file per object on local disk (the agent's state volume, the CLI's {@code
 * ~/.kassette}). Only an upload recorded here is resumed: one merely found in the bucket may have
 * been started by anyone, with another encryption, ACL, storage class or owner that completing it
 * would keep (and a GCS session cannot be found at all: its URI is known only to who started it).
 * The record also holds the settings it was started with; a run with others starts afresh.
 * Recording is best effort: a ledger that cannot be written costs a resume, never a backup.
 */
final class UploadLedger {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UploadLedger.class);

  /**
   * An unfinished upload: its id (S3's upload id; a GCS session's URI, which lets its holder write
   * that object: never logged), and the settings it was created with.
   */
  record Entry(String uploadId, String settings) {}

  private final Path dir;
  private volatile boolean warned;

  UploadLedger(Path dir) {
    this.dir = dir;
  }

  /** The upload recorded for {@code object} (bucket and key), or null. */
  Entry find(String object) {
    try {
      Path file = file(object);
      if (Files.size(file) > 64 << 10) {
        return null; // not a record this side wrote
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.size() >= 3 && lines.get(0).equals(object) && !lines.get(1).isBlank()) {
        return new Entry(lines.get(1), lines.get(2));
      }
    } catch (IOException e) {
      // none recorded, or unreadable: nothing to resume
    }
    return null;
  }

  /** Records an upload; false when it could not be written (then nothing will resume it). */
  boolean record(String object, String uploadId, String settings) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".upload", ".tmp");
      Files.writeString(tmp, object + "\n" + uploadId + "\n" + settings + "\n");
      Files.move(
          tmp, file(object), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn(
            "cannot record unfinished uploads in {} (an upload killed mid-file will not resume): {}",
            dir,
            e.getMessage());
      }
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the warning above says enough
        }
      }
      return false;
    }
  }

  /** Forgets {@code uploadId} of {@code object}, if it is the one recorded. */
  void forget(String object, String uploadId) {
    Entry e = find(object);
    if (e != null && e.uploadId().equals(uploadId)) {
      try {
        Files.deleteIfExists(file(object));
      } catch (IOException ex) {
        LOG.warn("cannot forget the unfinished upload of {}: {}", object, ex.getMessage());
      }
    }
  }

  private Path file(String object) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(object.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(hash) + ".upload");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
