#!/usr/bin/env bash
# The CRDs (charts/nauthera/crds/) on a real kube-apiserver + etcd (issue 4, items 2 and 9):
#   - they install and become Established;
#   - the guide's OidcClient and NautheraServiceAccount and every examples/quickstart manifest
#     are accepted as they are (server-side strict field validation on);
#   - defaults match the controller's local-mode decoding;
#   - `kubectl explain` documents every field; `kubectl get` shows the printer columns, short
#     names and the nauthera category; status is a subresource;
#   - objects that break the schema are refused, and the error names the field;
#   - docs/crd-reference.md is what tests/cluster/gen_crd_reference.py generates.
# Prints PASS/FAIL per case; exits 0 only if all pass, 77 (ctest SKIP) if the Kubernetes
# programs cannot be built here.
#
# Usage: tests/cluster/crds_test.sh [--work-dir DIR] [--keep]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CRD_DIR="$ROOT/charts/nauthera/crds"
WORK=""
KEEP=0
while (($#)); do
  case "$1" in
    --work-dir) WORK="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--work-dir DIR] [--keep]" >&2; exit 2 ;;
  esac
done
[[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-crds.XXXXXX")"
rm -rf "$WORK"
mkdir -p "$WORK"

# shellcheck source=control_plane.sh
source "$HERE/control_plane.sh"

# pass and fail: scripts/lib/common.sh (through control_plane.sh).
PASSED=0
FAILED=0
FAILURES=()

cleanup() {
  cp_stop "$WORK"
  if ((FAILED == 0 && KEEP == 0)); then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The programs: built once into a cache (a cold build takes 15-25 min on 2 cores).
echo "crds_test: scripts/k8s-tools.sh (builds kube-apiserver, etcd, ... if the cache is empty)"
cp_tools "$WORK/k8s-tools.log" || { rc=$?; trap - EXIT; rm -rf "$WORK"; exit "$rc"; }
echo "crds_test: tools ready in $CP_TOOLS_SECONDS s: $CP_BIN"
for tool in jq curl openssl python3; do
  command -v "$tool" >/dev/null || { echo "FAIL setup: $tool is not installed"; exit 1; }
done

# --- Control plane.
if ! cp_start "$WORK"; then
  fail control-plane "etcd + kube-apiserver + kube-controller-manager did not start"
  exit 1
fi
pass "control-plane (apiserver ready in $(_cp_secs "$CP_SETUP_API_MS") s, controllers in $(_cp_secs "$CP_SETUP_ALL_MS") s)"

KINDS=(OidcClient NautheraServiceAccount AuthPolicy ClusterAuthPolicy NautheraUser)

# --- 0. The fixture gives what the controller's tests will need: service-account tokens
# (TokenRequest; used without the admin client certificate, which would win), garbage
# collection by ownerReference, namespace deletion.
_poll_gone() {  # SECONDS kubectl-get-args...: waits until `kubectl get` says NotFound
  local deadline=$(($(date +%s) + $1)); shift
  while kubectl get "$@" >/dev/null 2>&1; do
    (($(date +%s) > deadline)) && return 1
    sleep 0.2
  done
}
case_fixture() {
  local out token who uid t0
  if out=$(kubectl create serviceaccount probe -n default 2>&1) &&
    token=$(kubectl create token probe -n default 2>&1) &&
    who=$(KUBECONFIG=/dev/null kubectl --server="$CP_APISERVER_URL" \
      --certificate-authority="$CP_CA_FILE" --token="$token" \
      auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1) &&
    [[ "$who" == system:serviceaccount:default:probe ]]; then
    pass "fixture service-account-token (kubectl create token; auth whoami says $who)"
  else
    fail "fixture service-account-token" "expected system:serviceaccount:default:probe" \
      "$out${token:+$'\n'}${who:-}"
  fi
  t0=$(date +%s%3N)
  if uid=$(kubectl create configmap owner -n default -o jsonpath='{.metadata.uid}' 2>&1) &&
    out=$(kubectl apply -f - 2>&1 <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: owned
  namespace: default
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: "$uid"}
stringData: {k: v}
EOF
    ) && kubectl delete configmap owner -n default >/dev/null 2>&1; then
    if _poll_gone 60 secret owned -n default; then
      pass "fixture garbage-collection (owned Secret gone $(($(date +%s%3N) - t0)) ms after create)"
    else
      fail "fixture garbage-collection" "Secret default/owned outlived its owner by 60 s"
    fi
  else
    fail "fixture garbage-collection" "could not create the owner and the Secret" "$uid $out"
  fi
  t0=$(date +%s%3N)
  if kubectl create namespace doomed >/dev/null 2>&1 &&
    kubectl create configmap x -n doomed >/dev/null 2>&1 &&
    kubectl delete namespace doomed --wait=false >/dev/null 2>&1 &&
    _poll_gone 60 namespace doomed; then
    pass "fixture namespace-deletion (finished in $(($(date +%s%3N) - t0)) ms)"
  else
    fail "fixture namespace-deletion" "namespace doomed still there after 60 s"
  fi
}

# --- 1. The CRDs install and become Established.
case_crds_established() {
  local out
  if ! out=$(kubectl apply --validate=strict -f "$CRD_DIR/" 2>&1); then
    fail crds-apply "kubectl apply -f charts/nauthera/crds/ failed" "$out"; return 1
  fi
  local n
  n=$(kubectl get crd -l app.kubernetes.io/part-of=nauthera -o name | wc -l)
  if ((n != ${#KINDS[@]})); then
    fail crds-apply "expected ${#KINDS[@]} CRDs, found $n"; return 1
  fi
  if ! out=$(kubectl wait --for=condition=Established crd -l app.kubernetes.io/part-of=nauthera \
    --timeout=60s 2>&1); then
    fail crds-established "not Established within 60 s" "$out"; return 1
  fi
  # Discovery must serve every kind before objects can be applied.
  local kind deadline=$(($(date +%s) + 30))
  for kind in "${KINDS[@]}"; do
    until kubectl get "${kind,,}" -A >/dev/null 2>&1; do
      if (($(date +%s) > deadline)); then fail crds-established "$kind not served"; return 1; fi
      sleep 0.2
    done
  done
  pass "crds-established (${KINDS[*]})"
}

# --- 2. Manifests users write are accepted as they are.
# The guide's "Create an OidcClient" and "Create a NautheraServiceAccount" blocks, as the
# guide has them (guide_block, control_plane.sh).
GUIDE_OBJECTS="$(guide_block "Create an OidcClient")
---
$(guide_block "Create a NautheraServiceAccount")"

case_guide_objects() {
  local out
  out=$(kubectl create namespace nauthera-system 2>&1 && kubectl create namespace ci-cd 2>&1) ||
    { fail guide-objects "could not create the namespaces" "$out"; return 1; }
  if out=$(kubectl apply --validate=strict -f - <<<"$GUIDE_OBJECTS" 2>&1); then
    pass "guide-objects (the guide's OidcClient kubectl and NautheraServiceAccount ci-deployer)"
  else
    fail guide-objects "kubectl apply refused the guide's objects" "$out"
  fi
}

case_quickstart() {
  local f out ok=1 names=()
  for f in "$ROOT"/examples/quickstart/*.yaml; do
    if out=$(kubectl apply --validate=strict -f "$f" 2>&1); then
      names+=("$(basename "$f")")
    else
      ok=0; fail "quickstart $(basename "$f")" "kubectl apply refused it" "$out"
    fi
  done
  ((ok)) && pass "quickstart (${names[*]})"
}

# A Nauthera user with a password Secret, as the chart's docs will show it.
case_user_accepted() {
  local out
  out=$(kubectl apply --validate=strict -f - 2>&1 <<'EOF'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata:
  name: alice
spec:
  username: alice
  email: alice@example.com
  displayName: Alice Example
  groups: [developers, cluster-admins]
  passwordSecretRef:
    name: alice-password
    namespace: nauthera-system
EOF
  ) || { fail user-accepted "kubectl apply refused a valid NautheraUser" "$out"; return 1; }
  local key disabled
  key=$(kubectl get nu alice -o jsonpath='{.spec.passwordSecretRef.key}')
  disabled=$(kubectl get nu alice -o jsonpath='{.spec.disabled}')
  if [[ "$key" == password && "$disabled" == false ]]; then
    pass "user-accepted (defaults passwordSecretRef.key=password, disabled=false)"
  else
    fail user-accepted "defaults not applied: key='$key' disabled='$disabled'"
  fi
}

# The API server's defaults must be the controller's local-mode defaults (types.h):
# grantTypes [authorization_code], authMethod client_secret_basic, pkce.required false.
case_defaults() {
  local out got
  out=$(kubectl apply --validate=strict -f - 2>&1 <<'EOF'
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata:
  name: defaults
  namespace: default
spec:
  redirectUris:
    - https://app.example.com/callback
    - https://app.example.com:8443/cb?tenant=a
    - https://[2001:db8::1]:443/cb
    - http://127.0.0.1:8000/cb
    - HTTP://LOCALHOST:18000
    - http://[::1]/cb
    - com.example.app://oauth/callback
  pkce: {}
EOF
  ) || { fail defaults "a minimal OidcClient with valid redirect URIs was refused" "$out"; return 1; }
  got=$(kubectl get oc defaults -n default -o json |
    jq -c '[.spec.grantTypes, .spec.authMethod, .spec.pkce.required]')
  if [[ "$got" == '[["authorization_code"],"client_secret_basic",false]' ]]; then
    pass "defaults (grantTypes [authorization_code], authMethod client_secret_basic,\
 pkce.required false; 7 kinds of valid redirect URI accepted)"
  else
    fail defaults "unexpected defaults $got"
  fi
}

# --- 3. kubectl explain documents every field (spec, recursively) with its description.
case_explain() {
  local kind crd ok=1 checked=0 path field desc text missing=()
  for kind in "${KINDS[@]}"; do
    crd=$(kubectl get crd -l app.kubernetes.io/part-of=nauthera -o json |
      jq --arg k "$kind" '.items[] | select(.spec.names.kind == $k)
        | .spec.versions[0].schema.openAPIV3Schema.properties.spec')
    # spec and every object below it (arrays of objects count as their items).
    while read -r path; do
      text=$(kubectl explain "${kind,,}.$path" 2>&1 | tr -s '[:space:]' ' ') || {
        ok=0; missing+=("$kind.$path (explain failed)"); continue; }
      local sub
      sub=$(jq --arg p "$path" '
        def at(p): reduce (p | split(".")[1:][]) as $f (.; (.items // .) | .properties[$f]);
        at($p) | (.items // .)' <<<"$crd")
      while IFS=$'\t' read -r field desc; do
        checked=$((checked + 1))
        desc=$(tr -s '[:space:]' ' ' <<<"$desc" | sed 's/^ //; s/ $//')
        if [[ -z "$desc" ]]; then
          ok=0; missing+=("$kind.$path.$field (no description in the CRD)")
        elif [[ "$text" != *" $field <"* || "$text" != *"$desc"* ]]; then
          ok=0; missing+=("$kind.$path.$field")
        fi
      done < <(jq -r '.properties | to_entries[]
        | [.key, (.value.description // "" | gsub("\\s+"; " "))] | join("\t")' <<<"$sub")
    done < <(jq -r '
      [[]] + [paths(objects) as $p | getpath($p) | objects | select(.properties) | $p]
      | map(select(all(.[]; . != "x-kubernetes-validations")))
      | map([.[] | select(. != "properties" and . != "items")] | join("."))
      | unique[] | "spec" + (if . == "" then "" else "." + . end)' <<<"$crd")
  done
  if ((ok)); then
    pass "explain ($checked fields of ${#KINDS[@]} kinds, each listed with its description)"
  else
    fail explain "fields missing or undocumented in kubectl explain: ${missing[*]}"
  fi
}

# --- 4. Printer columns, short names, category, status subresource.
case_printer_columns() {
  local now out header row
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # As the controller will: status through the status subresource.
  out=$(kubectl patch oidcclient kubectl -n nauthera-system --subresource=status --type=merge \
    -p "{\"status\":{\"observedGeneration\":1,\"clientId\":\"kubectl-4f2a\",
        \"credentialsSecretRef\":{\"name\":\"kubectl-credentials\"},
        \"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Ready\",
        \"message\":\"served by the token servers\",\"lastTransitionTime\":\"$now\",
        \"observedGeneration\":1}]}}" 2>&1) ||
    { fail printer-columns "status patch through the status subresource failed" "$out"; return 1; }
  out=$(kubectl get oidcclients -A 2>&1)
  header=$(head -n 1 <<<"$out" | tr -s ' ')
  row=$(grep '^nauthera-system *kubectl ' <<<"$out" | tr -s ' ')
  if [[ "$header" == "NAMESPACE NAME READY REASON CLIENT ID AGE" &&
        "$row" == "nauthera-system kubectl True Ready kubectl-4f2a "* ]]; then
    pass "printer-columns oidcclients ($header | $row)"
  else
    fail printer-columns "kubectl get oidcclients -A" "$out"
  fi
  out=$(kubectl patch clusterauthpolicy default --subresource=status --type=merge \
    -p '{"status":{"governedClients":2,"observedGeneration":1}}' 2>&1) ||
    { fail printer-columns "ClusterAuthPolicy status patch failed" "$out"; return 1; }
  out=$(kubectl get cap 2>&1)
  if [[ "$(head -n 1 <<<"$out" | tr -s ' ')" == "NAME CLIENTS AGE" &&
        "$(grep '^default ' <<<"$out" | tr -s ' ')" == "default 2 "* ]]; then
    pass "printer-columns clusterauthpolicies (NAME CLIENTS AGE)"
  else
    fail printer-columns "kubectl get cap" "$out"
  fi
  local expect=(
    "nsa -A|NAMESPACE NAME READY REASON CLIENT ID AGE"
    "ap -A|NAMESPACE NAME CLIENTS AGE"
    "nu|NAME USERNAME EMAIL DISABLED READY AGE"
  ) e args want
  for e in "${expect[@]}"; do
    args=${e%%|*}; want=${e#*|}
    # shellcheck disable=SC2086
    out=$(kubectl get $args 2>&1)
    if [[ "$(head -n 1 <<<"$out" | tr -s ' ')" == "$want" ]]; then
      pass "printer-columns kubectl get $args ($want)"
    else
      fail printer-columns "kubectl get $args: expected header '$want'" "$out"
    fi
  done
  # The category lists every kind at once.
  out=$(kubectl get nauthera -A -o name 2>&1)
  local k missing=()
  for k in oidcclient/kubectl nautheraserviceaccount/ci-deployer authpolicy/ci-tokens \
    clusterauthpolicy/default nautherauser/alice; do
    grep -q "^$k$\|/$k$\|^${k%%/*}.auth.nauthera.io/${k#*/}$" <<<"$out" || missing+=("$k")
  done
  if ((${#missing[@]} == 0)); then
    pass "category (kubectl get nauthera -A lists all five kinds)"
  else
    fail category "kubectl get nauthera -A misses ${missing[*]}" "$out"
  fi
  # status is a subresource: a spec update must not change status, and a status write must
  # not bump the generation.
  local gen
  gen=$(kubectl get oc kubectl -n nauthera-system -o jsonpath='{.metadata.generation}')
  out=$(kubectl get oc kubectl -n nauthera-system -o json |
    jq '.status.clientId = "forged" | .spec.displayName = "kubectl (edited)"' |
    kubectl replace -f - 2>&1) || { fail status-subresource "replace failed" "$out"; return 1; }
  local cid gen2
  cid=$(kubectl get oc kubectl -n nauthera-system -o jsonpath='{.status.clientId}')
  gen2=$(kubectl get oc kubectl -n nauthera-system -o jsonpath='{.metadata.generation}')
  if [[ "$cid" == kubectl-4f2a && "$gen2" == $((gen + 1)) ]]; then
    pass "status-subresource (a spec write ignores status; generation $gen -> $gen2)"
  else
    fail status-subresource "clientId='$cid' generation $gen -> $gen2"
  fi
  kubectl apply -f - <<<"$GUIDE_OBJECTS" >/dev/null 2>&1  # back to the guide's spec
}

# --- 5. Objects the API server must refuse, and the field its error must name.
# Each case: NAME|FIELD TEXT THE ERROR MUST CONTAIN|YAML (apiVersion added).
NEGATIVE_CASES=()
neg() { NEGATIVE_CASES+=("$1|$2|$3"); }
neg public-client-without-pkce 'spec.pkce.required: Required value: must be true when authMethod is none' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["http://localhost:8000"], authMethod: none}'
neg public-client-pkce-false 'spec.pkce.required' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["http://localhost:8000"], authMethod: none, pkce: {required: false}}'
neg public-client-credentials 'spec.grantTypes: Forbidden: client_credentials needs a confidential client' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {grantTypes: [client_credentials], authMethod: none, pkce: {required: true}}'
neg unknown-grant-type 'spec.grantTypes[1]: Unsupported value: "password"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], grantTypes: [authorization_code, password]}'
neg implicit-grant 'spec.grantTypes[0]: Unsupported value: "implicit"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], grantTypes: [implicit]}'
neg unknown-auth-method 'spec.authMethod: Unsupported value: "private_key_jwt"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], authMethod: private_key_jwt}'
neg bad-duration 'spec.accessTokenTTL: Invalid value: "15 minutes"' '
kind: AuthPolicy
metadata: {name: neg, namespace: default}
spec: {accessTokenTTL: 15 minutes}'
neg zero-duration 'spec.refreshTokenTTL: Invalid value: "0h0m": must be longer than zero' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec: {refreshTokenTTL: 0h0m}'
neg duration-units-out-of-order 'spec.idTokenTTL: Invalid value: "30m1h"' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec: {idTokenTTL: 30m1h}'
neg unknown-field 'strict decoding error: unknown field "spec.redirectURIs"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], redirectURIs: ["https://app.example.com/cb"]}'
neg unknown-field-nested 'strict decoding error: unknown field "spec.pkce.method"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], pkce: {required: true, method: S256}}'
neg redirect-uri-fragment 'spec.redirectUris[0]: Invalid value: "https://app.example.com/cb#frag": has a fragment' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb#frag"]}'
neg redirect-uri-http-not-loopback 'spec.redirectUris[1]: Invalid value: "http://app.example.com/cb": uses plain http' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["http://127.0.0.1/cb", "http://app.example.com/cb"]}'
neg redirect-uri-http-loopback-lookalike 'spec.redirectUris[0]: Invalid value: "http://localhost.evil.example/cb": uses plain http' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["http://localhost.evil.example/cb"]}'
neg redirect-uri-relative 'spec.redirectUris[0]: Invalid value: "/callback"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["/callback"]}'
neg redirect-uri-bad-port 'spec.redirectUris[0]: Invalid value: "https://app.example.com:99999/cb"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com:99999/cb"]}'
neg redirect-uri-userinfo 'spec.redirectUris[0]: Invalid value: "https://user@app.example.com/cb"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://user@app.example.com/cb"]}'
neg redirect-uri-http-not-an-ip 'spec.redirectUris[0]: Invalid value: "http://127.999.0.1/cb": uses plain http' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["http://127.999.0.1/cb"]}'
neg redirect-uri-wildcard 'spec.redirectUris[0]: Invalid value: "https://*.example.com/cb": has a wildcard' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://*.example.com/cb"]}'
neg post-logout-uri-fragment 'spec.postLogoutRedirectUris[0]: Invalid value: "https://app.example.com/#bye": has a fragment' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], postLogoutRedirectUris: ["https://app.example.com/#bye"]}'
neg authorization-code-without-redirect-uri 'spec.redirectUris: Required value: must list at least one URI' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {displayName: no redirect}'
neg oidc-client-without-spec 'spec: Required value' '
kind: OidcClient
metadata: {name: neg, namespace: default}'
neg scope-with-space 'spec.allowedScopes[0]: Invalid value: "openid email"' '
kind: NautheraServiceAccount
metadata: {name: neg, namespace: default}
spec: {allowedScopes: ["openid email"]}'
neg duplicate-scope 'spec.allowedScopes[1]: Duplicate value: "openid"' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], allowedScopes: [openid, openid]}'
neg empty-grant-types 'spec.grantTypes: Invalid value: 0: spec.grantTypes in body should have at least 1 items' '
kind: OidcClient
metadata: {name: neg, namespace: default}
spec: {redirectUris: ["https://app.example.com/cb"], grantTypes: []}'
neg policy-unknown-grant-type 'spec.allowedGrantTypes[0]: Unsupported value: "password"' '
kind: AuthPolicy
metadata: {name: neg, namespace: default}
spec: {allowedGrantTypes: [password]}'
neg cluster-policy-bad-selector-operator 'spec.namespaceSelector.matchExpressions[0].operator: Unsupported value: "Contains"' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec:
  namespaceSelector:
    matchExpressions: [{key: team, operator: Contains, values: [a]}]'
