#!/usr/bin/env bash
# make bench: Kassette, cassandra-medusa 0.31.0, esop 3.0.1 and the copy floors (cp -r, aws s3 cp)
# on one real Cassandra node (see bench/src/.../BackupBenchmark.java).
# bench/run.sh scale: the scale figures (20,000+ SSTable files, 1,000+ backups; ScaleBenchmark.java).
# bench/run.sh classlist: records sidecar/cds/kassette.classlist (ClassListRecorder.java).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BENCH_WORK:-$PWD/.bench}
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}/bench
MEDUSA_VERSION=0.31.0
AWSCLI_VERSION=1.46.3
# SeaweedFS (Apache-2.0), the second S3 server: a pseudo-version the Go module proxy serves.
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6
mkdir -p "$WORK" "$CACHE"
ESOP="$WORK/esop-3.0.1.jar"
if [ ! -f "$ESOP" ] && [ "${1:-}" != classlist ]; then
  mvn -B -q dependency:copy -Dartifact=com.instaclustr:esop:3.0.1 -DoutputDirectory="$WORK" >/dev/null
fi
# Each Python tool in a virtualenv of its own (their botocore pins differ), cached per version.
venv() {
  local dir=$1 package=$2
  if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/pip" show -q "${package%%==*}" >/dev/null 2>&1; then
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$package"
  fi
}
if [ "${1:-}" != classlist ]; then
  venv "$CACHE/medusa-$MEDUSA_VERSION" "cassandra-medusa==$MEDUSA_VERSION"
  venv "$CACHE/awscli-$AWSCLI_VERSION" "awscli==$AWSCLI_VERSION"
fi
# Its module has replace directives, so `go install pkg@version` refuses it: build in a copy of
# the module (about 5 min and 230 MB the first time; cached per version). BENCH_SEAWEEDFS=0 skips.
WEED="$CACHE/seaweedfs-$SEAWEEDFS_VERSION/weed"
if [ "${BENCH_SEAWEEDFS:-1}" != 0 ] && [ -z "${1:-}" ] && [ ! -x "$WEED" ]; then
  echo "building SeaweedFS $SEAWEEDFS_VERSION (once) ..."
  src=$(GOFLAGS=-mod=mod go mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  mkdir -p "$(dirname "$WEED")"
  if (cd "$tmp/src" && GOFLAGS=-mod=mod go build -o "$WEED.tmp" ./weed); then
    mv "$WEED.tmp" "$WEED"
  else
    echo "SeaweedFS did not build: its rows are left out" >&2
  fi
  rm -rf "$tmp"
fi
[ "${BENCH_SEAWEEDFS:-1}" != 0 ] && [ -x "$WEED" ] || WEED=
CP_FILE="$WORK/bench.classpath"
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
if [ "${1:-}" = classlist ]; then
  exec java -Xmx1g -cp "bench/target/classes:$(cat "$CP_FILE")" \
    -Dkassette.cassandra.lib="$PWD/cassandra-dist/target/cassandra-lib" \
    io.kassette.bench.ClassListRecorder "$WORK/classlist" "$PWD/sidecar/target/kassette-sidecar.jar" \
    sidecar/cds/kassette.classlist
fi
# Kassette runs as in its image: with a class-data sharing archive of its jar.
CDS="$WORK/kassette-sidecar.jsa"
bash tools/cds/archive.sh "$PWD/sidecar/target/kassette-sidecar.jar" "$CDS"
# Each benchmark's work dir keeps its node and stores for a look afterwards (35 GiB after make bench,
# 18 GiB after make bench-scale); the other one needs that disk: the 8 GiB SSTable is on the node,
# in the file:// store and twice in s3proxy's while it concatenates the parts. Only a directory
# the benchmarks marked as theirs is removed (BENCH_WORK may point anywhere).
clear_work() {
  if [ -e "$1/.kassette-bench" ]; then rm -rf "$1"; fi
}
if [ "${1:-}" = scale ]; then
  clear_work "$WORK/run"
  clear_work "$WORK/scale"
  need=$(awk -v g="${SCALE_BIG_GIB:-8}" 'BEGIN { printf "%d", g * 4 + 8.999 }')
  free=$(df -P -BG "$WORK" | awk 'NR == 2 { sub("G", "", $4); print $4 }')
  if [ "${free:-0}" -lt "$need" ]; then
    echo "warning: ${free:-?} GiB free under $WORK, the scale figures need about $need" >&2
  fi
  exec java -Xmx2g -cp "bench/target/classes:$(cat "$CP_FILE")" \
    -Dkassette.cassandra.lib="$PWD/cassandra-dist/target/cassandra-lib" -Dkassette.cds="$CDS" \
    io.kassette.bench.ScaleBenchmark "$WORK/scale" "$PWD/sidecar/target/kassette-sidecar.jar" \
    "$CACHE/awscli-$AWSCLI_VERSION/bin/aws"
fi
clear_work "$WORK/scale"
exec java -Xmx2g -cp "bench/target/classes:$(cat "$CP_FILE")" \
  -Dkassette.cassandra.lib="$PWD/cassandra-dist/target/cassandra-lib" -Dkassette.cds="$CDS" \
  io.kassette.bench.BackupBenchmark "$WORK/run" "$PWD/sidecar/target/kassette-sidecar.jar" "$ESOP" \
  "$CACHE/medusa-$MEDUSA_VERSION/bin/medusa" "$CACHE/awscli-$AWSCLI_VERSION/bin/aws" ${WEED:+"$WEED"}
