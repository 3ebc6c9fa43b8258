#!/usr/bin/env bash
# make kind-e2e: the product on a real Kubernetes node, as a user runs it.
#
# Builds every image here (no registry needed), makes a kind cluster from locally built parts,
# installs the chart (2 operator replicas, leader election), runs the 3-node Cassandra of
# examples/cassandra-statefulset.yaml with the sidecar and an S3 server, then: backup, change the
# data, restore, compare every row; and the faults only a real node can stage: a sidecar killed
# mid-upload, the leader operator deleted mid-backup, a Cassandra pod restarted during a backup,
# a BackupSchedule that runs twice with retention. Prints a table (step, seconds, result).
#
# Needs: docker (or root and Debian's docker.io: dockerd is started and stopped here), Go (builds
# Kubernetes, kind, CoreDNS... once into ${KASSETTE_CACHE:-~/.cache/kassette}), mmdebstrap (the
# Debian base images), Maven, python3 with pip, gcc. KEEP=1 keeps the cluster (and dockerd).
# KIND_NODE_IMAGE=kindest/node:v1.35.x uses a public node image instead of building one.
# SKIP_BUILD=1 takes the jars already built.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HERE=e2e/kind
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
CLUSTER=${KIND_CLUSTER:-kassette-e2e}
NS=cassandra
export KUBE_VERSION=${KUBE_VERSION:-v1.35.4}
KEEP=${KEEP:-${KEEP_CLUSTER:-0}}
WORK=$(mktemp -d /tmp/kassette-kind-e2e.XXXXXX)
export KUBECONFIG=$WORK/kubeconfig
RESULTS=()
T_START=$SECONDS
DOCKERD_STARTED=0
KIND_NETWORK_OURS=0