neg cluster-policy-in-without-values 'spec.namespaceSelector.matchExpressions[0].values: Required value' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec:
  namespaceSelector:
    matchExpressions: [{key: team, operator: In}]'
neg cluster-policy-exists-with-values 'spec.namespaceSelector.matchExpressions[0].values: Forbidden' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec:
  namespaceSelector:
    matchExpressions: [{key: team, operator: Exists, values: [a]}]'
neg cluster-policy-bad-label-key 'spec.namespaceSelector.matchLabels: Invalid value' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec:
  namespaceSelector:
    matchLabels: {"no spaces/in keys!": "x"}'
neg scope-claims-bad-scope 'spec.scopeClaims: Invalid value' '
kind: ClusterAuthPolicy
metadata: {name: neg}
spec:
  scopeClaims: {"two words": [email]}'
neg user-without-username 'spec.username: Required value' '
kind: NautheraUser
metadata: {name: neg}
spec: {email: bob@example.com, groups: [developers]}'
neg user-bad-email 'spec.email: Invalid value: "bob at example.com"' '
kind: NautheraUser
metadata: {name: neg}
spec: {username: bob, email: bob at example.com}'
neg user-secret-ref-without-namespace 'spec.passwordSecretRef.namespace: Required value' '
kind: NautheraUser
metadata: {name: neg}
spec: {username: bob, passwordSecretRef: {name: bob-password}}'

