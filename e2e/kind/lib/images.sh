#!/usr/bin/env bash
# Builds every image the kind e2e runs, with no registry: Debian bases from packages (rootfs.sh),
# the operator and sidecar from docker/*.Dockerfile on that base (the tags the chart and the
# examples use), Cassandra 5.0.9 from its Maven jars, and s3proxy as the S3 server.
# Needs `make build` first (the jars). Prints nothing on stdout.
set -euo pipefail
cd "$(dirname "$0")/../../.."
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
HERE=e2e/kind
VERSION=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' helm/kassette/Chart.yaml)
CQLSH_VERSION=6.2.2
log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

JRE=kassette.local/jre17:bookworm
CASSANDRA_BASE=kassette.local/cassandra-base:bookworm
java_env=(-c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]')
bash $HERE/lib/rootfs.sh $JRE openjdk-17-jre-headless,ca-certificates "${java_env[@]}"
# cqlsh needs python3; procps gives ps/top to whoever debugs a node
bash $HERE/lib/rootfs.sh $CASSANDRA_BASE openjdk-17-jre-headless,python3,procps "${java_env[@]}"

build() { # <tag> <dockerfile> <context> [build args...]
  local tag=$1 file=$2 ctx=$3 t0=$SECONDS
  shift 3
  local out
  # its output only when it fails (the legacy builder's deprecation notice otherwise)
  if ! out=$(docker build -q --build-arg "BASE_IMAGE=$JRE" "$@" -f "$file" -t "$tag" "$ctx" 2>&1); then
    echo "$out" >&2
    return 1
  fi
  log "$tag: $((SECONDS - t0)) s, $(docker image inspect -f '{{.Size}}' "$tag" | numfmt --to=iec)"
}

for jar in operator/target/kassette-operator.jar sidecar/target/kassette-sidecar.jar cassandra-dist/target/cassandra-lib; do
  [[ -e $jar ]] || { echo "$jar is missing: run make build first" >&2; exit 2; }
done
build "ghcr.io/kassette/kassette-operator:$VERSION" docker/operator.Dockerfile .
build "ghcr.io/kassette/kassette-sidecar:$VERSION" docker/sidecar.Dockerfile .

# Cassandra: the image's files, the jars the tests run, and cqlsh with its dependencies as
# wheels for the base's Python 3.11 (installed here: the build has no network).
ctx=$CACHE/kind/build/cassandra
rm -rf "$ctx" && mkdir -p "$ctx"
cp -r $HERE/images/cassandra/. "$ctx/"
cp -r cassandra-dist/target/cassandra-lib "$ctx/lib"
cqlsh=$CACHE/kind/cqlsh-$CQLSH_VERSION
if [[ ! -d $cqlsh ]]; then
  pip install -q --target "$cqlsh.partial" --only-binary=:all: --python-version 3.11 \
    --implementation cp --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
    "cqlsh==$CQLSH_VERSION" >&2
  mv "$cqlsh.partial" "$cqlsh"
fi
cp -r "$cqlsh" "$ctx/cqlsh"
build kassette.local/cassandra:5.0.9 "$ctx/Dockerfile" "$ctx" --build-arg "BASE_IMAGE=$CASSANDRA_BASE"

ctx=$CACHE/kind/build/s3proxy
rm -rf "$ctx" && mkdir -p "$ctx"
mvn -q -o -f $HERE/images/s3proxy/pom.xml package 2>/dev/null || mvn -q -f $HERE/images/s3proxy/pom.xml package
cp $HERE/images/s3proxy/{Dockerfile,s3proxy.sh} "$ctx/"
cp -r $HERE/images/s3proxy/target/lib "$ctx/lib"
build kassette.local/s3proxy:4.1.0 "$ctx/Dockerfile" "$ctx"
