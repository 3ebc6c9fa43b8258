package io.kassette.operator.api;

/**
 * The patterns and size bounds the CRD schemas share. Every string, map and list a CEL rule reads
 * has a bound here: a real API server refuses a CRD whose rules' estimated cost is unbounded.
 */
final class Constraints {
  /** s3://bucket/prefix, gs://bucket/prefix, az://container/prefix or file:///path. */
  static final String LOCATION =
      "^((s3|gs|az)://[a-z0-9][a-z0-9._-]{1,220}(/[^\\s]*)?|file:///[^\\s]+)$";

  static final int LOCATION_LENGTH = 1024;

  /** A cluster name as it appears in the bucket path. */
  static final String CLUSTER_NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$";

  static final int CLUSTER_NAME_LENGTH = 200;

  /** A Kubernetes object name (DNS subdomain). */
  static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  static final int OBJECT_NAME_LENGTH = 253;

  /** Comma-separated keyspace or keyspace.table globs, ! to exclude. */
  static final String TABLE_GLOBS =
      "^\\s*!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?(\\s*,\\s*!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?)*\\s*$";

  static final int TABLE_GLOBS_LENGTH = 4096;

  /** keyspace.table, each a Cassandra identifier (at most 48 characters). */
  static final String QUALIFIED_TABLE = "^[A-Za-z0-9_]{1,48}\\.[A-Za-z0-9_]{1,48}$";

  /** A datacenter name as Cassandra's snitches allow it. */
  static final String DATACENTER = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

  /** A label value. */
  static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  static final int LABEL_VALUE_LENGTH = 63;

  /** Entries of a map the user writes by hand (datacenters, labels, renames, keyspaces). */
  static final int MAP_ENTRIES = 64;

  private Constraints() {}
}
