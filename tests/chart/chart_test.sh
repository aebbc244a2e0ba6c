#!/usr/bin/env bash
# The Helm chart charts/nauthera, offline and on a real control plane
# (tests/cluster/control_plane.sh: kube-apiserver + etcd + kube-controller-manager, no kubelet):
#   lint          helm lint --strict (several value sets); lint without issuerUrl fails;
#                 values.schema.json is what tests/chart/gen_schema.py writes
#   render        helm template for both RBAC modes and the options, checked by
#                 check_render.py (RBAC no broader than tests/controller_k8s/rbac.yaml, args,
#                 probes, securityContext, the generated mTLS certificates verify, policy)
#   schema        bad values refused with helm's schema error naming the path; good ones pass
#   install       helm install (cluster scope) into the real API server; objects exist; NOTES
#                 print Step 1's kube-apiserver flags
#   can-i         kubectl auth can-i as the chart's controller ServiceAccount: what it must and
#                 must not be able to do
#   controller    the real nauthera-controller as a local process under the chart's
#                 ServiceAccount token (so the chart's RBAC is what is tested) with the chart's
#                 mTLS certificates, a real token server dialing it with the chart's client
#                 certificate: ready, signing-key Secret, credentials Secrets and status for
#                 examples/quickstart, a client_credentials token; the Deployment's httpGet probe
#                 run against the live controller
#   upgrade       helm upgrade keeps the mTLS certificates, the checksum and the signing keys;
#                 mtls.generation=2 replaces the certificates (and only then)
#   uninstall     helm uninstall leaves the CRDs (and the custom resources, and the keys)
#   ns-install / ns-can-i / ns-controller   the same with rbac.scope=namespace in team-a: the
#                 controller serves team-a only, writes nothing elsewhere, no "forbidden"
# Prints PASS/FAIL per case with timings; exit 0 only if all pass, 77 (ctest SKIP) when the
# Kubernetes programs cannot be built here.
#
# Usage: chart_test.sh --build-dir DIR [--work-dir DIR] [--keep] [--offline | --cluster-only]
#   --offline: lint, render, schema only (no programs, no control plane; ~50 s)
#   --cluster-only: skip those three
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHART="$ROOT/charts/nauthera"
BUILD=""
WORK=""
KEEP=0
OFFLINE=0
CLUSTER_ONLY=0
while (($#)); do
  case "$1" in
    --build-dir) BUILD="$2"; shift 2 ;;
    --work-dir) WORK="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --offline) OFFLINE=1; shift ;;
    --cluster-only) CLUSTER_ONLY=1; shift ;;
    *) echo "usage: $0 --build-dir DIR [--work-dir DIR] [--keep] [--offline | --cluster-only]" >&2; exit 2 ;;
  esac
done
[[ -n "$BUILD" ]] || { echo "--build-dir is required" >&2; exit 2; }
CONTROLLER="$BUILD/controller/nauthera-controller"
TOKENSERVER="$BUILD/tokenserver/nauthera-tokenserver"
if ((!OFFLINE)); then
  for p in "$CONTROLLER" "$TOKENSERVER"; do
    [[ -x "$p" ]] || { echo "missing $p (build it first)" >&2; exit 2; }
  done
