#!/usr/bin/env bash
# nauthera-controller in Kubernetes mode when the API server misbehaves, how fast changes
# reach the token server, a namespaced install, and bad input -- on the real control plane
# (tests/cluster/control_plane.sh) with a real nauthera-tokenserver, under the RBAC of
# rbac.yaml (rbac-namespaced.yaml for the namespaced install):
#   apiserver-restart  kube-apiserver restarted under the running controller: a client created
#                      and a policy edited right after the restart are reconciled; no Secret is
#                      regenerated; the controller never exits
#   compaction         the controller is frozen (SIGSTOP) while objects change, etcd is
#                      compacted past every revision it saw and kube-apiserver restarted (its
#                      watch cache then starts after the compaction): on waking, its watches get
#                      410 Gone, it lists again and misses none of the changes made meanwhile
#                      (a create before and after the compaction, a policy edit, a delete)
#   latency            20 x: create a NautheraServiceAccount -> the token server grants a token
#                      with the credentials from its Secret; delete it -> refused (median, worst);
#                      again with --poll-interval=50ms (the default 500 ms dominates)
#   bad-input          valid but unsatisfiable objects (a grant type no policy allows, a
#                      password Secret that is missing, a plain password) get Ready False with a
#                      reason; every other object's status and Secret stay as they were
#   single-namespace   --watch-namespace=team-a under a Role: objects elsewhere are ignored, no
#                      Secret is written outside team-a; a NautheraUser's password Secret is
#                      watched: a new hash signs in, the old password is refused
# Prints PASS/FAIL per case with timings; exit 0 only if all pass, 77 (ctest SKIP) when the
# Kubernetes programs cannot be built here.
#
# Usage: controller_k8s_resilience_test.sh --build-dir DIR [--work-dir DIR] [--keep]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
ck8s_parse_args "$@"
ck8s_setup controller_k8s_resilience
CTL="$ROOT/tests/kubeclient/apiserver_ctl.sh"
make_identity nauthera-controller "$HERE/rbac.yaml"

kubectl apply -f "$ROOT/examples/quickstart/20-ci-deployer.yaml" \
  -f "$ROOT/examples/quickstart/30-kubectl-client.yaml" \
  -f "$ROOT/examples/quickstart/40-users.yaml" >/dev/null
# A client asking for a scope no policy allows yet (the restart case allows it).
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: deployer-ui, namespace: apps}
spec:
  redirectUris: ["http://localhost:8000"]
  allowedScopes: [openid, deploy]
  grantTypes: [authorization_code]
  pkce: {required: true}
  authMethod: none
YAML

start_controller A nauthera-controller
if ! wait_for 30 curl -sf "http://127.0.0.1:$A_HTTP/readyz"; then
  fail controller-start "controller A not ready in 30 s" "$(tail -n 20 "$WORK/A.log")"; exit 1
fi
start_tokenserver "$A_GRPC" || { fail tokenserver "not ready" "$(tail "$WORK/ts.log")"; exit 1; }
if ! wait_for 20 ready_is nautheraserviceaccount ci-cd ci-deployer True ||
   ! wait_for 10 ready_is oidcclient apps deployer-ui False; then
  fail setup "quickstart objects not reconciled" "$(kubectl get nsa,oidcclients -A; tail -n 20 "$WORK/A.log")"
  exit 1
fi

alive() { kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1")" != Z* ]]; }
expired_count() { grep -c "watch expired" "$WORK/A.log"; }
apply_nsa() {  # NS NAME
  kubectl apply -f - >/dev/null <<YAML
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: $2, namespace: $1}
spec: {allowedScopes: [openid, email, groups]}
YAML
}
set_default_scopes() {  # SCOPE...: the default ClusterAuthPolicy's allowedScopes
  local list; list=$(printf '"%s",' "$@")
  kubectl patch clusterauthpolicy default --type=merge \
    -p "{\"spec\":{\"allowedScopes\":[${list%,}]}}" >/dev/null
}
grants() {  # NS NAME: the token server grants NAME's credentials from its Secret
  is_code "$(kube_secret_field "$1" "$2-credentials" client_id)" \
    "$(kube_secret_field "$1" "$2-credentials" client_secret)" 200
}

