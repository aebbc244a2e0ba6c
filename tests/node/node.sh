#!/usr/bin/env bash
# A real single-node Kubernetes cluster for tests, inside a network namespace of its own:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd + runc, kubelet,
# kube-proxy (iptables) and CoreDNS, all v1.36.3 programs from scripts/k8s-tools.sh and
# scripts/node-tools.sh. Pods get a bridge network (Debian's CNI plugins); ClusterIP Services
# and Service names work. Nothing touches the machine's own network: every process runs with
# `nsenter --net` in the namespace, every iptables rule lives there. See docs/node-tests.md.
#
# Sourced (test fixtures):
#   source tests/node/node.sh
#   node_start WORKDIR   # sets KUBECONFIG, NODE_BIN, NODE_NETNS, NODE_CTR_ADDRESS, ...
#   node_run CMD...      # runs CMD in the node's network namespace (kubectl, helm, curl)
#   node_ctr ARGS...     # ctr -n k8s.io against the node's containerd
#   node_stop            # stops everything, unmounts, removes cgroups and the namespace, then
#                        # checks that nothing is left (returns 1 and lists it otherwise)
#
# Standalone:
#   tests/node/node.sh up DIR       # starts it and returns (prints `export` lines)
#   tests/node/node.sh down DIR     # tears down what `up DIR` started, checks nothing is left
#   tests/node/node.sh check        # whether this machine can run it (root, netns, cgroups)
#
# Environment:
#   NODE_NETNS          namespace name (default nauthera-node; one node per machine)
#   NODE_READY_TIMEOUT  seconds for each component (default 120)
#   NODE_WATCHDOG=0     no watchdog (by default the node is torn down within a second when
#                       the shell that sourced this file dies without node_stop)
#
# Addresses inside the namespace (fixed: the namespace has its own port space):
#   node       10.201.0.1 (veth node0; kube-apiserver :6443, CoreDNS :53, kubelet :10250)
#   pods       10.244.0.0/24 on bridge cni0 (gateway 10.244.0.1)
#   services   10.96.0.0/24 (kubernetes 10.96.0.1)
# Timing is printed on stderr and kept in NODE_SETUP_MS / WORKDIR/node.times.

_NODE_SELF="${BASH_SOURCE[0]}"
_NODE_ROOT="$(cd "$(dirname "$_NODE_SELF")/../.." && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "$_NODE_ROOT/scripts/lib/common.sh"

NODE_NETNS="${NODE_NETNS:-nauthera-node}"
NODE_IP=10.201.0.1
NODE_POD_CIDR=10.244.0.0/24
NODE_SERVICE_CIDR=10.96.0.0/24
NODE_NAME=nauthera-node
# The kubelet's cgroup root: every pod cgroup lives below it in each hierarchy, so teardown
# removes exactly what the node made.
NODE_CGROUP_ROOT=/nauthera-node

