package io.kassette.backup;

import io.kassette.api.MissingNode;
import io.kassette.node.NodeInfo;
import io.kassette.storage.ObjectKeys;
import io.kassette.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The one way in for anything read back from a bucket. A bucket is shared and long-lived, and
 * whoever can write to it can write a manifest, so every manifest is bounded in size while it is
 * read and then checked field by field before anything uses it: identifiers as Cassandra allows
 * them, host ids as UUIDs, file names as SSTable components, object keys under the node's own
 * prefixes, sizes and checksums well-formed, schema CQL limited to what {@link SchemaGate} passes.
 * A manifest that fails is refused as a whole with an {@link InvalidManifestException} naming the
 * object, the field and the rule.
 */
public final class ManifestGate {
  /** Largest cluster manifest or latest pointer read. */
  static final long MAX_JSON_BYTES = 16L << 20;

  /**
   * Largest node manifest read, compressed and once inflated (a gzip bomb stops here). The decoded
   * manifest lives in the agent's heap (a few hundred MiB in a sidecar): 128 MiB of JSON is some
   * 400,000 files, far beyond a real node's, and still decodes within it.
   */
  static final long MAX_NODE_MANIFEST_BYTES = 32L << 20;

  static final long MAX_INFLATED_BYTES = 128L << 20;

  /** Most files one node manifest may list (the same bound, counted). */
  static final int MAX_FILES = 400_000;

  /** Most bytes one node manifest may declare in total: 1 PiB. */
  static final long MAX_TOTAL_BYTES = 1L << 50;

  /** Largest SSTable component size believed: 64 TiB. */
  static final long MAX_FILE_SIZE = 1L << 46;