# --- apiserver-restart
case_apiserver_restart() {
  local secret rv t0 t_up t_done out
  secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
  rv=$(kubectl get secret ci-deployer-credentials -n ci-cd -o jsonpath='{.metadata.resourceVersion}')
  t0=$(now_ms)
  if ! out=$(bash "$CTL" restart "$WORK/cp" 2>&1); then
    fail apiserver-restart "kube-apiserver did not come back" "$out"; return
  fi
  t_up=$(now_ms)
  # Right after the restart, before the controller's watches are back.
  apply_nsa ci-cd after-restart
  set_default_scopes openid profile email groups offline_access deploy
  if ! wait_for 30 ready_is nautheraserviceaccount ci-cd after-restart True ||
     ! wait_for 10 ready_is oidcclient apps deployer-ui True; then
    fail apiserver-restart "changes made after the restart not reconciled in 30 s" \
      "$(kubectl get nsa,oidcclients -A; tail -n 20 "$WORK/A.log")"
    return
  fi
  t_done=$(now_ms)
  if ! wait_for 10 grants ci-cd after-restart; then
    fail apiserver-restart "the token server does not grant after-restart's token"; return
  fi
  if [[ "$(kube_secret_field ci-cd ci-deployer-credentials client_secret)" != "$secret" ||
        "$(kubectl get secret ci-deployer-credentials -n ci-cd -o jsonpath='{.metadata.resourceVersion}')" != "$rv" ]]; then
    fail apiserver-restart "ci-deployer's Secret was rewritten"; return
  fi
  if ! alive "$A_PID"; then fail apiserver-restart "the controller exited"; return; fi
  if ! grants ci-cd ci-deployer; then fail apiserver-restart "ci-deployer no longer granted"; return; fi
  pass "apiserver-restart (apiserver down and ready again in $((t_up - t0)) ms; a new client and a policy edit made right after reconciled in $((t_done - t_up)) ms; ci-deployer's Secret untouched (resourceVersion $rv); controller still running)"
}

# --- compaction (expired watch)
case_compaction() {
  local before rev1 rev2 t0 t_done old_id old_secret out
  before=$(expired_count)
  old_id=$(kube_secret_field ci-cd after-restart-credentials client_id)
  old_secret=$(kube_secret_field ci-cd after-restart-credentials client_secret)
  [[ -n "$old_id" ]] || { fail compaction "after-restart has no Secret (the restart case failed?)"; return; }
  kill -STOP "$A_PID"
  # While frozen: a create; compaction; the API server restarted (its watch cache now starts
  # after the compaction); a create, a policy edit and a delete; compaction again.
  apply_nsa ci-cd stale-before
  rev1=$(bash "$CTL" compact "$WORK/cp")
  if ! out=$(bash "$CTL" restart "$WORK/cp" 2>&1); then
    kill -CONT "$A_PID"; fail compaction "kube-apiserver did not come back" "$out"; return
  fi
  apply_nsa ci-cd stale-after
  set_default_scopes openid profile email groups offline_access
  kubectl delete nautheraserviceaccount after-restart -n ci-cd --wait=false >/dev/null
  rev2=$(bash "$CTL" compact "$WORK/cp")
  t0=$(now_ms)
  kill -CONT "$A_PID"
  if ! wait_for 30 ready_is nautheraserviceaccount ci-cd stale-before True ||
     ! wait_for 30 ready_is nautheraserviceaccount ci-cd stale-after True ||
     ! wait_for 30 ready_is oidcclient apps deployer-ui False ||
     ! wait_for 30 is_code "$old_id" "$old_secret" 401; then
    fail compaction "a change made while the watch was stale was missed" \
      "$(kubectl get nsa,oidcclients -A; token_code "$old_id" "$old_secret"; grep -i "expired\|relist\|failed" "$WORK/A.log" | tail -n 15)"
    return
  fi
  t_done=$(now_ms)
  if ! wait_for 10 grants ci-cd stale-after; then
    fail compaction "the token server does not grant stale-after's token"; return
  fi
  local after; after=$(expired_count)
  if ((after <= before)); then
    fail compaction "no watch got 410 Gone (no 'watch expired' in the log)" "$(tail -n 20 "$WORK/A.log")"
    return
  fi
  if ! alive "$A_PID"; then fail compaction "the controller exited"; return; fi
  local resources
  resources=$(grep "watch expired" "$WORK/A.log" | tail -n $((after - before)) |
    grep -o '"resource":"[a-z]*"' | cut -d'"' -f4 | sort -u | tr '\n' ' ')
  pass "compaction (etcd compacted to revisions $rev1 and $rev2 while the controller was frozen; $((after - before)) watches got 410 Gone and listed again [${resources% }]; all 4 changes applied $((t_done - t0)) ms after it woke)"
}

