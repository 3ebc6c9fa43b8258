package io.kassette.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.EmptyContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.cloud.http.HttpTransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads over the JSON API's resumable protocol, spoken here rather than through the library's
 * {@code WriteChannel}: the library keeps a session's URI to itself ({@code capture()} serializes
 * it together with the client's credentials, a service-account key among them), and a session
 * another process can continue is what lets a sidecar killed in the middle of an 8 GiB file send
 * the rest of it, not the whole. Requests go through the library's own HTTP transport, credentials
 * and timeouts.
 *
 * <p>A session is recorded in the {@link UploadLedger} when it starts (when the source yields the
 * same bytes every run: not ciphertext) and forgotten when it ends; an upload of a key the ledger
 * holds a session for asks GCS how much of it is stored and sends the rest. The stored prefix
 * cannot be read back before the object exists, so the whole object's CRC32C, which GCS returns at
 * the end, is compared with the file's: a resumed object that differs is deleted and sent again
 * whole. The session URI lets whoever holds it write this one object for a week: it lives only in
 * the ledger (owner-only files) and is never logged.
 */
final class GcsResumableUpload {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(GcsResumableUpload.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RANGE = Pattern.compile("bytes=0-(\\d{1,18})");

  /** Requests in a row that fail without the session moving on, before the upload fails. */
  private static final int ATTEMPTS = 6;

  /** The most of an answer's body read: an error's message, or an object's metadata. */
  private static final int MAX_BODY = 64 << 10;

  private final StorageLocation location;
  private final HttpRequestFactory http;
  private final String host;
  private final String sessions;
  private final int chunkSize;
  private final UploadLedger ledger;
  private final long retryBaseMillis;

  GcsResumableUpload(
      StorageLocation location,
      com.google.cloud.storage.StorageOptions options,
      int chunkSize,
      UploadLedger ledger,
      long retryBaseMillis) {
    this.location = location;
    HttpTransportOptions transport = (HttpTransportOptions) options.getTransportOptions();
    this.http =
        transport
            .getHttpTransportFactory()
            .create()
            .createRequestFactory(transport.getHttpRequestInitializer(options));
    String h = options.getHost();
    this.host = h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
    // where every session of this bucket lives: a recorded or answered URI elsewhere is not used,
    // so the client's token never goes to another host (the ledger's owner-only files are what
    // keeps a planted session id out)
    this.sessions = host + "/upload/storage/v1/b/" + encode(location.bucket()) + "/o?";
    this.chunkSize = chunkSize;
    this.ledger = ledger;
    this.retryBaseMillis = retryBaseMillis;
  }

  /** Uploads {@code source} as {@code name} (the object's full name in the bucket). */
  UploadResult upload(String key, String name, UploadSource source, TransferControl control)
      throws IOException {
    UploadLedger recorded = ledger != null && source.sameBytesEveryRun() ? ledger : null;
    Session resumed =
        recorded == null ? null : recordedSession(key, name, source.length(), control);
    UploadResult result = send(key, name, source, control, resumed, recorded);
    if (result == null) {
      LOG.warn(
          "the upload of {} continued a session that held other bytes than the file; sending it"
              + " again whole",
          location.describe(key));
      // its bytes were counted as they were read: progress counts each byte once
      TransferControl again = new TransferControl(control.rateLimit(), bytes -> {}, control.stop());
      result = send(key, name, source, again, null, recorded);
    }
    return result;
  }

  /** A session and how many of its bytes GCS holds. */
  private record Session(String uri, long stored) {}

  /**
   * One session from its start (or from {@code resumed}) to the object. Null when a resumed
   * session's object differs from the source (it was deleted, to be sent again whole).
   */
  private UploadResult send(
      String key,
      String name,
      UploadSource source,
      TransferControl control,
      Session resumed,
      UploadLedger recorded)
      throws IOException {
    long size = source.length();
    String object = ledgerName(name);
    String uri;
    long offset;
    // whether the session is in the ledger, for a later attempt to continue
    boolean isRecorded = resumed != null;
    if (resumed != null) {
      uri = resumed.uri();
      offset = resumed.stored();
      LOG.info(
          "resuming the upload of {}: {} of {} bytes were stored by an earlier attempt",
          location.describe(key),
          offset,
          size);
    } else {
      uri = start(key, name, size, control);
      offset = 0;
      isRecorded = recorded != null && recorded.record(object, uri, settings(size));
    }
    boolean ended = false;
    // set when the upload fails in a way a later attempt may get past: the session is kept for it
    boolean transientFailure = false;
    ByteBuffer scratch = FileStreamer.borrow();
    try (SourceReader reader = new SourceReader(source, control, scratch)) {
      // never sent, but counted: the CRC32C covers every byte, and progress reaches the size
      reader.count(offset);
      JsonNode stored = null;
      int failures = 0;
      // after a failed request: ask what the session holds before sending on
      boolean ask = false;
      while (stored == null) {
        if (Thread.currentThread().isInterrupted()) {
          // another file of the backup failed, and its workers are being stopped
          throw new java.io.InterruptedIOException("the upload was interrupted");
        }
        long end = Math.min(size, offset + chunkSize);
        Answer answer;
        try {
          answer =
              ask ? status(uri, size) : put(uri, chunk(reader, offset, end), offset, end, size);
        } catch (TransferControl.StoppedException e) {
          throw e;
        } catch (SourceFailure e) {
          throw e.getCause();
        } catch (IOException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw e; // stopped with the other files' workers: the session is kept, not retried
          }
          if (++failures >= ATTEMPTS) {
            transientFailure = true;
            throw new StorageException(
                "Google Cloud Storage requests for "
                    + location.describe(key)
                    + " failed "
                    + ATTEMPTS
                    + " times in a row: "
                    + redact(e.toString()));
          }
          LOG.debug(
              "a request of the upload of {} failed: {}",
              location.describe(key),
              redact(e.toString()));
          pause(failures, control);
          ask = true;
          continue;
        }
        boolean asked = ask;
        ask = false;
        if (answer.object() != null) {
          stored = answer.object();
        } else if (answer.stored() >= 0) {
          if (answer.stored() < offset || answer.stored() > size) {
            // GCS never forgets bytes it reported as persisted, nor holds more than the size
            throw new StorageException(
                "Google Cloud Storage answered the upload of "
                    + location.describe(key)
                    + " with "
                    + answer.stored()
                    + " bytes stored after "
                    + offset
                    + " of "
                    + size
                    + "; the upload is started again");
          }
          if (answer.stored() > offset) {
            failures = 0;
          } else if (!asked && ++failures >= ATTEMPTS) {
            transientFailure = true;
            throw new StorageException(
                "Google Cloud Storage kept none of the bytes sent for "
                    + location.describe(key)
                    + " in "
                    + ATTEMPTS
                    + " attempts");
          }
          offset = answer.stored();
        } else if (answer.code() == 404 || answer.code() == 410) {
          throw new StorageException(
              "the upload session of "
                  + location.describe(key)
                  + " ended on the server ("
                  + answer.code()
                  + "); the file is sent again on the next attempt");
        } else if (retryable(answer.code()) && ++failures < ATTEMPTS) {
          pause(failures, control);
          ask = true;
        } else {
          transientFailure = retryable(answer.code());
          throw refused(answer, key);
        }
      }
      ended = true;
      UploadResult result = reader.result();
      String wrong =
          result == null
              ? "ended before the whole file was read"
              : differs(stored, name, result, resumed != null);
      if (wrong != null) {
        // only this object, as the answer names it: never one of another name
        boolean ours =
            location.bucket().equals(stored.path("bucket").asText())
                && name.equals(stored.path("name").asText());
        boolean deleted = ours && delete(key, stored);
        if (resumed != null && result != null && deleted) {
          return null;
        }
        throw new StorageException(
            "the upload of "
                + source.describe()
                + " to "
                + location.describe(key)
                + " "
                + wrong
                + (deleted ? "; the object was deleted" : "; the object could not be deleted"));
      }
      return result;
    } finally {
      FileStreamer.giveBack(scratch);
      // a pause (the agent pauses on SIGTERM) or a failure a later attempt may get past keeps a
      // recorded session, for the next upload of the key to continue
      boolean keep =
          !ended
              && isRecorded
              && (transientFailure
                  || control.stop().getAsBoolean()
                  || Thread.currentThread().isInterrupted());
      if (recorded != null && !keep) {
        recorded.forget(object, uri);
      }
      if (keep) {
        LOG.info("kept the unfinished upload of {} to resume", location.describe(key));
      } else if (!ended) {
        cancel(uri, key);
      }
    }
  }

