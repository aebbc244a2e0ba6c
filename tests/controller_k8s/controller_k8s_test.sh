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
# shellcheck source=lib.sh
source "$HERE/lib.sh"
ck8s_parse_args "$@"
ck8s_setup controller_k8s
make_identity nauthera-controller "$HERE/rbac.yaml"

LEADER_FLAGS=(--leader-elect --leader-elect-lease-duration=3s)
start_controller A nauthera-controller "${LEADER_FLAGS[@]}"
if ! wait_for 30 curl -sf "http://127.0.0.1:$A_HTTP/readyz"; then
  fail controller-start "controller A not ready in 30 s" "$(tail -n 20 "$WORK/A.log")"; exit 1
fi
start_tokenserver "$A_GRPC" || { fail tokenserver "not ready" "$(tail "$WORK/ts.log")"; exit 1; }

# --- guide
case_guide() {
  local t out id secret
  t=$(now_ms)
  # The guide's two objects, cut from docs/kubectl-guide.md.
  { guide_block "Create an OidcClient"; echo ---; guide_block "Create a NautheraServiceAccount"; } |
    kubectl apply -f - >/dev/null
  if ! wait_for 10 ready_is oidcclient nauthera-system kubectl True ||
     ! wait_for 10 ready_is nautheraserviceaccount ci-cd ci-deployer True; then
    fail guide "not Ready within 10 s" "$(kubectl get oidcclients,nautheraserviceaccounts -A -o yaml; tail -n 20 "$WORK/A.log")"
    return
  fi
  local ready_ms=$(($(now_ms) - t))
  out=$(kubectl get oidcclients -A)
  id=$(kubectl get secret ci-deployer-credentials -n ci-cd -o jsonpath='{.data.client_id}' | base64 -d)
  secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
  local kid; kid=$(kube_secret_field nauthera-system kubectl-credentials client_id)
  if ! grep -Eq '^nauthera-system +kubectl +True' <<<"$out"; then
    fail guide "kubectl get oidcclients -A does not show Ready True" "$out"; return
  fi
  if [[ ! "$id" =~ ^[0-9a-f]{32}$ || -z "$secret" || -z "$kid" ]] ||
     [[ -n "$(kube_secret_field nauthera-system kubectl-credentials client_secret)" ]]; then
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
  id=$(kube_secret_field ci-cd temp-bot-credentials client_id)
  secret=$(kube_secret_field ci-cd temp-bot-credentials client_secret)
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
  old_id=$(kube_secret_field ci-cd ci-deployer-credentials client_id)
  old_secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
  t=$(now_ms)
  kubectl delete secret ci-deployer-credentials -n ci-cd >/dev/null
  if ! wait_for 10 bash -c "kubectl get secret ci-deployer-credentials -n ci-cd -o jsonpath='{.data.client_id}' | base64 -d | grep -qv '^$old_id\$'"; then
    fail hand-delete "not recreated with a new client_id in 10 s"; return
  fi
  new_id=$(kube_secret_field ci-cd ci-deployer-credentials client_id)
  new_secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
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
  secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
  kid=$(curl -s "$ISSUER/oauth2/jwks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"][0]["kid"])')
  keys_rv=$(kubectl get secret nauthera-signing-keys -n nauthera-system -o jsonpath='{.metadata.resourceVersion}')
  t=$(now_ms)
  stop_pid "$A_PID"
  start_controller A nauthera-controller "${LEADER_FLAGS[@]}"
  wait_for 30 curl -sf "http://127.0.0.1:$A_HTTP/readyz" || { fail restart "not ready again"; return; }
  # The token server reconnects to the new port.
  stop_pid "$TS_PID"
  start_tokenserver "$A_GRPC" || { fail restart "token server not ready"; return; }
  local kid2; kid2=$(curl -s "$ISSUER/oauth2/jwks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"][0]["kid"])')
  sleep 1  # give a regenerating controller the chance to show itself
  if [[ "$(kube_secret_field ci-cd ci-deployer-credentials client_secret)" != "$secret" ]]; then
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
  local id; id=$(kube_secret_field ci-cd ci-deployer-credentials client_id)
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