_node_log() { echo "node: $*" >&2; }
_node_secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# node_check: prints why this machine cannot run the node (and returns 1), or nothing.
node_check() {
  local why=()
  [[ $(id -u) -eq 0 ]] || why+=("not root (containerd, kubelet and network namespaces need root)")
  command -v ip >/dev/null && command -v nsenter >/dev/null || why+=("ip/nsenter missing (iproute2, util-linux)")
  [[ -d /sys/fs/cgroup ]] || why+=("no /sys/fs/cgroup")
  local p
  for p in containerd containerd-shim-runc-v2 runc ctr iptables; do
    command -v "$p" >/dev/null || why+=("$p missing (scripts/node-tools.sh installs Debian's)")
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] ||
    why+=("CNI plugins missing in /usr/lib/cni (containernetworking-plugins)")
  if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null; then
    if ip netns add nauthera-probe-$$ 2>/dev/null; then
      ip netns delete nauthera-probe-$$
    else
      why+=("cannot create a network namespace (ip netns add)")
    fi
  fi
  ((${#why[@]} == 0)) && return 0
  printf '%s\n' "${why[@]}"
  return 1
}

node_run() { nsenter --net="/run/netns/$NODE_NETNS" -- "$@"; }
node_ctr() { ctr --address "$NODE_CTR_ADDRESS" -n k8s.io "$@"; }

# _node_spawn NAME CMD...: CMD in the namespace, in a session of its own (its pid = its
# process group id), logging to WORKDIR/NAME.log; records NODE_PGID_<NAME> in node.env.
_node_spawn() {
  local name=$1; shift
  local pidfile="$NODE_WORKDIR/$name.pid" i
  rm -f "$pidfile"
  setsid nsenter --net="/run/netns/$NODE_NETNS" -- bash -c 'echo $$ > "$0"; exec "$@"' \
    "$pidfile" "$@" </dev/null >>"$NODE_WORKDIR/$name.log" 2>&1 &
  for ((i = 0; i < 300; i++)); do [[ -s "$pidfile" ]] && break; sleep 0.01; done
  [[ -s "$pidfile" ]] || { _node_log "could not start $name"; return 1; }
  printf -v "NODE_PGID_${name//-/_}" '%s' "$(cat "$pidfile")"
  echo "$name=$(cat "$pidfile")" >>"$NODE_WORKDIR/node.env"
}
_node_alive() { [[ -n "${1:-}" ]] && ps -o stat= -s "$1" 2>/dev/null | grep -qv '^Z'; }

# _node_wait NAME TIMEOUT_S CMD...: polls CMD until it succeeds; fails early (with the log)
# when NAME's process group is gone.
_node_wait() {
  local name=$1 timeout_s=$2 var deadline; shift 2
  var="NODE_PGID_${name//-/_}"
  deadline=$(($(now_ms) + timeout_s * 1000))
  until "$@" >/dev/null 2>&1; do
    if ! _node_alive "${!var}"; then
      _node_log "$name exited before it was ready; last lines of $NODE_WORKDIR/$name.log:"
      tail -n 25 "$NODE_WORKDIR/$name.log" >&2; return 1
    fi
    if (($(now_ms) > deadline)); then
      _node_log "$name not ready within ${timeout_s}s; last lines of $NODE_WORKDIR/$name.log:"
      tail -n 25 "$NODE_WORKDIR/$name.log" >&2; return 1
    fi
    sleep 0.1
  done
}

_node_pki() {
  local d="$NODE_WORKDIR/pki"
  [[ -s "$d/admin.crt" ]] && return 0
  mkdir -p "$d"
  (
    set -e
    cd "$d"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 7 -subj "/CN=nauthera-node-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    # kube-apiserver, as Pods reach it: through the kubernetes Service (10.96.0.1) by name.
    openssl req "${ec[@]}" -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
      "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature" >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver.crt -days 7 -extfile apiserver.ext
    # One client certificate for every component (system:masters): the tests are about the
    # chart's RBAC, not the control plane's.
    openssl req "${ec[@]}" -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin"
    printf '%s\n' "extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature" >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out admin.crt -days 7 -extfile admin.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    rm -f ./*.csr ./*.ext
  ) >"$NODE_WORKDIR/pki.log" 2>&1 || { _node_log "openssl failed:"; cat "$NODE_WORKDIR/pki.log" >&2; return 1; }
}

_node_configs() {
  local w=$NODE_WORKDIR d=$NODE_WORKDIR/pki
  cat >"$w/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: node
  cluster: {server: "https://$NODE_IP:6443", certificate-authority: "$d/ca.crt"}
users:
- name: admin
  user: {client-certificate: "$d/admin.crt", client-key: "$d/admin.key"}
contexts:
- name: node
  context: {cluster: node, user: admin, namespace: default}
current-context: node
EOF
  mkdir -p "$w/containerd" "$w/cni/net.d" "$w/kubelet" "$w/pod-logs"
  # containerd 1.6 (Debian). Everything under WORKDIR except what containerd hard-codes
  # (shim sockets in /run/containerd/s, removed by the shims as they exit).
  cat >"$w/containerd/config.toml" <<EOF
version = 2
root = "$w/containerd/root"
state = "$w/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$w/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$w/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/nauthera/pause:1"
  # The machine lacks CAP_SYS_RESOURCE: without this every sandbox fails in runc
  # ("can't get final child's PID from pipe"; runc's log: oom_score_adj Permission denied).
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$w/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$w/cni/net.d"
EOF
  cat >"$w/cni/net.d/10-nauthera.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "nauthera-node",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$NODE_POD_CIDR"}]],
              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$w/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  # Pods with dnsPolicy Default get this; the cluster's own names come from CoreDNS.
  echo "nameserver $NODE_IP" >"$w/resolv.conf"
  cat >"$w/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# The machine has cgroups v1 (with a cgroup2 mount beside them).
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $NODE_CGROUP_ROOT
containerRuntimeEndpoint: unix://$w/containerd/containerd.sock
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: "$d/ca.crt"}
authorization: {mode: AlwaysAllow}
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: $w/resolv.conf
podLogsDir: $w/pod-logs
failSwapOn: false
rotateCertificates: false
serializeImagePulls: false
# Locally imported images (imagePullPolicy: Never) must not be collected.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
syncFrequency: 10s
fileCheckFrequency: 5s
EOF
  cat >"$w/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$w/admin.kubeconfig"}
mode: iptables
clusterCIDR: 10.244.0.0/16
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Global sysctls (nf_conntrack_max) are not the namespace's to change: leave them.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  cat >"$w/Corefile" <<EOF
.:53 {
  bind $NODE_IP
  errors
  ready 127.0.0.1:8181
  health 127.0.0.1:8080
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $w/admin.kubeconfig
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  cache 2
}
EOF
}

_node_netns() {
  ip netns add "$NODE_NETNS" || return 1
  echo "netns=$NODE_NETNS" >>"$NODE_WORKDIR/node.env"
  node_run bash -ec "
    ip link set lo up
    ip link add node0 type veth peer name node0-peer
    ip addr add $NODE_IP/32 dev node0
    ip link set node0 up; ip link set node0-peer up
    # A default route, so that connections to a ClusterIP leave OUTPUT (where kube-proxy's
    # DNAT rewrites them) instead of failing with 'network unreachable'.
    ip route add default dev node0
    # Bridged pod -> ClusterIP -> pod traffic must pass iptables (per namespace).
    sysctl -qw net.bridge.bridge-nf-call-iptables=1
    sysctl -qw net.ipv4.ip_forward=1"
}

_node_cgroups() {
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    [[ -d "$h" && ! -L "${h%/}" ]] || continue
    # Only mounted hierarchies (a v1 controller or the v2 mount) have cgroup.procs.
    [[ -e "$h/cgroup.procs" ]] || continue
    mkdir -p "$h${NODE_CGROUP_ROOT#/}"
  done
}

# node_start WORKDIR
node_start() {
  local workdir="${1:?usage: node_start WORKDIR}" why
  if ! why=$(node_check); then
    _node_log "this machine cannot run the node:"; sed 's/^/  /' <<<"$why" >&2; return 2
  fi
  if ip netns list | grep -qw "^$NODE_NETNS"; then
    _node_log "network namespace $NODE_NETNS already exists (another node running? tests/node/node.sh down DIR)"
    return 1
  fi
  mkdir -p "$workdir"
  NODE_WORKDIR="$(cd "$workdir" && pwd)"
  export NODE_WORKDIR NODE_NETNS
  : "${NODE_READY_TIMEOUT:=120}"
  local t0 t
  t0=$(now_ms)
  if [[ -z "${CP_BIN:-}" ]]; then
    CP_BIN="$("$_NODE_ROOT/scripts/k8s-tools.sh")" || { _node_log "scripts/k8s-tools.sh failed"; return 1; }
  fi
  if [[ -z "${NODE_BIN:-}" ]]; then
    NODE_BIN="$("$_NODE_ROOT/scripts/node-tools.sh")" || { _node_log "scripts/node-tools.sh failed"; return 1; }
  fi
  export CP_BIN NODE_BIN PATH="$CP_BIN:$NODE_BIN:$PATH"
  local p
  for p in "$CP_BIN"/{etcd,kube-apiserver,kube-controller-manager,kubectl} \
           "$NODE_BIN"/{kubelet,kube-scheduler,kube-proxy,coredns,pause}; do
    [[ -x "$p" ]] || { _node_log "$p is missing"; return 1; }
  done
  local t_tools; t_tools=$(now_ms)
  # What the machine looks like before: the teardown check compares against it.
  ip -o link show | awk -F': ' '{print $2}' | sort >"$NODE_WORKDIR/host-links.before"
  ls /run/containerd/s 2>/dev/null | sort >"$NODE_WORKDIR/shim-sockets.before"
  : >"$NODE_WORKDIR/node.env"
  local w=$NODE_WORKDIR d=$NODE_WORKDIR/pki
  NODE_CTR_ADDRESS="$w/containerd/containerd.sock"
  export NODE_CTR_ADDRESS KUBECONFIG="$w/admin.kubeconfig"
  _node_pki || return 1
  _node_configs
  _node_netns || { _node_log "could not set up the network namespace"; node_stop; return 1; }
  _node_cgroups
  local times=()
  mark() { local now; now=$(now_ms); times+=("$1 $(_node_secs $((now - t))) s"); t=$now; }
  t=$(now_ms)

  rm -rf "$w/etcd-data"
  _node_spawn etcd "$CP_BIN/etcd" --name=node --data-dir="$w/etcd-data" \
    --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
    --listen-peer-urls=http://127.0.0.1:2380 --unsafe-no-fsync=true --log-level=warn || { node_stop; return 1; }
  _node_wait etcd "$NODE_READY_TIMEOUT" node_run curl -sf http://127.0.0.1:2379/health || { node_stop; return 1; }
  mark etcd

  _node_spawn apiserver "$CP_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=0.0.0.0 --advertise-address="$NODE_IP" --secure-port=6443 \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" \
    --kubelet-client-certificate="$d/admin.crt" --kubelet-client-key="$d/admin.key" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
    --authorization-mode=Node,RBAC --service-cluster-ip-range="$NODE_SERVICE_CIDR" \
    --allow-privileged=false --profiling=false --v=1 ${NODE_APISERVER_EXTRA_ARGS:-} || { node_stop; return 1; }
  _node_wait apiserver "$NODE_READY_TIMEOUT" node_run curl -sf --cacert "$d/ca.crt" \
    --cert "$d/admin.crt" --key "$d/admin.key" "https://$NODE_IP:6443/readyz" || { node_stop; return 1; }
  mark kube-apiserver

  # Every default controller (Deployments, ReplicaSets, EndpointSlices, PDBs, GC, the
  # kube-root-ca.crt ConfigMap Pods' service-account volumes need, ...).
  _node_spawn controller-manager "$CP_BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=0 --root-ca-file="$d/ca.crt" \
    --service-account-private-key-file="$d/sa.key" --use-service-account-credentials=false \
    --v=1 || { node_stop; return 1; }
  _node_spawn scheduler "$NODE_BIN/kube-scheduler" --kubeconfig="$KUBECONFIG" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=10259 --v=1 || { node_stop; return 1; }

  _node_spawn containerd containerd --config "$w/containerd/config.toml" || { node_stop; return 1; }
  _node_wait containerd "$NODE_READY_TIMEOUT" node_ctr version || { node_stop; return 1; }
  mark containerd
  # The sandbox image, imported once per WORKDIR (kept across warm starts).
  local images; images=$(node_ctr images ls -q)
  if ! grep -qx localhost/nauthera/pause:1 <<<"$images"; then
    NAUTHERA_PAUSE_BIN="$NODE_BIN/pause" IMAGES_DIR="$w/images" \
      "$_NODE_ROOT/scripts/images.sh" pause 2>>"$w/images.log" || { _node_log "pause image"; node_stop; return 1; }
    node_ctr images import "$w/images/nauthera-pause-1.oci.tar" >>"$w/images.log" 2>&1 ||
      { _node_log "ctr import of the pause image failed"; tail -n 5 "$w/images.log" >&2; node_stop; return 1; }
  fi
  mark pause-image

  _node_spawn kubelet "$NODE_BIN/kubelet" --config="$w/kubelet/config.yaml" \
    --kubeconfig="$KUBECONFIG" --root-dir="$w/kubelet/root" --cert-dir="$w/kubelet/pki" \
    --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --v=1 || { node_stop; return 1; }
  _node_spawn kube-proxy "$NODE_BIN/kube-proxy" --config="$w/kube-proxy.yaml" --v=1 || { node_stop; return 1; }
  _node_spawn coredns "$NODE_BIN/coredns" -conf "$w/Corefile" || { node_stop; return 1; }
  _node_wait kubelet "$NODE_READY_TIMEOUT" node_ready || { node_stop; return 1; }
  mark "kubelet (node Ready)"
  _node_wait coredns "$NODE_READY_TIMEOUT" node_run curl -sf http://127.0.0.1:8181/ready || { node_stop; return 1; }
  _node_wait kube-proxy "$NODE_READY_TIMEOUT" node_run curl -sf http://127.0.0.1:10256/healthz || { node_stop; return 1; }
  mark "coredns + kube-proxy"

  if [[ "${NODE_WATCHDOG:-1}" != 0 ]]; then
    _node_spawn watchdog bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
      _NODE_IN_WATCHDOG=1; source "$2"; NODE_NETNS=$4 node_stop "$3"' _ "$$" "$_NODE_SELF" "$w" "$NODE_NETNS" ||
      { node_stop; return 1; }
  fi
  NODE_SETUP_MS=$(($(now_ms) - t0))
  NODE_TOOLS_MS=$((t_tools - t0))
  export NODE_SETUP_MS
  printf '%s\n' "setup_ms=$NODE_SETUP_MS" "tools_ms=$NODE_TOOLS_MS" "${times[@]}" >"$w/node.times"
  _node_log "Ready in $(_node_secs "$NODE_SETUP_MS") s (tools $(_node_secs "$NODE_TOOLS_MS") s; $(IFS=,; echo "${times[*]}" | sed 's/,/, /g'))"
}

node_ready() {
  [[ "$(node_run "$CP_BIN/kubectl" get node "$NODE_NAME" \
        -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

# _node_cgroup_pids: every process in the node's pod cgroups.
_node_cgroup_pids() {
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    [[ -d "$h${NODE_CGROUP_ROOT#/}" ]] || continue
    find "$h${NODE_CGROUP_ROOT#/}" -name cgroup.procs -exec cat {} + 2>/dev/null
  done | sort -u
}

_node_kill_group() {  # NAME PGID
  local name=$1 pgid=$2 i
  [[ -n "$pgid" ]] || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do _node_alive "$pgid" || return 0; sleep 0.1; done
  _node_log "$name (process group $pgid) ignored SIGTERM; killing it"
  kill -KILL -- "-$pgid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do _node_alive "$pgid" || return 0; sleep 0.1; done
}

# Mount points under DIR, deepest first (as /proc/self/mountinfo writes them: octal escapes).
_node_mounts_under() {
  awk -v d="$1" '{p = $5; gsub(/\\040/, " ", p); if (p == d || index(p, d "/") == 1) print p}' \
    /proc/self/mountinfo | awk '{print length($0) "\t" $0}' | sort -rn | cut -f2-
}

# node_stop [WORKDIR]: stops everything node_start started (from node.env, so it works from
# another shell too), then checks that nothing is left; returns 1 listing what is.
node_stop() {
  local workdir="${1:-${NODE_WORKDIR:-}}"
  [[ -n "$workdir" && -f "$workdir/node.env" ]] || return 0
  local -A pg=()
  local line netns="" m pid i
  while IFS= read -r line; do
    case "$line" in
      netns=*) netns=${line#netns=} ;;
      *=*) pg[${line%%=*}]=${line#*=} ;;
    esac
  done <"$workdir/node.env"
  local t0; t0=$(now_ms)
  [[ -n "${_NODE_IN_WATCHDOG:-}" ]] || _node_kill_group watchdog "${pg[watchdog]:-}"
  # No new Pods: controllers and scheduler first, then the kubelet (Pods keep running).
  _node_kill_group controller-manager "${pg[controller-manager]:-}"
  _node_kill_group scheduler "${pg[scheduler]:-}"
  _node_kill_group kubelet "${pg[kubelet]:-}"
  # Every container process (pause included) is in a pod cgroup below the kubelet's root.
  for ((i = 0; i < 50; i++)); do
    m=$(_node_cgroup_pids)
    [[ -z "$m" ]] && break
    # shellcheck disable=SC2086
    kill -KILL $m 2>/dev/null
    sleep 0.1
  done
  _node_kill_group kube-proxy "${pg[kube-proxy]:-}"
  _node_kill_group coredns "${pg[coredns]:-}"
  _node_kill_group containerd "${pg[containerd]:-}"
  _node_kill_group apiserver "${pg[apiserver]:-}"
  _node_kill_group etcd "${pg[etcd]:-}"
  # What is left in the namespace: containerd's shims (their tasks are gone), stray children.
  if [[ -n "$netns" ]] && ip netns list | grep -qw "^$netns"; then
    for ((i = 0; i < 50; i++)); do
      m=$(ip netns pids "$netns" 2>/dev/null)
      [[ -z "$m" ]] && break
      # shellcheck disable=SC2086
      kill -KILL $m 2>/dev/null
      sleep 0.1
    done
  fi
  # Unmount what containerd and the kubelet mounted (overlay rootfs, shm, secret and
  # projected tmpfs, pod network namespaces), deepest first.
  while IFS= read -r m; do
    [[ -n "$m" ]] && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; }
  done < <(_node_mounts_under "$workdir")
  [[ -n "$netns" ]] && ip netns delete "$netns" 2>/dev/null
  # Pod cgroups (empty now), deepest first.
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    [[ -d "$h${NODE_CGROUP_ROOT#/}" ]] && find "$h${NODE_CGROUP_ROOT#/}" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # The kubelet links each container's log into /var/log/containers (a fixed path).
  find /var/log/containers -maxdepth 1 -type l -lname "$workdir/*" -delete 2>/dev/null
  # Shim sockets of shims that were killed before they could remove them.
  if [[ -f "$workdir/shim-sockets.before" ]]; then
    comm -13 "$workdir/shim-sockets.before" <(ls /run/containerd/s 2>/dev/null | sort) |
      while read -r m; do
        [[ -S "/run/containerd/s/$m" ]] && ! fuser -s "/run/containerd/s/$m" 2>/dev/null &&
          rm -f "/run/containerd/s/$m"
      done
  fi
  rm -rf "$workdir/etcd-data" "$workdir/containerd/state" "$workdir/kubelet/root"
  mv "$workdir/node.env" "$workdir/node.env.stopped"
  _node_log "stopped in $(_node_secs $(($(now_ms) - t0))) s"
  node_leftovers "$workdir" "$netns"
}

# node_leftovers WORKDIR NETNS: lists what a stopped node left behind; 1 when anything.
node_leftovers() {
  local workdir=$1 netns=$2 left=() m h
  [[ -n "$netns" ]] && ip netns list | grep -qw "^$netns" && left+=("network namespace $netns")
  [[ -e "/run/netns/$netns" ]] && left+=("/run/netns/$netns")
  m=$(_node_mounts_under "$workdir"); [[ -n "$m" ]] && left+=("mounts: $(tr '\n' ' ' <<<"$m")")
  m=$(grep -F "/run/netns/$netns" /proc/self/mountinfo); [[ -n "$m" ]] && left+=("mount of /run/netns/$netns")
  # Processes: anything outside this shell's session whose command line names the work dir
  # (every program of the node runs in a session of its own).
  local sess; sess=$(ps -o sess= -p $$ | tr -d ' ')
  m=$(ps -eo pid=,sess=,args= | awk -v s="$sess" -v d="$workdir" '$2 != s && index($0, d) {print $1}')
  for pid in $m; do
    [[ -r "/proc/$pid/cmdline" ]] || continue
    left+=("process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)")
  done
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    [[ -d "$h${NODE_CGROUP_ROOT#/}" ]] && left+=("cgroup $h${NODE_CGROUP_ROOT#/}")
  done
  if [[ -f "$workdir/host-links.before" ]]; then
    m=$(comm -13 "$workdir/host-links.before" <(ip -o link show | awk -F': ' '{print $2}' | sort))
    [[ -n "$m" ]] && left+=("network devices in the machine's namespace: $(tr '\n' ' ' <<<"$m")")
  fi
  m=$(find /var/log/containers -maxdepth 1 -type l -lname "$workdir/*" 2>/dev/null)
  [[ -n "$m" ]] && left+=("log links in /var/log/containers")
  if ((${#left[@]})); then
    _node_log "teardown left:"; printf '  %s\n' "${left[@]}" >&2
    return 1
  fi
  _node_log "teardown clean: no process, mount, cgroup, network device or namespace left"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -uo pipefail
  case "${1:-}" in
    up)
      NODE_WATCHDOG=0 node_start "${2:?usage: node.sh up DIR}" || exit $?
      echo "export KUBECONFIG=$KUBECONFIG NODE_WORKDIR=$NODE_WORKDIR NODE_NETNS=$NODE_NETNS"
      echo "export NODE_CTR_ADDRESS=$NODE_CTR_ADDRESS PATH=$CP_BIN:$NODE_BIN:\$PATH"
      echo "# run commands in the node's network: nsenter --net=/run/netns/$NODE_NETNS -- kubectl get pods -A"
      ;;
    down) node_stop "${2:?usage: node.sh down DIR}" ;;
    check) node_check && echo "node: this machine can run the node" ;;
    *) echo "usage: $0 up DIR | down DIR | check" >&2; exit 2 ;;
  esac
fi
