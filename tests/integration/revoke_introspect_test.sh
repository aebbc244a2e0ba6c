#!/usr/bin/env bash
# Integration test: RFC 7009 revocation (POST /oauth2/revoke) and RFC 7662 introspection
# (POST /oauth2/introspect) against the REAL nauthera-controller and nauthera-tokenserver in
# local mode, on free loopback ports, with a temporary copy of examples/quickstart.
# revoke-introspect.mjs drives it with npm `openid-client` 6 (tokenRevocation,
# tokenIntrospection, and the grants that produce the tokens); alice's login form is posted
# with plain fetch, so no browser is needed.
#
# Added to the temporary copy of the manifests (never to examples/quickstart):
#   - OidcClient resource-server (confidential, client_secret_basic, authorization_code +
#     refresh_token), the client that introspects and owns refresh tokens of its own.
#
# Runs every case twice: with the token server's memory store, then with --redis-url on a
# redis-server it starts on a free port (Debian package; SKIP when not installed), and with
# that Redis stopped checks that revoke/introspect answer 503 temporarily_unavailable.
#
# Usage: revoke_introspect_test.sh [--build-dir DIR] [--work-dir DIR] [--quickstart DIR]
# Needs: curl, jq, python3, node, tests/integration/node_modules (openid-client);
# redis-server and redis-cli for the second half.
# Prints one PASS/FAIL line per case and "revoke_introspect: N passed, N failed"; exits 1 on
# any FAIL.
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

BUILD_DIR="$ROOT/build"
WORK=""
QUICKSTART="$ROOT/examples/quickstart"
while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --work-dir) WORK=$2; shift 2 ;;
    --quickstart) QUICKSTART=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

require_programs_and_tools "$BUILD_DIR" curl jq node python3 base64
[[ -d "$HERE/node_modules/openid-client" ]] || {
  echo "FAIL  setup: npm openid-client missing in tests/integration/node_modules (run scripts/install-deps.sh)"; exit 1; }

if [[ -n "$WORK" ]]; then rm -rf "$WORK"; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/nauthera-revoke-introspect.XXXXXX); fi
WORK="$(cd "$WORK" && pwd)"
MANIFESTS="$WORK/manifests"
STATE="$WORK/state"
LOGS="$WORK/logs"
mkdir -p "$STATE" "$LOGS"
cp -r "$QUICKSTART" "$MANIFESTS"

CTRL_PORT=$(free_port); TS_PORT=$(free_port)
ISSUER="http://127.0.0.1:$TS_PORT"
CTRL_URL="http://127.0.0.1:$CTRL_PORT"
KUBECTL_SECRET="$STATE/secrets/nauthera-system/kubectl-credentials.yaml"
RS_SECRET_FILE="$STATE/secrets/nauthera-system/resource-server-credentials.yaml"
CI_SECRET_FILE="$STATE/secrets/ci-cd/ci-deployer-credentials.yaml"

echo "revoke_introspect_test: work dir $WORK (logs in $LOGS), issuer $ISSUER"

