#!/usr/bin/env bash
# Builds fake-gcs-server (github.com/fsouza/fake-gcs-server, an HTTP emulator of the Google Cloud
# Storage JSON API with resumable uploads) from the Go module proxy, once per version, into
#   ${KASSETTE_CACHE:-~/.cache/kassette}/fake-gcs-server/<version>/bin/fake-gcs-server
# and prints that path. A cached binary is never rebuilt; a cold build takes a few minutes.
set -euo pipefail

VERSION=${FAKE_GCS_VERSION:-v1.56.1}
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
BIN=$CACHE/fake-gcs-server/$VERSION/bin
mkdir -p "$BIN"

exec 9>"$BIN/../build.lock"
flock 9
if [[ ! -x $BIN/fake-gcs-server ]]; then
  command -v go >/dev/null 2>&1 || {
    echo "Go is needed to build fake-gcs-server $VERSION (none cached in $BIN)" >&2
    exit 2
  }
  echo "[fake-gcs] building fake-gcs-server $VERSION from the Go module proxy" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false go install "github.com/fsouza/fake-gcs-server@$VERSION")
  # Renamed into place: an interrupted build leaves nothing a later run would take as cached.
  mv -f "$tmp/bin/fake-gcs-server" "$BIN/fake-gcs-server.tmp.$$"
  mv -f "$BIN/fake-gcs-server.tmp.$$" "$BIN/fake-gcs-server"
fi
echo "$BIN/fake-gcs-server"
