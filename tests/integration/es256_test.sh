#!/usr/bin/env bash
# Integration test: ES256 signing (RFC 7518 §3.4) with the REAL nauthera-controller and
# nauthera-tokenserver in local mode, on free loopback ports, with a temporary copy of
# examples/quickstart.
#   1. Started with the default (RS256): JWKS and discovery list RS256 only.
#   2. Restarted with --signing-algorithm=ES256: the existing RSA key is kept (same kid,
#      still signing) until a rotation is asked for; then the EC key is PUBLISHED beside it
#      (JWKS and discovery list both, tokens still RS256), and after --key-publish-ahead it
#      signs (tokens ES256, the RSA key RETIRED but still published).
#   3. es256-flow.mjs: npm jose and openid-client accept a client_credentials access token
#      and alice's ID token with alg ES256, verified against the live JWKS.
#
# Usage: es256_test.sh [--build-dir DIR] [--work-dir DIR] [--quickstart DIR]
# Needs: curl, jq, python3 (yaml), node, tests/integration/node_modules (jose, openid-client).
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

require_programs_and_tools "$BUILD_DIR" curl jq node python3
[[ -d "$HERE/node_modules/jose" && -d "$HERE/node_modules/openid-client" ]] || {
  echo "FAIL  setup: npm jose/openid-client missing in tests/integration/node_modules (run scripts/install-deps.sh)"; exit 1; }

if [[ -n "$WORK" ]]; then rm -rf "$WORK"; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/nauthera-es256.XXXXXX); fi
WORK="$(cd "$WORK" && pwd)"
MANIFESTS="$WORK/manifests"
STATE="$WORK/state"
LOGS="$WORK/logs"
mkdir -p "$STATE" "$LOGS"
cp -r "$QUICKSTART" "$MANIFESTS"

CTRL_PORT=$(free_port); TS_PORT=$(free_port)
ISSUER="http://127.0.0.1:$TS_PORT"
CTRL_URL="http://127.0.0.1:$CTRL_PORT"
KEYFILE="$STATE/keys/nauthera-signing-keys.yaml"
KUBECTL_SECRET="$STATE/secrets/nauthera-system/kubectl-credentials.yaml"
CI_SECRET_FILE="$STATE/secrets/ci-cd/ci-deployer-credentials.yaml"
echo "es256_test: work dir $WORK (logs in $LOGS), issuer $ISSUER"

