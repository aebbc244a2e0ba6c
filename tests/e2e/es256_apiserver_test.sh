#!/usr/bin/env bash
# ES256 on the real kube-apiserver (issue 14): Nauthera in local mode with
# --signing-algorithm=ES256 behind https (a throwaway CA), kube-apiserver started with
# --oidc-issuer-url, --oidc-client-id=<ci-deployer's client id>, --oidc-username-claim=sub and
# --oidc-signing-algs=ES256, then with an AuthenticationConfiguration (structured
# authentication, no algorithm field) instead of the flags. A client_credentials access token (alg ES256) is accepted by
# `kubectl --token=... auth whoami` (the username is oidc:<sub>), and a token whose signature
# was altered is refused.
#
# Usage: es256_apiserver_test.sh [--build-dir DIR] [--work-dir DIR]
# Needs: the control plane of tests/cluster/control_plane.sh (scripts/k8s-tools.sh), openssl,
# curl, jq. Prints PASS/FAIL lines; exits 1 on any FAIL.
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../cluster/control_plane.sh
source "$ROOT/tests/cluster/control_plane.sh"

BUILD_DIR="$ROOT/build"
WORK=""
while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --work-dir) WORK=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
require_programs_and_tools "$BUILD_DIR" curl jq openssl
if [[ -n "$WORK" ]]; then rm -rf "$WORK"; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/nauthera-es256-apiserver.XXXXXX); fi
WORK="$(cd "$WORK" && pwd)"
STATE="$WORK/state"; LOGS="$WORK/logs"; PKI="$WORK/issuer-pki"
mkdir -p "$STATE" "$LOGS" "$PKI"
cp -r "$ROOT/examples/quickstart" "$WORK/manifests"

# The issuer's serving certificate, from a throwaway CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=es256-test-ca \
  -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$PKI/tls.key" -out "$PKI/tls.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$PKI/ext.cnf"
openssl x509 -req -in "$PKI/tls.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
  -days 1 -extfile "$PKI/ext.cnf" -out "$PKI/tls.crt" 2>/dev/null

CTRL_PORT=$(free_port); TS_PORT=$(free_port)
ISSUER="https://127.0.0.1:$TS_PORT"
CONTROLLER_PID=""; TOKENSERVER_PID=""
cleanup() {
  local pid
  cp_stop 2>/dev/null || true
  for pid in "$TOKENSERVER_PID" "$CONTROLLER_PID"; do [[ -n "$pid" ]] && stop_pid "$pid"; done
  echo "es256_apiserver_test: logs kept in $WORK"
}
trap cleanup EXIT

"$CONTROLLER" --manifests="$WORK/manifests" --state-dir="$STATE" --issuer-url="$ISSUER" \
  --http-listen="http://127.0.0.1:$CTRL_PORT" --signing-algorithm=ES256 \
  >>"$LOGS/controller.log" 2>&1 </dev/null &
CONTROLLER_PID=$!
wait_http "http://127.0.0.1:$CTRL_PORT/readyz" 20 "$CONTROLLER_PID" || { echo "FAIL  setup: controller"; tail "$LOGS/controller.log"; exit 1; }
"$TOKENSERVER" --controller="unix:$STATE/state.sock" --listen="$ISSUER" --threads=2 \
  --tls-cert-file="$PKI/tls.crt" --tls-key-file="$PKI/tls.key" \
  >>"$LOGS/tokenserver.log" 2>&1 </dev/null &
TOKENSERVER_PID=$!
ts_ready() { curl -s --cacert "$PKI/ca.crt" --max-time 1 "$ISSUER/readyz" >/dev/null; }
wait_for 20 ts_ready || { echo "FAIL  setup: token server"; tail "$LOGS/tokenserver.log"; exit 1; }
SECRET="$STATE/secrets/ci-cd/ci-deployer-credentials.yaml"
wait_for 15 test -s "$SECRET" || { echo "FAIL  setup: no ci-deployer credentials"; exit 1; }
CI_ID=$(manifest_secret_field "$SECRET" client_id)
CI_SECRET=$(manifest_secret_field "$SECRET" client_secret)

