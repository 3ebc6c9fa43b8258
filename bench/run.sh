#!/usr/bin/env bash
# make bench: Kassette, cassandra-medusa 0.31.0, esop 3.0.1 and the copy floors (cp -r, aws s3 cp)
# on one real Cassandra node (see bench/src/.../BackupBenchmark.java).
# bench/run.sh scale: the scale figures (20,000+ SSTable files, 1,000+ backups; ScaleBenchmark.java).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BENCH_WORK:-$PWD/.bench}
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}/bench
MEDUSA_VERSION=0.31.0
AWSCLI_VERSION=1.46.3
mkdir -p "$WORK" "$CACHE"
ESOP="$WORK/esop-3.0.1.jar"
if [ ! -f "$ESOP" ]; then
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
venv "$CACHE/medusa-$MEDUSA_VERSION" "cassandra-medusa==$MEDUSA_VERSION"
venv "$CACHE/awscli-$AWSCLI_VERSION" "awscli==$AWSCLI_VERSION"
CP_FILE="$WORK/bench.classpath"
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
if [ "${1:-}" = scale ]; then
  exec java -Xmx2g -cp "bench/target/classes:$(cat "$CP_FILE")" \
    -Dkassette.cassandra.lib="$PWD/cassandra-dist/target/cassandra-lib" \
    io.kassette.bench.ScaleBenchmark "$WORK/scale" "$PWD/sidecar/target/kassette-sidecar.jar" \
    "$CACHE/awscli-$AWSCLI_VERSION/bin/aws"
fi
exec java -Xmx2g -cp "bench/target/classes:$(cat "$CP_FILE")" \
  -Dkassette.cassandra.lib="$PWD/cassandra-dist/target/cassandra-lib" \
  io.kassette.bench.BackupBenchmark "$WORK/run" "$PWD/sidecar/target/kassette-sidecar.jar" "$ESOP" \
  "$CACHE/medusa-$MEDUSA_VERSION/bin/medusa" "$CACHE/awscli-$AWSCLI_VERSION/bin/aws"