  private static final int MAX_CQL_CHARS = 1 << 20;
  private static final int MAX_TEXT = 256;

  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z0-9_]{1,48}");
  private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_]{1,222}");
  private static final Pattern HOST_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern TABLE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern CRC32C = Pattern.compile("[0-9a-f]{8}");
  private static final Pattern TOKEN = Pattern.compile("-?[0-9A-Za-z]{1,128}");

  /** A file a node manifest may name: an SSTable component's plain file name. */
  public static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}");

  /** A legacy secondary index's SSTable component, in the index's own sub-directory. */
  public static final Pattern INDEX_COMPONENT =
      Pattern.compile("\\.[A-Za-z0-9_]{1,222}/[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}");

  private final String key;

  private ManifestGate(String key) {
    this.key = key;
  }

  /** Whether {@code value} is a host id as Kassette writes it in keys. */
  public static boolean isHostId(String value) {
    return value != null && HOST_ID.matcher(value).matches();
  }

  /** The cluster manifest of {@code backup}; {@code NoSuchObjectException} when not committed. */
  public static ClusterManifest readCluster(ObjectStore store, BucketLayout layout, String backup)
      throws IOException {
    String key = layout.clusterManifest(backup);
    ClusterManifest m;
    try (InputStream in = bounded(store.open(key), MAX_JSON_BYTES, key)) {
      m = decode(in, ClusterManifest.class, key);
    }
    return new ManifestGate(key).cluster(m, layout, backup);
  }

  /** The node manifest of {@code hostId} in {@code backup}. */
  public static NodeManifest readNode(
      ObjectStore store, BucketLayout layout, String backup, String hostId) throws IOException {
    String key = layout.nodeManifest(backup, hostId);
    NodeManifest m;
    try (InputStream raw = bounded(store.open(key), MAX_NODE_MANIFEST_BYTES, key)) {
      GZIPInputStream gzip;
      try {
        gzip = new GZIPInputStream(raw);
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        // An empty or cut-off object is a defect of that backup, not a failure of the reader.
        throw new InvalidManifestException(key, "(document)", "is not gzipped: " + e.getMessage());
      }
      m = decode(bounded(gzip, MAX_INFLATED_BYTES, key), NodeManifest.class, key);
    }
    return new ManifestGate(key).node(m, layout, backup, hostId);
  }

  /** The backup a node's latest pointer names; {@code NoSuchObjectException} when absent. */
  public static String readLatest(ObjectStore store, BucketLayout layout, String hostId)
      throws IOException {
    String key = layout.latestPointer(hostId);
    Map<?, ?> pointer;
    try (InputStream in = bounded(store.open(key), MAX_JSON_BYTES, key)) {
      pointer = decode(in, Map.class, key);
    }
    Object backup = pointer == null ? null : pointer.get("backup");
    new ManifestGate(key).backupName("backup", backup instanceof String s ? s : null);
    return (String) backup;
  }

  /** JSON into {@code type}; a value of the wrong type is refused naming its field. */
  private static <T> T decode(InputStream in, Class<T> type, String key) throws IOException {
    try {
      T value = ManifestCodec.JSON.readValue(in, type);
      if (value == null) {
        throw new InvalidManifestException(key, "(document)", "is empty");
      }
      return value;
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      StringBuilder field = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
        if (r.getFieldName() != null) {
          field.append(field.isEmpty() ? "" : ".").append(printable(r.getFieldName(), 64));
        } else if (r.getIndex() >= 0) {
          field.append('[').append(r.getIndex()).append(']');
        }
      }
      throw new InvalidManifestException(
          key,
          field.isEmpty() ? "(document)" : field.toString(),
          "is not what a manifest holds there: "
              + printable(firstLine(e.getOriginalMessage()), 200));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new InvalidManifestException(
          key, "(document)", "is not JSON: " + printable(firstLine(e.getOriginalMessage()), 200));
    } catch (java.util.zip.ZipException e) {
      throw new InvalidManifestException(key, "(document)", "is not gzipped: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw new InvalidManifestException(key, "(document)", "ends before it is complete");
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int eol = text.indexOf('\n');
    return eol < 0 ? text : text.substring(0, eol);
  }

  ClusterManifest cluster(ClusterManifest m, BucketLayout layout, String backup)
      throws InvalidManifestException {
    format(m.format());
    equal("backup", m.backup(), backup);
    equal("cluster", m.cluster(), layout.cluster());
    mode("mode", m.mode());
    text("kassetteVersion", m.kassetteVersion(), true);
    text("owner", m.owner(), true);
    required("startedAt", m.startedAt());
    required("nodes", m.nodes());
    if (m.nodes().isEmpty()) {
      throw invalid("nodes", "[]", "is empty: a committed backup has at least one node");
    }
    Set<String> hosts = new HashSet<>();
    for (int i = 0; i < m.nodes().size(); i++) {
      String f = "nodes[" + i + "]";
      ClusterManifest.NodeRef ref = required(f, m.nodes().get(i));
      hostId(f + ".hostId", ref.hostId());
      if (!hosts.add(ref.hostId())) {
        throw invalid(f + ".hostId", ref.hostId(), "appears twice");
      }
      text(f + ".datacenter", ref.datacenter(), true);
      text(f + ".rack", ref.rack(), true);
      equal(f + ".manifestKey", ref.manifestKey(), layout.nodeManifest(backup, ref.hostId()));
      count(f + ".files", ref.files());
      bytes(f + ".bytes", ref.bytes());
    }
    required("tables", m.tables());
    for (int i = 0; i < m.tables().size(); i++) {
      String t = m.tables().get(i);
      int dot = t == null ? -1 : t.indexOf('.');
      if (dot < 0
          || !KEYSPACE.matcher(t.substring(0, dot)).matches()
          || !TABLE.matcher(t.substring(dot + 1)).matches()) {
        throw invalid("tables[" + i + "]", t, "is not keyspace.table");
      }
    }
    count("files", m.files());
    bytes("bytes", m.bytes());
    for (int i = 0; i < m.missingNodes().size(); i++) {
      String f = "missingNodes[" + i + "]";
      MissingNode n = required(f, m.missingNodes().get(i));
      hostId(f + ".hostId", n.hostId());
      text(f + ".address", n.address(), true);
      text(f + ".datacenter", n.datacenter(), true);
      text(f + ".rack", n.rack(), true);
      text(f + ".reason", n.reason(), true);
    }
    return m;
  }

  NodeManifest node(NodeManifest m, BucketLayout layout, String backup, String hostId)
      throws InvalidManifestException {
    format(m.format());
    equal("backup", m.backup(), backup);
    equal("cluster", m.cluster(), layout.cluster());
    mode("mode", m.mode());
    required("startedAt", m.startedAt());
    required("completedAt", m.completedAt());
    text("schemaVersion", m.schemaVersion(), true);
    NodeInfo node = required("node", m.node());
    equal("node.hostId", node.hostId(), hostId);
    text("node.clusterName", node.clusterName(), true);
    text("node.datacenter", node.datacenter(), true);
    text("node.rack", node.rack(), true);
    text("node.releaseVersion", node.releaseVersion(), true);
    required("node.tokens", node.tokens());
    for (int i = 0; i < node.tokens().size(); i++) {
      String token = node.tokens().get(i);
      if (token == null || !TOKEN.matcher(token).matches()) {
        throw invalid("node.tokens[" + i + "]", token, "is not a token");
      }
    }
    required("keyspaces", m.keyspaces());
    for (Map.Entry<String, String> e : m.keyspaces().entrySet()) {
      String f = "keyspaces." + printable(e.getKey(), 64);
      identifier(f, e.getKey(), KEYSPACE);
      cql(f, e.getValue());
      try {
        SchemaGate.keyspace(e.getKey(), e.getValue());
      } catch (IllegalArgumentException x) {
        throw invalid(f, null, x.getMessage());
      }
    }
    required("tables", m.tables());
    Set<String> tables = new HashSet<>();
    String pool = layout.poolPrefix(hostId);
    String own = layout.ownDataPrefix(backup, hostId);
    long files = 0;
    long declared = 0;
    for (int i = 0; i < m.tables().size(); i++) {
      String f = "tables[" + i + "]";
      NodeManifest.TableEntry t = required(f, m.tables().get(i));
      identifier(f + ".keyspace", t.keyspace(), KEYSPACE);
      identifier(f + ".table", t.table(), TABLE);
      if (!tables.add(t.keyspace() + "." + t.table())) {
        throw invalid(f, t.keyspace() + "." + t.table(), "appears twice");
      }
      if (t.tableId() != null && !TABLE_ID.matcher(t.tableId()).matches()) {
        throw invalid(f + ".tableId", t.tableId(), "is not a table id (32 hex digits)");
      }
      if (t.schemaCql() != null) {
        cql(f + ".schemaCql", t.schemaCql());
        try {
          SchemaGate.table(t.keyspace(), t.table(), t.schemaCql());
        } catch (IllegalArgumentException x) {
          throw invalid(f + ".schemaCql", null, x.getMessage());
        }
      }
      required(f + ".files", t.files());
      Set<String> paths = new HashSet<>();
      for (int j = 0; j < t.files().size(); j++) {
        String ff = f + ".files[" + j + "]";
        NodeManifest.FileEntry file = required(ff, t.files().get(j));
        String path = file.path();
        if (path == null
            || !(COMPONENT.matcher(path).matches() || INDEX_COMPONENT.matcher(path).matches())) {
          throw invalid(ff + ".path", path, "is not an SSTable component's file name");
        }
        if (!paths.add(path)) {
          throw invalid(ff + ".path", path, "appears twice");
        }
        objectKey(ff + ".key", file.key(), pool, own);
        if (file.size() < 0 || file.size() > MAX_FILE_SIZE) {
          throw invalid(ff + ".size", String.valueOf(file.size()), "is not a file size");
        }
        // Bounded sums: a restore plans its disk from them, and they must not wrap around.
        declared += file.size();
        if (++files > MAX_FILES || declared > MAX_TOTAL_BYTES) {
          throw invalid(
              ff, null, "is one file too many: more than " + MAX_FILES + " files or 1 PiB in all");
        }
        if (file.crc32c() == null || !CRC32C.matcher(file.crc32c()).matches()) {
          throw invalid(ff + ".crc32c", file.crc32c(), "is not a CRC32C (8 lower-case hex digits)");
        }
      }
    }
    NodeManifest.Totals totals = required("totals", m.totals());
    count("totals.files", totals.files());
    bytes("totals.bytes", totals.bytes());
    count("totals.uploadedFiles", totals.uploadedFiles());
    bytes("totals.uploadedBytes", totals.uploadedBytes());
    count("totals.skippedFiles", totals.skippedFiles());
    bytes("totals.skippedBytes", totals.skippedBytes());
    return m;
  }

  private void format(int format) throws InvalidManifestException {
    if (format < 1 || format > NodeManifest.FORMAT) {
      throw invalid(
          "format",
          String.valueOf(format),
          "is not a format this Kassette reads (1 to "
              + NodeManifest.FORMAT
              + "): a newer Kassette wrote it, upgrade to restore it");
    }
  }

  private void mode(String field, String mode) throws InvalidManifestException {
    for (Mode m : Mode.values()) {
      if (m.wire().equals(mode)) {
        return;
      }
    }
    throw invalid(field, mode, "is neither 'differential' nor 'full'");
  }

  private void backupName(String field, String name) throws InvalidManifestException {
    try {
      BucketLayout.requireName(field, name);
    } catch (IllegalArgumentException e) {
      throw invalid(field, name, "is not a backup name");
    }
  }

  private void hostId(String field, String value) throws InvalidManifestException {
    if (value == null || !HOST_ID.matcher(value).matches()) {
      throw invalid(field, value, "is not a host id (a lower-case UUID)");
    }
  }

  private void identifier(String field, String value, Pattern valid)
      throws InvalidManifestException {
    if (value == null || !valid.matcher(value).matches()) {
      throw invalid(
          field,
          value,
          "is not a Cassandra name (letters, digits and _, at most "
              + (valid == KEYSPACE ? 48 : 222)
              + ")");
    }
  }

  private void objectKey(String field, String value, String... prefixes)
      throws InvalidManifestException {
    try {
      ObjectKeys.requireSafe(value);
    } catch (IllegalArgumentException e) {
      throw invalid(field, value, "is not a safe object key");
    }
    for (String prefix : prefixes) {
      if (value.startsWith(prefix)) {
        return;
      }
    }
    throw invalid(field, value, "is outside the node's own objects " + List.of(prefixes));
  }

  private void cql(String field, String value) throws InvalidManifestException {
    if (value != null && value.length() > MAX_CQL_CHARS) {
      throw invalid(field, null, "is longer than " + MAX_CQL_CHARS + " characters");
    }
  }

  private void text(String field, String value, boolean optional) throws InvalidManifestException {
    if (value == null) {
      if (!optional) {
        throw invalid(field, null, "is missing");
      }
      return;
    }
    if (value.length() > MAX_TEXT || value.chars().anyMatch(Character::isISOControl)) {
      throw invalid(field, value, "is not printable text of at most " + MAX_TEXT + " characters");
    }
  }

  private void count(String field, long value) throws InvalidManifestException {
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw invalid(field, String.valueOf(value), "is not a count");
    }
  }

  private void bytes(String field, long value) throws InvalidManifestException {
    if (value < 0 || value > Long.MAX_VALUE / 4) {
      throw invalid(field, String.valueOf(value), "is not a byte count");
    }
  }

  private void equal(String field, String value, String expected) throws InvalidManifestException {
    if (!expected.equals(value)) {
      throw invalid(field, value, "is not '" + expected + "'");
    }
  }

  private <T> T required(String field, T value) throws InvalidManifestException {
    if (value == null) {
      throw invalid(field, null, "is missing");
    }
    return value;
  }

  private InvalidManifestException invalid(String field, String value, String rule) {
    return new InvalidManifestException(
        key, field, value == null ? rule : "'" + printable(value, 120) + "' " + rule);
  }

  /**
   * {@code value} safe to print: control and non-ASCII characters escaped as Java escapes (a
   * look-alike letter shows as its code point), cut to {@code max} characters.
   */
  public static String printable(String value, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < max; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= max && value.length() > max) {
      sb.setLength(max);
      sb.append("...");
    }
    return sb.toString();
  }

  /** Reads at most {@code limit} bytes of {@code in}, then fails naming the object. */
  static InputStream bounded(InputStream in, long limit, String key) {
    return new FilterInputStream(in) {
      private long read;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
          count(n);
        }
        return n;
      }

      private void count(long n) throws InvalidManifestException {
        read += n;
        if (read > limit) {
          throw new InvalidManifestException(
              key, "(document)", "is larger than " + limit + " bytes, more than a manifest holds");
        }
      }
    };
  }
}
