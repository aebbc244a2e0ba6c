#!/usr/bin/env bash
# nauthera-controller in Kubernetes mode on a real kube-apiserver + etcd +
# kube-controller-manager (tests/cluster/control_plane.sh), under a service-account token
# bound to exactly the rules of rbac.yaml, with a real nauthera-tokenserver on its stream:
#   guide        the guide's OidcClient and NautheraServiceAccount -> <name>-credentials
#                Secrets, Ready True in `kubectl get oidcclients -A`, the guide's jsonpath
#                command, a client_credentials token from the token server
#   policy       a scope no policy allows -> Ready False naming it; editing the policy fixes it
#   gc           deleting a client removes its Secret (ownerReference GC) and the token server
#                stops accepting it
#   hand-delete  a Secret deleted by hand is recreated with a new secret, the old one is
#                rejected, an Event says so
#   restart      same client_secret and signing key after a controller restart
#   leader       two replicas: one Lease holder writes; failover when it stops
#   rbac         with `create secrets` removed, the client's status names the missing permission
# Prints PASS/FAIL per case with timings; exit 0 only if all pass, 77 (ctest SKIP) when the
# Kubernetes programs cannot be built here.
#
# Usage: controller_k8s_test.sh --build-dir DIR [--work-dir DIR] [--keep]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD=""
WORK=""
KEEP=0
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
for p in "$CONTROLLER" "$TOKENSERVER"; do
  [[ -x "$p" ]] || { echo "missing $p (build it first)" >&2; exit 2; }
