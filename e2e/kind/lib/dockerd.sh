#!/usr/bin/env bash
# start: use the Docker engine that answers, else start Debian's dockerd with flags that leave
#        the host's firewall, ip_forward and masquerading alone (kind works without them: the
#        node's API server is reached through docker-proxy on 127.0.0.1). Its data root is in the
#        cache, so images built once survive the daemon. Prints STARTED=1 when it started one.
# stop:  stops the dockerd this script started (and its containerd), and removes the docker0
#        bridge it made; nothing else.
set -euo pipefail
CACHE=${KASSETTE_CACHE:-$HOME/.cache/kassette}
RUN=$CACHE/kind/run
PIDFILE=$RUN/dockerd.pid
case "${1:-}" in
  start)
    if docker info >/dev/null 2>&1; then echo STARTED=0; exit 0; fi
    command -v dockerd >/dev/null || {
      echo "no Docker engine answers and dockerd is not installed: apt-get install docker.io" >&2
      exit 2
    }
    [[ $(id -u) == 0 ]] || { echo "starting dockerd needs root" >&2; exit 2; }
    mkdir -p "$RUN" "$CACHE/kind/docker"
    # dockerd makes the docker0 bridge and leaves it when it stops: remove it then if it is ours
    if ip link show docker0 >/dev/null 2>&1; then rm -f "$RUN/docker0.ours"; else touch "$RUN/docker0.ours"; fi
    nohup dockerd --data-root "$CACHE/kind/docker" --exec-root /run/kassette-docker \
      --pidfile "$PIDFILE" --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs \
      --iptables=false --ip-forward=false --ip-masq=false >"$RUN/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && { echo STARTED=1; exit 0; }
      sleep 1
    done
    echo "dockerd did not answer in 60 s; see $RUN/dockerd.log" >&2
    bash "$0" stop
    exit 1
    ;;
  stop)
    [[ -f $PIDFILE ]] || exit 0
    pid=$(cat "$PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$PIDFILE"
    if [[ -f $RUN/docker0.ours ]]; then
      ip link delete docker0 2>/dev/null || true
      rm -f "$RUN/docker0.ours"
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
