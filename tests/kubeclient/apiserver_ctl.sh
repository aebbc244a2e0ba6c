#!/usr/bin/env bash
# What the kube client's cluster test does to the control plane of tests/cluster/control_plane.sh
# from inside the test binary, without editing that fixture:
#   apiserver_ctl.sh restart WORKDIR   stops kube-apiserver (SIGTERM to its process group,
#                                      SIGKILL after 2 s: it drains for 10 s otherwise) and
#                                      starts it again with the same command line (same port),
#                                      then waits for /readyz
#   apiserver_ctl.sh compact WORKDIR   compacts etcd to its current revision through etcd's
#                                      JSON gateway (there is no etcdctl): every older
#                                      resourceVersion is gone from etcd
#   apiserver_ctl.sh revision WORKDIR  prints etcd's current revision
set -euo pipefail

cmd="${1:?usage: apiserver_ctl.sh restart|compact|revision WORKDIR}"
CP_WORKDIR="$(cd "${2:?WORKDIR}" && pwd)"
export CP_WORKDIR
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../cluster/control_plane.sh
source "$HERE/../cluster/control_plane.sh"

env_value() { sed -n "s/^$1=//p" "$CP_WORKDIR/cp.env" | tail -n 1; }

etcd_revision() {
  curl -sf -X POST "$(env_value CP_ETCD_URL)/v3/kv/range" -d '{"key":"AA=="}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["header"]["revision"])'
}

case "$cmd" in
  revision) etcd_revision ;;
  compact)
    rev=$(etcd_revision)
    curl -sf -X POST "$(env_value CP_ETCD_URL)/v3/kv/compaction" \
      -d "{\"revision\":\"$rev\",\"physical\":true}" >/dev/null
    echo "$rev"
    ;;
  restart)
    pgid=$(env_value CP_PGID_apiserver)
    [[ -n "$pgid" && -r "/proc/$pgid/cmdline" ]] || { echo "no kube-apiserver running" >&2; exit 1; }
    mapfile -d '' argv <"/proc/$pgid/cmdline"
    url=$(env_value CP_APISERVER_URL)
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do _cp_alive "$pgid" || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do _cp_alive "$pgid" || break; sleep 0.1; done
    # Start it again with the same arguments; the log is appended to, the new process group
    # id recorded in cp.env (cp_stop reads the last one).
    cp "$CP_WORKDIR/apiserver.log" "$CP_WORKDIR/apiserver.before-restart.log"
    _cp_spawn apiserver "$CP_WORKDIR/apiserver.log" "${argv[@]}"
    d="$CP_WORKDIR/pki"
    deadline=$(($(now_ms) + 60000))
    # shellcheck disable=SC2154  # set by _cp_spawn (printf -v CP_PGID_<name>)
    CP_READY_TIMEOUT=60 _cp_wait_url apiserver "$CP_PGID_apiserver" "$deadline" "$url/readyz" \
      --cacert "$d/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key"
    ;;
  *) echo "usage: apiserver_ctl.sh restart|compact|revision WORKDIR" >&2; exit 2 ;;
esac