# alice's password, as documented in the quickstart's users manifest ("alice / <password>").
documented_password() {
  grep -h -E '^#' "$MANIFESTS"/*.yaml | grep -oE "(^|[^[:alnum:]])$1 / [^[:space:],;]*[^[:space:],;.]" | head -n1 \
    | sed -E "s|.*$1 / ||"
}
ALICE_PASSWORD=${LOGIN_FLOW_ALICE_PASSWORD:-$(documented_password alice)}
[[ -n "$ALICE_PASSWORD" ]] || { echo "FAIL  setup: the quickstart does not document alice's password"; exit 1; }

cat >"$MANIFESTS/90-revoke-introspect-resource-server.yaml" <<'YAML'
# revoke_introspect_test: a confidential client that introspects tokens and owns refresh
# tokens of its own.
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata:
  name: resource-server
  namespace: nauthera-system
spec:
  displayName: Resource server
  redirectUris:
    - "http://localhost:8000"
  allowedScopes: [openid, profile, email, groups]
  grantTypes: [authorization_code, refresh_token]
  pkce:
    required: true
  authMethod: client_secret_basic
  # signIn posts the login form only: no consent page for this test client.
  consent: skip
---
# RFC 7662 §4: a client learns about the tokens issued to it and those naming it in aud only;
# this policy makes resource-server an audience of kubectl's tokens, so it may introspect them.
apiVersion: auth.nauthera.io/v1alpha1
kind: AuthPolicy
metadata:
  name: resource-server-audience
  namespace: nauthera-system
spec:
  audienceClients:
    - {name: resource-server, namespace: nauthera-system}
YAML

CONTROLLER_PID=""; TOKENSERVER_PID=""; NODE_PID=""; REDIS_PID=""
cleanup() {
  local pid
  for pid in "$NODE_PID" "$TOKENSERVER_PID" "$CONTROLLER_PID" "$REDIS_PID"; do
    [[ -n "$pid" ]] && stop_pid "$pid"
  done
  echo "revoke_introspect_test: logs kept in $WORK"
}
trap cleanup EXIT

"$CONTROLLER" --manifests="$MANIFESTS" --state-dir="$STATE" --issuer-url="$ISSUER" \
  --http-listen="$CTRL_URL" \
  >>"$LOGS/controller.log" 2>&1 </dev/null &
CONTROLLER_PID=$!
if ! wait_http "$CTRL_URL/readyz" 20 "$CONTROLLER_PID"; then
  echo "FAIL  setup: controller not ready; last lines of its log:"; tail -n 40 "$LOGS/controller.log"; exit 1
fi
# start_tokenserver [ARG...]: the token server on $ISSUER with extra arguments.
start_tokenserver() {
  "$TOKENSERVER" --controller="unix:$STATE/state.sock" --listen="$ISSUER" --threads=2 "$@" \
    >>"$LOGS/tokenserver.log" 2>&1 </dev/null &
  TOKENSERVER_PID=$!
  if ! wait_http "$ISSUER/readyz" 20 "$TOKENSERVER_PID"; then
    echo "FAIL  setup: token server not ready; last lines of its log:"; tail -n 40 "$LOGS/tokenserver.log"; exit 1
  fi
}
start_tokenserver

status_ready() { awk -v k="$1" -v n="$2" '$1==k && $3==n {print $4}' "$STATE/status.txt" 2>/dev/null; }
all_ready() {
  [[ -s "$KUBECTL_SECRET" && -s "$RS_SECRET_FILE" && -s "$CI_SECRET_FILE" ]] || return 1
  [[ "$(status_ready OidcClient kubectl)" == True && "$(status_ready OidcClient resource-server)" == True ]] || return 1
  [[ "$(status_ready NautheraUser alice)" == True ]] || return 1
  curl -s --max-time 1 "$ISSUER/.well-known/openid-configuration" | jq -e '.authorization_endpoint' >/dev/null
}
if ! wait_for 15 all_ready; then
  echo "FAIL  setup: within 15 s, not all of: kubectl, resource-server and ci-deployer with credentials,"
  echo "      alice Ready, discovery listing authorization_endpoint. status.txt:"
  cat "$STATE/status.txt" 2>/dev/null || true
  tail -n 20 "$LOGS/controller.log"; exit 1
fi

FAILED=0
# run_node LABEL: every case of revoke-introspect.mjs against the running token server.
run_node() {
  local rc
  set +e
  ALICE_PASSWORD="$ALICE_PASSWORD" \
  RS_SECRET="$(manifest_secret_field "$RS_SECRET_FILE" client_secret)" \
  CI_SECRET="$(manifest_secret_field "$CI_SECRET_FILE" client_secret)" \
    node "$HERE/revoke-introspect.mjs" --issuer "$ISSUER" --label "$1" \
      --kubectl-id "$(manifest_secret_field "$KUBECTL_SECRET" client_id)" \
      --rs-id "$(manifest_secret_field "$RS_SECRET_FILE" client_id)" \
      --ci-id "$(manifest_secret_field "$CI_SECRET_FILE" client_id)" </dev/null &
  NODE_PID=$!
  wait "$NODE_PID"
  rc=$?
  NODE_PID=""
  set -e
  if ((rc != 0)); then
    FAILED=1
    for p in "$CONTROLLER_PID" "$TOKENSERVER_PID"; do
      pid_alive "$p" || echo "revoke_introspect_test: process $p exited during the test (see $LOGS)"
    done
    echo "revoke_introspect_test: last lines of the token server's log:"; tail -n 20 "$LOGS/tokenserver.log"
  fi
}

# 1. The memory store (one replica).
run_node "memory store"

# 2. The shared store (--redis-url): the same cases, then Redis stopped: revocation and
#    introspection of a refresh token answer 503 temporarily_unavailable, not "revoked" or
#    "inactive" (a client must not believe a revocation that did not happen).
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  echo "SKIP  redis store: redis-server / redis-cli not installed (scripts/install-deps.sh)"
else
  REDIS_PORT=$(free_port)
  mkdir -p "$WORK/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK/redis" --daemonize no >>"$LOGS/redis.log" 2>&1 </dev/null &
  REDIS_PID=$!
  redis_answers() { [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
  wait_for 10 redis_answers || { echo "FAIL  setup: redis-server did not start"; tail "$LOGS/redis.log"; exit 1; }
  stop_pid "$TOKENSERVER_PID"
  start_tokenserver --redis-url="redis://127.0.0.1:$REDIS_PORT/0"
  run_node "redis store"
  stop_pid "$REDIS_PID"; REDIS_PID=""
  RS_AUTH="$(manifest_secret_field "$RS_SECRET_FILE" client_id):$(manifest_secret_field "$RS_SECRET_FILE" client_secret)"
  for path in /oauth2/revoke /oauth2/introspect; do
    answer=$(curl -s -w ' %{http_code}' -u "$RS_AUTH" "$ISSUER$path" -d token=some-refresh-token-0123456789)
    if [[ "$answer" == *'"temporarily_unavailable"'*' 503' ]]; then
      echo "PASS  redis down: $path answers 503 temporarily_unavailable"
    else
      echo "FAIL  redis down: $path answered: $answer"; FAILED=1
    fi
  done
fi
exit "$FAILED"