log() { printf '\n== [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { echo "FAILED: $*" >&2; return 1; }

# --- the host, before and after -------------------------------------------------------------
host_state() {
  for k in net.ipv4.ip_forward net.ipv4.conf.all.forwarding vm.overcommit_memory vm.max_map_count \
           kernel.panic kernel.panic_on_oops kernel.pid_max fs.protected_regular fs.protected_fifos \
           fs.protected_hardlinks fs.protected_symlinks kernel.keys.root_maxkeys; do
    printf '%s = %s\n' "$k" "$(sysctl -n "$k" 2>/dev/null || echo '?')"
  done
  if command -v iptables >/dev/null; then
    for t in filter nat mangle raw; do iptables -t $t -S 2>/dev/null | sed "s/^/iptables $t /" || true; done
  fi
  ip -o link show 2>/dev/null | awk -F': ' '{print "link " $2}' | sed 's/@.*//'
  # processes a kind run may leave behind (this script's own dockerd counts only if it started it)
  for p in dockerd containerd containerd-shim docker-proxy kubelet kind; do
    pgrep -x "$p" >/dev/null && echo "process $p running"
  done
  true
}

finish() {
  local rc=$?
  set +e
  [[ -n $CURRENT_STEP ]] && RESULTS+=("$CURRENT_STEP|$((SECONDS - STEP_T0))|FAILED")
  if [[ $KEEP != 1 ]]; then
    if [[ -n ${KIND:-} ]] && "$KIND" get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
      "$KIND" delete cluster --name "$CLUSTER" >/dev/null 2>&1
    fi
    [[ $KIND_NETWORK_OURS == 1 ]] && docker network rm kind >/dev/null 2>&1
    if [[ $DOCKERD_STARTED == 1 ]]; then bash $HERE/lib/dockerd.sh stop; fi
    rm -rf "$WORK"
    host_state >"$CACHE/kind/host-after.txt"
    if diff -u "$CACHE/kind/host-before.txt" "$CACHE/kind/host-after.txt" >&2; then
      RESULTS+=("host left as found (sysctls, iptables, links, processes)|0|ok")
    else
      RESULTS+=("host left as found (sysctls, iptables, links, processes)|0|CHANGED (diff above)")
      rc=1
    fi
  else
    echo "KEEP=1: cluster $CLUSTER kept; KUBECONFIG=$KUBECONFIG" >&2
  fi
  printf '\n%-62s %8s  %s\n' step seconds result
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r name secs res <<<"$r"
    printf '%-62s %8s  %s\n' "$name" "$secs" "$res"
  done
  printf '%-62s %8s  %s\n' "total" "$((SECONDS - T_START))" "$([[ $rc == 0 ]] && echo passed || echo FAILED)"
  exit $rc
}

# step <name> <function> [args]: runs it under errexit (not in an `if`, which would switch
# errexit off inside it) and records seconds and result; a failure ends the run through finish()
CURRENT_STEP=""
step() {
  CURRENT_STEP=$1
  STEP_T0=$SECONDS
  shift
  log "$CURRENT_STEP"
  "$@"
  RESULTS+=("$CURRENT_STEP|$((SECONDS - STEP_T0))|ok")
  CURRENT_STEP=""
}

# --- tools ----------------------------------------------------------------------------------

start_docker() {
  local out
  out=$(bash $HERE/lib/dockerd.sh start) || return 1
  [[ $out == STARTED=1 ]] && DOCKERD_STARTED=1
  # This VM's capability bounding set may lack CAP_SYS_RESOURCE: then `docker run --privileged`
  # (kind's node) fails, and a wrapper turns it into every other capability.
  local bnd
  bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
  if (( (16#$bnd >> 24 & 1) == 0 )); then
    echo "no CAP_SYS_RESOURCE in the bounding set: kind runs through $HERE/shim/docker" >&2
    export KASSETTE_REAL_DOCKER
    KASSETTE_REAL_DOCKER=$(command -v docker)
    export KASSETTE_EMPTY_DIR=$CACHE/kind/empty
    mkdir -p "$KASSETTE_EMPTY_DIR"
    export PATH=$PWD/$HERE/shim:$PATH
  fi
}

tools() {
  # assignments from their output; a failed build fails here, not later as an unset variable
  local out
  out=$(KUBE_BINARIES="kube-apiserver kube-controller-manager kubectl kubelet kubeadm kube-scheduler kube-proxy" \
    bash tools/kube/build.sh)
  eval "$out"
  out=$(bash $HERE/lib/go-tools.sh)
  eval "$out"
  export PATH=$KUBE_BIN:$HELM_BIN:$PATH
}

build() {
  if [[ ${SKIP_BUILD:-0} == 1 ]]; then echo "SKIP_BUILD=1: the jars in */target as they are" >&2; return; fi
  ${MVN:-mvn} -q install -DskipTests
}

node_image() {
  if [[ -n ${KIND_NODE_IMAGE:-} ]]; then NODE_IMAGE=$KIND_NODE_IMAGE; return; fi
  local out
  out=$(bash $HERE/lib/node.sh)
  eval "$out"
}

create_cluster() {
  {
    echo 'kind: Cluster'
    echo 'apiVersion: kind.x-k8s.io/v1alpha4'
    if [[ -z ${KIND_NODE_IMAGE:-} ]]; then
      # no kindnetd image here: the local node image carries a ptp CNI config instead
      printf 'networking:\n  disableDefaultCNI: true\n'
    fi
    if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
      # kubelet >= 1.35 refuses a cgroup v1 host unless told otherwise
      printf 'kubeadmConfigPatches:\n- |\n  kind: KubeletConfiguration\n  failCgroupV1: false\n'
    fi
  } >"$WORK/kind-config.yaml"
  "$KIND" get clusters 2>/dev/null | grep -qx "$CLUSTER" && "$KIND" delete cluster --name "$CLUSTER"
  docker network inspect kind >/dev/null 2>&1 || KIND_NETWORK_OURS=1
  "$KIND" create cluster --name "$CLUSTER" --image "$NODE_IMAGE" --config "$WORK/kind-config.yaml" \
    --kubeconfig "$KUBECONFIG" --wait 180s
  kubectl -n kube-system rollout status deploy/coredns --timeout=180s
  kubectl -n local-path-storage rollout status deploy/local-path-provisioner --timeout=180s
}

VERSION=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' helm/kassette/Chart.yaml)
IMAGES=("ghcr.io/kassette/kassette-operator:$VERSION" "ghcr.io/kassette/kassette-sidecar:$VERSION"
        kassette.local/cassandra:5.0.9 kassette.local/s3proxy:4.1.0)
load_images() { "$KIND" load docker-image --name "$CLUSTER" "${IMAGES[@]}"; }

S3_KEY=e2e-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
S3_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

install_chart() {
  kubectl create namespace "$NS"
  helm install kassette helm/kassette --namespace kassette-system --create-namespace \
    --set "databaseNamespaces={$NS}" --set "sidecarConfig.allowedLocations={s3://backups/kind}" \
    --wait --timeout 5m
  kubectl -n kassette-system get pods -o wide
}

s3_server() {
  kubectl create namespace s3
  # secrets from files in the run's private directory, never on a command line (ps shows those)
  printf 'S3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\n' "$S3_KEY" "$S3_SECRET" >"$WORK/s3-keys.env"
  kubectl -n s3 create secret generic s3-keys --from-env-file="$WORK/s3-keys.env"
  kubectl apply -f $HERE/s3.yaml
  kubectl -n s3 rollout status deploy/s3 --timeout=5m
}

cassandra() {
  # the two Secrets as the examples' comments tell users to make them
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/token"
  kubectl -n "$NS" create secret generic kassette-sidecar --from-file=token="$WORK/token"
  printf '%s\n' "KASSETTE_S3_ACCESS_KEY_ID=$S3_KEY" "KASSETTE_S3_SECRET_ACCESS_KEY=$S3_SECRET" \
    KASSETTE_S3_ENDPOINT=http://s3.s3.svc:9000 KASSETTE_S3_REGION=us-east-1 >"$WORK/storage.env"
  kubectl -n "$NS" create secret generic kassette-storage --from-env-file="$WORK/storage.env"
  kubectl kustomize --load-restrictor LoadRestrictionsNone $HERE/cassandra | kubectl apply -f -
  kubectl -n "$NS" rollout status statefulset/prod --timeout=20m
  kubectl -n "$NS" get pods -o wide
}

cql() { kubectl -n "$NS" exec -i prod-0 -c cassandra -- cqlsh "$@"; }

write_data() {
  cql -e "CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3};
          CREATE TABLE shop.orders (id int PRIMARY KEY, item text, qty int);
          CREATE TABLE shop.blobs (id int PRIMARY KEY, payload text);"
  insert_rows 1 2000 2500
}

# insert_rows <first id> <orders> <blobs>: orders, and blobs of 8 KB of incompressible text
# (~20 MB per 2,500: uploads that last long enough to be hit), at consistency ALL, with the
# Python driver that cqlsh brings
insert_rows() {
  kubectl -n "$NS" exec -i prod-0 -c cassandra -- env PYTHONPATH=/opt/cqlsh \
    FIRST="$1" ORDERS="$2" BLOBS="$3" python3 - <<'PY'
import base64, os
from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
first, n_orders, n_blobs = (int(os.environ[k]) for k in ("FIRST", "ORDERS", "BLOBS"))
session = Cluster(["127.0.0.1"]).connect("shop")
orders = session.prepare("INSERT INTO orders (id, item, qty) VALUES (?, ?, ?)")
blobs = session.prepare("INSERT INTO blobs (id, payload) VALUES (?, ?)")
for stmt in (orders, blobs):
    stmt.consistency_level = ConsistencyLevel.ALL
for stmt, rows in ((orders, [(i, f"item-{i}", i % 7) for i in range(first, first + n_orders)]),
                   (blobs, [(i, base64.b64encode(os.urandom(6000)).decode())
                            for i in range(first, first + n_blobs)])):
    for ok, result in execute_concurrent_with_args(session, stmt, rows, concurrency=8):
        if not ok:
            raise result
PY
}

# A backup only uploads what the bucket lacks: each fault needs new SSTables to be caught in.
NEXT_ID=100000
fresh_sstables() {
  insert_rows "$NEXT_ID" 0 2500
  NEXT_ID=$((NEXT_ID + 2500))
}

# sha256 of every row of both tables, read at consistency ALL
rows_digest() {
  # shellcheck disable=SC2016 # expanded by the pod's shell
  kubectl -n "$NS" exec prod-0 -c cassandra -- bash -c '
    for t in orders blobs; do
      cqlsh -e "CONSISTENCY ALL; COPY shop.$t TO '"'/tmp/dump-\$t.csv'"'" >/dev/null || exit 1
      echo "$t $(wc -l < /tmp/dump-$t.csv) rows $(sort /tmp/dump-$t.csv | sha256sum | cut -c1-16)"
    done'
}

# apply <kind> <name> <spec yaml, indented 2>
apply_cr() {
  kubectl apply -f - <<YAML
apiVersion: kassette.io/v1alpha1
kind: $1
metadata:
  name: $2
  namespace: $NS
spec:
$3
YAML
}

CLUSTER_REF='  cluster:
    name: prod
    podSelector:
      app.kubernetes.io/instance: prod
    sidecar:
      tokenSecret:
        name: kassette-sidecar'

backup_cr() { # <name> [extra spec lines]
  apply_cr CassandraBackup "$1" "$CLUSTER_REF
  keyspaces: shop
  location: s3://backups/kind${2:+
$2}"
}

phase() { kubectl -n "$NS" get "$1" "$2" -o jsonpath='{.status.phase}' 2>/dev/null || true; }

# wait_phase <kind> <name> <timeout s>: until Succeeded (0) or Failed (1, conditions printed)
wait_phase() {
  local deadline=$((SECONDS + $3)) p
  while ((SECONDS < deadline)); do
    p=$(phase "$1" "$2")
    case "$p" in
      Succeeded) return 0 ;;
      Failed)
        kubectl -n "$NS" get "$1" "$2" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2
        return 1 ;;
    esac
    sleep 3
  done
  echo "$1/$2 still ${p:-without a phase} after $3 s" >&2
  kubectl -n "$NS" get "$1" "$2" -o yaml >&2
  return 1
}

# wait until the named node of a running backup is uploading: some bytes sent, some not yet
wait_mid_upload() { # <backup> <pod>
  local deadline=$((SECONDS + 300)) node state up sent total
  while ((SECONDS < deadline)); do
    node=$(kubectl -n "$NS" get cassandrabackup "$1" -o jsonpath="{.status.nodes[?(@.pod==\"$2\")]}")
    if [[ -n $node ]]; then
      read -r state up sent total < <(python3 -c 'import json,sys; n=json.loads(sys.argv[1]); print(n.get("state",""), n.get("bytesUploaded",0), n.get("bytesDone",0), n.get("bytesTotal",0))' "$node")
      if [[ $state == Uploading && $up -gt 0 && $sent -lt $total ]]; then
        echo "$2: uploading, $sent of $total bytes done" >&2
        return 0
      fi
    fi
    [[ $(phase cassandrabackup "$1") == Succeeded ]] && { echo "$1 finished before the fault" >&2; return 1; }
    sleep 1
  done
  echo "$2 never reached the middle of its upload" >&2
  return 1
}

BEFORE=""
first_backup() {
  BEFORE=$(rows_digest)
  echo "$BEFORE" >&2
  backup_cr e2e-backup
  wait_phase cassandrabackup e2e-backup 900
  kubectl -n "$NS" get cassandrabackup e2e-backup
}

change_data() {
  cql -e "$(for i in $(seq 1 50); do echo "DELETE FROM shop.orders WHERE id = $i;"; done
            for i in $(seq 3001 3100); do echo "INSERT INTO shop.orders (id, item, qty) VALUES ($i, 'late-$i', 1);"; done
            echo "UPDATE shop.orders SET qty = 99 WHERE id = 100;"
            echo "DELETE FROM shop.blobs WHERE id = 7;")"
  local now
  now=$(rows_digest)
  echo "$now" >&2
  [[ $now != "$BEFORE" ]] || fail "the data did not change"
}

