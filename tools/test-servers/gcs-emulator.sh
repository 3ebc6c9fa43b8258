#!/usr/bin/env bash
# Installs gcp-storage-emulator (PyPI; a Python emulator of the Google Cloud Storage JSON API whose
# resumable sessions answer a status query with what they hold, as GCS does) into a virtualenv,
# once per version:
#   ${KASSETTE_CACHE:-~/.cache/kassette}/gcp-storage-emulator/<version>/bin/gcp-storage-emulator
# and prints that path. fake-gcs-server, the other GCS test server, completes the object on a
# status query and appends a chunk sent again, so an upload resumed across processes cannot be
# tested against it. A cached install is never redone; a cold one takes seconds.
set -euo pipefail

VERSION=${GCS_EMULATOR_VERSION:-2026.7.19}
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
DIR=$CACHE/gcp-storage-emulator/$VERSION
mkdir -p "$DIR"

exec 9>"$DIR.lock"
flock 9
# The console script appears only when pip installed the package whole.
if [[ ! -x $DIR/bin/gcp-storage-emulator ]]; then
  echo "[gcs-emulator] installing gcp-storage-emulator==$VERSION from PyPI" >&2
  rm -rf "$DIR"
  python3 -m venv "$DIR"
  "$DIR/bin/pip" install -q --disable-pip-version-check "gcp-storage-emulator==$VERSION" >&2
fi
echo "$DIR/bin/gcp-storage-emulator"