done
[[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-ck8s.XXXXXX")"
rm -rf "$WORK"; mkdir -p "$WORK"

# shellcheck source=../cluster/control_plane.sh
source "$ROOT/tests/cluster/control_plane.sh"

PASSED=0; FAILED=0
pass() { echo "PASS $1"; PASSED=$((PASSED + 1)); }
fail() {
  echo "FAIL $1: $2"; FAILED=$((FAILED + 1))
  if [[ -n "${3:-}" ]]; then sed 's/^/    | /' <<<"$3" | head -n 30; fi
}
now_ms() { date +%s%3N; }
# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local deadline=$(($(now_ms) + $1 * 1000)); shift
  until "$@" >/dev/null 2>&1; do
    (($(now_ms) > deadline)) && return 1
    sleep 0.1
  done
}
free_port() {
  python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  cp_stop "$WORK"
  if ((FAILED == 0 && KEEP == 0)); then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The control plane.
if ! CP_BIN="$("$ROOT/scripts/k8s-tools.sh" 2>"$WORK/k8s-tools.log")" || [[ -z "$CP_BIN" ]]; then
  echo "SKIP: the Kubernetes programs could not be built; scripts/k8s-tools.sh said:"
  tail -n 15 "$WORK/k8s-tools.log" | sed 's/^/      /'
  trap - EXIT; rm -rf "$WORK"; exit 77
fi
export CP_BIN PATH="$CP_BIN:$PATH"
t0=$(now_ms)
cp_start "$WORK/cp" || { echo "FAIL control plane did not start"; exit 1; }
echo "control plane up in $(($(now_ms) - t0)) ms"

# --- CRDs, namespaces, policies (the quickstart's), the controller's identity.
kubectl apply -f "$ROOT/charts/nauthera/crds/" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
kubectl apply -f "$ROOT/examples/quickstart/00-namespaces.yaml" \
  -f "$ROOT/examples/quickstart/10-cluster-auth-policy.yaml" \
  -f "$ROOT/examples/quickstart/21-ci-policy.yaml" >/dev/null
kubectl create namespace apps >/dev/null

# make_identity SA RBAC_FILE: a service account bound to RBAC_FILE's rules (its subjects
# renamed to SA), and a kubeconfig $WORK/SA.kubeconfig with its token.
make_identity() {
  local sa="$1" rbac="$2" token kc="$WORK/$1.kubeconfig"
  kubectl create serviceaccount "$sa" -n nauthera-system >/dev/null
  sed -e "s/name: nauthera-controller\$/name: $sa/" \
      -e "s/name: nauthera-controller-leader-election\$/name: $sa-leader-election/" "$rbac" |
    kubectl apply -f - >/dev/null
  token=$(kubectl create token "$sa" -n nauthera-system --duration=1h)
  KUBECONFIG="$kc" kubectl config set-cluster c --server="$CP_APISERVER_URL" \
    --certificate-authority="$CP_CA_FILE" --embed-certs=true >/dev/null
  KUBECONFIG="$kc" kubectl config set-credentials c --token="$token" >/dev/null
  KUBECONFIG="$kc" kubectl config set-context c --cluster=c --user=c \
    --namespace=nauthera-system >/dev/null
  KUBECONFIG="$kc" kubectl config use-context c >/dev/null
}
make_identity nauthera-controller "$HERE/rbac.yaml"

TS_PORT=$(free_port)
ISSUER="http://127.0.0.1:$TS_PORT"
# start_controller NAME SA [extra flags]: sets ${NAME}_PID, ${NAME}_GRPC, ${NAME}_HTTP.
start_controller() {
  local name="$1" sa="$2"; shift 2
  local grpc http
  grpc=$(free_port); http=$(free_port)
  "$CONTROLLER" --kubeconfig="$WORK/$sa.kubeconfig" --namespace=nauthera-system \
    --issuer-url="$ISSUER" --grpc-listen="127.0.0.1:$grpc" \
    --http-listen="http://127.0.0.1:$http" "$@" >>"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_GRPC" '%s' "$grpc"
  printf -v "${name}_HTTP" '%s' "$http"
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
LEADER_FLAGS=(--leader-elect --leader-elect-lease-duration=3s)

start_controller A nauthera-controller "${LEADER_FLAGS[@]}"
if ! wait_for 30 curl -sf "http://127.0.0.1:$A_HTTP/readyz"; then
  fail controller-start "controller A not ready in 30 s" "$(tail -n 20 "$WORK/A.log")"; exit 1
fi
"$TOKENSERVER" --controller="127.0.0.1:$A_GRPC" --listen="$ISSUER" >>"$WORK/ts.log" 2>&1 &
TS_PID=$!; PIDS+=("$TS_PID")
wait_for 30 curl -sf "$ISSUER/readyz" || { fail tokenserver "not ready" "$(tail "$WORK/ts.log")"; exit 1; }

secret_field() {  # NS NAME FIELD: the decoded data field of a Secret
  kubectl get secret "$2" -n "$1" -o jsonpath="{.data.$3}" 2>/dev/null | base64 -d
}
ready_of() {  # KIND NS NAME: "True"/"False"
  kubectl get "$1" "$3" -n "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
}
# ready_is KIND NS NAME WANT: evaluated on every poll (unlike `test "$(ready_of ...)"`).
ready_is() { [[ "$(ready_of "$1" "$2" "$3")" == "$4" ]]; }
message_of() {
  kubectl get "$1" "$3" -n "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}'
}
token_code() {  # CLIENT_ID CLIENT_SECRET: the HTTP status of a client_credentials request
  curl -s -o "$WORK/token.json" -w '%{http_code}' --max-time 5 -X POST "$ISSUER/oauth2/token" \
    -d grant_type=client_credentials -d "client_id=$1" -d "client_secret=$2" \
    -d "scope=openid email groups"
}
is_code() { [[ "$(token_code "$1" "$2")" == "$3" ]]; }

# --- guide
case_guide() {
  local t=$(now_ms) out id secret
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata:
  name: kubectl
  namespace: nauthera-system
spec:
  displayName: kubectl
  redirectUris:
    - "http://localhost:8000"
    - "http://localhost:18000"
  allowedScopes:
    - openid
    - profile
    - email
    - groups
  grantTypes:
    - authorization_code
    - refresh_token
  pkce:
    required: true
  authMethod: none
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata:
  name: ci-deployer
  namespace: ci-cd
spec:
  displayName: CI Deployer
  allowedScopes:
    - openid
    - email
    - groups
YAML
  if ! wait_for 10 ready_is oidcclient nauthera-system kubectl True ||
     ! wait_for 10 ready_is nautheraserviceaccount ci-cd ci-deployer True; then
    fail guide "not Ready within 10 s" "$(kubectl get oidcclients,nautheraserviceaccounts -A -o yaml; tail -n 20 "$WORK/A.log")"
    return
  fi
  local ready_ms=$(($(now_ms) - t))
  out=$(kubectl get oidcclients -A)
  id=$(kubectl get secret ci-deployer-credentials -n ci-cd -o jsonpath='{.data.client_id}' | base64 -d)
  secret=$(secret_field ci-cd ci-deployer-credentials client_secret)
  local kid; kid=$(secret_field nauthera-system kubectl-credentials client_id)
  if ! grep -Eq '^nauthera-system +kubectl +True' <<<"$out"; then
    fail guide "kubectl get oidcclients -A does not show Ready True" "$out"; return
  fi
  if [[ ! "$id" =~ ^[0-9a-f]{32}$ || -z "$secret" || -z "$kid" ]] ||
     [[ -n "$(secret_field nauthera-system kubectl-credentials client_secret)" ]]; then
    fail guide "credentials Secrets wrong (ci-deployer id '$id', kubectl id '$kid')"; return
  fi
  if [[ "$(kubectl get nautheraserviceaccount ci-deployer -n ci-cd -o jsonpath='{.status.clientId}')" != "$id" ]]; then
    fail guide "status.clientId differs from the Secret"; return
  fi
  if ! wait_for 10 is_code "$id" "$secret" 200; then
    fail guide "the token server does not issue a token" "$(cat "$WORK/token.json")"; return
  fi
  pass "guide (Ready in $ready_ms ms, token after $(($(now_ms) - t)) ms; $(sed -n 2p <<<"$out" | tr -s ' '))"
}

# --- policy
case_policy() {
  local t msg
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: auditor, namespace: apps}
spec:
  redirectUris: ["http://localhost:8000"]
  allowedScopes: [openid, audit]
  grantTypes: [authorization_code]
  pkce: {required: true}
  authMethod: none
YAML
  if ! wait_for 10 ready_is oidcclient apps auditor False; then
    fail policy "auditor never got Ready False"; return
  fi
  msg=$(message_of oidcclient apps auditor)
  local reason; reason=$(kubectl get oidcclient auditor -n apps -o jsonpath='{.status.conditions[0].reason}')
  if [[ "$reason" != PolicyViolation || "$msg" != *audit* ]]; then
    fail policy "expected PolicyViolation naming 'audit'" "$reason: $msg"; return
  fi
  t=$(now_ms)
  kubectl patch clusterauthpolicy default --type=json \
    -p '[{"op":"add","path":"/spec/allowedScopes/-","value":"audit"}]' >/dev/null
  if ! wait_for 5 ready_is oidcclient apps auditor True; then
    fail policy "not Ready 5 s after the policy allowed 'audit'" "$(message_of oidcclient apps auditor)"
    return
  fi
  pass "policy (Ready False: '$msg'; Ready True $(($(now_ms) - t)) ms after the policy edit)"
}

# --- gc
case_gc() {
  local t id secret
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: temp-bot, namespace: ci-cd}
spec: {allowedScopes: [openid, email, groups]}
YAML
  wait_for 10 kubectl get secret temp-bot-credentials -n ci-cd || { fail gc "no Secret"; return; }
  id=$(secret_field ci-cd temp-bot-credentials client_id)
  secret=$(secret_field ci-cd temp-bot-credentials client_secret)
  local owner; owner=$(kubectl get secret temp-bot-credentials -n ci-cd \
    -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].controller}/{.metadata.ownerReferences[0].blockOwnerDeletion}')
  wait_for 10 is_code "$id" "$secret" 200 || { fail gc "temp-bot never accepted"; return; }
  t=$(now_ms)
  kubectl delete nautheraserviceaccount temp-bot -n ci-cd >/dev/null
  if ! wait_for 30 bash -c "! kubectl get secret temp-bot-credentials -n ci-cd"; then
    fail gc "Secret still there 30 s after the delete"; return
  fi
  local gone=$(($(now_ms) - t))
  if ! wait_for 10 is_code "$id" "$secret" 401; then
    fail gc "the token server still accepts the deleted client" "$(cat "$WORK/token.json")"; return
  fi
  pass "gc (ownerReference $owner; Secret gone in $gone ms, token refused after $(($(now_ms) - t)) ms)"
}