  /**
   * The session the ledger holds for this object, and what GCS stored of it; null when there is
   * none to continue. One that GCS no longer knows, or that is not a session of this bucket's (the
   * ledger is a file on disk), is forgotten; one GCS cannot be asked about now is left for the
   * record of the session this upload starts to replace.
   */
  private Session recordedSession(String key, String name, long size, TransferControl control)
      throws IOException {
    String object = ledgerName(name);
    UploadLedger.Entry entry = ledger.find(object);
    if (entry == null) {
      return null;
    }
    String uri = entry.uploadId();
    if (!isSession(uri) || !namesOnly(uri, name)) {
      ledger.forget(object, uri);
      return null;
    }
    if (!entry.settings().equals(settings(size))) {
      cancel(uri, key); // another file now: what the session holds is of no use
      ledger.forget(object, uri);
      return null;
    }
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        Answer answer = status(uri, size);
        if (answer.stored() >= 0 && answer.stored() <= size) {
          return new Session(uri, answer.stored());
        }
        if (!retryable(answer.code())) {
          // completed, expired (a week), cancelled or refused: start afresh
          LOG.debug("recorded session of {} answered {}", location.describe(key), answer.code());
          ledger.forget(object, uri);
          return null;
        }
      } catch (TransferControl.StoppedException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        LOG.debug(
            "cannot ask about the unfinished upload of {}: {}",
            location.describe(key),
            redact(e.toString()));
      }
      pause(attempt, control);
    }
    LOG.warn(
        "cannot ask Google Cloud Storage about the unfinished upload of {}; sending the file whole",
        location.describe(key));
    return null;
  }

  /** What the ledger calls an object: its store, bucket and full name. */
  private String ledgerName(String name) {
    return "gs://" + location.bucket() + "/" + name;
  }

  /** What a session is recorded with: another size is another file. */
  private static String settings(long size) {
    return "gcs;size=" + size;
  }

  /** Whether {@code uri} is a session of this bucket, on this store's host. */
  private boolean isSession(String uri) {
    return uri != null
        && uri.length() < 4096
        && uri.startsWith(sessions)
        && uri.contains("upload_id=")
        && uri.chars().noneMatch(c -> c <= ' ' || c == 0x7f);
  }

  /** Whether the session URI names no object but {@code name} (it names the one it began with). */
  private static boolean namesOnly(String uri, String name) {
    String query = uri.substring(uri.indexOf('?') + 1);
    for (String param : query.split("&")) {
      if (param.startsWith("name=")) {
        try {
          if (!java.net.URLDecoder.decode(param.substring(5), StandardCharsets.UTF_8)
              .equals(name)) {
            return false;
          }
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    return true;
  }

  private String start(String key, String name, long size, TransferControl control)
      throws IOException {
    GenericUrl url = new GenericUrl(sessions + "uploadType=resumable&name=" + encode(name), true);
    for (int attempt = 1; ; attempt++) {
      HttpRequest request =
          http.buildPostRequest(
              url,
              new ByteArrayContent(
                  "application/json; charset=UTF-8", "{}".getBytes(StandardCharsets.UTF_8)));
      request.getHeaders().set("X-Upload-Content-Type", "application/octet-stream");
      request.getHeaders().set("X-Upload-Content-Length", String.valueOf(size));
      Answer answer;
      try {
        answer = execute(request);
      } catch (IOException e) {
        if (attempt >= ATTEMPTS) {
          throw new StorageException(
              "cannot start the upload of "
                  + location.describe(key)
                  + " to Google Cloud Storage: "
                  + redact(e.toString()));
        }
        pause(attempt, control);
        continue;
      }
      if (answer.code() / 100 == 2 && isSession(answer.location())) {
        return answer.location();
      }
      if (answer.code() / 100 == 2) {
        throw new StorageException(
            "Google Cloud Storage answered the upload of "
                + location.describe(key)
                + " with a session elsewhere than "
                + sessions
                + "; not followed");
      }
      if (!retryable(answer.code()) || attempt >= ATTEMPTS) {
        throw refused(answer, key);
      }
      pause(attempt, control);
    }
  }

  /** Sends bytes {@code [offset, end)} of {@code size}. */
  private Answer put(String uri, HttpContent content, long offset, long end, long size)
      throws IOException {
    HttpRequest request = http.buildPutRequest(new GenericUrl(uri, true), content);
    request
        .getHeaders()
        .setContentRange(
            end > offset ? "bytes " + offset + "-" + (end - 1) + "/" + size : "bytes */" + size);
    return execute(request);
  }

  /** Asks GCS how much of the session it holds (or for the object, when it is complete). */
  private Answer status(String uri, long size) throws IOException {
    return put(uri, new EmptyContent(), size, size, size);
  }

  private Answer execute(HttpRequest request) throws IOException {
    request.setThrowExceptionOnExecuteError(false);
    request.setFollowRedirects(false);
    // one retry, for the credentials to refresh an expired token on a 401; failures are retried
    // above, where what the session holds is known
    request.setNumberOfRetries(1);
    // the body is written on this thread, so a chunk's buffer is free again when execute returns
    // (a write timeout would hand the writing to another thread, which could outlive it)
    request.setWriteTimeout(0);
    HttpResponse response = request.execute();
    try {
      int code = response.getStatusCode();
      String range = response.getHeaders().getFirstHeaderStringValue("Range");
      String location = response.getHeaders().getLocation();
      String body;
      try (InputStream in = response.getContent()) {
        body = in == null ? "" : new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      }
      if (code == 308) {
        if (range == null) {
          return new Answer(code, 0, null); // nothing stored yet
        }
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
          throw new IOException("Google Cloud Storage answered an unreadable Range: " + range);
        }
        return new Answer(code, Long.parseLong(m.group(1)) + 1, null);
      }
      if ((code == 200 || code == 201) && body.startsWith("{") && location == null) {
        JsonNode node = JSON.readTree(body);
        if (node.has("bucket") && node.has("name")) {
          return new Answer(code, -1, node);
        }
      }
      return new Answer(code, -1, null, location, body);
    } finally {
      // the body was read: the connection goes back to be reused
      response.ignore();
    }
  }

  /** An error reading the source while a request sends it: a failure of the file, never retried. */
  private static final class SourceFailure extends IOException {
    SourceFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /**
   * A response: its status, the bytes the session holds (308; -1 otherwise), the object (when it is
   * complete), the Location of a session started, and the body of an error.
   */
  private record Answer(int code, long stored, JsonNode object, String location, String body) {
    Answer(int code, long stored, JsonNode object) {
      this(code, stored, object, null, null);
    }
  }

  /** Bytes {@code [from, to)} of the reader, streamed as they are read. */
  private static HttpContent chunk(SourceReader reader, long from, long to) {
    return new HttpContent() {
      @Override
      public long getLength() {
        return to - from;
      }

      @Override
      public String getType() {
        return "application/octet-stream";
      }

      @Override
      public boolean retrySupported() {
        return true; // the reader goes back to any byte
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        WritableByteChannel channel = Channels.newChannel(out);
        for (long at = from; at < to; ) {
          ByteBuffer bytes;
          try {
            bytes = reader.read(at, to - at);
            if (bytes == null) {
              throw new IOException(reader.describe() + " shrank while being uploaded");
            }
          } catch (TransferControl.StoppedException e) {
            throw e;
          } catch (IOException e) {
            throw new SourceFailure(e); // the file's, not the network's: not retried
          }
          at += bytes.remaining();
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
        }
        out.flush();
      }
    };
  }

  /**
   * What is wrong with the object GCS made of the source, or null: another object than this one,
   * another size, or another CRC32C than the bytes read.
   */
  private String differs(JsonNode object, String name, UploadResult result, boolean resumed) {
    if (!location.bucket().equals(object.path("bucket").asText())
        || !name.equals(object.path("name").asText())) {
      return "made another object (" + object.path("name").asText() + ")";
    }
    JsonNode size = object.get("size");
    if (size != null && !String.valueOf(result.size()).equals(size.asText())) {
      return "made an object of " + size.asText() + " bytes, not " + result.size();
    }
    JsonNode crc = object.get("crc32c");
    if (crc == null) {
      // a server that gives none: nothing to compare, which a continued session's unseen prefix
      // cannot do without
      return resumed ? "gave no CRC32C for the bytes an earlier attempt stored" : null;
    }
    if (!crc.isTextual()) {
      return "answered an unreadable CRC32C";
    }
    try {
      String stored = HexFormat.of().formatHex(Base64.getDecoder().decode(crc.asText()));
      return stored.equals(result.crc32c()) ? null : "stored other bytes (CRC32C differs)";
    } catch (IllegalArgumentException e) {
      return "answered an unreadable CRC32C";
    }
  }

  /**
   * Deletes the object this upload made (that generation only: never one written since); true when
   * it is gone.
   */
  private boolean delete(String key, JsonNode object) {
    String url =
        host
            + "/storage/v1/b/"
            + encode(location.bucket())
            + "/o/"
            + encode(object.path("name").asText());
    String generation = object.path("generation").asText("");
    if (!generation.matches("\\d{1,20}")) {
      return false; // without it the delete could take a newer object of the name
    }
    url += "?ifGenerationMatch=" + generation;
    try {
      int code = execute(http.buildDeleteRequest(new GenericUrl(url, true))).code();
      return code / 100 == 2 || code == 404;
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot delete {}: {}", location.describe(key), e.getMessage());
      return false;
    }
  }

  /** Ends a session no run will continue, so GCS drops what it holds. */
  private void cancel(String uri, String key) {
    try {
      execute(http.buildDeleteRequest(new GenericUrl(uri, true)));
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "cannot cancel the upload session of {}: {}",
          location.describe(key),
          redact(e.toString()));
    }
  }

  private static boolean retryable(int code) {
    return code == 408 || code == 429 || code >= 500;
  }

  /** {@code text} without a session's id, which lets its holder write the object. */
  static String redact(String text) {
    return text == null ? null : text.replaceAll("upload_id=[^&\\s\"']*", "upload_id=…");
  }

  private StorageException refused(Answer answer, String key) {
    String message = answer.body() == null ? "" : answer.body();
    try {
      JsonNode error = JSON.readTree(message).path("error").path("message");
      if (error.isTextual()) {
        message = error.asText();
      }
    } catch (IOException notJson) {
      // the body as it came
    }
    message = redact(message.length() > 300 ? message.substring(0, 300) + "…" : message);
    if (answer.code() == 401 || answer.code() == 403) {
      return new StorageException(
          "Google Cloud Storage refused access to "
              + location.describe(key)
              + " ("
              + answer.code()
              + "): check the service account and its roles/storage.objectAdmin on the bucket");
    }
    if (answer.code() == 404) {
      return new StorageException(
          "bucket '" + location.bucket() + "' does not exist: create it or fix the location");
    }
    return new StorageException(
        "Google Cloud Storage request for "
            + location.describe(key)
            + " failed: "
            + answer.code()
            + " "
            + message);
  }

  /** Waits before retry {@code failures}; a stop ends the wait at once. */
  private void pause(int failures, TransferControl control) throws IOException {
    long until =
        System.nanoTime()
            + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                Math.min(30_000, retryBaseMillis << Math.min(10, failures - 1)));
    try {
      while (System.nanoTime() < until) {
        if (control.stop().getAsBoolean()) {
          throw new TransferControl.StoppedException();
        }
        Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while retrying an upload");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
