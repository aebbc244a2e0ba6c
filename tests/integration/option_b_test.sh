#!/usr/bin/env bash
# Integration test: the guide's Option B (docs/kubectl-guide.md) against the REAL
# nauthera-controller and nauthera-tokenserver in local mode, on free loopback ports, with a
# temporary copy of examples/quickstart as the manifests folder and a temporary state folder.
# Tokens are verified by npm `jose` against the live JWKS (verify-token.mjs).
#
# Usage: option_b_test.sh [--build-dir DIR] [--work-dir DIR] [--only REGEX]
#   --build-dir  where the binaries are (default <repo>/build)
#   --work-dir   where logs, state and HTTP exchanges go (default a new /tmp dir); kept
#                after the run for inspection, wiped at the start of the next
#   --only       run only the cases whose name matches REGEX (setup always runs)
# Prints one PASS/FAIL line per case and "N passed, N failed" at the end; exits 1 on any FAIL.
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

BUILD_DIR="$ROOT/build"
WORK=""
ONLY=""
while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --work-dir) WORK=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

require_programs_and_tools "$BUILD_DIR" curl jq node python3 base64
[[ -d "$HERE/node_modules/jose" ]] || {
  echo "FAIL setup: npm jose missing in tests/integration/node_modules (run scripts/install-deps.sh)"; exit 1; }

if [[ -n "$WORK" ]]; then rm -rf "$WORK"; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/nauthera-option-b.XXXXXX); fi
WORK="$(cd "$WORK" && pwd)"
MANIFESTS="$WORK/manifests"     # what the controller reads
PRISTINE="$WORK/pristine"       # the untouched copy, to restore between cases
STATE="$WORK/state"
LOGS="$WORK/logs"
RUN="$WORK/run"                 # pid files: cases run in subshells, so pids live in files
mkdir -p "$STATE" "$LOGS" "$RUN" "$WORK/cases" "$WORK/tmp"
cp -r "$ROOT/examples/quickstart" "$MANIFESTS"
cp -r "$ROOT/examples/quickstart" "$PRISTINE"

CTRL_PORT=$(free_port); TS_PORT=$(free_port); METRICS_PORT=$(free_port)
# The state stream: the controller's Unix socket in its state folder (never plaintext TCP).
SOCKET="$STATE/state.sock"
PROBE="$BUILD_DIR/tests/controller/state_stream_probe"
ISSUER="http://127.0.0.1:$TS_PORT"
CTRL_URL="http://127.0.0.1:$CTRL_PORT"
SECRET_FILE="$STATE/secrets/ci-cd/ci-deployer-credentials.yaml"
SA_EMAIL="ci-deployer@ci-cd.svc"
export ISSUER   # the guide's commands below use $ISSUER in place of https://auth.example.com

echo "option_b_test: work dir $WORK (logs in $LOGS), issuer $ISSUER, state socket $SOCKET, controller $CTRL_URL"

# ---------------------------------------------------------------------------------------
# Processes

start_controller() {
  # Rotation settings short enough for the rotation case: a new key is in the JWKS for 5 s
  # (twice the 2 s JWKS max-age) before it signs.
  "$CONTROLLER" --manifests="$MANIFESTS" --state-dir="$STATE" --issuer-url="$ISSUER" \
    --http-listen="$CTRL_URL" \
    --jwks-max-age=2 --key-publish-ahead=5s --key-rotation-period=0 \
    --metrics-listen="http://0.0.0.0:$METRICS_PORT" \
    >>"$LOGS/controller.log" 2>&1 </dev/null &
  local pid=$!
  disown "$pid"   # no "Killed" job notices when a case SIGKILLs it
  echo "$pid" >"$RUN/controller.pid"
  wait_http "$CTRL_URL/readyz" 20 "$pid"
}

start_tokenserver() {
  "$TOKENSERVER" --controller="unix:$SOCKET" --listen="$ISSUER" --threads=2 \
    >>"$LOGS/tokenserver.log" 2>&1 </dev/null &
  local pid=$!
  disown "$pid"
  echo "$pid" >"$RUN/tokenserver.pid"
  wait_http "$ISSUER/readyz" 20 "$pid"
}

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