# --- hand-delete
case_hand_delete() {
  local t old_id old_secret new_id new_secret
  old_id=$(secret_field ci-cd ci-deployer-credentials client_id)
  old_secret=$(secret_field ci-cd ci-deployer-credentials client_secret)
  t=$(now_ms)
  kubectl delete secret ci-deployer-credentials -n ci-cd >/dev/null
  if ! wait_for 10 bash -c "kubectl get secret ci-deployer-credentials -n ci-cd -o jsonpath='{.data.client_id}' | base64 -d | grep -qv '^$old_id\$'"; then
    fail hand-delete "not recreated with a new client_id in 10 s"; return
  fi
  new_id=$(secret_field ci-cd ci-deployer-credentials client_id)
  new_secret=$(secret_field ci-cd ci-deployer-credentials client_secret)
  if [[ -z "$new_secret" || "$new_secret" == "$old_secret" ]]; then
    fail hand-delete "client_secret not renewed"; return
  fi
  local ms=$(($(now_ms) - t))
  if ! wait_for 10 is_code "$new_id" "$new_secret" 200; then
    fail hand-delete "new credentials refused" "$(cat "$WORK/token.json")"; return
  fi
  if ! is_code "$old_id" "$old_secret" 401; then
    fail hand-delete "old credentials still accepted"; return
  fi
  local events
  if ! wait_for 10 bash -c "kubectl get events.events.k8s.io -n ci-cd -o jsonpath='{.items[*].reason}' | grep -q CredentialsRecreated"; then
    fail hand-delete "no CredentialsRecreated Event" "$(kubectl get events.events.k8s.io -n ci-cd)"; return
  fi
  events=$(kubectl get events.events.k8s.io -n ci-cd -o jsonpath='{.items[?(@.reason=="CredentialsRecreated")].note}')
  pass "hand-delete (recreated in $ms ms, old secret 401, new 200; Event: ${events:0:90}...)"
}