case_negative() {
  local c name want body out kind ns
  for c in "${NEGATIVE_CASES[@]}"; do
    name=${c%%|*}; c=${c#*|}; want=${c%%|*}; body=${c#*|}
    body="apiVersion: auth.nauthera.io/v1alpha1$body"
    if out=$(kubectl apply --validate=strict -f - <<<"$body" 2>&1); then
      fail "refused $name" "kubectl apply accepted it" "$out"
      kubectl delete -f - <<<"$body" >/dev/null 2>&1
      continue
    fi
    if [[ "$out" != *"$want"* ]]; then
      fail "refused $name" "refused, but the error does not say '$want'" "$out"
      continue
    fi
    # Refused means nothing was stored.
    kind=$(sed -n 's/^kind: *//p' <<<"$body")
    ns=$(grep -q 'namespace: default' <<<"$body" && echo "-n default" || echo "")
    # shellcheck disable=SC2086
    if kubectl get "${kind,,}" neg $ns >/dev/null 2>&1; then
      fail "refused $name" "the API server said no but stored $kind neg"
      continue
    fi
    pass "refused $name ($(grep -F -- "$want" <<<"$out" | head -n 1 |
      sed 's/^.*\(is invalid: \|strict decoding error: \|^\* \)//' | cut -c1-160))"
  done
}

# --- 6. The reference cannot drift from the CRDs.
case_doc_current() {
  local out
  if ! python3 -c 'import yaml' 2>/dev/null; then
    fail crd-reference-current "python3 has no PyYAML (Debian: python3-yaml)"; return 1
  fi
  if out=$(python3 "$HERE/gen_crd_reference.py" --check 2>&1); then
    pass "crd-reference-current (docs/crd-reference.md matches gen_crd_reference.py)"
  else
    fail crd-reference-current "$out"
  fi
}

case_fixture
case_crds_established && {
  case_guide_objects
  case_quickstart
  case_user_accepted
  case_defaults
  case_explain
  case_printer_columns
  case_negative
}
case_doc_current

echo "crds_test: $PASSED passed, $FAILED failed${FAILURES:+ (${FAILURES[*]})}"
((FAILED == 0))