restore() {
  apply_cr CassandraRestore e2e-restore "  backupRef: e2e-backup
$CLUSTER_REF
  keyspaces: shop
  truncate: true"
  wait_phase cassandrarestore e2e-restore 900
  local after
  after=$(rows_digest)
  echo "$after" >&2
  [[ $after == "$BEFORE" ]] || fail "rows after the restore differ from the backup's: $after vs $BEFORE"
}

# What a killed upload could leave: SSTables stored that no backup references (a copy under
# another name, a half-written object), and multipart uploads never completed (stored and billed,
# never listed; s3proxy keeps their parts in .mpus-* directories).
bucket_leftovers() {
  local unreferenced pending
  unreferenced=$(kassette_cli purge --dry-run --json --grace 0s --keep-last 1000 --cluster prod \
    --location s3://backups/kind | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["objects"])')
  [[ $unreferenced == 0 ]] || fail "$unreferenced objects in the bucket that no backup references"
  pending=$(kubectl -n s3 exec deploy/s3 -- bash -c 'find /data/backups/.mpus-* -type f 2>/dev/null | grep -v -- -stub$' || true)
  [[ -z $pending ]] || fail "multipart uploads left behind: $pending"
}

# the CLI in a sidecar container (its storage settings come from the pod's environment); a small
# heap, so that it fits beside the agent in the container's memory limit
kassette_cli() {
  kubectl -n "$NS" exec prod-0 -c kassette -- java -Xmx160m -XX:SharedArchiveFile=/opt/kassette/kassette.jsa -jar /opt/kassette/kassette-sidecar.jar "$@"
}

verify_backup() { # <backup>: the CLI, from the sidecar image, checks every object of the backup
  local name
  name=$(kubectl -n "$NS" get cassandrabackup "$1" -o jsonpath='{.status.backupName}')
  kassette_cli verify --deep --cluster prod --name "$name" --location s3://backups/kind
}

kill_sidecar_mid_upload() {
  fresh_sstables
  backup_cr e2e-sidecar-killed "  rateLimitMiBps: 1"
  wait_mid_upload e2e-sidecar-killed prod-1
  local node cid pid before
  before=$(kubectl -n "$NS" get pod prod-1 -o jsonpath='{.status.containerStatuses[?(@.name=="kassette")].restartCount}')
  node=$CLUSTER-control-plane
  cid=$(docker exec "$node" crictl ps -q --name kassette --label io.kubernetes.pod.name=prod-1)
  pid=$(docker exec "$node" crictl inspect --output go-template --template '{{.info.pid}}' "$cid")
  docker exec "$node" kill -9 "$pid"
  echo "killed the sidecar of prod-1 (container $cid, pid $pid)" >&2
  wait_phase cassandrabackup e2e-sidecar-killed 900
  local restarts
  restarts=$(kubectl -n "$NS" get pod prod-1 -o jsonpath='{.status.containerStatuses[?(@.name=="kassette")].restartCount}')
  [[ $restarts -gt $before ]] || fail "the sidecar of prod-1 did not restart (restartCount $restarts)"
  verify_backup e2e-sidecar-killed
  bucket_leftovers
}

leader_deleted_mid_backup() {
  local lease leader
  lease=lease/kassette-operator
  leader=$(kubectl -n kassette-system get "$lease" -o jsonpath='{.spec.holderIdentity}')
  kubectl -n kassette-system get pod "$leader" >/dev/null || fail "leader $leader is not a pod name"
  fresh_sstables
  backup_cr e2e-leader-lost "  rateLimitMiBps: 1"
  wait_mid_upload e2e-leader-lost prod-0
  kubectl -n kassette-system delete pod "$leader" --wait=false
  echo "deleted the leader $leader" >&2
  wait_phase cassandrabackup e2e-leader-lost 900
  local now deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    now=$(kubectl -n kassette-system get "$lease" -o jsonpath='{.spec.holderIdentity}')
    [[ $now != "$leader" ]] && break
    sleep 2
  done
  [[ $now != "$leader" ]] || fail "the lease is still held by the deleted pod $leader"
  echo "new leader: $now" >&2
  kubectl -n kassette-system rollout status deploy/kassette --timeout=5m
}

cassandra_restarted_mid_backup() {
  local ip_before ip_after
  ip_before=$(kubectl -n "$NS" get pod prod-2 -o jsonpath='{.status.podIP}')
  fresh_sstables
  backup_cr e2e-node-restarted "  rateLimitMiBps: 1"
  wait_mid_upload e2e-node-restarted prod-2
  kubectl -n "$NS" delete pod prod-2 --wait=false
  echo "deleted pod prod-2 ($ip_before)" >&2
  if wait_phase cassandrabackup e2e-node-restarted 1200; then
    # a success must contain the restarted node, uploaded in full
    local state
    state=$(kubectl -n "$NS" get cassandrabackup e2e-node-restarted -o jsonpath='{.status.nodes[?(@.pod=="prod-2")].state}')
    [[ $state == Uploaded ]] || fail "Succeeded, but prod-2 is '$state' in status.nodes"
    verify_backup e2e-node-restarted
  else
    [[ $(phase cassandrabackup e2e-node-restarted) == Failed ]] || fail "neither Succeeded nor Failed"
    kubectl -n "$NS" get cassandrabackup e2e-node-restarted -o jsonpath='{.status.conditions[*].message}' | grep -q prod-2 \
      || fail "the backup failed without naming prod-2"
    echo "failed, naming prod-2 (allowed)" >&2
  fi
  kubectl -n "$NS" rollout status statefulset/prod --timeout=10m
  ip_after=$(kubectl -n "$NS" get pod prod-2 -o jsonpath='{.status.podIP}')
  echo "prod-2: $ip_before -> $ip_after" >&2
  [[ $ip_after != "$ip_before" ]] || echo "(the new pod got the same IP)" >&2
}

schedule_twice_with_retention() {
  apply_cr BackupSchedule e2e-every-minute '  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  retention:
    keepLast: 1
    grace: 0s
  backupTemplate:
'"  ${CLUSTER_REF//$'\n'/$'\n'  }"'
    keyspaces: shop
    location: s3://backups/kind'
  local deadline=$((SECONDS + 900)) seen=() name after state
  while ((SECONDS < deadline)); do
    for name in $(kubectl -n "$NS" get cassandrabackups -l kassette.io/schedule=e2e-every-minute \
        -o jsonpath='{range .items[?(@.status.phase=="Succeeded")]}{.metadata.name}{" "}{end}'); do
      [[ " ${seen[*]} " == *" $name "* ]] || seen+=("$name")
    done
    after=$(kubectl -n "$NS" get backupschedule e2e-every-minute -o jsonpath='{.status.retention.after}')
    state=$(kubectl -n "$NS" get backupschedule e2e-every-minute -o jsonpath='{.status.retention.state}')
    echo "scheduled backups succeeded: ${seen[*]:-none}; retention after ${after:-none}: ${state:-none}" >&2
    if ((${#seen[@]} >= 2)) && [[ $state == Succeeded && $after == "${seen[-1]}" ]]; then break; fi
    sleep 10
  done
  kubectl -n "$NS" patch backupschedule e2e-every-minute --type merge -p '{"spec":{"suspend":true}}'
  ((${#seen[@]} >= 2)) || fail "fewer than two scheduled backups succeeded"
  [[ $state == Succeeded && $after == "${seen[-1]}" ]] || fail "no retention after ${seen[-1]}"
  kubectl -n "$NS" get backupschedule e2e-every-minute -o jsonpath='{.status.retention}' >&2
  echo >&2
  # keepLast 1: the older backups' CassandraBackups are gone and the bucket lists one backup
  kubectl -n "$NS" get cassandrabackup "${seen[0]}" >/dev/null 2>&1 \
    && fail "${seen[0]} was kept although keepLast is 1"
  local listed
  listed=$(kassette_cli list --json --cluster prod --location s3://backups/kind)
  echo "$listed" >&2
  # the schedule's retention keeps its newest backup and leaves the others' alone
  [[ $listed == *"\"${seen[-1]}\""* ]] || fail "${seen[-1]} is not in the bucket's list"
  [[ $listed != *"\"${seen[0]}\""* ]] || fail "${seen[0]} is still in the bucket's list"
}

# E2E_FUNCTIONS_ONLY=1: define the steps and stop (`source` it to run one step by hand on KEEP=1)
[[ ${E2E_FUNCTIONS_ONLY:-0} == 1 ]] && return 0

for tool in docker go mvn python3 pip gcc; do
  command -v "$tool" >/dev/null || { echo "kind-e2e needs $tool on the PATH" >&2; exit 2; }
done
mkdir -p "$CACHE/kind"
host_state >"$CACHE/kind/host-before.txt"
trap finish EXIT

step "docker engine" start_docker
step "Kubernetes, kind and cluster tools (cached)" tools
step "build (make build)" build
step "images: JRE base, operator, sidecar, Cassandra 5.0.9, s3proxy" bash $HERE/lib/images.sh
step "kind node image $KUBE_VERSION (cached)" node_image
step "kind cluster" create_cluster
step "kind load docker-image" load_images
step "helm install (2 operator replicas)" install_chart
step "S3 server" s3_server
step "Cassandra x3 with the sidecar (examples/)" cassandra
step "write data (2,000 orders, 20 MB of blobs)" write_data
step "CassandraBackup -> Succeeded" first_backup
step "change the data" change_data
step "CassandraRestore -> Succeeded, every row compared" restore
step "sidecar killed mid-upload: succeeds, nothing left over" kill_sidecar_mid_upload
step "leader operator deleted mid-backup: the other finishes" leader_deleted_mid_backup
step "Cassandra pod restarted during a backup" cassandra_restarted_mid_backup
step "BackupSchedule runs twice with retention" schedule_twice_with_retention