# --- restart
case_restart() {
  local t secret kid keys_rv
  secret=$(secret_field ci-cd ci-deployer-credentials client_secret)
  kid=$(curl -s "$ISSUER/oauth2/jwks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"][0]["kid"])')
  keys_rv=$(kubectl get secret nauthera-signing-keys -n nauthera-system -o jsonpath='{.metadata.resourceVersion}')
  t=$(now_ms)
  stop_pid "$A_PID"
  start_controller A nauthera-controller "${LEADER_FLAGS[@]}"
  wait_for 30 curl -sf "http://127.0.0.1:$A_HTTP/readyz" || { fail restart "not ready again"; return; }
  # The token server reconnects to the new port.
  stop_pid "$TS_PID"
  "$TOKENSERVER" --controller="127.0.0.1:$A_GRPC" --listen="$ISSUER" >>"$WORK/ts.log" 2>&1 &
  TS_PID=$!; PIDS+=("$TS_PID")
  wait_for 30 curl -sf "$ISSUER/readyz" || { fail restart "token server not ready"; return; }
  local kid2; kid2=$(curl -s "$ISSUER/oauth2/jwks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"][0]["kid"])')
  sleep 1  # give a regenerating controller the chance to show itself
  if [[ "$(secret_field ci-cd ci-deployer-credentials client_secret)" != "$secret" ]]; then
    fail restart "client_secret changed"; return
  fi
  if [[ "$kid2" != "$kid" || "$(kubectl get secret nauthera-signing-keys -n nauthera-system -o jsonpath='{.metadata.resourceVersion}')" != "$keys_rv" ]]; then
    fail restart "signing key changed ($kid -> $kid2)"; return
  fi
  pass "restart (same client_secret, same kid $kid; ready again in $(($(now_ms) - t)) ms)"
}