# --- latency
# restart_a [flags]: controller A again (same identity) and a token server on it.
restart_a() {
  stop_pid "$TS_PID"; stop_pid "$A_PID"
  start_controller A nauthera-controller "$@"
  wait_for 30 curl -sf "http://127.0.0.1:$A_HTTP/readyz" && start_tokenserver "$A_GRPC"
}
case_latency() {
  kubectl create namespace latency >/dev/null
  local out fast
  if ! out=$(python3 "$HERE/latency.py" --namespace latency --issuer "$ISSUER" --tries 20); then
    fail latency "a try did not finish" "$out"; return
  fi
  sed 's/^/    /' <<<"$out"
  # The controller's loop looks at its watch caches every --poll-interval (500 ms): the same
  # with 50 ms shows what the rest of the path costs.
  restart_a --poll-interval=50ms || { fail latency "controller A did not restart"; return; }
  if ! fast=$(python3 "$HERE/latency.py" --namespace latency --issuer "$ISSUER" --tries 20); then
    fail latency "a try with --poll-interval=50ms did not finish" "$fast"; return
  fi
  sed 's/^/    50ms: /' <<<"$fast"
  restart_a || { fail latency "controller A did not restart"; return; }
  pass "latency (20 tries each; default --poll-interval=500ms: $(grep -E '^(apply->token|delete)' <<<"$out" | tr '\n' ';' | sed 's/;$//'); with --poll-interval=50ms: $(grep -E '^(apply->token|delete)' <<<"$fast" | tr '\n' ';' | sed 's/;$//'))"
}

# --- bad-input
# The status and Secret of every object but the bad ones; policies without governedClients and
# the "governs N clients" message (a new client in a governed namespace changes that count).
others_snapshot() {
  {
    kubectl get oidcclients,nautheraserviceaccounts,nautherausers -A -o json |
      jq -S '[.items[] | select(.metadata.name | test("^(wants-device|no-secret|plain-password)$") | not)
              | {k: "\(.kind)/\(.metadata.namespace)/\(.metadata.name)", s: .status}]'
    kubectl get clusterauthpolicies,authpolicies -A -o json |
      jq -S '[.items[] | {k: "\(.kind)/\(.metadata.namespace)/\(.metadata.name)",
                          s: (.status | del(.governedClients)
                             | .conditions |= map(del(.message)))}]'
    kubectl get secrets -A -l app.kubernetes.io/managed-by=nauthera -o json |
      jq -S '[.items[] | select(.metadata.name != "wants-device-credentials")
              | {k: "\(.metadata.namespace)/\(.metadata.name)", rv: .metadata.resourceVersion}]'
  }
}
case_bad_input() {
  local before after
  before=$(others_snapshot)
  kubectl apply -f - >/dev/null <<'YAML'
# Valid for the schema; no policy allows the device grant.
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: wants-device, namespace: apps}
spec:
  redirectUris: ["http://localhost:8000"]
  allowedScopes: [openid]
  grantTypes: ["urn:ietf:params:oauth:grant-type:device_code"]
  pkce: {required: true}
  authMethod: none
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata: {name: no-secret}
spec:
  username: no-secret
  passwordSecretRef: {name: missing-password, namespace: nauthera-system}
---
apiVersion: v1
kind: Secret
metadata: {name: plain-password, namespace: nauthera-system}
stringData: {password: correct-horse-battery-staple}
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata: {name: plain-password}
spec:
  username: plain-password
  passwordSecretRef: {name: plain-password, namespace: nauthera-system}
