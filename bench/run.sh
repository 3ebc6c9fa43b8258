#!/usr/bin/env bash
# make bench: Kassette vs esop 3.0.1 on a real Cassandra node (see bench/src/.../BackupBenchmark.java).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BENCH_WORK:-$PWD/.bench}
mkdir -p "$WORK"
ESOP="$WORK/esop-3.0.1.jar"
if [ ! -f "$ESOP" ]; then
  mvn -B -q dependency:copy -Dartifact=com.instaclustr:esop:3.0.1 -DoutputDirectory="$WORK" >/dev/null
fi
CP_FILE="$WORK/bench.classpath"
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
exec java -Xmx2g -cp "bench/target/classes:$(cat "$CP_FILE")" \
  -Dkassette.cassandra.lib="$PWD/cassandra-dist/target/cassandra-lib" \
  io.kassette.bench.BackupBenchmark "$WORK/run" "$PWD/sidecar/target/kassette-sidecar.jar" "$ESOP"