fi
[[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-chart.XXXXXX")"
rm -rf "$WORK"; mkdir -p "$WORK"

# shellcheck source=../cluster/control_plane.sh
source "$ROOT/tests/cluster/control_plane.sh"

# pass, fail, wait_for, now_ms, free_port and kube_secret_field: scripts/lib/common.sh (through
# control_plane.sh); kubectl is polled every 0.1 s.
PASSED=0; FAILED=0; FAILURES=()
WAIT_FOR_INTERVAL=0.1

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  cp_stop "$WORK/cp"
  if ((FAILED == 0 && KEEP == 0)); then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! CP_BIN="$("$ROOT/scripts/k8s-tools.sh" 2>"$WORK/k8s-tools.log")" || [[ -z "$CP_BIN" ]]; then
  echo "SKIP: the Kubernetes programs (helm among them) could not be built; scripts/k8s-tools.sh said:"
  tail -n 15 "$WORK/k8s-tools.log" | sed 's/^/      /'
  trap - EXIT; rm -rf "$WORK"; exit 77
fi
export CP_BIN PATH="$CP_BIN:$PATH"
HELM="$CP_BIN/helm"
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" \
  HELM_DATA_HOME="$WORK/helm/data"

run_case() {  # run_case NAME: runs case_NAME and prints its time
  local t; t=$(now_ms)
  "case_${1//-/_}"
  echo "  ($1: $(($(now_ms) - t)) ms)"
}

# ----------------------------------------------------------------------------- offline
EX_ISSUER=https://auth.example.com

case_lint() {
  local out sets=(
    "--set issuerUrl=$EX_ISSUER"
    "--set issuerUrl=$EX_ISSUER --set rbac.scope=namespace --set rbac.watchNamespace=team-a"
    "--set issuerUrl=$EX_ISSUER --set tokenServer.ingress.enabled=true --set tokenServer.autoscaling.enabled=true"
    "--set issuerUrl=$EX_ISSUER --set tokenServer.tls.mode=secret --set tokenServer.tls.secretName=auth-tls"
    "--set issuerUrl=$EX_ISSUER --set certManager.enabled=true"
  )
  local s
  for s in "${sets[@]}"; do
    # shellcheck disable=SC2086
    if ! out=$("$HELM" lint --strict "$CHART" $s 2>&1); then
      fail lint "helm lint --strict $s" "$out"; return
    fi
  done
  if out=$("$HELM" lint --strict "$CHART" 2>&1) || [[ "$out" != *"missing property 'issuerUrl'"* ]]; then
    fail lint "helm lint without issuerUrl should fail naming it" "$out"; return
  fi
  if ! out=$(python3 "$HERE/gen_schema.py" --check 2>&1); then
    fail lint "values.schema.json" "$out"; return
  fi
  pass "lint (${#sets[@]} value sets clean under --strict; no issuerUrl refused; schema current)"
}

render() {  # render FILE ARGS...: helm template into FILE
  local file="$1"; shift
  "$HELM" template "$@" "$CHART" >"$file" 2>"$file.err"
}
case_render() {
  local out
  render "$WORK/r-cluster.yaml" nauthera -n nauthera-system --set issuerUrl=$EX_ISSUER \
    --set 'mtls.extraIpAddresses={127.0.0.1}' || { fail render "helm template (cluster)" "$(cat "$WORK/r-cluster.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" cluster "$WORK/r-cluster.yaml" ns=nauthera-system \
        fullname=nauthera issuer=$EX_ISSUER extra_ip=127.0.0.1 2>&1) || { fail render "cluster scope" "$out"; return; }
  echo "$out"
  render "$WORK/r-ns.yaml" team -n team-a --set issuerUrl=$EX_ISSUER --set rbac.scope=namespace ||
    { fail render "helm template (namespace)" "$(cat "$WORK/r-ns.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" namespace "$WORK/r-ns.yaml" ns=team-a fullname=team-nauthera \
        watch=team-a 2>&1) || { fail render "namespace scope" "$out"; return; }
  echo "$out"
  render "$WORK/r-ns2.yaml" team -n nauthera-system --set issuerUrl=$EX_ISSUER \
    --set rbac.scope=namespace --set rbac.watchNamespace=apps ||
    { fail render "helm template (namespace apps)" "$(cat "$WORK/r-ns2.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" namespace "$WORK/r-ns2.yaml" ns=nauthera-system \
        fullname=team-nauthera watch=apps 2>&1) || { fail render "namespace scope, other namespace" "$out"; return; }
  render "$WORK/r-ing.yaml" nauthera -n nauthera-system --set issuerUrl=https://auth.example.com:8443/ \
    --set tokenServer.ingress.enabled=true --set tokenServer.autoscaling.enabled=true \
    --set 'tokenServer.trustedProxies={10.0.0.0/8,fd00::/8}' \
    --set controller.signingKeys.algorithm=ES256 ||
    { fail render "helm template (ingress)" "$(cat "$WORK/r-ing.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" ingress-hpa "$WORK/r-ing.yaml" host=auth.example.com 2>&1) ||
    { fail render "ingress + HPA" "$out"; return; }
  render "$WORK/r-https.yaml" nauthera -n nauthera-system --set issuerUrl=$EX_ISSUER \
    --set tokenServer.tls.mode=secret --set tokenServer.tls.secretName=auth-tls --set tokenServer.port=8443 ||
    { fail render "helm template (https)" "$(cat "$WORK/r-https.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" https "$WORK/r-https.yaml" secret=auth-tls 2>&1) ||
    { fail render "tls.mode=secret" "$out"; return; }
  render "$WORK/r-cm.yaml" nauthera -n nauthera-system --set issuerUrl=$EX_ISSUER --set certManager.enabled=true ||
    { fail render "helm template (cert-manager)" "$(cat "$WORK/r-cm.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" cert-manager "$WORK/r-cm.yaml" 2>&1) ||
    { fail render "cert-manager" "$out"; return; }
  render "$WORK/r-redis.yaml" nauthera -n nauthera-system --set issuerUrl=$EX_ISSUER \
    --set tokenServer.redis.existingSecret=redis-auth ||
    { fail render "helm template (redis)" "$(cat "$WORK/r-redis.yaml.err")"; return; }
  out=$(python3 "$HERE/check_render.py" redis "$WORK/r-redis.yaml" secret=redis-auth 2>&1) ||
    { fail render "redis" "$out"; return; }
  # Two renders generate two different CAs (nothing is fixed in the chart).
  render "$WORK/r-cluster2.yaml" nauthera -n nauthera-system --set issuerUrl=$EX_ISSUER
  if [[ "$(grep -A2 'name: nauthera-mtls-ca' "$WORK/r-cluster.yaml" | md5sum)" == "$(grep -A2 'name: nauthera-mtls-ca' "$WORK/r-cluster2.yaml" | md5sum)" ]] &&
     [[ "$(grep 'tls.key' "$WORK/r-cluster.yaml" | head -1)" == "$(grep 'tls.key' "$WORK/r-cluster2.yaml" | head -1)" ]]; then
    fail render "two renders produced the same CA key"; return
  fi
  pass "render (cluster, namespace x2, ingress+HPA, https, cert-manager, redis)"
}

# expect_refused WHAT SUBSTRING ARGS...
expect_refused() {
  local what="$1" want="$2" out; shift 2
  if out=$("$HELM" template x "$CHART" "$@" 2>&1 >/dev/null); then
    REFUSALS+=("$what: accepted, should be refused"); return
  fi
  [[ "$out" == *"$want"* ]] || REFUSALS+=("$what: error does not say '$want': $out")
  out=$(tr '\n' ' ' <<<"$out" | tr -s ' ')
  SCHEMA_SEEN+=("$what -> ${out##*nauthera: }")
}
expect_accepted() {
  local out
  out=$("$HELM" template x "$CHART" "$@" 2>&1 >/dev/null) || REFUSALS+=("$* refused: $out")
}
case_schema() {
  REFUSALS=(); SCHEMA_SEEN=()
  local ok=(--set "issuerUrl=$EX_ISSUER")
  expect_refused "no issuerUrl" "missing property 'issuerUrl'"
  expect_refused "http issuer off loopback" "at '/issuerUrl'" --set issuerUrl=http://auth.example.com
  expect_refused "http issuer on a LAN address" "at '/issuerUrl'" --set issuerUrl=http://10.0.0.5:8080
  expect_refused "issuer with a query" "at '/issuerUrl'" --set "issuerUrl=https://auth.example.com/?a=b"
  expect_refused "issuer with a fragment" "at '/issuerUrl'" --set "issuerUrl=https://auth.example.com/#x"
  expect_refused "issuer not a URL" "at '/issuerUrl'" --set issuerUrl=auth.example.com
  expect_refused "controller.replicas 0" "at '/controller/replicas'" "${ok[@]}" --set controller.replicas=0
  expect_refused "tokenServer.replicas 0" "at '/tokenServer/replicas'" "${ok[@]}" --set tokenServer.replicas=0
  expect_refused "replicas a string" "at '/tokenServer/replicas'" "${ok[@]}" --set-string tokenServer.replicas=two
  expect_refused "unknown top-level key" "additional properties 'bogus' not allowed" "${ok[@]}" --set bogus=1
  expect_refused "misspelt nested key" "additional properties 'replica' not allowed" "${ok[@]}" --set controller.replica=3
  expect_refused "rbac.scope" "at '/rbac/scope'" "${ok[@]}" --set rbac.scope=everything
  expect_refused "TTL format" "at '/defaultPolicy/accessTokenTTL'" "${ok[@]}" --set "defaultPolicy.accessTokenTTL=15 minutes"
  expect_refused "grant type" "at '/defaultPolicy/allowedGrantTypes/0'" "${ok[@]}" --set "defaultPolicy.allowedGrantTypes={password}"
  expect_refused "port range" "at '/controller/grpcPort'" "${ok[@]}" --set controller.grpcPort=70000
  expect_refused "tls.mode" "at '/tokenServer/tls/mode'" "${ok[@]}" --set tokenServer.tls.mode=none
  expect_refused "signing algorithm" "at '/controller/signingKeys/algorithm'" "${ok[@]}" \
    --set controller.signingKeys.algorithm=HS256
  expect_refused "secret mode without a Secret" "tokenServer.tls.secretName" "${ok[@]}" --set tokenServer.tls.mode=secret
  expect_refused "2 controllers without leader election" "leaderElection" "${ok[@]}" --set controller.leaderElection.enabled=false
  expect_accepted --set issuerUrl=http://127.0.0.1:8080
  expect_accepted --set issuerUrl=http://localhost:5556/nauthera
  expect_accepted --set issuerUrl=https://127.0.0.1:9443
  expect_accepted --set issuerUrl=https://auth.example.com/realms/k8s
  expect_accepted --set issuerUrl=https://auth.example.com --set controller.replicas=1 --set controller.leaderElection.enabled=false
  if ((${#REFUSALS[@]})); then
    fail schema "${#REFUSALS[@]} wrong answers" "$(printf '%s\n' "${REFUSALS[@]}")"; return
  fi
  printf '  %s\n' "${SCHEMA_SEEN[@]}" | cut -c1-160
  pass "schema (${#SCHEMA_SEEN[@]} bad value sets refused with the path named, 5 good ones accepted)"
}

if ((!CLUSTER_ONLY)); then
  run_case lint
  run_case render
  run_case schema
fi
if ((OFFLINE)); then
  echo "chart: $PASSED passed, $FAILED failed (offline)"
  ((FAILED == 0)); exit
fi

# ----------------------------------------------------------------------------- cluster
t0=$(now_ms)
cp_start "$WORK/cp" || { echo "FAIL control plane did not start"; FAILED=$((FAILED + 1)); exit 1; }
echo "control plane up in $(($(now_ms) - t0)) ms"

# The token server serves https://127.0.0.1:PORT (as in the guide's e2e) with a test CA.
mkdir -p "$WORK/https"
(
  cd "$WORK/https" || exit 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
    -out ca.crt -days 1 -subj /CN=chart-test-ca -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.csr \
    -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 1 \
    -extfile ext
) >"$WORK/https.log" 2>&1 || { fail https-cert "openssl" "$(cat "$WORK/https.log")"; exit 1; }

ready_is() {  # KIND NS NAME WANT
  local ns_args=(); [[ -n "$2" ]] && ns_args=(-n "$2")
  [[ "$(kubectl get "$1" "$3" "${ns_args[@]}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == "$4" ]]
}
has_status() {  # KIND NS NAME: any .status.conditions written
  local ns_args=(); [[ -n "$2" ]] && ns_args=(-n "$2")
  [[ -n "$(kubectl get "$1" "$3" "${ns_args[@]}" -o jsonpath='{.status.conditions[0].type}')" ]]
}

# sa_kubeconfig NS SA FILE: a kubeconfig with a `kubectl create token` of the chart's SA.
sa_kubeconfig() {
  local token
  token=$(kubectl create token "$2" -n "$1" --duration=1h) || return 1
  KUBECONFIG="$3" kubectl config set-cluster c --server="$CP_APISERVER_URL" \
    --certificate-authority="$CP_CA_FILE" --embed-certs=true >/dev/null
  KUBECONFIG="$3" kubectl config set-credentials c --token="$token" >/dev/null
  KUBECONFIG="$3" kubectl config set-context c --cluster=c --user=c --namespace="$1" >/dev/null
  KUBECONFIG="$3" kubectl config use-context c >/dev/null
}

# mtls_files NS RELEASE_FULLNAME DIR: the chart's mTLS Secrets as files.
mtls_files() {
  mkdir -p "$3"
  local k
  for k in tls.crt tls.key ca.crt; do
    kube_secret_field "$1" "$2-controller-tls" "$k" >"$3/controller-$k"
    kube_secret_field "$1" "$2-tokenserver-tls" "$k" >"$3/tokenserver-$k"
  done
  [[ -s "$3/controller-tls.crt" && -s "$3/tokenserver-tls.key" ]]
}

# start_pair NAME NS FULLNAME ISSUER_PORT [controller flags]: the controller under the chart's
# SA with the chart's server certificate on loopback (start_ts adds a token server with the
# chart's client certificate). Sets ${NAME}_CPID ${NAME}_HTTP ${NAME}_GRPC ${NAME}_ISSUER.
start_pair() {
  local name="$1" ns="$2" full="$3" port="$4"; shift 4
  local grpc http metrics dir="$WORK/$name"
  mkdir -p "$dir"
  sa_kubeconfig "$ns" "$full-controller" "$dir/kubeconfig" || return 1
  mtls_files "$ns" "$full" "$dir/mtls" || return 1
  grpc=$(free_port); http=$(free_port); metrics=$(free_port)
  "$CONTROLLER" --kubeconfig="$dir/kubeconfig" --namespace="$ns" --leader-elect \
    --issuer-url="https://127.0.0.1:$port" --grpc-listen="127.0.0.1:$grpc" \
    --metrics-listen="http://127.0.0.1:$metrics" \
    --grpc-tls-cert="$dir/mtls/controller-tls.crt" --grpc-tls-key="$dir/mtls/controller-tls.key" \
    --grpc-client-ca="$dir/mtls/controller-ca.crt" --http-listen="http://127.0.0.1:$http" \
    --state-dir="$dir/state" "$@" >>"$dir/controller.log" 2>&1 &
  printf -v "${name}_CPID" '%s' "$!"; PIDS+=("$!")
  printf -v "${name}_HTTP" '%s' "$http"
  printf -v "${name}_METRICS" '%s' "$metrics"
  printf -v "${name}_GRPC" '%s' "$grpc"
  printf -v "${name}_ISSUER" '%s' "https://127.0.0.1:$port"
}
# start_ts NAME: a token server for start_pair NAME's controller (cluster scope: once the
# controller is ready; namespace scope: at the same time, as pods of one rollout start).
start_ts() {
  local name="$1" dir="$WORK/$1" grpc_var="$1_GRPC" issuer_var="$1_ISSUER"
  local grpc="${!grpc_var}" issuer="${!issuer_var}"
  # The environment the chart's Deployment gives the token servers (check_render.py checks it
  # is there): without it, a TLS state stream that misses its first connect never connects.
  "$TOKENSERVER" --controller="127.0.0.1:$grpc" --grpc-tls-ca="$dir/mtls/tokenserver-ca.crt" \
    --grpc-tls-cert="$dir/mtls/tokenserver-tls.crt" --grpc-tls-key="$dir/mtls/tokenserver-tls.key" \
    --listen="$issuer" --tls-cert-file="$WORK/https/tls.crt" \
    --tls-key-file="$WORK/https/tls.key" >>"$dir/tokenserver.log" 2>&1 &
  printf -v "${name}_TPID" '%s' "$!"; PIDS+=("$!")
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
jwks_has() {  # N ISSUER: the JWKS lists at least N keys
  (( $(curl_ts "$2/oauth2/jwks" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["keys"]))' 2>/dev/null || echo 0) >= $1 ))
}
status_says() { curl -sf "http://127.0.0.1:$1/status" | grep -qF "$2"; }  # HTTP_PORT TEXT
curl_ts() { curl -s --max-time 5 --cacert "$WORK/https/ca.crt" "$@"; }
token_code() {  # ISSUER CLIENT_ID CLIENT_SECRET
  curl_ts -o "$WORK/token.json" -w '%{http_code}' -X POST "$1/oauth2/token" \
    -d grant_type=client_credentials -d "client_id=$2" -d "client_secret=$3" -d "scope=openid email groups"
}
is_code() { [[ "$(token_code "$1" "$2" "$3")" == "$4" ]]; }
jwt_claim() {  # JWT CLAIM: the claim as JSON
  python3 -c 'import base64,json,sys
p=sys.argv[1].split(".")[1]; p+="="*(-len(p)%4)
print(json.dumps(json.loads(base64.urlsafe_b64decode(p)).get(sys.argv[2])))' "$1" "$2"
}

# can_i AS WANT(yes|no) ARGS...: records a wrong answer in CANI_WRONG.
can_i() {
  local as="$1" want="$2" got; shift 2
  got=$(kubectl auth can-i "$@" --as="$as" 2>/dev/null)
  [[ "$got" == "$want" ]] || CANI_WRONG+=("can-i $* -> '$got', want $want")
  CANI_COUNT=$((CANI_COUNT + 1))
}

CL_NS=nauthera-system
CL_FULL=nauthera
CL_PORT=$(free_port)
CL_ISSUER="https://127.0.0.1:$CL_PORT"
CL_SA="system:serviceaccount:$CL_NS:$CL_FULL-controller"

case_install() {
  local t out
  t=$(now_ms)
  if ! out=$("$HELM" install "$CL_FULL" "$CHART" -n "$CL_NS" --create-namespace \
      --set issuerUrl="$CL_ISSUER" --set 'mtls.extraIpAddresses={127.0.0.1}' 2>&1); then
    fail install "helm install" "$out"; return
  fi
  local took=$(($(now_ms) - t))
  echo "$out" >"$WORK/notes-cluster.txt"
  local missing=() o
  for o in deployment/$CL_FULL-controller deployment/$CL_FULL-tokenserver service/$CL_FULL-controller \
           service/$CL_FULL-tokenserver serviceaccount/$CL_FULL-controller serviceaccount/$CL_FULL-tokenserver \
           secret/$CL_FULL-mtls-ca secret/$CL_FULL-controller-tls secret/$CL_FULL-tokenserver-tls \
           poddisruptionbudget/$CL_FULL-tokenserver poddisruptionbudget/$CL_FULL-controller \
           role/$CL_FULL-controller-own-namespace rolebinding/$CL_FULL-controller-own-namespace; do
    kubectl get "$o" -n "$CL_NS" >/dev/null 2>&1 || missing+=("$o")
  done
  for o in clusterrole/$CL_FULL-controller clusterrolebinding/$CL_FULL-controller \
           clusterauthpolicy/$CL_FULL-default; do
    kubectl get "$o" >/dev/null 2>&1 || missing+=("$o")
  done
  local crds; crds=$(kubectl get crd -o name | grep -c 'auth.nauthera.io')
  ((crds == 5)) || missing+=("5 CRDs (found $crds)")
  ((${#missing[@]} == 0)) || { fail install "missing after install" "${missing[*]}"; return; }
  local want
  for want in "--oidc-issuer-url=$CL_ISSUER" "--oidc-username-claim=email" "--oidc-groups-claim=groups" \
              '--oidc-username-prefix="oidc:"' '--oidc-groups-prefix="oidc:"' \
              "kubectl get secret kubectl-credentials -n $CL_NS"; do
    [[ "$out" == *"$want"* ]] || { fail install "NOTES lack '$want'" "$out"; return; }
  done
  pass "install (helm install $took ms; $(kubectl get all,secret,sa,pdb,role,rolebinding -n "$CL_NS" -o name | wc -l) objects in $CL_NS, 5 CRDs, NOTES print Step 1's flags)"
}

case_can_i() {
  CANI_WRONG=(); CANI_COUNT=0
  local sa="$CL_SA" ts="system:serviceaccount:$CL_NS:$CL_FULL-tokenserver"
  kubectl create namespace ci-cd >/dev/null 2>&1
  # What the controller must be able to do.
  can_i "$sa" yes list oidcclients.auth.nauthera.io --all-namespaces
  can_i "$sa" yes watch nautheraserviceaccounts.auth.nauthera.io -n ci-cd
  can_i "$sa" yes watch clusterauthpolicies.auth.nauthera.io
  can_i "$sa" yes list nautherausers.auth.nauthera.io
  can_i "$sa" yes update oidcclients.auth.nauthera.io --subresource=status -n ci-cd
  can_i "$sa" yes update clusterauthpolicies.auth.nauthera.io --subresource=status
  can_i "$sa" yes create secrets -n ci-cd
  can_i "$sa" yes delete secrets -n ci-cd
  can_i "$sa" yes watch secrets --all-namespaces
  can_i "$sa" yes list namespaces
  can_i "$sa" yes create events.events.k8s.io -n ci-cd
  can_i "$sa" yes create leases.coordination.k8s.io -n "$CL_NS"
  can_i "$sa" yes update leases.coordination.k8s.io/nauthera-controller -n "$CL_NS"
  # What it must not.
  can_i "$sa" no delete customresourcedefinitions.apiextensions.k8s.io
  can_i "$sa" no update customresourcedefinitions.apiextensions.k8s.io
  can_i "$sa" no update oidcclients.auth.nauthera.io -n ci-cd
  can_i "$sa" no delete oidcclients.auth.nauthera.io -n ci-cd
  can_i "$sa" no create clusterauthpolicies.auth.nauthera.io
  can_i "$sa" no update clusterauthpolicies.auth.nauthera.io
  can_i "$sa" no patch secrets -n ci-cd
  can_i "$sa" no update leases.coordination.k8s.io/other -n "$CL_NS"
  can_i "$sa" no create leases.coordination.k8s.io -n kube-system
  can_i "$sa" no create events -n ci-cd
  can_i "$sa" no delete namespaces
  can_i "$sa" no create pods -n "$CL_NS"
  can_i "$sa" no update deployments.apps -n "$CL_NS"
  can_i "$sa" no create clusterrolebindings.rbac.authorization.k8s.io
  can_i "$sa" no create serviceaccounts/token -n "$CL_NS"
  can_i "$sa" no get nodes
  # The token servers call no Kubernetes API at all.
  can_i "$ts" no get secrets -n "$CL_NS"
  can_i "$ts" no list oidcclients.auth.nauthera.io --all-namespaces
  if ((${#CANI_WRONG[@]})); then
    fail can-i "${#CANI_WRONG[@]} of $CANI_COUNT wrong" "$(printf '%s\n' "${CANI_WRONG[@]}")"; return
  fi
  pass "can-i ($CANI_COUNT answers as expected for the controller and token-server ServiceAccounts)"
}

# The Deployment's probe (httpGet on the metrics port), taken from the installed manifest, asked
# of the controller's --metrics-listen on PORT.
probe_cmd() {  # RELEASE NS PROBE(readinessProbe|livenessProbe) PORT
  local path
  path=$("$HELM" get manifest "$1" -n "$2" | python3 -c '
import sys, yaml
probe = sys.argv[1]
for d in yaml.safe_load_all(sys.stdin):
    if d and d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-controller"):
        c = d["spec"]["template"]["spec"]["containers"][0]
        get = c[probe]["httpGet"]
        port = [p for p in c["ports"] if p["name"] == get["port"]][0]["containerPort"]
        assert any(a == "--metrics-listen=http://0.0.0.0:%d" % port for a in c["args"]), c["args"]
        print(get["path"])' "$3") || return 1
  echo "GET :metrics$path" >"$WORK/probe.cmd"
  curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$4$path"
}

case_controller() {
  local t; t=$(now_ms)
  start_pair CL "$CL_NS" "$CL_FULL" "$CL_PORT" || { fail controller "could not start"; return; }
  if ! wait_for 30 curl -sf "http://127.0.0.1:$CL_HTTP/readyz"; then
    fail controller "not ready in 30 s under the chart's RBAC" "$(tail -n 20 "$WORK/CL/controller.log")"; return
  fi
  local ready_ms=$(($(now_ms) - t))
  if ! probe_cmd "$CL_FULL" "$CL_NS" readinessProbe "$CL_METRICS" || ! probe_cmd "$CL_FULL" "$CL_NS" livenessProbe "$CL_METRICS"; then
    fail controller "the Deployment's probe fails against the live controller" "$(cat "$WORK/probe.cmd")"; return
  fi
  if probe_cmd "$CL_FULL" "$CL_NS" readinessProbe "$(free_port)" 2>/dev/null; then
    fail controller "the probe passes against a closed port"; return
  fi
  kubectl apply -f "$ROOT/examples/quickstart/00-namespaces.yaml" -f "$ROOT/examples/quickstart/20-ci-deployer.yaml" \
    -f "$ROOT/examples/quickstart/21-ci-policy.yaml" -f "$ROOT/examples/quickstart/30-kubectl-client.yaml" \
    -f "$ROOT/examples/quickstart/40-users.yaml" >/dev/null || { fail controller "kubectl apply quickstart"; return; }
  if ! wait_for 15 ready_is oidcclient "$CL_NS" kubectl True ||
     ! wait_for 15 ready_is nautheraserviceaccount ci-cd ci-deployer True; then
    fail controller "quickstart clients not Ready in 15 s" \
      "$(kubectl get oidcclients,nautheraserviceaccounts -A -o yaml | grep -A3 'message'; tail -n 20 "$WORK/CL/controller.log")"
    return
  fi
  local missing=()
  kubectl get secret nauthera-signing-keys -n "$CL_NS" >/dev/null 2>&1 || missing+=("signing-key Secret")
  [[ -n "$(kube_secret_field "$CL_NS" kubectl-credentials client_id)" ]] || missing+=("kubectl-credentials")
  [[ -n "$(kube_secret_field ci-cd ci-deployer-credentials client_secret)" ]] || missing+=("ci-deployer-credentials")
  wait_for 10 has_status clusterauthpolicy "" "$CL_FULL-default" || missing+=("ClusterAuthPolicy status")
  wait_for 10 has_status nautherauser "" alice || missing+=("NautheraUser status")
  ((${#missing[@]} == 0)) || { fail controller "missing: ${missing[*]}" "$(tail -n 20 "$WORK/CL/controller.log")"; return; }
  start_ts CL
  if ! wait_for 30 curl_ts -f "$CL_ISSUER/readyz"; then
    fail controller "token server not ready with the chart's client certificate" "$(tail -n 20 "$WORK/CL/tokenserver.log")"; return
  fi
  local issuer; issuer=$(curl_ts "$CL_ISSUER/.well-known/openid-configuration" | python3 -c 'import json,sys; print(json.load(sys.stdin)["issuer"])')
  [[ "$issuer" == "$CL_ISSUER" ]] || { fail controller "discovery issuer '$issuer' != $CL_ISSUER"; return; }
  local id secret kid
  id=$(kube_secret_field ci-cd ci-deployer-credentials client_id)
  secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
  kid=$(kube_secret_field "$CL_NS" kubectl-credentials client_id)
  if ! wait_for 10 is_code "$CL_ISSUER" "$id" "$secret" 200; then
    fail controller "no client_credentials token" "$(cat "$WORK/token.json")"; return
  fi
  local aud; aud=$(jwt_claim "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$WORK/token.json")" aud)
  if [[ "$aud" != *"\"$kid\""* ]]; then
    fail controller "the default policy's audienceClients: CI token aud $aud lacks the kubectl client id $kid" \
      "$(kubectl get clusterauthpolicy "$CL_FULL-default" -o yaml | sed -n '/^status/,$p')"; return
  fi
  if grep -qi forbidden "$WORK/CL/controller.log"; then
    fail controller "the controller met 'forbidden' under the chart's RBAC" "$(grep -i forbidden "$WORK/CL/controller.log" | head)"; return
  fi
  pass "controller (ready in $ready_ms ms under the chart's SA token; httpGet probes OK; keys, 2 credentials Secrets, status; token server on the chart's mTLS certs; CI token aud $aud)"
}

mtls_digest() {  # NS FULLNAME: digest of the three mTLS Secrets' data
  local s
  for s in mtls-ca controller-tls tokenserver-tls; do
    kubectl get secret "$2-$s" -n "$1" -o jsonpath='{.data}'
  done | sha256sum | cut -c1-16
}
keys_digest() { kubectl get secret nauthera-signing-keys -n "$1" -o jsonpath='{.data}' | sha256sum | cut -c1-16; }
pod_checksum() { kubectl get deployment "$2-$3" -n "$1" -o jsonpath='{.spec.template.metadata.annotations.checksum/mtls}'; }

case_upgrade() {
  local m0 k0 c0 out t
  m0=$(mtls_digest "$CL_NS" "$CL_FULL"); k0=$(keys_digest "$CL_NS"); c0=$(pod_checksum "$CL_NS" "$CL_FULL" tokenserver)
  t=$(now_ms)
  if ! out=$("$HELM" upgrade "$CL_FULL" "$CHART" -n "$CL_NS" --reuse-values --set tokenServer.replicas=3 2>&1); then
    fail upgrade "helm upgrade" "$out"; return
  fi
  local took=$(($(now_ms) - t))
  [[ "$(kubectl get deployment "$CL_FULL-tokenserver" -n "$CL_NS" -o jsonpath='{.spec.replicas}')" == 3 ]] ||
    { fail upgrade "the upgrade did not apply (replicas)"; return; }
  [[ "$(mtls_digest "$CL_NS" "$CL_FULL")" == "$m0" ]] || { fail upgrade "mTLS certificates changed on upgrade"; return; }
  [[ "$(pod_checksum "$CL_NS" "$CL_FULL" tokenserver)" == "$c0" && "$(pod_checksum "$CL_NS" "$CL_FULL" controller)" == "$c0" ]] ||
    { fail upgrade "pod checksum changed (pods would restart)"; return; }
  [[ "$(keys_digest "$CL_NS")" == "$k0" ]] || { fail upgrade "signing keys changed on upgrade"; return; }
  # A second plain upgrade (same values) still changes nothing.
  "$HELM" upgrade "$CL_FULL" "$CHART" -n "$CL_NS" --reuse-values >/dev/null 2>&1
  [[ "$(mtls_digest "$CL_NS" "$CL_FULL")" == "$m0" ]] || { fail upgrade "mTLS certificates changed on a second upgrade"; return; }
  # Asked to: mtls.generation=2 replaces the certificates once.
  "$HELM" upgrade "$CL_FULL" "$CHART" -n "$CL_NS" --reuse-values --set mtls.generation=2 >/dev/null 2>&1
  local m2; m2=$(mtls_digest "$CL_NS" "$CL_FULL")
  [[ "$m2" != "$m0" && "$(pod_checksum "$CL_NS" "$CL_FULL" controller)" != "$c0" ]] ||
    { fail upgrade "mtls.generation=2 did not replace the certificates"; return; }
  "$HELM" upgrade "$CL_FULL" "$CHART" -n "$CL_NS" --reuse-values >/dev/null 2>&1
  [[ "$(mtls_digest "$CL_NS" "$CL_FULL")" == "$m2" ]] || { fail upgrade "generation 2 certificates not kept"; return; }
  [[ "$(keys_digest "$CL_NS")" == "$k0" ]] || { fail upgrade "signing keys changed"; return; }
  # The new certificates work: a fresh token server and controller pair on them.
  local dir="$WORK/CL2"
  mtls_files "$CL_NS" "$CL_FULL" "$dir/mtls"
  openssl verify -CAfile "$dir/mtls/controller-ca.crt" "$dir/mtls/tokenserver-tls.crt" >/dev/null 2>&1 ||
    { fail upgrade "generation 2 client certificate does not verify against its CA"; return; }
  pass "upgrade (helm upgrade $took ms; mTLS Secrets, pod checksum $c0, signing keys $k0 unchanged over 2 upgrades; generation=2 replaced the certificates once)"
}

case_uninstall() {
  stop_pid "$CL_CPID"; stop_pid "$CL_TPID"
  local out t; t=$(now_ms)
  out=$("$HELM" uninstall "$CL_FULL" -n "$CL_NS" 2>&1) || { fail uninstall "helm uninstall" "$out"; return; }
  local took=$(($(now_ms) - t))
  local crds; crds=$(kubectl get crd -o name | grep -c 'auth.nauthera.io')
  ((crds == 5)) || { fail uninstall "CRDs removed ($crds left)"; return; }
  kubectl get oidcclient kubectl -n "$CL_NS" >/dev/null 2>&1 || { fail uninstall "custom resources gone"; return; }
  local left
  left=$(kubectl get deployment,service,secret,serviceaccount,role,rolebinding,pdb -n "$CL_NS" -l app.kubernetes.io/instance="$CL_FULL" -o name 2>/dev/null)
  left+=$(kubectl get clusterrole,clusterrolebinding,clusterauthpolicy -l app.kubernetes.io/instance="$CL_FULL" -o name 2>/dev/null)
  [[ -z "$left" ]] || { fail uninstall "chart objects left" "$left"; return; }
  kubectl get secret nauthera-signing-keys -n "$CL_NS" >/dev/null 2>&1 || { fail uninstall "signing keys deleted"; return; }
  pass "uninstall ($took ms; 5 CRDs, the custom resources and the signing keys stay; no chart object left)"
}

# --- namespace scope
NS_NS=team-a
NS_FULL=team-nauthera
NS_PORT=$(free_port)
NS_SA="system:serviceaccount:$NS_NS:$NS_FULL-controller"

case_ns_install() {
  local out t; t=$(now_ms)
  if ! out=$("$HELM" install team "$CHART" -n "$NS_NS" --create-namespace --set rbac.scope=namespace \
      --set issuerUrl="https://127.0.0.1:$NS_PORT" --set 'mtls.extraIpAddresses={127.0.0.1}' 2>&1); then
    fail ns-install "helm install" "$out"; return
  fi
  local took=$(($(now_ms) - t))
  kubectl get role "$NS_FULL-controller" -n "$NS_NS" >/dev/null 2>&1 &&
    kubectl get clusterrole "$NS_FULL-controller-$NS_NS-cluster-kinds" >/dev/null 2>&1 &&
    ! kubectl get clusterrole "$NS_FULL-controller" >/dev/null 2>&1 ||
    { fail ns-install "wrong RBAC objects" "$(kubectl get clusterrole,role -A | grep team)"; return; }
  [[ "$out" == *"namespace $NS_NS only"* ]] || { fail ns-install "NOTES do not say the scope" "$out"; return; }
  pass "ns-install (helm install $took ms; Role in $NS_NS, ClusterRole for the cluster-scoped kinds only)"
}

case_ns_can_i() {
  CANI_WRONG=(); CANI_COUNT=0
  local sa="$NS_SA"
  can_i "$sa" yes list oidcclients.auth.nauthera.io -n "$NS_NS"
  can_i "$sa" yes watch authpolicies.auth.nauthera.io -n "$NS_NS"
  can_i "$sa" yes update nautheraserviceaccounts.auth.nauthera.io --subresource=status -n "$NS_NS"
  can_i "$sa" yes create secrets -n "$NS_NS"
  can_i "$sa" yes delete secrets -n "$NS_NS"
  can_i "$sa" yes create events.events.k8s.io -n "$NS_NS"
  can_i "$sa" yes list clusterauthpolicies.auth.nauthera.io
  can_i "$sa" no update nautherausers.auth.nauthera.io --subresource=status
  can_i "$sa" no update clusterauthpolicies.auth.nauthera.io --subresource=status
  can_i "$sa" yes watch namespaces/"$NS_NS"
  can_i "$sa" yes create leases.coordination.k8s.io -n "$NS_NS"
  can_i "$sa" no list oidcclients.auth.nauthera.io -n ci-cd
  can_i "$sa" no list oidcclients.auth.nauthera.io --all-namespaces
  can_i "$sa" no get secrets -n kube-system
  can_i "$sa" no list secrets -n kube-system
  can_i "$sa" no list secrets --all-namespaces
  can_i "$sa" no create secrets -n ci-cd
  can_i "$sa" no list namespaces
  can_i "$sa" no watch namespaces/kube-system
  can_i "$sa" no delete customresourcedefinitions.apiextensions.k8s.io
  can_i "$sa" no update clusterauthpolicies.auth.nauthera.io
  can_i "$sa" no update oidcclients.auth.nauthera.io --subresource=status -n ci-cd
  can_i "$sa" no create events.events.k8s.io -n ci-cd
  can_i "$sa" no create leases.coordination.k8s.io -n kube-system
  if ((${#CANI_WRONG[@]})); then
    fail ns-can-i "${#CANI_WRONG[@]} of $CANI_COUNT wrong" "$(printf '%s\n' "${CANI_WRONG[@]}")"; return
  fi
  pass "ns-can-i ($CANI_COUNT answers as expected: $NS_NS only; not kube-system's Secrets, not other namespaces, not CRDs)"
}

case_ns_controller() {
  # NautheraUsers are cluster-scoped: a namespace-scoped install reads them all, but only the
  # password Secrets in its own or the watched namespace (docs/install-helm.md). The quickstart
  # users left by the cluster-scope case name Secrets in nauthera-system: remove them.
  kubectl delete nautherauser alice bob --ignore-not-found >/dev/null
  local t; t=$(now_ms)
  # The token server starts at the same time as the controller here (as pods of one rollout
  # do): it must connect once the controller listens.
  start_pair NS "$NS_NS" "$NS_FULL" "$NS_PORT" --watch-namespace="$NS_NS" ||
    { fail ns-controller "could not start"; return; }
  start_ts NS
  if ! wait_for 30 curl -sf "http://127.0.0.1:$NS_HTTP/readyz"; then
    fail ns-controller "not ready in 30 s under the namespace-scope RBAC" "$(tail -n 20 "$WORK/NS/controller.log")"; return
  fi
  local ready_ms=$(($(now_ms) - t))
  kubectl apply -f - >/dev/null <<YAML || { fail ns-controller "apply"; return; }
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: kubectl, namespace: $NS_NS}
spec:
  displayName: kubectl
  redirectUris: ["http://localhost:8000", "http://localhost:18000"]
  allowedScopes: [openid, profile, email, groups]
  grantTypes: [authorization_code, refresh_token]
  pkce: {required: true}
  authMethod: none
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: team-bot, namespace: $NS_NS}
spec: {allowedScopes: [openid, email, groups], groups: [team-a-ci]}
---
apiVersion: v1
kind: Secret
metadata: {name: carol-password, namespace: $NS_NS}
type: Opaque
stringData:
  password: '\$argon2id\$v=19\$m=19456,t=2,p=1\$uTEtzTe8CsXN3ADDyLdhtQ\$019BPN/7K6TgTYojZxn0Iwd0ZAiKLJpxfYiogccoKbE'
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata: {name: carol}
spec:
  username: carol
  email: carol@example.com
  groups: [developers]
  passwordSecretRef: {name: carol-password, namespace: $NS_NS, key: password}
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: outsider, namespace: ci-cd}
spec: {allowedScopes: [openid]}
YAML
  if ! wait_for 15 ready_is oidcclient "$NS_NS" kubectl True || ! wait_for 15 ready_is nautheraserviceaccount "$NS_NS" team-bot True; then
    fail ns-controller "team-a clients not Ready in 15 s" \
      "$(kubectl get oidcclients,nautheraserviceaccounts -n "$NS_NS" -o yaml | grep -A3 message; tail -n 20 "$WORK/NS/controller.log")"
    return
  fi
  local missing=()
  kubectl get secret nauthera-signing-keys -n "$NS_NS" >/dev/null 2>&1 || missing+=("signing-key Secret in $NS_NS")
  [[ -n "$(kube_secret_field "$NS_NS" team-bot-credentials client_secret)" ]] || missing+=("team-bot-credentials")
  [[ -n "$(kube_secret_field "$NS_NS" kubectl-credentials client_id)" ]] || missing+=("kubectl-credentials")
  # Cluster-scoped kinds: read (they govern and sign in here), their status left alone.
  wait_for 10 status_says "$NS_HTTP" 'can sign in as \"carol\"' ||
    missing+=("NautheraUser carol able to sign in (password Secret in $NS_NS) in /status")
  wait_for 10 status_says "$NS_HTTP" "governed by ClusterAuthPolicy/$NS_FULL-default" ||
    missing+=("clients governed by the chart's ClusterAuthPolicy")
  ((${#missing[@]} == 0)) || { fail ns-controller "missing: ${missing[*]}" "$(tail -n 20 "$WORK/NS/controller.log")"; return; }
  # Outside team-a nothing is written: no Secret, no status for ci-cd/outsider, none for the
  # cluster-scoped ClusterAuthPolicy and NautheraUser.
  sleep 2
  if kubectl get secret outsider-credentials -n ci-cd >/dev/null 2>&1 || has_status nautheraserviceaccount ci-cd outsider ||
     has_status clusterauthpolicy "" "$NS_FULL-default" || has_status nautherauser "" carol; then
    fail ns-controller "the namespace-scoped controller wrote outside $NS_NS"; return
  fi
  if ! wait_for 30 curl_ts -f "https://127.0.0.1:$NS_PORT/readyz"; then
    fail ns-controller "token server not ready" "$(tail -n 20 "$WORK/NS/tokenserver.log")"; return
  fi
  local id secret
  id=$(kube_secret_field "$NS_NS" team-bot-credentials client_id); secret=$(kube_secret_field "$NS_NS" team-bot-credentials client_secret)
  wait_for 10 is_code "https://127.0.0.1:$NS_PORT" "$id" "$secret" 200 || { fail ns-controller "no token for team-bot" "$(cat "$WORK/token.json")"; return; }
  local kid aud; kid=$(kube_secret_field "$NS_NS" kubectl-credentials client_id)
  aud=$(jwt_claim "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$WORK/token.json")" aud)
  [[ "$aud" == *"\"$kid\""* ]] || { fail ns-controller "team-bot's token aud $aud lacks $NS_NS/kubectl's id $kid"; return; }
  # A forced signing-key rotation (when this build has it) under the Role's get/update of
  # nauthera-signing-keys by name: the controller rewrites the Secret, the JWKS grows.
  local rotated="no key rotation in this build"
  if "$CONTROLLER" --help 2>&1 | grep -q -- --key-rotation-period; then
    local k0 t_rot; k0=$(keys_digest "$NS_NS"); t_rot=$(now_ms)
    kubectl annotate secret nauthera-signing-keys -n "$NS_NS" auth.nauthera.io/rotate="$(date +%s%N)" --overwrite >/dev/null
    if ! wait_for 20 bash -c "[[ \$(kubectl get secret nauthera-signing-keys -n $NS_NS -o jsonpath='{.data}' | sha256sum | cut -c1-16) != $k0 ]]"; then
      fail ns-controller "forced rotation: the key Secret was not rewritten in 20 s" "$(grep -i 'key\|rotat' "$WORK/NS/controller.log" | tail -n 5)"; return
    fi
    if ! wait_for 20 jwks_has 2 "https://127.0.0.1:$NS_PORT"; then
      fail ns-controller "forced rotation: the JWKS does not show two keys" "$(curl_ts "https://127.0.0.1:$NS_PORT/oauth2/jwks")"; return
    fi
    rotated="forced key rotation published in $(($(now_ms) - t_rot)) ms"
  fi
  if grep -qi forbidden "$WORK/NS/controller.log"; then
    fail ns-controller "'forbidden' in the controller's log" "$(grep -i forbidden "$WORK/NS/controller.log" | head)"; return
  fi
  stop_pid "$NS_CPID"; stop_pid "$NS_TPID"
  local out; out=$("$HELM" uninstall team -n "$NS_NS" 2>&1) || { fail ns-controller "helm uninstall" "$out"; return; }
  pass "ns-controller (ready in $ready_ms ms; keys, credentials, status in $NS_NS; carol signs in with her Secret in $NS_NS; no status written for cluster-scoped kinds nor anything in ci-cd; token aud has $NS_NS/kubectl's id; $rotated; uninstalled)"
}

for c in install can-i controller upgrade uninstall ns-install ns-can-i ns-controller; do
  run_case "$c"
done
echo "chart: $PASSED passed, $FAILED failed (control plane $(_cp_secs "$CP_SETUP_ALL_MS") s, whole test $(( ($(now_ms) - t0) / 1000 )) s)"
((FAILED == 0))
