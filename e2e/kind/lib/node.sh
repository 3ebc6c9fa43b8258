#!/usr/bin/env bash
# Builds a kind node image for Kubernetes $KUBE_VERSION from local parts only, once per version
# (the image stays in Docker, whose data root is in the cache):
#  - Kubernetes binaries from the Go module proxy (tools/kube/build.sh, shared with the tests'
#    real API server), kind, crictl, CoreDNS, local-path-provisioner (go-tools.sh);
#  - the system images kubeadm asks for (pause compiled from Kubernetes' own pause.c), built
#    here and preloaded into kind's base image, which is assembled from Debian packages.
# Prints NODE_IMAGE=<tag>.
set -euo pipefail
cd "$(dirname "$0")/../../.."
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
KUBE_VERSION=${KUBE_VERSION:-v1.35.4}
KIND_VERSION=v0.33.0
HERE=e2e/kind
# a change to how the node is made makes a new image, not a stale cached one
NODE_IMAGE=kassette.local/kind-node:$KUBE_VERSION-$(cat $HERE/lib/node.sh $HERE/node/* | sha256sum | cut -c1-10)
log() { printf '[node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  echo "NODE_IMAGE=$NODE_IMAGE"
  exit 0
fi
t0=$SECONDS
eval "$(KUBE_BINARIES="kube-apiserver kube-controller-manager kubectl kubelet kubeadm kube-scheduler kube-proxy" \
  KUBE_VERSION=$KUBE_VERSION bash tools/kube/build.sh)"
eval "$(bash $HERE/lib/go-tools.sh)"
gomod=$(go env GOMODCACHE)
kindsrc=$gomod/sigs.k8s.io/kind@$KIND_VERSION
[[ -d $kindsrc ]] || (cd /tmp && go mod download "sigs.k8s.io/kind@$KIND_VERSION")

work=$CACHE/kind/build/node-$KUBE_VERSION
rm -rf "$work" && mkdir -p "$work"/{static,proxy,pause,coredns,lpp,base/preload,tarball/kubernetes/server/bin}

net=kassette.local/debian-net:bookworm
bash $HERE/lib/rootfs.sh $net iptables,nftables,conntrack,ipset,kmod,ca-certificates
# Every image kubeadm will ask for, under the name it asks for.
mapfile -t wanted < <("$KUBE_BIN/kubeadm" config images list --kubernetes-version "$KUBE_VERSION" 2>/dev/null)
image_for() { printf '%s\n' "${wanted[@]}" | grep "/$1:" ; }

gcc -Os -Wall -Werror -static -DVERSION="kassette-$KUBE_VERSION" -o "$work/pause/pause" \
  "$gomod/k8s.io/kubernetes@$KUBE_VERSION/build/pause/linux/pause.c"
printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$work/pause/Dockerfile"
# kind makes the node want the sandbox image of its containerd config, not kubeadm's pause
sandbox=$(sed -n 's/^ *sandbox_image = "\(.*\)"$/\1/p' "$kindsrc/images/base/files/etc/containerd/config.toml")
docker build -q -t "$(image_for pause)" -t "${sandbox:?no sandbox_image in the containerd config of kind}" "$work/pause" >/dev/null

cp "$ETCD_BIN/etcd" "$KUBE_BIN"/{kube-apiserver,kube-controller-manager,kube-scheduler} "$work/static/"
# shellcheck disable=SC2016 # ${BIN} is the Dockerfile's
printf 'FROM scratch\nARG BIN\nENV PATH=/usr/local/bin\nCOPY ${BIN} /usr/local/bin/${BIN}\n' >"$work/static/Dockerfile"
for b in kube-apiserver kube-controller-manager kube-scheduler etcd; do
  docker build -q --build-arg BIN=$b -t "$(image_for $b)" "$work/static" >/dev/null
done
# kube-proxy programs iptables/nftables: it needs those tools
cp "$KUBE_BIN/kube-proxy" "$work/proxy/"
printf 'FROM %s\nCOPY kube-proxy /usr/local/bin/kube-proxy\n' "$net" >"$work/proxy/Dockerfile"
docker build -q -t "$(image_for kube-proxy)" "$work/proxy" >/dev/null

cp "$COREDNS" "$work/coredns/coredns"
printf 'FROM scratch\nCOPY coredns /coredns\nEXPOSE 53 53/udp\nENTRYPOINT ["/coredns"]\n' >"$work/coredns/Dockerfile"
docker build -q -t "$(image_for coredns)" "$work/coredns" >/dev/null

# kind's storage class: the provisioner, and a helper image with a shell to make/remove dirs
storage=$(sed -n 's/^const storageProvisionerImage = "\(.*\)"$/\1/p' "$kindsrc/pkg/build/nodeimage/const_storage.go")
helper=$(sed -n 's/^const storageHelperImage = "\(.*\)"$/\1/p' "$kindsrc/pkg/build/nodeimage/const_storage.go")
cp "$LOCAL_PATH_PROVISIONER" "$work/lpp/local-path-provisioner"
printf 'FROM scratch\nENV PATH=/usr/local/bin\nCOPY local-path-provisioner /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/local-path-provisioner"]\n' >"$work/lpp/Dockerfile"
docker build -q -t "$storage" "$work/lpp" >/dev/null
docker tag "$net" "$helper"

for i in "$sandbox" "$(image_for etcd)" "$(image_for coredns)" "$storage" "$helper"; do
  docker save -o "$work/base/preload/$(echo "$i" | tr '/:@' '___').tar" "$i"
done
log "system images: $((SECONDS - t0)) s"

# kind's base image
base=kassette.local/kind-base:$KIND_VERSION-bookworm
bash $HERE/lib/rootfs.sh kassette.local/kind-base-rootfs:bookworm \
  systemd,systemd-sysv,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,fuse-overlayfs,e2fsprogs,bash,ca-certificates,curl,jq,procps,containerd,runc,containernetworking-plugins,socat
cp -r "$kindsrc/images/base/files" "$work/base/files" && chmod -R u+w "$work/base/files"
python3 $HERE/node/patch-kind-files.py "$work/base/files"
cp "$CRICTL" "$work/base/files/usr/local/bin/crictl"
cp $HERE/node/{Dockerfile,ctr-offline,fake-kernel-tunables.sh,kubelet-offline.conf,10-kassette-ptp.conflist} "$work/base/"
docker build -q -t "$base" "$work/base" >/dev/null
log "kind base image: $((SECONDS - t0)) s"

# the layout of kubernetes-server-linux-amd64.tar.gz that `kind build node-image --type file` reads
bin=$work/tarball/kubernetes/server/bin
echo "$KUBE_VERSION" >"$work/tarball/kubernetes/version"
cp "$KUBE_BIN"/{kubeadm,kubelet,kubectl} "$bin/"
for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  docker save -o "$bin/$c.tar" "$(image_for $c)"
  echo "$KUBE_VERSION" >"$bin/$c.docker_tag"
done
tar -C "$work/tarball" -czf "$work/kubernetes-server-linux-amd64.tar.gz" kubernetes
"$KIND" build node-image --type file --base-image "$base" --image "$NODE_IMAGE" \
  "$work/kubernetes-server-linux-amd64.tar.gz" >&2
rm -rf "$work"
log "node image $NODE_IMAGE: $((SECONDS - t0)) s"
echo "NODE_IMAGE=$NODE_IMAGE"
