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
  private static final Pattern RANGE = Pattern.compile("bytes=0-(\\d+)");

  /** Requests in a row that fail without the session moving on, before the upload fails. */
  static final int ATTEMPTS = 6;

  private final StorageLocation location;
  private final HttpRequestFactory http;
  private final String host;
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
    this.chunkSize = chunkSize;
    this.ledger = ledger;
    this.retryBaseMillis = retryBaseMillis;
  }

  /** Uploads {@code source} as {@code name} (the object's full name in the bucket). */
  UploadResult upload(String key, String name, UploadSource source, TransferControl control)
      throws IOException {
    String object = location.bucket() + "/" + name;
    UploadLedger recorded = ledger != null && source.sameBytesEveryRun() ? ledger : null;
    Session resumed = recorded == null ? null : recordedSession(key, object, source.length());
    UploadResult result = send(key, name, source, control, resumed, recorded);
    if (result == null) {
      // the resumed session held bytes other than the file's: its object was deleted
      LOG.warn(
          "the upload of {} resumed bytes that differ from the file; sent it again whole",
          location.describe(key));
      // its bytes were counted as they were read: progress counts each byte once
      TransferControl again = new TransferControl(control.rateLimit(), bytes -> {}, control.stop());
      result = send(key, name, source, again, null, recorded);
      if (result == null) {
        throw new StorageException(
            "Google Cloud Storage stored other bytes than "
                + source.describe()
                + " sent to "
                + location.describe(key)
                + " (CRC32C differs); the object was deleted");
      }
    }
    return result;
  }

  /** A session and how many of its bytes GCS holds. */
  private record Session(String uri, long stored) {}

  /**
   * One session from start (or from {@code resumed}) to the object; null when the object GCS made
   * differs from the source (then it is deleted).
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
    String object = location.bucket() + "/" + name;
    String uri;
    long offset;
    if (resumed != null) {
      uri = resumed.uri();
      offset = resumed.stored();
      LOG.info(
          "resuming the upload of {}: {} of {} bytes were stored by an earlier attempt",
          location.describe(key),
          offset,
          size);
    } else {
      uri = start(key, name, size);
      offset = 0;
      if (recorded != null) {
        recorded.record(object, uri, settings(size));
      }
    }
    boolean ended = false;
    ByteBuffer scratch = FileStreamer.borrow();
    try (SourceReader reader = new SourceReader(source, control, scratch)) {
      if (offset > 0) {
        // never sent, but counted: the CRC32C covers every byte, and progress reaches the size
        reader.md5(0, offset);
      }
      JsonNode stored = null;
      int failures = 0;
      // after a failed request: ask what the session holds before sending on
      boolean ask = false;
      while (stored == null) {
        long end = Math.min(size, offset + chunkSize);
        Answer answer;
        try {
          answer =
              ask ? status(uri, size) : put(uri, chunk(reader, offset, end), offset, end, size);
        } catch (IOException e) {
          if (reader.stopRequested() || ++failures >= ATTEMPTS) {
            throw e;
          }
          LOG.debug(
              "a request of the upload of {} failed: {}", location.describe(key), e.toString());
          pause(failures);
          ask = true;
          continue;
        }
        boolean asked = ask;
        ask = false;
        if (answer.object() != null) {
          stored = answer.object();
        } else if (answer.stored() >= 0) {
          if (answer.stored() > offset) {
            failures = 0;
          } else if (!asked && ++failures >= ATTEMPTS) {
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
          pause(failures);
          ask = true;
        } else {
          throw refused(answer, key);
        }
      }
      ended = true;
      UploadResult result = reader.result();
      if (result == null) {
        throw new StorageException(
            "upload of " + source.describe() + " ended before the whole file was read");
      }
      if (!sameCrc(stored, result)) {
        delete(key, name);
        if (resumed != null) {
          return null;
        }
        throw new StorageException(
            "Google Cloud Storage stored other bytes than "
                + source.describe()
                + " sent to "
                + location.describe(key)
                + " (CRC32C differs); the object was deleted");
      }
      return result;
    } finally {
      FileStreamer.giveBack(scratch);
      // a pause (the agent pauses on SIGTERM) keeps a recorded session, for the next run to resume
      boolean keep = !ended && recorded != null && control.stop().getAsBoolean();
      if (recorded != null && !keep) {
        recorded.forget(object, uri);
      }
      if (!ended && !keep) {
        cancel(uri, key);
      }
    }
  }

  /** The session the ledger holds for this object, and what GCS stored of it; null: none. */
  private Session recordedSession(String key, String object, long size) {
    UploadLedger.Entry entry = ledger.find(object);
    if (entry == null) {
      return null;
    }
    if (!entry.settings().equals(settings(size))) {
      ledger.forget(object, entry.uploadId());
      return null;
    }
    try {
      Answer answer = status(entry.uploadId(), size);
      if (answer.stored() >= 0) {
        return new Session(entry.uploadId(), answer.stored());
      }
      // completed, expired (a week), cancelled or refused: start afresh
      LOG.debug("recorded session of {} answered {}", location.describe(key), answer.code());
    } catch (IOException e) {
      LOG.warn(
          "cannot ask about the unfinished upload of {}; sending the file whole: {}",
          location.describe(key),
          e.getMessage());
    }
    ledger.forget(object, entry.uploadId());
    return null;
  }

  /** What a session is recorded with: another size is another file. */
  private static String settings(long size) {
    return "gcs;size=" + size;
  }

  private String start(String key, String name, long size) throws IOException {
    GenericUrl url =
        new GenericUrl(
            host
                + "/upload/storage/v1/b/"
                + encode(location.bucket())
                + "/o?uploadType=resumable&name="
                + encode(name),
            true);
    for (int attempt = 1; ; attempt++) {
      HttpRequest request =
          http.buildPostRequest(
              url, new ByteArrayContent("application/json; charset=UTF-8", "{}".getBytes()));
      request.getHeaders().set("X-Upload-Content-Type", "application/octet-stream");
      request.getHeaders().set("X-Upload-Content-Length", String.valueOf(size));
      Answer answer;
      try {
        answer = execute(request);
      } catch (IOException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        pause(attempt);
        continue;
      }
      if (answer.code() / 100 == 2 && answer.location() != null) {
        return answer.location();
      }
      if (!retryable(answer.code()) || attempt >= ATTEMPTS) {
        throw refused(answer, key);
      }
      pause(attempt);
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
    HttpResponse response = request.execute();
    try {
      int code = response.getStatusCode();
      String range = response.getHeaders().getFirstHeaderStringValue("Range");
      String location = response.getHeaders().getLocation();
      String body;
      try (InputStream in = response.getContent()) {
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (code == 308) {
        Matcher m = range == null ? null : RANGE.matcher(range);
        return new Answer(
            code, m != null && m.matches() ? Long.parseLong(m.group(1)) + 1 : 0, null);
      }
      if ((code == 200 || code == 201) && body.startsWith("{") && location == null) {
        JsonNode node = JSON.readTree(body);
        if (node.has("bucket") && node.has("name")) {
          return new Answer(code, -1, node);
        }
      }
      return new Answer(code, -1, null, location, body);
    } finally {
      response.disconnect();
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
          ByteBuffer bytes = reader.read(at, to - at);
          if (bytes == null) {
            throw new IOException(reader.describe() + " shrank while being uploaded");
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

  private boolean sameCrc(JsonNode object, UploadResult result) {
    JsonNode crc = object.get("crc32c");
    if (crc == null || !crc.isTextual()) {
      return true; // a server that gives none: nothing to compare
    }
    return HexFormat.of()
        .formatHex(Base64.getDecoder().decode(crc.asText()))
        .equals(result.crc32c());
  }

  private void delete(String key, String name) {
    try {
      HttpRequest request =
          http.buildDeleteRequest(
              new GenericUrl(
                  host + "/storage/v1/b/" + encode(location.bucket()) + "/o/" + encode(name),
                  true));
      execute(request);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", location.describe(key), e.getMessage());
    }
  }

  /** Ends a session no run will continue, so GCS drops what it holds. */
  private void cancel(String uri, String key) {
    try {
      execute(http.buildDeleteRequest(new GenericUrl(uri, true)));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot cancel the upload session of {}: {}", location.describe(key), e.toString());
    }
  }

  private static boolean retryable(int code) {
    return code == 408 || code == 429 || code >= 500;
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
    message = message.length() > 300 ? message.substring(0, 300) + "…" : message;
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

  private void pause(int failures) throws IOException {
    try {
      Thread.sleep(Math.min(30_000, retryBaseMillis << Math.min(10, failures - 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while retrying an upload");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
