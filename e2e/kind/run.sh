#!/usr/bin/env bash
# End to end on a real Kubernetes (kind): build the images, install the chart, run a 3-node
# Cassandra with the sidecar and MinIO, then backup -> change data -> restore -> check.
# Needs docker, kind, kubectl and helm. KEEP_CLUSTER=1 leaves the kind cluster running.
set -euo pipefail
cd "$(dirname "$0")/../.."

CLUSTER="${KIND_CLUSTER:-kassette-e2e}"
NS=e2e
HERE=e2e/kind

for tool in docker kind kubectl helm mvn; do
  command -v "$tool" >/dev/null || { echo "kind-e2e needs $tool on the PATH" >&2; exit 2; }
done

cleanup() {
  if [[ "${KEEP_CLUSTER:-0}" != 1 ]]; then
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

cql() {
  kubectl -n "$NS" exec e2e-0 -c cassandra -- cqlsh -e "$1"
}

rows() {
  # "(N rows)" of a SELECT that lists every order, as one number
  cql "SELECT id FROM shop.orders;" | sed -n 's/^(\([0-9]*\) rows)$/\1/p'
}

echo "== build"
make build
docker build -q -f docker/operator.Dockerfile -t ghcr.io/kassette/kassette-operator:e2e .
docker build -q -f docker/sidecar.Dockerfile -t ghcr.io/kassette/kassette-sidecar:e2e .

echo "== kind cluster $CLUSTER"
kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 120s
kind load docker-image --name "$CLUSTER" ghcr.io/kassette/kassette-operator:e2e ghcr.io/kassette/kassette-sidecar:e2e

echo "== operator (first: it issues the sidecars' TLS Secret in the database namespace)"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
helm upgrade --install kassette helm/kassette --namespace kassette-system --create-namespace \
  --set image.tag=e2e --set image.pullPolicy=Never --set replicaCount=1 \
  --set "databaseNamespaces={$NS}" --set "sidecarConfig.allowedLocations={s3://backups/kind}" \
  --wait --timeout 5m

echo "== storage and database"
kubectl apply -f "$HERE/minio.yaml"
kubectl -n "$NS" rollout status deploy/minio --timeout=5m
kubectl -n "$NS" wait --for=condition=complete job/make-bucket --timeout=5m
kubectl apply -f "$HERE/cassandra.yaml"
kubectl -n "$NS" rollout status statefulset/e2e --timeout=20m

echo "== data"
cql "CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};"
cql "CREATE TABLE IF NOT EXISTS shop.orders (id int PRIMARY KEY, item text);"
for i in $(seq 1 200); do echo "INSERT INTO shop.orders (id, item) VALUES ($i, 'item-$i');"; done \
  | kubectl -n "$NS" exec -i e2e-0 -c cassandra -- cqlsh
before="$(rows)"
echo "rows before the backup: $before"

echo "== backup"
kubectl apply -f "$HERE/backup.yaml"
kubectl -n "$NS" wait --for=jsonpath='{.status.phase}'=Succeeded cassandrabackup/e2e-backup --timeout=15m
kubectl -n "$NS" get cassandrabackups

echo "== change the data"
for i in $(seq 1 50); do echo "DELETE FROM shop.orders WHERE id = $i;"; done \
  | kubectl -n "$NS" exec -i e2e-0 -c cassandra -- cqlsh
echo "rows after deleting 50: $(rows)"

echo "== restore"
kubectl apply -f "$HERE/restore.yaml"
kubectl -n "$NS" wait --for=jsonpath='{.status.phase}'=Succeeded cassandrarestore/e2e-restore --timeout=15m
kubectl -n "$NS" get cassandrarestores
after="$(rows)"
echo "rows after the restore: $after"
if [[ "$after" != "$before" ]]; then
  echo "FAILED: $after rows restored, $before expected" >&2
  exit 1
fi
echo "OK: all $after rows are back"
