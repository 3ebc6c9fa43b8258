#!/bin/sh
# kubelet writes vm.overcommit_memory=1, kernel.panic=10 and kernel.panic_on_oops=1 (and checks a
# few more) when they differ. Those sysctls are host-global, not per container: the node would
# change the host. Show kubelet read-only files with the values it wants, so it writes nothing.
set -eu
mkdir -p /run/kind-fake-sysctl
for kv in vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
          kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
  k=${kv%=*}; v=${kv#*=}; f=/run/kind-fake-sysctl/$(echo "$k" | tr / _)
  if [ "$(cat "/proc/sys/$k")" != "$v" ] && ! grep -q " /proc/sys/$k " /proc/self/mountinfo; then
    echo "$v" > "$f"; mount --bind "$f" "/proc/sys/$k"; mount -o remount,bind,ro "/proc/sys/$k"
  fi
done
