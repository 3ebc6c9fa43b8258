"""Adapts kind's base-image files (a copy, in the build context) to this kind of VM.

- The node runs without --privileged when the host lacks CAP_SYS_RESOURCE (see ../shim/docker),
  and docker then mounts the cgroup v1 hierarchies read-only: the entrypoint remounts them
  read-write, as --privileged would (per-mount flag only; the hierarchies are the node's own).
- Nothing in such a node may lower oom_score_adj: containerd must not try (as kind does rootless).
"""
import pathlib
import sys

files = pathlib.Path(sys.argv[1])
entrypoint = files / "usr/local/bin/entrypoint"
text = entrypoint.read_text()
function = '''
remount_cgroups_rw() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then return; fi
  mount -o remount,rw /sys/fs/cgroup
  local m
  for m in $(awk '$2 ~ "^/sys/fs/cgroup/" {print $2}' /proc/self/mounts); do
    mount -o remount,bind,rw "$m"
  done
  log_info 'remounted the cgroup v1 hierarchies read-write'
}

# validate state
'''
assert text.count("\n# validate state\n") == 1, "kind's entrypoint changed: no '# validate state'"
text = text.replace("\n# validate state\n", function, 1)
assert text.count("\nfix_cgroup\n") == 1, "kind's entrypoint changed: no 'fix_cgroup' call"
text = text.replace("\nfix_cgroup\n", "\nremount_cgroups_rw\nfix_cgroup\n", 1)
entrypoint.write_text(text)

config = files / "etc/containerd/config.toml"
text = config.read_text()
assert "restrict_oom_score_adj = false" in text, "kind's containerd config changed"
config.write_text(text.replace("restrict_oom_score_adj = false", "restrict_oom_score_adj = true"))
