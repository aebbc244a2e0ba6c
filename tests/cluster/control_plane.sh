#!/usr/bin/env bash
# A real, small Kubernetes control plane on loopback for tests: etcd + kube-apiserver +
# kube-controller-manager (garbage collector, namespaces, service accounts), built from source
# by scripts/k8s-tools.sh (see docs/cluster-tests.md). No kubelet, no
# scheduler: Pods never run.
#
# Sourced (test fixtures):
#   source tests/cluster/control_plane.sh
#   cp_start WORKDIR     # sets KUBECONFIG, CP_APISERVER_URL, CP_ETCD_URL, CP_BIN, CP_WORKDIR...
#   ...                  # kubectl talks to it as system:masters (CN=admin)
#   cp_stop              # stops every process it started (their process groups), keeps logs
#
# Standalone:
#   tests/cluster/control_plane.sh up DIR     # starts it, prints `export ...` lines, returns
#   eval "$(tests/cluster/control_plane.sh up /tmp/cp)"
#   tests/cluster/control_plane.sh down DIR   # stops what `up DIR` started
#
# Environment:
#   CP_APISERVER_EXTRA_ARGS   extra kube-apiserver flags, split on whitespace (e.g. --oidc-*)
#   CP_BIN                    directory with the programs (default: scripts/k8s-tools.sh output)
#   CP_READY_TIMEOUT          seconds to wait for each component (default 120)
#   CP_WATCHDOG=0             no watchdog (by default, if the sourcing shell dies without
#                             cp_stop, a watchdog stops the control plane within a second)
#   CP_WAIT_CONTROLLERS=0     do not wait for kube-controller-manager to create the default
#                             ServiceAccount (its sign of life) before returning
#
# Files in WORKDIR: pki/ (ca, apiserver serving cert, service-account key pair, admin client
# cert), etcd-data/, *.log, admin.kubeconfig, cp.env (ports and process group ids).
# Timing is printed to stderr: "control plane: apiserver ready in X s, controllers in Y s".

_CP_SELF="${BASH_SOURCE[0]}"
_CP_ROOT="$(cd "$(dirname "$_CP_SELF")/../.." && pwd)"

# now_ms, free_port, wait_for, pass, fail, kube_secret_field... for this file and for every
# test that sources it.
# shellcheck source=../../scripts/lib/common.sh
source "$_CP_ROOT/scripts/lib/common.sh"

_cp_log() { echo "control plane: $*" >&2; }

# _cp_spawn NAME LOGFILE CMD... : runs CMD in a new session (so its own process group), with
# stdout/stderr to LOGFILE; records its process group id in CP_PGID_<NAME>.
_cp_spawn() {
  local name="$1" log="$2"; shift 2
  local pidfile="$CP_WORKDIR/$name.pid"
  rm -f "$pidfile"
  # `bash -c` becomes the session (and group) leader, records $$, then execs the program, so
  # the recorded id is both its pid and its process group id whether or not setsid forked.
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$log" 2>&1 &
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s "$pidfile" ]] && break
    sleep 0.01
  done
  [[ -s "$pidfile" ]] || { _cp_log "could not start $name"; return 1; }
  local var="CP_PGID_${name//-/_}"
  printf -v "$var" '%s' "$(cat "$pidfile")"
  echo "$var=$(cat "$pidfile")" >>"$CP_WORKDIR/cp.env"
}

# Whether anything but zombies is left in the session (= process group) PGID.
_cp_alive() { [[ -n "${1:-}" ]] && ps -o stat= -s "$1" 2>/dev/null | grep -qv '^Z'; }

# _cp_wait_url NAME PGID DEADLINE_MS URL [curl args...]: polls URL until it answers 200.
_cp_wait_url() {
  local name="$1" pgid="$2" deadline="$3" url="$4"; shift 4
  while true; do
    if curl -sf -o /dev/null --max-time 2 "$@" "$url"; then return 0; fi
    if ! _cp_alive "$pgid"; then
      _cp_log "$name exited before it was ready; last lines of its log:"
      tail -n 20 "$CP_WORKDIR/$name.log" >&2
      return 1
    fi
    if (($(now_ms) > deadline)); then
      _cp_log "$name not ready at $url within ${CP_READY_TIMEOUT}s; last lines of its log:"
      tail -n 20 "$CP_WORKDIR/$name.log" >&2
      return 1
    fi
    sleep 0.1
  done
}

