#!/usr/bin/env bash
# The Kubernetes client (controller/kubeclient/) against a real control plane: starts etcd +
# kube-apiserver + kube-controller-manager (tests/cluster/control_plane.sh), installs the CRDs,
# makes a service-account token with no RBAC permission and a CA that signed nothing, runs the
# Catch2 binary kubeclient_cluster_test with KUBECONFIG set, and stops everything.
# Exits with the binary's status; 77 (ctest SKIP) if the Kubernetes programs cannot be built.
#
# Usage: tests/kubeclient/kubeclient_cluster_test.sh --binary PATH [--work-dir DIR] [--keep] [-- catch2 args]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BINARY=""
WORK=""
KEEP=0
while (($#)); do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    --work-dir) WORK="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 --binary PATH [--work-dir DIR] [--keep] [-- catch2 args]" >&2; exit 2 ;;
  esac
done
[[ -x "$BINARY" ]] || { echo "kubeclient_cluster_test: --binary $BINARY is not executable" >&2; exit 2; }
[[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-kube.XXXXXX")"
rm -rf "$WORK"
mkdir -p "$WORK"

# shellcheck source=../cluster/control_plane.sh
source "$ROOT/tests/cluster/control_plane.sh"

STATUS=1
cleanup() {
  cp_stop "$WORK"
  if ((STATUS == 0 && KEEP == 0)); then rm -rf "$WORK"; else echo "kubeclient_cluster_test: logs in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp_tools "$WORK/k8s-tools.log" || { rc=$?; STATUS=0; trap - EXIT; rm -rf "$WORK"; exit "$rc"; }

t0=$(date +%s%3N)
cp_start "$WORK" || { echo "kubeclient_cluster_test: the control plane did not start"; exit 1; }
# The test restarts kube-apiserver (apiserver_ctl.sh); this shell need not report its end.
disown -a

# The CRDs, Established before the tests use them.
cp_install_crds || { echo "kubeclient_cluster_test: the CRDs were not Established in 60 s"; exit 1; }

# A service account that RBAC grants nothing.
kubectl create serviceaccount nauthera-norbac -n default >/dev/null &&
  kubectl create token nauthera-norbac -n default --duration=1h >"$WORK/norbac.token" ||
  { echo "kubeclient_cluster_test: could not make the service-account token"; exit 1; }

# A CA that did not sign the API server's certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj "/CN=not-the-cluster-ca" -keyout "$WORK/other-ca.key" -out "$WORK/other-ca.crt" \
  >/dev/null 2>&1 || { echo "kubeclient_cluster_test: openssl failed"; exit 1; }
echo "kubeclient_cluster_test: set-up $(( $(date +%s%3N) - t0 )) ms"

export KUBE_TEST_WORKDIR="$CP_WORKDIR"
export KUBE_TEST_APISERVER_CTL="$HERE/apiserver_ctl.sh"
export KUBE_TEST_NORBAC_TOKEN_FILE="$WORK/norbac.token"
export KUBE_TEST_OTHER_CA="$WORK/other-ca.crt"
echo default >"$WORK/namespace"
export KUBE_TEST_NAMESPACE_FILE="$WORK/namespace"
# In sanitizer builds: leaks that are the sanitizer runtime's own (see lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$HERE/lsan.supp}"
"$BINARY" --durations yes "$@" 2>"$WORK/test-stderr.log"
STATUS=$?
if ((STATUS != 0)); then
  echo "kubeclient_cluster_test: last lines of the test's stderr:"; tail -n 30 "$WORK/test-stderr.log"
fi
exit "$STATUS"