documented_password() {
  grep -h -E '^#' "$MANIFESTS"/*.yaml | grep -oE "(^|[^[:alnum:]])$1 / [^[:space:],;]*[^[:space:],;.]" | head -n1 \
    | sed -E "s|.*$1 / ||"
}
ALICE_PASSWORD=${LOGIN_FLOW_ALICE_PASSWORD:-$(documented_password alice)}
[[ -n "$ALICE_PASSWORD" ]] || { echo "FAIL  setup: the quickstart does not document alice's password"; exit 1; }

CONTROLLER_PID=""; TOKENSERVER_PID=""
cleanup() {
  local pid
  for pid in "$TOKENSERVER_PID" "$CONTROLLER_PID"; do [[ -n "$pid" ]] && stop_pid "$pid"; done
  echo "es256_test: logs kept in $WORK"
}
trap cleanup EXIT

# start_controller [ARG...]: short JWKS max-age and publish-ahead so the change takes seconds.
start_controller() {
  "$CONTROLLER" --manifests="$MANIFESTS" --state-dir="$STATE" --issuer-url="$ISSUER" \
    --http-listen="$CTRL_URL" --jwks-max-age=3 --key-publish-ahead=6s --key-retired-overlap=60s "$@" \
    >>"$LOGS/controller.log" 2>&1 </dev/null &
  CONTROLLER_PID=$!
  if ! wait_http "$CTRL_URL/readyz" 20 "$CONTROLLER_PID"; then
    echo "FAIL  setup: controller not ready; last lines of its log:"; tail -n 40 "$LOGS/controller.log"; exit 1
  fi
}
start_controller
"$TOKENSERVER" --controller="unix:$STATE/state.sock" --listen="$ISSUER" --threads=2 \
  >>"$LOGS/tokenserver.log" 2>&1 </dev/null &
TOKENSERVER_PID=$!
wait_http "$ISSUER/readyz" 20 "$TOKENSERVER_PID" || {
  echo "FAIL  setup: token server not ready"; tail -n 40 "$LOGS/tokenserver.log"; exit 1; }
credentials_ready() { [[ -s "$KUBECTL_SECRET" && -s "$CI_SECRET_FILE" ]]; }
wait_for 15 credentials_ready || { echo "FAIL  setup: no client credentials within 15 s"; exit 1; }

CI_ID=$(manifest_secret_field "$CI_SECRET_FILE" client_id)
CI_SECRET=$(manifest_secret_field "$CI_SECRET_FILE" client_secret)
FAILED=0
check() {  # check NAME COMMAND...: PASS/FAIL line
  local name=$1; shift
  if "$@"; then echo "PASS  es256: $name"; else echo "FAIL  es256: $name"; FAILED=1; fi
}
jwks_algs() { curl -s --max-time 2 "$ISSUER/oauth2/jwks" | jq -c '[.keys[].alg] | unique'; }
discovery_algs() { curl -s --max-time 2 "$ISSUER/.well-known/openid-configuration" | jq -c '.id_token_signing_alg_values_supported | sort'; }
token_alg() {
  curl -s --max-time 2 "$ISSUER/oauth2/token" -d grant_type=client_credentials \
    --data-urlencode "client_id=$CI_ID" --data-urlencode "client_secret=$CI_SECRET" \
    | jq -r .access_token | cut -d. -f1 | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .alg
}
active_kid() { curl -s "$CTRL_URL/keys" | jq -r '.keys[] | select(.phase == "ACTIVE") | .kid'; }

# 1. The default.
check "the default is RS256 (JWKS, discovery, tokens)" \
  test "$(jwks_algs)|$(discovery_algs)|$(token_alg)" == '["RS256"]|["RS256"]|RS256'
RSA_KID=$(active_kid)

# 2. The setting changed: nothing is replaced until a rotation.
stop_pid "$CONTROLLER_PID"; CONTROLLER_PID=""
start_controller --signing-algorithm=ES256
check "after a restart with ES256 the RSA key is kept and still signs" \
  test "$(active_kid)|$(token_alg)|$(jwks_algs)" == "$RSA_KID|RS256|[\"RS256\"]"
python3 - "$KEYFILE" <<'PY'
import sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path))
doc["metadata"].setdefault("annotations", {})["auth.nauthera.io/rotate"] = "es256-1"
open(path + ".tmp", "w").write(yaml.safe_dump(doc))
PY
mv "$KEYFILE.tmp" "$KEYFILE"
both_published() { [[ "$(jwks_algs)" == '["ES256","RS256"]' ]]; }
check "a rotation publishes the EC key beside the RSA key within 5 s" wait_for 5 both_published
check "while both are published, discovery lists both and tokens stay RS256" \
  test "$(discovery_algs)|$(token_alg)" == '["ES256","RS256"]|RS256'
es256_signs() { [[ "$(token_alg)" == ES256 ]]; }
check "after --key-publish-ahead tokens are ES256" wait_for 15 es256_signs
check "the RSA key is RETIRED and still in the JWKS" \
  test "$(curl -s "$CTRL_URL/keys" | jq -r --arg k "$RSA_KID" '.keys[] | select(.kid == $k) | .phase')|$(jwks_algs)" \
  == 'RETIRED|["ES256","RS256"]'

# 3. Real peers.
set +e
ALICE_PASSWORD="$ALICE_PASSWORD" CI_SECRET="$CI_SECRET" \
  node "$HERE/es256-flow.mjs" --issuer "$ISSUER" --expect-algs ES256,RS256 \
    --kubectl-id "$(manifest_secret_field "$KUBECTL_SECRET" client_id)" --ci-id "$CI_ID" </dev/null
rc=$?
set -e
((rc == 0)) || FAILED=1
((FAILED == 0)) || { echo "es256_test: last lines of the token server's log:"; tail -n 20 "$LOGS/tokenserver.log"; }
exit "$FAILED"
