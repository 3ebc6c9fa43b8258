package io.kassette.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** JSON for manifests; node manifests are gzipped (they list every file). */
public final class ManifestCodec {
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestCodec() {}

  public static byte[] json(Object value) throws IOException {
    return JSON.writeValueAsBytes(value);
  }

  public static <T> T fromJson(byte[] bytes, Class<T> type) throws IOException {
    return JSON.readValue(bytes, type);
  }

  public static byte[] gzipJson(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      JSON.writeValue(gz, value);
    }
    return out.toByteArray();
  }

  public static <T> T fromGzipJson(byte[] bytes, Class<T> type) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return JSON.readValue(in, type);
    }
  }
}
