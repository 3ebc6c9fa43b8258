#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator, npm package "azurite") from the npm registry, once
# per version, into
#   ${KASSETTE_CACHE:-~/.cache/kassette}/azurite/<version>/node_modules/.bin/azurite-blob
# and prints that path. A cached install is never redone; a cold one takes about a minute.
set -euo pipefail

VERSION=${AZURITE_VERSION:-3.37.0}
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
DIR=$CACHE/azurite/$VERSION
BIN=$DIR/node_modules/.bin/azurite-blob
mkdir -p "$DIR"

exec 9>"$DIR/install.lock"
flock 9
if [[ ! -x $BIN ]]; then
  command -v npm >/dev/null 2>&1 || {
    echo "Node.js and npm are needed to install Azurite $VERSION (none cached in $DIR)" >&2
    exit 2
  }
  echo "[azurite] installing azurite@$VERSION from the npm registry" >&2
  tmp=$(mktemp -d "$DIR/tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  npm install --no-audit --no-fund --loglevel=error --prefix "$tmp" "azurite@$VERSION" >&2
  # Moved into place whole: an interrupted install leaves nothing a later run would take as done.
  rm -rf "$DIR/node_modules"
  mv "$tmp/node_modules" "$DIR/node_modules"
fi
echo "$BIN"