_cp_pki() {
  local d="$CP_WORKDIR/pki"
  [[ -s "$d/admin.crt" ]] && return 0
  mkdir -p "$d"
  (
    set -e
    cd "$d"
    # EC P-256 for the certificates: key generation takes milliseconds, RSA takes ~0.3 s each.
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 \
      -subj "/CN=nauthera-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign"
    # Serving cert for kube-apiserver.
    openssl req "${ec[@]}" -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature" \
      >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver.crt -days 2 -extfile apiserver.ext
    # Admin client cert: system:masters bypasses RBAC.
    openssl req "${ec[@]}" -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=admin"
    printf '%s\n' "extendedKeyUsage=clientAuth" \
      "keyUsage=critical,digitalSignature" >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out admin.crt -days 2 -extfile admin.ext
    # Service-account token signing key pair (RS256, the default every client accepts).
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    rm -f ./*.csr ./*.ext
  ) >"$CP_WORKDIR/pki.log" 2>&1 || { _cp_log "openssl failed:"; cat "$CP_WORKDIR/pki.log" >&2; return 1; }
}

_cp_kubeconfig() {
  local d="$CP_WORKDIR/pki"
  cat >"$CP_WORKDIR/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: nauthera-test
  cluster:
    server: $CP_APISERVER_URL
    certificate-authority: $d/ca.crt
users:
- name: admin
  user:
    client-certificate: $d/admin.crt
    client-key: $d/admin.key
contexts:
- name: nauthera-test
  context:
    cluster: nauthera-test
    user: admin
    namespace: default
current-context: nauthera-test
EOF
}

# cp_start WORKDIR: starts the control plane; returns non-zero (with logs) if it cannot.
cp_start() {
  local workdir="${1:?usage: cp_start WORKDIR}"
  mkdir -p "$workdir"
  CP_WORKDIR="$(cd "$workdir" && pwd)"
  export CP_WORKDIR
  : "${CP_READY_TIMEOUT:=120}"
  if [[ -z "${CP_BIN:-}" ]]; then
    CP_BIN="$("$_CP_ROOT/scripts/k8s-tools.sh")" || { _cp_log "scripts/k8s-tools.sh failed"; return 1; }
  fi
  export CP_BIN
  local p
  for p in etcd kube-apiserver kube-controller-manager kubectl; do
    [[ -x "$CP_BIN/$p" ]] || { _cp_log "$CP_BIN/$p is missing"; return 1; }
  done
  local t0 t_api t_cm
  t0=$(now_ms)
  : >"$CP_WORKDIR/cp.env"
  _cp_pki || return 1
  local t_pki t_etcd
  t_pki=$(now_ms)
  local deadline=$((t0 + CP_READY_TIMEOUT * 1000)) attempt

  # etcd. The kernel picks free ports; another process could take one between our probe and
  # etcd's bind, so a failed start is retried with new ports.
  for attempt in 1 2 3; do
    CP_ETCD_PORT=$(free_port)
    CP_ETCD_URL="http://127.0.0.1:$CP_ETCD_PORT"
    rm -rf "$CP_WORKDIR/etcd-data"
    _cp_spawn etcd "$CP_WORKDIR/etcd.log" "$CP_BIN/etcd" --name=test \
      --data-dir="$CP_WORKDIR/etcd-data" \
      --listen-client-urls="$CP_ETCD_URL" --advertise-client-urls="$CP_ETCD_URL" \
      --listen-peer-urls=http://127.0.0.1:0 --unsafe-no-fsync=true \
      --quota-backend-bytes=268435456 --log-level=warn || return 1
    _cp_wait_url etcd "$CP_PGID_etcd" "$deadline" "$CP_ETCD_URL/health" && break
    _cp_kill_group etcd "$CP_PGID_etcd"
    ((attempt < 3)) || { cp_stop; return 1; }
  done
  t_etcd=$(now_ms)

  # kube-apiserver (flags as envtest uses them; see the reference).
  local extra=()
  [[ -n "${CP_APISERVER_EXTRA_ARGS:-}" ]] && read -r -a extra <<<"$CP_APISERVER_EXTRA_ARGS"
  local d="$CP_WORKDIR/pki"
  for attempt in 1 2 3; do
    CP_APISERVER_PORT=$(free_port)
    CP_APISERVER_URL="https://127.0.0.1:$CP_APISERVER_PORT"
    _cp_spawn apiserver "$CP_WORKDIR/apiserver.log" "$CP_BIN/kube-apiserver" \
      --etcd-servers="$CP_ETCD_URL" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
      --secure-port="$CP_APISERVER_PORT" \
      --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
      --client-ca-file="$d/ca.crt" \
      --service-account-issuer=https://kubernetes.default.svc \
      --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
      --authorization-mode=RBAC --service-cluster-ip-range=10.0.0.0/24 \
      --disable-admission-plugins=ServiceAccount --endpoint-reconciler-type=none \
      --profiling=false --v=1 "${extra[@]}" || { cp_stop; return 1; }
    if _cp_wait_url apiserver "$CP_PGID_apiserver" "$deadline" "$CP_APISERVER_URL/readyz" \
      --cacert "$d/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key"; then
      break
    fi
    _cp_kill_group apiserver "$CP_PGID_apiserver"
    # Retry only if the port was taken; any other failure is final.
    if ((attempt == 3)) || ! grep -q "address already in use" "$CP_WORKDIR/apiserver.log"; then
      cp_stop; return 1
    fi
  done
  t_api=$(now_ms)
  _cp_kubeconfig
  export KUBECONFIG="$CP_WORKDIR/admin.kubeconfig"
  export CP_ETCD_URL CP_ETCD_PORT CP_APISERVER_URL CP_APISERVER_PORT
  export CP_CA_FILE="$d/ca.crt"
  {
    echo "CP_ETCD_URL=$CP_ETCD_URL"
    echo "CP_APISERVER_URL=$CP_APISERVER_URL"
  } >>"$CP_WORKDIR/cp.env"

  # kube-controller-manager: garbage collection by ownerReference, namespace deletion, default
  # ServiceAccounts. It serves nothing (--secure-port=0) and needs no service-account key:
  # TokenRequest (`kubectl create token`) is served by kube-apiserver with its signing key,
  # and the legacy token-Secret controller is not enabled.
  _cp_spawn controller-manager "$CP_WORKDIR/controller-manager.log" \
    "$CP_BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG" \
    --controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=0 --v=1 || { cp_stop; return 1; }
  if [[ "${CP_WAIT_CONTROLLERS:-1}" != 0 ]]; then
    # Its sign of life: the serviceaccount controller creates `default` in namespace default.
    while ! "$CP_BIN/kubectl" get serviceaccount default -n default >/dev/null 2>&1; do
      if ! _cp_alive "$CP_PGID_controller_manager"; then
        _cp_log "kube-controller-manager exited; last lines of its log:"
        tail -n 20 "$CP_WORKDIR/controller-manager.log" >&2
        cp_stop; return 1
      fi
      if (($(now_ms) > t_api + CP_READY_TIMEOUT * 1000)); then
        _cp_log "kube-controller-manager did not create ServiceAccount default/default in time"
        tail -n 20 "$CP_WORKDIR/controller-manager.log" >&2
        cp_stop; return 1
      fi
      sleep 0.2
    done
  fi
  # A watchdog in its own session stops everything if the shell that sourced this file dies
  # without calling cp_stop (SIGKILL, a ctest timeout): no control plane outlives its test.
  if [[ "${CP_WATCHDOG:-1}" != 0 ]]; then
    _cp_spawn watchdog "$CP_WORKDIR/watchdog.log" bash -c \
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done
       _CP_IN_WATCHDOG=1; source "$2"; cp_stop "$3"' _ "$$" "$_CP_ROOT/tests/cluster/control_plane.sh" \
      "$CP_WORKDIR" || { cp_stop; return 1; }
  fi
  t_cm=$(now_ms)
  CP_SETUP_API_MS=$((t_api - t0))
  CP_SETUP_ALL_MS=$((t_cm - t0))
  export CP_SETUP_API_MS CP_SETUP_ALL_MS
  _cp_log "apiserver ready in $(_cp_secs "$CP_SETUP_API_MS") s, controllers in" \
    "$(_cp_secs "$CP_SETUP_ALL_MS") s (certificates $(_cp_secs $((t_pki - t0))) s, etcd" \
    "$(_cp_secs $((t_etcd - t_pki))) s, kube-apiserver $(_cp_secs $((t_api - t_etcd))) s," \
    "kube-controller-manager $(_cp_secs $((t_cm - t_api))) s) at $CP_APISERVER_URL"
}

# cp_tools [LOG]: the Kubernetes programs from scripts/k8s-tools.sh (built into its cache the
# first time: 15-25 min on 2 cores); exports CP_BIN and puts it first on PATH. When they cannot
# be built here, prints SKIP with the script's last words and returns 77 (ctest's skip code).
cp_tools() {
  local log="${1:-/dev/null}" t0
  t0=$(date +%s)
  if ! CP_BIN="$("$_CP_ROOT/scripts/k8s-tools.sh" 2>"$log")" || [[ -z "$CP_BIN" ]]; then
    echo "SKIP: the Kubernetes programs could not be built (needs Go and the Go module proxy);"
    echo "      scripts/k8s-tools.sh said:"
    tail -n 15 "$log" | sed 's/^/      /'
    return 77
  fi
  export CP_BIN PATH="$CP_BIN:$PATH"
  # shellcheck disable=SC2034  # read by the tests that source this file (crds_test.sh)
  CP_TOOLS_SECONDS=$(($(date +%s) - t0))
}

# cp_install_crds: applies charts/nauthera/crds/ and waits until they are Established.
# guide_block HEADING: the first code block under HEADING in docs/kubectl-guide.md (whose
# blocks equal the seed guide's: tests/e2e checks it), e.g. "Create an OidcClient".
guide_block() {
  python3 "$_CP_ROOT/tests/e2e/guide_blocks.py" block "$_CP_ROOT/docs/kubectl-guide.md" "$1"
}

cp_install_crds() {
  "$CP_BIN/kubectl" apply -f "$_CP_ROOT/charts/nauthera/crds/" >/dev/null &&
    "$CP_BIN/kubectl" wait --for=condition=Established crd -l app.kubernetes.io/part-of=nauthera \
      --timeout=60s >/dev/null
}

# cp_start_with_crds WORKDIR [TOOLS_LOG]: cp_tools, cp_start, cp_install_crds. Returns 77 when
# the programs cannot be built, 1 when the control plane or the CRDs fail.
cp_start_with_crds() {
  cp_tools "${2:-}" || return $?
  cp_start "$1" || { echo "FAIL control plane did not start"; return 1; }
  cp_install_crds || { echo "FAIL the CRDs were not Established within 60 s"; return 1; }
}

_cp_secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# _cp_kill_group NAME PGID: SIGTERM to the group, SIGKILL after 10 s.
_cp_kill_group() {
  local name="$1" pgid="$2" i
  [[ -n "$pgid" ]] || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    _cp_alive "$pgid" || return 0
    sleep 0.1
  done
  _cp_log "$name (process group $pgid) ignored SIGTERM; killing it"
  kill -KILL -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    _cp_alive "$pgid" || return 0
    sleep 0.1
  done
}

# cp_stop [WORKDIR]: stops everything cp_start started (from cp.env, so it also works from
# another shell), newest first. Keeps the logs; removes the etcd data.
cp_stop() {
  local workdir="${1:-${CP_WORKDIR:-}}"
  [[ -n "$workdir" && -f "$workdir/cp.env" ]] || return 0
  local CP_PGID_etcd="" CP_PGID_apiserver="" CP_PGID_controller_manager="" CP_PGID_watchdog=""
  local line
  while IFS= read -r line; do
    case "$line" in
      CP_PGID_etcd=* | CP_PGID_apiserver=* | CP_PGID_controller_manager=* | CP_PGID_watchdog=*)
        printf -v "${line%%=*}" '%s' "${line#*=}"
        ;;
    esac
  done <"$workdir/cp.env"
  [[ -n "${_CP_IN_WATCHDOG:-}" ]] || _cp_kill_group watchdog "$CP_PGID_watchdog"
  _cp_kill_group controller-manager "$CP_PGID_controller_manager"
  _cp_kill_group apiserver "$CP_PGID_apiserver"
  _cp_kill_group etcd "$CP_PGID_etcd"
  rm -f "$workdir/cp.env" "$workdir"/*.pid
  rm -rf "$workdir/etcd-data"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    up)
      dir="${2:?usage: control_plane.sh up DIR}"
      CP_WATCHDOG=0 cp_start "$dir"
      echo "export KUBECONFIG=$KUBECONFIG"
      echo "export CP_WORKDIR=$CP_WORKDIR"
      echo "export CP_BIN=$CP_BIN"
      echo "export CP_APISERVER_URL=$CP_APISERVER_URL"
      echo "export CP_ETCD_URL=$CP_ETCD_URL"
      echo "export CP_CA_FILE=$CP_CA_FILE"
      echo "export PATH=$CP_BIN:\$PATH"
      ;;
    down)
      cp_stop "${2:?usage: control_plane.sh down DIR}"
      ;;
    *)
      echo "usage: $0 up DIR | down DIR" >&2
      exit 2
      ;;
  esac
fi