# --- leader
holder() { kubectl get lease nauthera-controller -n nauthera-system -o jsonpath='{.spec.holderIdentity}'; }
case_leader() {
  local t
  start_controller B nauthera-controller "${LEADER_FLAGS[@]}"
  wait_for 30 curl -sf "http://127.0.0.1:$B_HTTP/readyz" || { fail leader "B not ready" "$(tail "$WORK/B.log")"; return; }
  if [[ "$(holder)" != *"_$A_PID" ]]; then fail leader "A does not hold the Lease: $(holder)"; return; fi
  if grep -q "became the leader" "$WORK/B.log"; then fail leader "B also became leader"; return; fi
  # B serves the State it read: its /status shows ci-deployer with the leader's client id.
  local id; id=$(secret_field ci-cd ci-deployer-credentials client_id)
  if ! wait_for 10 bash -c "curl -s http://127.0.0.1:$B_HTTP/status | grep -q $id"; then
    fail leader "follower B does not serve ci-deployer's credentials"; return
  fi
  # A follower writes nothing: a new client gets no Secret while only B runs... after failover.
  t=$(now_ms)
  stop_pid "$A_PID"
  if ! wait_for 10 bash -c "kubectl get lease nauthera-controller -n nauthera-system -o jsonpath='{.spec.holderIdentity}' | grep -q '_$B_PID\$'"; then
    fail leader "B did not take the Lease within 10 s" "$(holder)"; return
  fi
  local took=$(($(now_ms) - t))
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: after-failover, namespace: ci-cd}
spec: {allowedScopes: [openid]}
YAML
  if ! wait_for 10 ready_is nautheraserviceaccount ci-cd after-failover True; then
    fail leader "the new leader does not write" "$(tail -n 20 "$WORK/B.log")"; return
  fi
  pass "leader (A led, B followed and served; B took over $took ms after A stopped, and writes)"
  stop_pid "$B_PID"
}

# --- rbac: the same rules without `create` on secrets.
case_rbac() {
  sed 's/verbs: \[get, list, watch, create, update, patch, delete\]/verbs: [get, list, watch, update, patch, delete]/' \
    "$HERE/rbac.yaml" >"$WORK/rbac-no-create.yaml"
  make_identity limited "$WORK/rbac-no-create.yaml"
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: needs-create, namespace: ci-cd}
spec: {allowedScopes: [openid]}
YAML
  start_controller C limited
  local msg
  if ! wait_for 20 bash -c "kubectl get nautheraserviceaccount needs-create -n ci-cd -o jsonpath='{.status.conditions[0].message}' | grep -q 'cannot create resource \"secrets\"'"; then
    fail rbac "status does not name the missing permission" \
      "$(kubectl get nautheraserviceaccount needs-create -n ci-cd -o yaml; tail -n 20 "$WORK/C.log")"
    return
  fi
  msg=$(message_of nautheraserviceaccount ci-cd needs-create)
  if kubectl get secret needs-create-credentials -n ci-cd >/dev/null 2>&1; then
    fail rbac "a Secret was created without the permission"; return
  fi
  pass "rbac (without create secrets: '${msg:0:160}')"
  stop_pid "$C_PID"
}

for c in guide policy gc hand_delete restart leader rbac; do
  t=$(now_ms)
  "case_$c"
  echo "  ($c: $(($(now_ms) - t)) ms)"
done
echo "controller_k8s: $PASSED passed, $FAILED failed"
((FAILED == 0))