YAML
  local kind ns name report="" missing=() object
  for object in oidcclient/apps/wants-device nautherauser/default/no-secret \
                nautherauser/default/plain-password; do
    IFS=/ read -r kind ns name <<<"$object"
    if ! wait_for 15 ready_is "$kind" "$ns" "$name" False; then
      missing+=("$name"); continue
    fi
    report+=" $name: $(reason_of "$kind" "$ns" "$name") '$(message_of "$kind" "$ns" "$name" | cut -c1-110)';"
  done
  if ((${#missing[@]})); then
    fail bad-input "no Ready False condition on ${missing[*]}" "$(kubectl get oidcclients,nautherausers -A -o yaml | tail -n 60)"
    return
  fi
  if [[ "$(message_of oidcclient apps wants-device)" != *device_code* ]] ||
     [[ "$(message_of nautherauser default no-secret)" != *missing-password* ]] ||
     [[ "$(message_of nautherauser default plain-password)" != *plain-password* ]]; then
    fail bad-input "a message does not name what is wrong" "$report"; return
  fi
  sleep 2  # let any wrong write show itself
  after=$(others_snapshot)
  if [[ "$before" != "$after" ]]; then
    fail bad-input "other objects changed" "$(diff <(echo "$before") <(echo "$after"))"; return
  fi
  if ! alive "$A_PID" || ! curl -sf "http://127.0.0.1:$A_HTTP/healthz" >/dev/null; then
    fail bad-input "the controller is not healthy"; return
  fi
  if ! grants ci-cd ci-deployer; then fail bad-input "ci-deployer no longer granted"; return; fi
  report="${report# }"
  pass "bad-input (${report%;}; every other status and Secret unchanged)"
}

# --- single-namespace
HASH_1='$argon2id$v=19$m=19456,t=2,p=1$1x4sozwIDsUlN8vYjdAn9Q$xXAg20UrlMBpr+SzQhoPAS4N/Abnzf5tVP3V0g1Ux0Q'  # carol-first-password
HASH_2='$argon2id$v=19$m=19456,t=2,p=1$eA20k7L2KiisyBgUIa79tA$Ni5W3QcbdlO+Q9NwGnPQLIonMX4A64QGYAdVirvqW/w'  # carol-second-password
carol_secret() {  # HASH
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Secret
metadata: {name: carol-password, namespace: team-a}
stringData:
  password: '$1'
YAML
}
# login PASSWORD: the status of carol's sign-in through the web client; waits out a 429.
login() {
  local out i
  for ((i = 0; i < 5; i++)); do
    out=$(python3 "$HERE/login.py" "$ISSUER" "$WEB_ID" http://localhost:8000 carol "$1") || { echo "$out"; return; }
    [[ "$out" == 429* ]] || { echo "$out"; return; }
    sleep "${out#429 }"
  done
  echo "$out"
}
outside_snapshot() {  # every Secret and Nauthera status outside team-a
  kubectl get secrets -A -o json |
    jq -S '[.items[] | select(.metadata.namespace != "team-a") | "\(.metadata.namespace)/\(.metadata.name)@\(.metadata.resourceVersion)"]'
  kubectl get oidcclients,nautheraserviceaccounts,authpolicies,clusterauthpolicies,nautherausers -A -o json |
    jq -S '[.items[] | select(.metadata.namespace != "team-a") | {k: "\(.kind)/\(.metadata.namespace)/\(.metadata.name)", s: .status}]'
}
state_version() {  # HTTP_PORT: the state version the controller serves
  curl -s "http://127.0.0.1:$1/metrics" | sed -n 's/^nauthera_[a-z_]*{version="\([^"]*\)"}.*/\1/p' | head -n 1
}
version_changed() { [[ "$(state_version "$1")" != "$2" ]]; }
case_single_namespace() {
  stop_pid "$TS_PID"; stop_pid "$A_PID"  # the cluster-wide controller would manage team-a too
  kubectl create namespace team-a >/dev/null
  make_identity nauthera-ns "$HERE/rbac-namespaced.yaml"
  apply_nsa team-a inside
  apply_nsa apps outside
  carol_secret "$HASH_1"
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: web, namespace: team-a}
spec:
  redirectUris: ["http://localhost:8000"]
  allowedScopes: [openid]
  grantTypes: [authorization_code]
  pkce: {required: true}
  authMethod: none
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata: {name: carol}
spec:
  username: carol
  passwordSecretRef: {name: carol-password, namespace: team-a}
YAML
  local before after
  before=$(outside_snapshot)
  start_controller N nauthera-ns --namespace=team-a --watch-namespace=team-a
  if ! wait_for 30 curl -sf "http://127.0.0.1:$N_HTTP/readyz"; then
    fail single-namespace "not ready in 30 s" "$(tail -n 20 "$WORK/N.log")"; return
  fi
  start_tokenserver "$N_GRPC" || { fail single-namespace "token server not ready"; return; }
  if ! wait_for 20 ready_is nautheraserviceaccount team-a inside True ||
     ! wait_for 20 ready_is oidcclient team-a web True ||
     ! wait_for 10 grants team-a inside; then
    fail single-namespace "team-a's objects not served" \
      "$(kubectl get nsa,oidcclients -n team-a; tail -n 20 "$WORK/N.log")"
    return
  fi
  WEB_ID=$(kube_secret_field team-a web-credentials client_id)
  # Elsewhere: ignored. ci-deployer (ci-cd) is not served; apps/outside gets nothing.
  local ci_id ci_secret
  ci_id=$(kube_secret_field ci-cd ci-deployer-credentials client_id)
  ci_secret=$(kube_secret_field ci-cd ci-deployer-credentials client_secret)
  sleep 2
  if kubectl get secret outside-credentials -n apps >/dev/null 2>&1; then
    fail single-namespace "a Secret was written in namespace apps"; return
  fi
  if ! is_code "$ci_id" "$ci_secret" 401; then
    fail single-namespace "a client of another namespace is served" "$(cat "$WORK/token.json")"; return
  fi
  after=$(outside_snapshot)
  if [[ "$before" != "$after" ]]; then
    fail single-namespace "something outside team-a was written" "$(diff <(echo "$before") <(echo "$after"))"
    return
  fi
  local denied; denied=$(grep -ci "forbidden" "$WORK/N.log")
  if ((denied > 0)); then
    fail single-namespace "the Role is not enough" "$(grep -i forbidden "$WORK/N.log" | sort -u | head -n 10)"
    return
  fi
  # The password Secret is watched.
  local first second old v0 t0
  first=$(login carol-first-password)
  if [[ "$first" != 303 ]]; then
    fail single-namespace "carol cannot sign in with her first password: $first" "$(tail -n 5 "$WORK/ts.log")"; return
  fi
  v0=$(state_version "$N_HTTP")
  t0=$(now_ms)
  carol_secret "$HASH_2"
  if ! wait_for 10 version_changed "$N_HTTP" "$v0"; then
    fail single-namespace "the controller did not see the new password hash" "$(tail -n 10 "$WORK/N.log")"; return
  fi
  local seen=$(($(now_ms) - t0))
  sleep 0.3  # the token server's stream
  second=$(login carol-second-password)
  old=$(login carol-first-password)
  if [[ "$second" != 303 || "$old" != 401 ]]; then
    fail single-namespace "after the hash change: new password $second (want 303), old $old (want 401)"; return
  fi
  pass "single-namespace (Role in team-a + cluster reads of clusterauthpolicies, nautherausers, namespace team-a; team-a served, apps/ci-cd ignored, nothing written outside team-a; password Secret change seen in $seen ms: new password 303, old 401)"
}

# CK8S_CASES="bad_input single_namespace" runs only those (for debugging).
for c in ${CK8S_CASES:-apiserver_restart compaction latency bad_input single_namespace}; do
  t=$(now_ms)
  "case_$c"
  echo "  ($c: $(($(now_ms) - t)) ms)"
done
echo "controller_k8s_resilience: $PASSED passed, $FAILED failed"
((FAILED == 0))