CP_APISERVER_EXTRA_ARGS="--oidc-issuer-url=$ISSUER --oidc-client-id=$CI_ID --oidc-username-claim=sub --oidc-username-prefix=oidc: --oidc-signing-algs=ES256 --oidc-ca-file=$PKI/ca.crt" \
  CP_WAIT_CONTROLLERS=0 cp_start "$WORK/cp"

FAILED=0
TOKEN=$(curl -s --cacert "$PKI/ca.crt" "$ISSUER/oauth2/token" -d grant_type=client_credentials \
  --data-urlencode "client_id=$CI_ID" --data-urlencode "client_secret=$CI_SECRET" | jq -r .access_token)
ALG=$(jwt_part "$TOKEN" 0 | jq -r .alg)
SUB=$(jwt_part "$TOKEN" 1 | jq -r .sub)
# kube-apiserver fetches the JWKS asynchronously after start: retry for a few seconds.
whoami() { kubectl --kubeconfig=/dev/null --server="$CP_APISERVER_URL" --certificate-authority="$CP_WORKDIR/pki/ca.crt" \
  --token="$1" auth whoami -o json 2>"$LOGS/whoami.err"; }
accepted() { OUT=$(whoami "$TOKEN") && [[ "$(jq -r .status.userInfo.username <<<"$OUT")" == "oidc:$SUB" ]]; }
if [[ "$ALG" == ES256 ]] && wait_for 30 accepted; then
  echo "PASS  es256 apiserver: kube-apiserver (--oidc-signing-algs=ES256) accepts an ES256 token as oidc:$SUB"
else
  echo "FAIL  es256 apiserver: alg $ALG; whoami: ${OUT:-} $(cat "$LOGS/whoami.err")"; FAILED=1
  grep -i -m5 'oidc\|jwt' "$CP_WORKDIR/apiserver.log" || true
fi
# The same token with one character of its signature (R, not the padding bits) changed.
sig=${TOKEN##*.}; c=${sig:5:1}; [[ "$c" == A ]] && repl=B || repl=A
if whoami "${TOKEN%.*}.${sig:0:5}$repl${sig:6}" >/dev/null; then
  echo "FAIL  es256 apiserver: a token with an altered signature was accepted"; FAILED=1
else
  echo "PASS  es256 apiserver: a token with an altered signature is refused"
fi

# 2. Structured authentication: the same issuer in an AuthenticationConfiguration.
cp_stop
{
  echo "apiVersion: apiserver.config.k8s.io/v1"
  echo "kind: AuthenticationConfiguration"
  echo "jwt:"
  echo "- issuer:"
  echo "    url: $ISSUER"
  echo "    audiences: [\"$CI_ID\"]"
  echo "    certificateAuthority: |"
  sed 's/^/      /' "$PKI/ca.crt"
  echo "  claimMappings:"
  echo "    username:"
  echo "      claim: sub"
  echo "      prefix: \"oidc:\""
} >"$WORK/authentication-config.yaml"
CP_APISERVER_EXTRA_ARGS="--authentication-config=$WORK/authentication-config.yaml" \
  CP_WAIT_CONTROLLERS=0 cp_start "$WORK/cp-structured"
if wait_for 30 accepted; then
  echo "PASS  es256 apiserver: an AuthenticationConfiguration (no algorithm field) accepts the ES256 token"
else
  echo "FAIL  es256 apiserver: AuthenticationConfiguration: ${OUT:-} $(cat "$LOGS/whoami.err")"; FAILED=1
  grep -i -m5 'oidc\|jwt\|authentication' "$CP_WORKDIR/apiserver.log" || true
fi
exit "$FAILED"
