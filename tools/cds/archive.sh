#!/usr/bin/env bash
# Makes the class-data sharing (CDS) archive of a Kassette jar from sidecar/cds/kassette.classlist
# (make cds-classlist records it): a JVM started with -XX:SharedArchiveFile=ARCHIVE maps those
# classes instead of reading, verifying and linking them from the jar: a third off an unchanged S3
# re-run, about a tenth off a file:// one (docs/performance.md). The image makes its own
# (docker/sidecar.Dockerfile).
#
#   tools/cds/archive.sh JAR [ARCHIVE]     ARCHIVE defaults to the jar's path ending in .jsa
#
# An archive belongs to one jar at one path and to the java that made it: a JVM given an archive
# that does not match its jar (a jar rebuilt since) starts without any class sharing, the JDK's
# own included, and so somewhat slower than with no archive named. Run this again after a build;
# `make build` does. The archive is checked here with -Xshare:on, which fails when it is unusable.
set -euo pipefail
jar=$(realpath "$1")
out=${2:-${jar%.jar}.jsa}
list=$(dirname "$(realpath "$0")")/../../sidecar/cds/kassette.classlist
log=$(mktemp)
trap 'rm -f "$log" "$out.tmp"' EXIT
# Classes the list names that the jar no longer has are skipped, with a warning each: quiet unless
# the dump fails.
if ! java -Xshare:dump -XX:+UseSerialGC -XX:SharedClassListFile="$list" \
  -XX:SharedArchiveFile="$out.tmp" -cp "$jar" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
if ! java -Xshare:on -XX:+UseSerialGC -XX:SharedArchiveFile="$out.tmp" -cp "$jar" \
  io.kassette.cli.KassetteCli --version >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
mv "$out.tmp" "$out"
