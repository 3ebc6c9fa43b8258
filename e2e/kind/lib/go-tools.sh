#!/usr/bin/env bash
# Builds the Go programs a kind cluster needs here, from the Go module proxy, once per version:
#   ${KASSETTE_CACHE:-~/.cache/kassette}/kind/tools/<name>-<version>
# kind itself, crictl (baked into the kind base image), CoreDNS and local-path-provisioner (the
# cluster's DNS and storage: no registry is reachable to pull their images). Prints NAME=path lines.
set -euo pipefail
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
TOOLS=$CACHE/kind/tools
declare -A MODULES=(
  [kind]=sigs.k8s.io/kind@v0.33.0
  [crictl]=sigs.k8s.io/cri-tools/cmd/crictl@v1.34.0
  [coredns]=github.com/coredns/coredns@v1.13.1
  [local-path-provisioner]=github.com/rancher/local-path-provisioner@v0.0.30
)
log() { printf '[go-tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$TOOLS"
exec 9>"$CACHE/build.lock"
flock 9
for name in kind crictl coredns local-path-provisioner; do
  mod=${MODULES[$name]}
  target=$TOOLS/$name-${mod##*@}
  if [[ ! -x $target ]]; then
    command -v go >/dev/null || { echo "Go is needed to build $mod (not cached in $TOOLS)" >&2; exit 2; }
    log "building $mod (cold: 1-5 min each)"
    t0=$SECONDS
    gobin=$(mktemp -d "$TOOLS/.gobin.XXXX")
    GOBIN=$gobin CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$mod"
    mv -f "$gobin/$(basename "${mod%@*}")" "$target.tmp" && mv -f "$target.tmp" "$target"
    rm -rf "$gobin"
    log "$name built in $((SECONDS - t0)) s"
  fi
  var=${name//-/_}
  echo "${var^^}=$target"
done