cleanup() {
  local name pid
  for name in tokenserver controller; do
    pid=$(pid_of "$name")
    [[ -n "$pid" ]] && stop_pid "$pid"
  done
  echo "option_b_test: logs kept in $LOGS"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------
# Assertions and HTTP helpers (used inside cases, which run in `set -e` subshells)

# assertion_failed WHY: ends the current case (each case runs in a subshell) as failed.
assertion_failed() { echo "    assertion failed: $*" >&2; exit 1; }

# put_manifest SRC NAME: atomically places SRC as $MANIFESTS/NAME (rename in one folder),
# so the controller never reads a half-written file.
put_manifest() {
  cp "$1" "$WORK/tmp/$2.new"
  mv -f "$WORK/tmp/$2.new" "$MANIFESTS/$2"
}

# token_request OUT_PREFIX CURL_ARGS...: POST to the token endpoint; writes OUT.code,
# OUT.headers, OUT.body, OUT.request (the curl arguments, secrets included: test-only state).
token_request() {
  local out=$1; shift
  printf '%q ' curl -X POST "$ISSUER/oauth2/token" "$@" >"$out.request"
  curl -s -o "$out.body" -D "$out.headers" -w '%{http_code}' --max-time 5 \
    -X POST "$ISSUER/oauth2/token" "$@" >"$out.code" || true
}

show_exchange() {
  local out=$1
  {
    echo "    --- request:  $(cat "$out.request")"
    echo "    --- response: HTTP $(cat "$out.code")"
    sed 's/^/    /' "$out.headers" | tr -d '\r'
    echo "    $(head -c 600 "$out.body")"
  } >&2
}

header_value() { # header_value OUT NAME: the (last) value of header NAME, lower-cased name match
  tr -d '\r' <"$1.headers" | awk -v n="$(tr 'A-Z' 'a-z' <<<"$2")" -F': *' \
    'tolower($1)==n {sub(/^[^:]*: */, ""); v=$0} END {print v}'
}

# expect_oauth_error OUT STATUS ERROR: RFC 6749 §5.2 error response with Cache-Control: no-store.
expect_oauth_error() {
  local out=$1 status=$2 error=$3 got_status got_error ctype cache
  got_status=$(cat "$out.code")
  got_error=$(jq -r '.error // empty' <"$out.body" 2>/dev/null || true)
  ctype=$(header_value "$out" Content-Type)
  cache=$(header_value "$out" Cache-Control)
  if [[ "$got_status" != "$status" || "$got_error" != "$error" ]]; then
    show_exchange "$out"
    assertion_failed "want HTTP $status error=$error, got HTTP $got_status error=${got_error:-<none>}"
  fi
  if [[ "$ctype" != application/json* ]]; then show_exchange "$out"; assertion_failed "Content-Type is '$ctype', not application/json"; fi
  if [[ "$cache" != *no-store* ]]; then show_exchange "$out"; assertion_failed "Cache-Control is '$cache', not no-store"; fi
  if ! jq -e '.error_description | type == "string"' <"$out.body" >/dev/null 2>&1; then
    show_exchange "$out"; assertion_failed "no error_description string"
  fi
}

client_id() { manifest_secret_field "$SECRET_FILE" client_id; }
client_secret() { manifest_secret_field "$SECRET_FILE" client_secret; }

# verify TOKEN ARGS...: jose verification; prints {header, payload}.
verify() {
  local token=$1; shift
  node "$HERE/verify-token.mjs" verify --issuer "$ISSUER" "$@" <<<"$token"
}

# verify_ci_token TOKEN [extra args]: the full Option B expectations for ci-deployer.
verify_ci_token() {
  local token=$1 cid; shift
  cid=$(client_id)
  verify "$token" --audience "$cid" --client-id "$cid" --email "$SA_EMAIL" "$@"
}

# get_token [SCOPE]: client_secret_post with the current Secret file; prints the token or fails.
# shellcheck disable=SC2120  # SCOPE is optional; today every caller takes the default
get_token() {
  local out="$CASE_DIR/get_token.$RANDOM" tok
  token_request "$out" -d grant_type=client_credentials -d "client_id=$(client_id)" \
    -d "client_secret=$(client_secret)" -d "scope=${1:-openid email groups}"
  if [[ "$(cat "$out.code")" != 200 ]]; then show_exchange "$out"; assertion_failed "token request failed"; fi
  tok=$(jq -r '.access_token // empty' <"$out.body")
  [[ -n "$tok" ]] || { show_exchange "$out"; assertion_failed "no access_token"; }
  echo "$tok"
}

# baseline_ok: true when ci-deployer's current credentials get a token with the full
# quickstart scope (so the token server holds the state of the untouched manifests).
baseline_ok() {
  [[ -s "$SECRET_FILE" ]] || return 1
  curl -s --max-time 2 -X POST "$ISSUER/oauth2/token" \
    -d grant_type=client_credentials -d "client_id=$(client_id)" -d "client_secret=$(client_secret)" \
    -d "scope=openid email groups" 2>/dev/null \
    | jq -e '.access_token and (.scope | split(" ") | index("groups"))' >/dev/null 2>&1
}

# status_ready KIND NAME: the READY column of status.txt for that object.
status_ready() {
  awk -v k="$1" -v n="$2" '$1==k && $3==n {print $4}' "$STATE/status.txt" 2>/dev/null
}

jwks_kids() { node "$HERE/verify-token.mjs" jwks --issuer "$ISSUER"; }

# signing_keys_digest: each key in the controller's key Secret as "kid sha256(private key)",
# so a restart can be checked for regenerated keys without printing key material.
signing_keys_digest() {
  local f="$STATE/keys/nauthera-signing-keys.yaml" json
  json=$(grep -E '^[[:space:]]+keys.json:' "$f" | awk '{print $2}' | base64 -d) || return 1
  jq -r '.[] | [.kid, .private_key_pem] | @tsv' <<<"$json" | while IFS=$'\t' read -r kid pem; do
    echo "$kid $(printf '%s' "$pem" | sha256sum | cut -c1-16)"
  done | sort
}

# ---------------------------------------------------------------------------------------
# Case runner

PASSED=0; FAILED=0; FAILED_NAMES=()
CASE_NO=0

# restore_baseline: manifests as in examples/quickstart, both programs up, ci-deployer
# getting tokens. Runs after every case so a failed case does not cascade.
restore_baseline() {
  local changed=0
  if ! diff -r -q "$PRISTINE" "$MANIFESTS" >/dev/null 2>&1; then
    changed=1
    find "$MANIFESTS" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    for f in "$PRISTINE"/*; do put_manifest "$f" "$(basename "$f")"; done
  fi
  # The "controller killed" case leaves it down on purpose for the "restarted" case.
  [[ -e "$RUN/keep-controller-down" ]] || pid_alive "$(pid_of controller)" || start_controller || true
  pid_alive "$(pid_of tokenserver)" || start_tokenserver || true
  if ((changed)) || ! baseline_ok; then
    wait_for 10 baseline_ok || echo "    (baseline: ci-deployer does not get openid email groups tokens after restoring)" >&2
  fi
}

run_case() {
  local name=$1 fn=$2 rc t0
  if [[ -n "$ONLY" && ! "$name" =~ $ONLY ]]; then return 0; fi
  CASE_NO=$((CASE_NO + 1))
  CASE_DIR="$WORK/cases/$(printf '%02d' "$CASE_NO")-$fn"
  mkdir -p "$CASE_DIR"
  t0=$(now_ms)
  set +e
  ( set -e; "$fn" ) 2> >(tee "$CASE_DIR/stderr" >&2)
  rc=$?
  set -e
  if ((rc == 0)); then
    PASSED=$((PASSED + 1)); echo "PASS  $name ($(( $(now_ms) - t0 )) ms)"
  else
    FAILED=$((FAILED + 1)); FAILED_NAMES+=("$name"); echo "FAIL  $name ($(( $(now_ms) - t0 )) ms)"
  fi
  restore_baseline
}

# ---------------------------------------------------------------------------------------
# Cases

# The guide's commands, with `kubectl get secret … -o jsonpath` replaced by reading the
# Secret manifest local mode writes, and https://auth.example.com by $ISSUER.
case_option_b_as_written() {
  CLIENT_ID=$(grep -E '^[[:space:]]+client_id:' "$SECRET_FILE" | awk '{print $2}' | base64 -d)
  CLIENT_SECRET=$(grep -E '^[[:space:]]+client_secret:' "$SECRET_FILE" | awk '{print $2}' | base64 -d)
  TOKEN=$(curl -s -X POST $ISSUER/oauth2/token \
    -d "grant_type=client_credentials" \
    -d "client_id=$CLIENT_ID" \
    -d "client_secret=$CLIENT_SECRET" \
    -d "scope=openid email groups" \
    | jq -r '.access_token')
  [[ -n "$CLIENT_ID" && -n "$CLIENT_SECRET" ]] || assertion_failed "empty client_id/client_secret in $SECRET_FILE"
  [[ -n "$TOKEN" && "$TOKEN" != null ]] || assertion_failed "the guide's command gave no access_token (got '$TOKEN')"
  verify "$TOKEN" --audience "$CLIENT_ID" --client-id "$CLIENT_ID" --email "$SA_EMAIL" \
    --groups ci --scope-has openid,email,groups >"$CASE_DIR/claims.json" \
    || assertion_failed "jose rejected the token"
  echo "$TOKEN" >"$WORK/first-token"   # verified again after the controller restarts
  echo "$CLIENT_ID" >"$WORK/first-client-id"
  jq -c '.payload' "$CASE_DIR/claims.json" >&2
}

case_token_response_shape() {
  local out="$CASE_DIR/r" ttl
  token_request "$out" -d grant_type=client_credentials -d "client_id=$(client_id)" \
    -d "client_secret=$(client_secret)" -d "scope=openid email groups"
  [[ "$(cat "$out.code")" == 200 ]] || { show_exchange "$out"; assertion_failed "status"; }
  # RFC 6749 §5.1: token_type, expires_in; Cache-Control: no-store.
  jq -e '.token_type | ascii_downcase == "bearer"' <"$out.body" >/dev/null || { show_exchange "$out"; assertion_failed "token_type"; }
  jq -e '.expires_in | type == "number"' <"$out.body" >/dev/null || { show_exchange "$out"; assertion_failed "expires_in"; }
  [[ "$(header_value "$out" Cache-Control)" == *no-store* ]] || { show_exchange "$out"; assertion_failed "Cache-Control not no-store"; }
  # Lifetimes take the shortest of the governing policies: ci-tokens says 10m.
  ttl=$(verify "$(jq -r .access_token <"$out.body")" --audience "$(client_id)" | jq '.payload.exp - .payload.iat')
  [[ "$ttl" == 600 ]] || assertion_failed "token lifetime exp-iat is $ttl s, want 600 (AuthPolicy ci-tokens accessTokenTTL 10m)"
}

case_discovery_and_jwks() {
  local doc
  doc=$(curl -s --max-time 5 "$ISSUER/.well-known/openid-configuration")
  jq -e --arg i "$ISSUER" '.issuer == $i' <<<"$doc" >/dev/null || assertion_failed "issuer is not exactly $ISSUER: $doc"
  jq -e --arg i "$ISSUER" '.token_endpoint == $i + "/oauth2/token"' <<<"$doc" >/dev/null || assertion_failed "token_endpoint: $doc"
  jq -e --arg i "$ISSUER" '.jwks_uri == $i + "/oauth2/jwks"' <<<"$doc" >/dev/null || assertion_failed "jwks_uri: $doc"
  jq -e '.grant_types_supported | index("client_credentials")' <<<"$doc" >/dev/null || assertion_failed "grant_types_supported: $doc"
  jq -e '.token_endpoint_auth_methods_supported | (index("client_secret_post") and index("client_secret_basic"))' \
    <<<"$doc" >/dev/null || assertion_failed "token_endpoint_auth_methods_supported: $doc"
  jwks_kids >"$CASE_DIR/kids.json" || assertion_failed "JWKS check failed"
}

case_status_table() {
  [[ -f "$STATE/status.txt" ]] || assertion_failed "no status.txt"
  cat "$STATE/status.txt" >&2
  [[ "$(status_ready NautheraServiceAccount ci-deployer)" == True ]] || assertion_failed "ci-deployer is not Ready True"
  [[ "$(status_ready OidcClient kubectl)" == True ]] || assertion_failed "OidcClient kubectl is not Ready True"
  grep -q -- "$(client_id)" "$STATE/status.txt" || assertion_failed "status.txt does not show ci-deployer's client id"
  ! grep -q -- "$(client_secret)" "$STATE/status.txt" "$LOGS/controller.log" "$LOGS/tokenserver.log" \
    || assertion_failed "a client secret appears in status.txt or a log"
}

case_client_secret_basic() {
  local out="$CASE_DIR/r" tok
  # RFC 6749 §2.3.1: client id and secret form-urlencoded, then Basic.
  token_request "$out" -u "$(client_id):$(client_secret)" \
    -d grant_type=client_credentials -d "scope=openid email groups"
  [[ "$(cat "$out.code")" == 200 ]] || { show_exchange "$out"; assertion_failed "Basic auth rejected"; }
  tok=$(jq -r .access_token <"$out.body")
  verify_ci_token "$tok" --groups ci >/dev/null || assertion_failed "jose rejected the token"
}

case_wrong_secret() {
  token_request "$CASE_DIR/r" -d grant_type=client_credentials -d "client_id=$(client_id)" \
    -d "client_secret=not-the-secret-$(client_secret | head -c 8)" -d "scope=openid"
  expect_oauth_error "$CASE_DIR/r" 401 invalid_client
}

case_unknown_client() {
  token_request "$CASE_DIR/r" -d grant_type=client_credentials -d "client_id=no-such-client" \
    -d "client_secret=$(client_secret)" -d "scope=openid"
  expect_oauth_error "$CASE_DIR/r" 401 invalid_client
}

case_basic_wrong_secret() {
  local out="$CASE_DIR/r" www
  token_request "$out" -u "$(client_id):wrong-secret" -d grant_type=client_credentials -d scope=openid
  expect_oauth_error "$out" 401 invalid_client
  # RFC 6749 §5.2: with Basic, the 401 must carry WWW-Authenticate matching the scheme.
  www=$(header_value "$out" WWW-Authenticate)
  [[ "$www" == Basic* ]] || { show_exchange "$out"; assertion_failed "WWW-Authenticate is '$www', want Basic"; }
}

case_scope_not_allowed() {
  token_request "$CASE_DIR/r" -d grant_type=client_credentials -d "client_id=$(client_id)" \
    -d "client_secret=$(client_secret)" -d "scope=profile"
  expect_oauth_error "$CASE_DIR/r" 400 invalid_scope
}

case_duplicated_parameter() {
  # RFC 6749 §3.2: parameters must not be included more than once.
  token_request "$CASE_DIR/r" -d grant_type=client_credentials -d grant_type=client_credentials \
    -d "client_id=$(client_id)" -d "client_secret=$(client_secret)" -d "scope=openid"
  expect_oauth_error "$CASE_DIR/r" 400 invalid_request
}

case_missing_grant_type() {
  token_request "$CASE_DIR/r" -d "client_id=$(client_id)" -d "client_secret=$(client_secret)" -d "scope=openid"
  expect_oauth_error "$CASE_DIR/r" 400 invalid_request
}

case_wrong_content_type() {
  token_request "$CASE_DIR/r" -H 'Content-Type: application/json' \
    --data-raw "{\"grant_type\":\"client_credentials\",\"client_id\":\"$(client_id)\",\"client_secret\":\"$(client_secret)\"}"
  expect_oauth_error "$CASE_DIR/r" 400 invalid_request
}

case_oversized_body() {
  local body="$CASE_DIR/big.form"
  { printf 'grant_type=client_credentials&client_id=%s&client_secret=%s&scope=openid&pad=' \
      "$(client_id)" "$(client_secret)"
    head -c 102400 /dev/zero | tr '\0' 'a'; } >"$body"
  token_request "$CASE_DIR/r" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$body"
  # RFC 9110 §15.5.14: the edge answers 413 from Content-Length, before the body is read.
  expect_oauth_error "$CASE_DIR/r" 413 invalid_request
}

case_unsupported_grant_type() {
  token_request "$CASE_DIR/r" -d grant_type=password -d username=someone -d password=x \
    -d "client_id=$(client_id)" -d "client_secret=$(client_secret)"
  expect_oauth_error "$CASE_DIR/r" 400 unsupported_grant_type
}

case_service_account_removed() {
  local cid secret t0 deadline code out="$CASE_DIR/r" elapsed
  cid=$(client_id); secret=$(client_secret)
  t0=$(now_ms); deadline=$((t0 + 2000))
  rm -f "$MANIFESTS/20-ci-deployer.yaml"
  while :; do
    token_request "$out" -d grant_type=client_credentials -d "client_id=$cid" \
      -d "client_secret=$secret" -d "scope=openid"
    code=$(cat "$out.code")
    [[ "$code" == 401 ]] && break
    if (( $(now_ms) >= deadline )); then show_exchange "$out"; assertion_failed "still HTTP $code 2 s after removal"; fi
    sleep 0.05
  done
  elapsed=$(( $(now_ms) - t0 ))
  echo "    rejected ${elapsed} ms after the manifest was removed" >&2
  expect_oauth_error "$out" 401 invalid_client
  wait_for 2 test ! -e "$SECRET_FILE" || assertion_failed "$SECRET_FILE still exists 2 s after rejection"
}

case_policy_narrowed() {
  local out="$CASE_DIR/r" deadline tok
  sed 's/allowedScopes: \[openid, email, groups\]/allowedScopes: [openid, email]/' \
    "$PRISTINE/21-ci-policy.yaml" >"$CASE_DIR/21-ci-policy.yaml"
  grep -q 'allowedScopes: \[openid, email\]$' "$CASE_DIR/21-ci-policy.yaml" || assertion_failed "test bug: policy edit did not apply"
  put_manifest "$CASE_DIR/21-ci-policy.yaml" 21-ci-policy.yaml
  deadline=$(( $(now_ms) + 3000 ))
  while :; do
    token_request "$out" -d grant_type=client_credentials -d "client_id=$(client_id)" \
      -d "client_secret=$(client_secret)" -d "scope=openid email groups"
    if [[ "$(cat "$out.code")" == 200 ]] \
       && ! jq -r '.scope // ""' <"$out.body" | tr ' ' '\n' | grep -qx groups \
       && ! verify "$(jq -r .access_token <"$out.body")" --audience "$(client_id)" | jq -e '.payload.groups' >/dev/null; then
      break
    fi
    if (( $(now_ms) >= deadline )); then show_exchange "$out"; assertion_failed "3 s after narrowing, no 200 without groups"; fi
    sleep 0.1
  done
  tok=$(jq -r .access_token <"$out.body")
  verify_ci_token "$tok" --no-groups --scope-has openid,email --scope-lacks groups >/dev/null \
    || assertion_failed "jose rejected the narrowed token"
}

case_controller_killed() {
  local tok pid deadline n=0
  # Remember what the restart must preserve.
  client_secret >"$WORK/secret-before-restart"
  jwks_kids >"$WORK/kids-before-restart" || assertion_failed "JWKS check failed before the kill"
  signing_keys_digest >"$WORK/keys-before-restart" && [[ -s "$WORK/keys-before-restart" ]] \
    || assertion_failed "cannot read the signing keys from $STATE/keys/nauthera-signing-keys.yaml"
  pid=$(pid_of controller)
  touch "$RUN/keep-controller-down"
  kill -KILL "$pid"
  wait_for 5 pid_dead "$pid" || assertion_failed "controller did not die"
  # Keep issuing for 2 s (bounded loop) and check each token with jose at the start and end.
  deadline=$(( $(now_ms) + 2000 ))
  while (( $(now_ms) < deadline )); do
    tok=$(get_token) || assertion_failed "token request failed with the controller down (request $n)"
    n=$((n + 1))
  done
  verify_ci_token "$tok" --groups ci >/dev/null || assertion_failed "jose rejected a token issued with the controller down"
  curl -s -o /dev/null -w '%{http_code}' "$ISSUER/healthz" | grep -qx 200 || assertion_failed "/healthz not 200"
  echo "    $n tokens issued in 2 s with the controller down" >&2
}

case_controller_restarted() {
  local pid secret
  pid=$(pid_of controller)
  if pid_alive "$pid"; then kill -KILL "$pid"; wait_for 5 pid_dead "$pid"; fi
  [[ -s "$WORK/secret-before-restart" ]] || assertion_failed "test order: run after 'controller killed'"
  rm -f "$RUN/keep-controller-down"
  start_controller || assertion_failed "controller did not become ready after restart"
  date +%s%3N >"$WORK/controller-restarted-at"
  wait_for 20 test -s "$SECRET_FILE" || assertion_failed "no Secret file after restart"
  secret=$(client_secret)
  [[ "$secret" == "$(cat "$WORK/secret-before-restart")" ]] || assertion_failed "client_secret changed across the restart"
  kids_same() { [[ "$(jwks_kids)" == "$(cat "$WORK/kids-before-restart")" ]]; }
  wait_for 20 kids_same \
    || assertion_failed "JWKS kids changed: before $(cat "$WORK/kids-before-restart"), after $(jwks_kids)"
  [[ "$(signing_keys_digest)" == "$(cat "$WORK/keys-before-restart")" ]] \
    || assertion_failed "signing keys changed across the restart: before $(cut -d' ' -f1 "$WORK/keys-before-restart"), after $(signing_keys_digest | cut -d' ' -f1)"
  [[ -s "$WORK/first-token" ]] || assertion_failed "no token from the first case to re-verify"
  # Its audience is the client id of that time (the Secret may have been re-created since,
  # when the service-account-removed case ran).
  verify "$(cat "$WORK/first-token")" --audience "$(cat "$WORK/first-client-id")" \
    --email "$SA_EMAIL" --groups ci >/dev/null || assertion_failed "the first token no longer verifies"
  verify_ci_token "$(get_token)" --groups ci >/dev/null || assertion_failed "a token issued after the restart does not verify"
}

case_stream_resumes_after_restart() {
  # A change made after the controller restarted reaches the token server: a new service
  # account gets a token. Proves the token server re-subscribed. The token server retries
  # the stream at least every 3 s; the bound is 30 s, a correctness limit with a wide margin
  # for a loaded machine (how long it really took is printed; latencies belong in bench/).
  local f="$CASE_DIR/40-added.yaml" sf="$STATE/secrets/ci-cd/ci-added-credentials.yaml" out="$CASE_DIR/r"
  local t_ready elapsed
  t_ready=$(cat "$WORK/controller-restarted-at" 2>/dev/null || now_ms)
  cat >"$f" <<'EOF'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata:
  name: ci-added
  namespace: ci-cd
spec:
  displayName: Added after restart
  allowedScopes: [openid, email]
EOF
  put_manifest "$f" 40-added.yaml
  wait_for 20 test -s "$sf" || assertion_failed "no Secret for ci-added within 20 s"
  try_added() {
    token_request "$out" -d grant_type=client_credentials -d "client_id=$(manifest_secret_field "$sf" client_id)" \
      -d "client_secret=$(manifest_secret_field "$sf" client_secret)" -d "scope=openid email"
    [[ "$(cat "$out.code")" == 200 ]]
  }
  wait_for 30 try_added || { show_exchange "$out"; assertion_failed "ci-added gets no token within 30 s: the token server did not resume the stream"; }
  elapsed=$(( $(now_ms) - t_ready ))
  echo "    ci-added got a token ${elapsed} ms after the restarted controller was ready" >&2
  verify "$(jq -r .access_token <"$out.body")" --audience "$(manifest_secret_field "$sf" client_id)" \
    --email ci-added@ci-cd.svc >/dev/null || assertion_failed "jose rejected ci-added's token"
}

# token_kid TOKEN: the kid in its JOSE header.
token_kid() { jwt_part "$1" 0 | jq -r .kid; }
keys_phase() { curl -s --max-time 2 "$CTRL_URL/keys" | jq -r --arg k "$1" '.keys[] | select(.kid == $k) | .phase'; }

case_key_rotation_asked_for() {
  local keyfile="$STATE/keys/nauthera-signing-keys.yaml" old_token old_kid new_kid t_pub t_act
  old_token=$(get_token)
  old_kid=$(token_kid "$old_token")
  [[ "$(keys_phase "$old_kid")" == ACTIVE ]] || assertion_failed "/keys does not show $old_kid ACTIVE"
  # A person asks for a rotation with the annotation on the key Secret (here: its file).
  python3 - "$keyfile" <<'PY'
import sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path))
doc["metadata"].setdefault("annotations", {})["auth.nauthera.io/rotate"] = "test-1"
open(path + ".tmp", "w").write(yaml.safe_dump(doc))
PY
  mv "$keyfile.tmp" "$keyfile"
  t_pub=$(now_ms)
  two_keys() { [[ "$(jwks_kids 2>/dev/null | jq 'length')" == 2 ]]; }
  wait_for 5 two_keys || assertion_failed "the JWKS does not list a second key within 5 s of the request"
  new_kid=$(curl -s "$CTRL_URL/keys" | jq -r '.keys[] | select(.phase == "PUBLISHED") | .kid')
  [[ -n "$new_kid" && "$new_kid" != "$old_kid" ]] || assertion_failed "no PUBLISHED key in /keys"
  # Published, not signing: tokens still carry the old kid.
  [[ "$(token_kid "$(get_token)")" == "$old_kid" ]] || assertion_failed "a token was signed by the new key before publish-ahead"
  signs_new() { [[ "$(token_kid "$(get_token)")" == "$new_kid" ]]; }
  wait_for 10 signs_new || assertion_failed "the new key does not sign within 10 s"
  t_act=$(now_ms)
  echo "    new key published, then signing $(( t_act - t_pub )) ms after the request (publish-ahead 5 s)" >&2
  (( t_act - t_pub >= 4000 )) || assertion_failed "the new key signed after only $(( t_act - t_pub )) ms (< publish-ahead)"
  [[ "$(keys_phase "$old_kid")" == RETIRED ]] || assertion_failed "/keys does not show the old key RETIRED"
  [[ "$(keys_phase "$new_kid")" == ACTIVE ]] || assertion_failed "/keys does not show the new key ACTIVE"
  # Tokens signed before the rotation still verify: the retired key stays in the JWKS.
  verify_ci_token "$old_token" >/dev/null || assertion_failed "a token signed by the retired key no longer verifies"
  verify_ci_token "$(get_token)" >/dev/null || assertion_failed "a token signed by the new key does not verify"
  # Saved before used: the key file holds both keys, and the same request is not repeated.
  [[ "$(signing_keys_digest | wc -l)" == 2 ]] || assertion_failed "the key file does not hold both keys"
  sleep 3
  [[ "$(signing_keys_digest | wc -l)" == 2 ]] || assertion_failed "the same annotation started another rotation"
  curl -s "$CTRL_URL/metrics" | grep -q 'nauthera_signing_keys{phase="RETIRED"} 1' \
    || assertion_failed "metrics do not show one RETIRED key"
}

case_metrics_listener() {
  # Reachable beyond loopback (the chart's probes and Prometheus use it), so it serves no
  # client ids: /status and /keys are only on the loopback --http-listen.
  local m="http://127.0.0.1:$METRICS_PORT" code
  curl -sf --max-time 2 "$m/healthz" >/dev/null || assertion_failed "/healthz not served on --metrics-listen"
  curl -sf --max-time 2 "$m/readyz" >/dev/null || assertion_failed "/readyz not served on --metrics-listen"
  curl -sf --max-time 2 "$m/metrics" | grep -q '^nauthera_controller_reconciles_total' \
    || assertion_failed "/metrics lacks nauthera_controller_reconciles_total"
  for path in /status /keys; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$m$path")
    [[ "$code" == 404 ]] || assertion_failed "$path answered $code on --metrics-listen (want 404)"
  done
  ss -ltn "sport = :$METRICS_PORT" | grep -q '0.0.0.0' || assertion_failed "--metrics-listen is not bound to 0.0.0.0"
}

refused_peers() {
  curl -sf --max-time 2 "$CTRL_URL/metrics" \
    | awk '$1 == "nauthera_controller_state_peers_refused_total" { print $2 + 0 }'
}

# The state stream hands out the signing key, the session key and password hashes: only this
# user's processes may read it (issue 10, "local-mode state stream open to any local process").
case_state_stream_private() {
  local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups) work_mode before out
  [[ -S "$SOCKET" ]] || assertion_failed "no state socket at $SOCKET"
  [[ "$(stat -c %a "$STATE")" == 700 ]] || assertion_failed "state folder is mode $(stat -c %a "$STATE"), want 700"
  [[ "$(stat -c %a "$SOCKET")" == 600 ]] || assertion_failed "state socket is mode $(stat -c %a "$SOCKET"), want 600"
  "$PROBE" "unix:$SOCKET" >"$CASE_DIR/own" 2>&1 || assertion_failed "this user got no state: $(cat "$CASE_DIR/own")"
  if ((EUID != 0)); then
    echo "    (not root: the other-user probes need setpriv as root; checked modes only)" >&2
  else
    # Another user, modes as made: the kernel refuses (the folder cannot be entered).
    if "${as_nobody[@]}" "$PROBE" "unix:$SOCKET" >"$CASE_DIR/nobody" 2>&1; then
      assertion_failed "uid 65534 received the state: $(cat "$CASE_DIR/nobody")"
    fi
    # Modes loosened by hand: the peer-credential check still refuses, logs and counts.
    before=$(refused_peers); work_mode=$(stat -c %a "$WORK")
    chmod 711 "$WORK" "$STATE"; chmod 666 "$SOCKET"
    if "${as_nobody[@]}" "$PROBE" "unix:$SOCKET" >"$CASE_DIR/nobody-loosened" 2>&1; then
      chmod 700 "$STATE"; chmod 600 "$SOCKET"; chmod "$work_mode" "$WORK"
      assertion_failed "uid 65534 received the state through a 0666 socket: $(cat "$CASE_DIR/nobody-loosened")"
    fi
    chmod 700 "$STATE"; chmod 600 "$SOCKET"; chmod "$work_mode" "$WORK"
    grep -q '"msg":"state stream peer refused: it runs as another user than the controller".*"peer_uid":"65534"' \
      "$LOGS/controller.log" || assertion_failed "no structured log line for the refused peer"
    [[ "$(refused_peers)" == $((before + 1)) ]] \
      || assertion_failed "nauthera_controller_state_peers_refused_total is $(refused_peers), want $((before + 1))"
  fi
  # Plaintext TCP is refused at start, by both programs, saying what to do instead.
  if out=$("$CONTROLLER" --manifests="$MANIFESTS" --state-dir="$WORK/tmp/tcp-state" \
      --issuer-url="$ISSUER" --grpc-listen="127.0.0.1:$(free_port)" \
      --http-listen="http://127.0.0.1:$(free_port)" 2>&1 </dev/null); then
    assertion_failed "the controller started with a plaintext TCP --grpc-listen"
  fi
  [[ "$out" == *"is plaintext TCP"*"Leave --grpc-listen out to serve it on the Unix socket"* ]] \
    || assertion_failed "the controller's refusal does not say what to do: $out"
  if out=$("$TOKENSERVER" --controller="127.0.0.1:$(free_port)" \
      --listen="http://127.0.0.1:$(free_port)" 2>&1 </dev/null); then
    assertion_failed "the token server started with a plaintext TCP --controller"
  fi
  [[ "$out" == *"is plaintext TCP"*"--controller=unix:<state-dir>/state.sock"* ]] \
    || assertion_failed "the token server's refusal does not say what to do: $out"
}

case_malformed_manifest() {
  local secret_before found
  secret_before=$(client_secret)
  cat >"$CASE_DIR/90-broken.yaml" <<'EOF'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata:
  name: broken-sa
  namespace: ci-cd
spec:
  allowedScopes: [openid, email
  groups: - ci
EOF
  cat >"$CASE_DIR/91-unknown-field.yaml" <<'EOF'
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata:
  name: typo-sa
  namespace: ci-cd
spec:
  displayName: Typo
  allowedScopes: [openid]
  grups: [ci]
EOF
  put_manifest "$CASE_DIR/90-broken.yaml" 90-broken.yaml
  put_manifest "$CASE_DIR/91-unknown-field.yaml" 91-unknown-field.yaml
  reported() { cat "$STATE/status.txt" "$LOGS/controller.log" 2>/dev/null | grep -F -- "$1" | grep -qF -- "$2"; }
  wait_for 5 reported 90-broken.yaml 90-broken.yaml \
    || assertion_failed "neither status.txt nor the controller log names 90-broken.yaml within 5 s"
  wait_for 5 reported 91-unknown-field.yaml typo-sa \
    || assertion_failed "no line in status.txt or the controller log names both 91-unknown-field.yaml and typo-sa"
  found=$(cat "$STATE/status.txt" "$LOGS/controller.log" | grep -F -e 90-broken.yaml -e 91-unknown-field.yaml | sort -u | head -n 6)
  echo "    reported as:" >&2; sed 's/^/      /' <<<"$found" >&2
  [[ ! -e "$STATE/secrets/ci-cd/typo-sa-credentials.yaml" ]] \
    || assertion_failed "typo-sa (unknown field grups) got credentials anyway"
  # Everything else is unaffected.
  [[ "$(client_secret)" == "$secret_before" ]] || assertion_failed "ci-deployer's secret changed"
  [[ "$(status_ready NautheraServiceAccount ci-deployer)" == True ]] || assertion_failed "ci-deployer not Ready True"
  [[ "$(status_ready OidcClient kubectl)" == True ]] || assertion_failed "OidcClient kubectl not Ready True"
  verify_ci_token "$(get_token)" --groups ci >/dev/null || assertion_failed "ci-deployer's token does not verify"
  pid_alive "$(pid_of controller)" || assertion_failed "the controller exited"
}

# ---------------------------------------------------------------------------------------
# Setup: start both programs and wait until ci-deployer is provisioned.

if ! start_controller; then
  echo "FAIL  setup: controller not ready; last lines of its log:"; tail -n 40 "$LOGS/controller.log"; exit 1
fi
if ! start_tokenserver; then
  echo "FAIL  setup: token server not ready; last lines of its log:"; tail -n 40 "$LOGS/tokenserver.log"; exit 1
fi
ci_ready() { [[ -s "$SECRET_FILE" && "$(status_ready NautheraServiceAccount ci-deployer)" == True ]]; }
if ! wait_for 10 ci_ready; then
  echo "FAIL  setup: ci-deployer not provisioned within 10 s (no $SECRET_FILE or not Ready in status.txt)"
  cat "$STATE/status.txt" 2>/dev/null || true
  tail -n 40 "$LOGS/controller.log"; exit 1
fi

run_case "option B: the guide's commands as written; jose verifies the token" case_option_b_as_written
run_case "token response: bearer, expires_in, no-store; lifetime = shortest policy TTL" case_token_response_shape
run_case "discovery issuer exact; JWKS kid = RFC 7638 thumbprint, no private parts" case_discovery_and_jwks
run_case "status table: ci-deployer and kubectl Ready; no secret in status or logs" case_status_table
run_case "client_secret_basic happy path" case_client_secret_basic
run_case "wrong secret -> 401 invalid_client" case_wrong_secret
run_case "unknown client -> 401 invalid_client" case_unknown_client
run_case "Basic with wrong secret -> 401 invalid_client + WWW-Authenticate: Basic" case_basic_wrong_secret
run_case "scope=profile not allowed -> 400 invalid_scope" case_scope_not_allowed
run_case "duplicated grant_type -> 400 invalid_request" case_duplicated_parameter
run_case "missing grant_type -> 400 invalid_request" case_missing_grant_type
run_case "Content-Type application/json -> 400 invalid_request" case_wrong_content_type
run_case "100 KB body -> 413 invalid_request, answered before the body is read" case_oversized_body
run_case "grant_type=password -> 400 unsupported_grant_type" case_unsupported_grant_type
run_case "service account removed -> invalid_client within 2 s, Secret removed" case_service_account_removed
run_case "policy narrowed (no groups) -> token without groups, scope lacks groups" case_policy_narrowed
run_case "controller SIGKILLed -> token server keeps issuing" case_controller_killed
run_case "controller restarted -> same client_secret, same kid, old token verifies" case_controller_restarted
run_case "controller restarted -> token server resumes the stream (new SA gets tokens)" case_stream_resumes_after_restart
run_case "malformed manifests -> file and object named, everything else unaffected" case_malformed_manifest
run_case "--metrics-listen: probes and metrics on any address, no /status or /keys" case_metrics_listener
run_case "state stream: 0600 socket in a 0700 folder; another uid gets nothing (logged, counted); plaintext TCP refused" case_state_stream_private
run_case "key rotation asked for: published 5 s before signing, old tokens still verify" case_key_rotation_asked_for

echo
echo "option_b_test: $PASSED passed, $FAILED failed"
for n in "${FAILED_NAMES[@]+"${FAILED_NAMES[@]}"}"; do echo "  failed: $n"; done
((FAILED == 0))
