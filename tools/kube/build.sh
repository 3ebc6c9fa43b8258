#!/usr/bin/env bash
# Builds the real Kubernetes control plane the operator is tested on (etcd, kube-apiserver,
# kube-controller-manager, kubectl) and the helm CLI from the Go module proxy, once per version,
# into the cache outside the repository:
#
#   ${KASSETTE_CACHE:-~/.cache/kassette}/kube/<kube version>/bin/{kube-apiserver,kube-controller-manager,kubectl}
#   ${KASSETTE_CACHE:-~/.cache/kassette}/etcd/<etcd version>/bin/etcd
#   ${KASSETTE_CACHE:-~/.cache/kassette}/helm/<helm version>/bin/helm
#
# A binary already in the cache is never rebuilt. Prints the directory of each as KEY=path lines on
# stdout (progress goes to stderr). A cold build takes ~20 minutes on 2 cores and ~11 GB of Go caches.
# On a machine that can download envtest binaries, point KASSETTE_KUBE_BIN at a directory holding
# kube-apiserver, etcd and kubectl (and KASSETTE_HELM at a helm binary) instead; nothing is built then.
set -euo pipefail

KUBE_VERSION=${KUBE_VERSION:-v1.35.4}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
HELM_VERSION=${HELM_VERSION:-v3.22.0}
# The kind node (e2e/kind) also needs kubelet, kubeadm, kube-scheduler and kube-proxy.
KUBE_BINARIES=${KUBE_BINARIES:-kube-apiserver kube-controller-manager kubectl}
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}

KUBE_BIN=$CACHE/kube/$KUBE_VERSION/bin
ETCD_BIN=$CACHE/etcd/$ETCD_VERSION/bin
HELM_BIN=$CACHE/helm/$HELM_VERSION/bin
WORKDIR=$CACHE/build

log() { printf '[kube-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

need_go() {
  command -v go >/dev/null 2>&1 || {
    echo "Go is needed to build the Kubernetes control plane (no cached binaries in $CACHE)." >&2
    echo "Install Go >= 1.25, or set KASSETTE_KUBE_BIN to a directory with kube-apiserver, etcd, kubectl." >&2
    exit 2
  }
}

# Builds land in a temporary name and are renamed into place: an interrupted build leaves no
# half-written binary that a later run would take as cached.
install_bin() { # <built file> <target>
  mkdir -p "$(dirname "$2")"
  mv -f "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}

build_kube() {
  local missing=()
  for b in $KUBE_BINARIES; do
    [[ -x $KUBE_BIN/$b ]] || missing+=("$b")
  done
  ((${#missing[@]} == 0)) && return 0
  need_go
  log "building ${missing[*]} $KUBE_VERSION from the Go module proxy (cold: ~12 min on 2 cores)"
  local src=$WORKDIR/kube-$KUBE_VERSION
  mkdir -p "$src"
  (
    cd "$src"
    go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
    local modfile
    modfile=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod
    # k8s.io/kubernetes replaces its k8s.io/* staging modules with ./staging at v0.0.0; a main
    # module that replaces each by its published v0.x release builds it from the proxy.
    local staging=v0.${KUBE_VERSION#v1.}
    {
      printf 'module local/kube\n\ngo 1.25.0\n\ngodebug default=go1.25\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$KUBE_VERSION"
      grep '=> ./staging' "$modfile" | awk -v v="$staging" '{print "\t"$1" => "$1" "v}'
      echo ')'
    } >go.mod
    {
      printf '//go:build tools\n\npackage tools\n\nimport (\n'
      for b in $KUBE_BINARIES; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
      printf ')\n'
    } >tools.go
    go mod tidy >/dev/null 2>&1 || go mod tidy
    local minor=${KUBE_VERSION#v1.}
    minor=${minor%%.*}
    local ld="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ld="$ld -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    done
    for b in "${missing[@]}"; do
      local t0=$SECONDS
      CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "bin/$b" "k8s.io/kubernetes/cmd/$b"
      install_bin "bin/$b" "$KUBE_BIN/$b"
      log "$b built in $((SECONDS - t0)) s"
    done
  )
}

build_etcd() {
  [[ -x $ETCD_BIN/etcd ]] && return 0
  need_go
  log "building etcd $ETCD_VERSION from the Go module proxy (cold: ~2 min)"
  local src=$WORKDIR/etcd-$ETCD_VERSION
  mkdir -p "$src"
  (
    cd "$src"
    printf 'module local/etcd\n\ngo 1.25.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >go.mod
    cat >main.go <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
    go mod tidy >/dev/null 2>&1 || go mod tidy
    local t0=$SECONDS
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o bin/etcd .
    install_bin bin/etcd "$ETCD_BIN/etcd"
    log "etcd built in $((SECONDS - t0)) s"
  )
}

build_helm() {
  [[ -x $HELM_BIN/helm ]] && return 0
  need_go
  log "building helm $HELM_VERSION from the Go module proxy (cold: ~4 min)"
  local gobin=$WORKDIR/helm-$HELM_VERSION
  mkdir -p "$gobin"
  local t0=$SECONDS
  GOBIN=$gobin CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  install_bin "$gobin/helm" "$HELM_BIN/helm"
  log "helm built in $((SECONDS - t0)) s"
}

# One build at a time: a second caller (a test that needs the binaries while .ci/run still builds
# them in the background) waits here, then finds everything cached.
mkdir -p "$CACHE"
exec 9>"$CACHE/build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for it"
  flock 9
fi

if [[ -n ${KASSETTE_KUBE_BIN:-} ]]; then
  KUBE_BIN=$KASSETTE_KUBE_BIN
  ETCD_BIN=$KASSETTE_KUBE_BIN
else
  build_etcd
  build_kube
fi
if [[ -n ${KASSETTE_HELM:-} ]]; then
  HELM_BIN=$(dirname "$KASSETTE_HELM")
else
  build_helm
fi

echo "KUBE_BIN=$KUBE_BIN"
echo "ETCD_BIN=$ETCD_BIN"
echo "HELM_BIN=$HELM_BIN"
