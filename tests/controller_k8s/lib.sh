#!/usr/bin/env bash
# Shared by the controller's real-cluster tests (controller_k8s_test.sh,
# controller_k8s_resilience_test.sh): arguments, PASS/FAIL bookkeeping, the control plane with
# the CRDs and the quickstart's namespaces and policies, service-account identities bound to
# RBAC files, and starting nauthera-controller / nauthera-tokenserver.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   ck8s_parse_args "$@"      # --build-dir DIR [--work-dir DIR] [--keep]
#   ck8s_setup NAME           # tools (exit 77 when they cannot be built), control plane, CRDs
#
# Sets: ROOT, BUILD, WORK, CONTROLLER, TOKENSERVER, TS_PORT, ISSUER, PIDS; the control plane's
# variables (KUBECONFIG, CP_WORKDIR, CP_APISERVER_URL, CP_ETCD_URL, CP_CA_FILE, CP_BIN).

CK8S_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$CK8S_HERE/../.." && pwd)"
# shellcheck source=../cluster/control_plane.sh
source "$ROOT/tests/cluster/control_plane.sh"

ck8s_parse_args() {
  BUILD=""; WORK=""; KEEP=0
  while (($#)); do
    case "$1" in
      --build-dir) BUILD="$2"; shift 2 ;;
      --work-dir) WORK="$2"; shift 2 ;;
      --keep) KEEP=1; shift ;;
      *) echo "usage: $0 --build-dir DIR [--work-dir DIR] [--keep]" >&2; exit 2 ;;
    esac
  done
  [[ -n "$BUILD" ]] || { echo "--build-dir is required" >&2; exit 2; }
  CONTROLLER="$BUILD/controller/nauthera-controller"
  TOKENSERVER="$BUILD/tokenserver/nauthera-tokenserver"
  local p
  for p in "$CONTROLLER" "$TOKENSERVER"; do
    [[ -x "$p" ]] || { echo "missing $p (build it first)" >&2; exit 2; }
  done
  [[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-ck8s.XXXXXX")"
  rm -rf "$WORK"; mkdir -p "$WORK"
}

# pass, fail, wait_for, now_ms, free_port and kube_secret_field come from scripts/lib/common.sh
# (through control_plane.sh); kubectl is polled every 0.1 s.
PASSED=0; FAILED=0; FAILURES=()
WAIT_FOR_INTERVAL=0.1

PIDS=()
ck8s_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  cp_stop "$WORK/cp"
  if ((FAILED == 0 && KEEP == 0)); then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}

# ck8s_setup NAME: the control plane in $WORK/cp with the CRDs, the quickstart's namespaces and
# policies and a namespace `apps`; exits 77 when the Kubernetes programs cannot be built.
ck8s_setup() {
  trap ck8s_cleanup EXIT
  trap 'exit 130' INT TERM
  cp_start_with_crds "$WORK/cp" "$WORK/k8s-tools.log" || exit $?
  # apiserver_ctl.sh restarts kube-apiserver; this shell need not report its end.
  disown -a
  echo "$1: control plane up in $(_cp_secs "$CP_SETUP_ALL_MS") s"
  kubectl apply -f "$ROOT/examples/quickstart/00-namespaces.yaml" \
    -f "$ROOT/examples/quickstart/10-cluster-auth-policy.yaml" \
    -f "$ROOT/examples/quickstart/21-ci-policy.yaml" >/dev/null
  kubectl create namespace apps >/dev/null
  TS_PORT=$(free_port)
  ISSUER="http://127.0.0.1:$TS_PORT"
}

# make_identity SA RBAC_FILE: a service account in nauthera-system bound to RBAC_FILE's rules
# (subjects named nauthera-controller renamed to SA, and every RoleBinding/ClusterRoleBinding
# and Role/ClusterRole named nauthera-controller* renamed to SA*), and a kubeconfig
# $WORK/SA.kubeconfig with its token.
make_identity() {
  local sa="$1" rbac="$2" token kc="$WORK/$1.kubeconfig"
  kubectl create serviceaccount "$sa" -n nauthera-system >/dev/null
  sed -e "s/name: nauthera-controller\$/name: $sa/" \
      -e "s/name: nauthera-controller-\\([a-z-]*\\)\$/name: $sa-\\1/" "$rbac" |
    kubectl apply -f - >/dev/null
  token=$(kubectl create token "$sa" -n nauthera-system --duration=1h)
  KUBECONFIG="$kc" kubectl config set-cluster c --server="$CP_APISERVER_URL" \
    --certificate-authority="$CP_CA_FILE" --embed-certs=true >/dev/null
  KUBECONFIG="$kc" kubectl config set-credentials c --token="$token" >/dev/null
  KUBECONFIG="$kc" kubectl config set-context c --cluster=c --user=c \
    --namespace=nauthera-system >/dev/null
  KUBECONFIG="$kc" kubectl config use-context c >/dev/null
}

# start_controller NAME SA [extra flags]: sets ${NAME}_PID, ${NAME}_GRPC (the state stream's
# address, unix:<socket> in $WORK/NAME.grpc/), ${NAME}_HTTP.
# --namespace=nauthera-system unless the extra flags name another.
start_controller() {
  local name="$1" sa="$2"; shift 2
  local grpc http ns=(--namespace=nauthera-system) flag
  for flag in "$@"; do [[ "$flag" == --namespace=* ]] && ns=(); done
  grpc="unix:$WORK/$name.grpc/state.sock"; http=$(free_port)
  "$CONTROLLER" --kubeconfig="$WORK/$sa.kubeconfig" "${ns[@]}" \
    --issuer-url="$ISSUER" --grpc-listen="$grpc" \
    --http-listen="http://127.0.0.1:$http" "$@" >>"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_GRPC" '%s' "$grpc"
  printf -v "${name}_HTTP" '%s' "$http"
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# start_tokenserver ADDRESS: a token server on $ISSUER fed by the controller at ADDRESS (a
# ${NAME}_GRPC); sets TS_PID; waits until it is ready.
start_tokenserver() {
  "$TOKENSERVER" --controller="$1" --listen="$ISSUER" >>"$WORK/ts.log" 2>&1 &
  TS_PID=$!; PIDS+=("$TS_PID")
  wait_for 30 curl -sf "$ISSUER/readyz"
}

ready_of() {  # KIND NS NAME: "True"/"False"
  kubectl get "$1" "$3" -n "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
}
# ready_is KIND NS NAME WANT: evaluated on every poll (unlike `test "$(ready_of ...)"`).
ready_is() { [[ "$(ready_of "$1" "$2" "$3")" == "$4" ]]; }
message_of() {
  kubectl get "$1" "$3" -n "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}'
}
reason_of() {
  kubectl get "$1" "$3" -n "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].reason}'
}
token_code() {  # CLIENT_ID CLIENT_SECRET: the HTTP status of a client_credentials request
  curl -s -o "$WORK/token.json" -w '%{http_code}' --max-time 5 -X POST "$ISSUER/oauth2/token" \
    -d grant_type=client_credentials -d "client_id=$1" -d "client_secret=$2" \
    -d "scope=openid email groups"
}
is_code() { [[ "$(token_code "$1" "$2")" == "$3" ]]; }
