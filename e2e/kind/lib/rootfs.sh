#!/usr/bin/env bash
# rootfs.sh <image> <packages,comma,separated>: a Debian bookworm image made from Debian packages
# with mmdebstrap and `docker import` (no registry needed), once: the tar is cached per image name
# and package list, and the image is not rebuilt while Docker has it.
set -euo pipefail
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
image=$1 packages=$2
shift 2
docker image inspect "$image" >/dev/null 2>&1 && exit 0
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is needed to build $image: apt-get install mmdebstrap" >&2; exit 2; }
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/\?$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian}}
key=$(printf '%s' "$packages" | sha256sum | cut -c1-12)
tar=$CACHE/kind/rootfs/$(echo "$image" | tr '/:' '__')-$key.tar
mkdir -p "$(dirname "$tar")"
if [[ ! -s $tar ]]; then
  t0=$SECONDS
  # docs, man pages and locales are not needed in a container and are a third of the size (the
  # JRE's update-alternatives still wants the man1 directory)
  # shellcheck disable=SC2016 # $1 is the hook's argument, the new root
  mmdebstrap --variant=minbase --include="$packages" --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    bookworm "${tar%.tar}.partial.tar" "$mirror" >&2
  mv -f "${tar%.tar}.partial.tar" "$tar"
  echo "rootfs $image: $((SECONDS - t0)) s, $(du -h "$tar" | cut -f1)" >&2
fi
docker import "$@" "$tar" "$image" >/dev/null
