#!/bin/bash
# Writes cassandra.yaml and cassandra-rackdc.properties from the environment, as the official
# image's entrypoint does, then runs the command. Addresses default to the pod's IP.
set -euo pipefail
if [[ ${1:-} == cassandra ]]; then
  ip=$(getent hosts "$(cat /proc/sys/kernel/hostname)" | awk '{print $1; exit}')
  listen=${CASSANDRA_LISTEN_ADDRESS:-auto}
  [[ $listen == auto ]] && listen=$ip
  broadcast=${CASSANDRA_BROADCAST_ADDRESS:-$listen}
  seeds=${CASSANDRA_SEEDS:-$broadcast}
  sed -e "s|@CLUSTER@|${CASSANDRA_CLUSTER_NAME:-Test Cluster}|" \
      -e "s|@NUM_TOKENS@|${CASSANDRA_NUM_TOKENS:-16}|" \
      -e "s|@SEEDS@|$seeds|" \
      -e "s|@LISTEN@|$listen|" \
      -e "s|@BROADCAST@|$broadcast|" \
      -e "s|@RPC@|${CASSANDRA_RPC_ADDRESS:-0.0.0.0}|" \
      -e "s|@BROADCAST_RPC@|${CASSANDRA_BROADCAST_RPC_ADDRESS:-$broadcast}|" \
      -e "s|@SNITCH@|${CASSANDRA_ENDPOINT_SNITCH:-SimpleSnitch}|" \
      /etc/cassandra/cassandra.yaml.template >/etc/cassandra/cassandra.yaml
  printf 'dc=%s\nrack=%s\n' "${CASSANDRA_DC:-dc1}" "${CASSANDRA_RACK:-rack1}" \
    >/etc/cassandra/cassandra-rackdc.properties
fi
exec "$@"
