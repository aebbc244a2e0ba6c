#!/usr/bin/env bash
# Start order does not matter: a token server started before the controller's name resolves
# (as in a cluster where the token-server Pods start before CoreDNS, or before the
# controller's Service exists) serves within a few seconds once the name resolves and the
# controller answers.
#
# The token server dials dns://127.0.0.1:DNS_PORT/controller.test:GRPC_PORT (gRPC's own DNS
# resolver, asking tests/integration/dns_stub.py) with mutual TLS, as in the chart. For
# DELAY seconds there is no DNS server at all (every query is refused) and no controller;
# then the DNS server (controller.test -> 127.0.0.1) and the controller start. The token
# server must be ready within BOUND seconds of the controller being ready. gRPC's resolver
# backs off 1 s x 1.6 per failure up to 120 s, so without the fix the wait after a 40 s
# outage is 15-35 s, and after a few minutes of it up to 2 minutes (245 s in a cluster).
#
# Usage: start_order_test.sh --build-dir DIR [--work-dir DIR] [--delay 40] [--bound 10]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

BUILD_DIR=""; WORK=""; DELAY=40; BOUND=10
while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    --work-dir) WORK="$2"; shift 2 ;;
    --delay) DELAY="$2"; shift 2 ;;
    --bound) BOUND="$2"; shift 2 ;;
    *) echo "usage: $0 --build-dir DIR [--work-dir DIR] [--delay S] [--bound S]" >&2; exit 2 ;;
  esac
done
[[ -n "$BUILD_DIR" ]] || { echo "--build-dir is required" >&2; exit 2; }
require_programs_and_tools "$BUILD_DIR" curl python3 openssl

if [[ -n "$WORK" ]]; then rm -rf "$WORK"; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/nauthera-start-order.XXXXXX); fi
WORK="$(cd "$WORK" && pwd)"
PKI="$WORK/pki"; mkdir -p "$PKI" "$WORK/state"
cp -r "$ROOT/examples/quickstart" "$WORK/manifests"

# Mutual TLS as the chart sets it up: the controller's certificate names the name dialled.
(
  set -e
  cd "$PKI"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 1 -subj /CN=start-order-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
  openssl req "${ec[@]}" -keyout controller.key -out controller.csr -subj /CN=controller.test
  printf 'subjectAltName=DNS:controller.test\nextendedKeyUsage=serverAuth\n' >controller.ext
  openssl x509 -req -in controller.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out controller.crt -days 1 -extfile controller.ext
  openssl req "${ec[@]}" -keyout ts.key -out ts.csr -subj /CN=tokenserver
  printf 'extendedKeyUsage=clientAuth\n' >ts.ext
  openssl x509 -req -in ts.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out ts.crt -days 1 \
    -extfile ts.ext
) >"$WORK/pki.log" 2>&1 || { echo "FAIL setup: openssl"; cat "$WORK/pki.log"; exit 1; }

GRPC_PORT=$(free_port); CTRL_PORT=$(free_port); TS_PORT=$(free_port); DNS_PORT=$(free_port)
ISSUER="http://127.0.0.1:$TS_PORT"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
}
trap cleanup EXIT

# The DNS server drops every query (no answer at all, as for a DNS Service not there yet)
# until dns.on exists.
python3 "$HERE/dns_stub.py" "$DNS_PORT" controller.test 127.0.0.1 "$WORK/dns.on" >"$WORK/dns.log" 2>&1 &
PIDS+=("$!")
t_ts=$(now_ms)
"$TOKENSERVER" --controller="dns://127.0.0.1:$DNS_PORT/controller.test:$GRPC_PORT" \
  --grpc-tls-ca="$PKI/ca.crt" --grpc-tls-cert="$PKI/ts.crt" --grpc-tls-key="$PKI/ts.key" \
  --listen="$ISSUER" --threads=1 >"$WORK/tokenserver.log" 2>&1 </dev/null &
TS_PID=$!; PIDS+=("$TS_PID")
wait_http "$ISSUER/healthz" 20 "$TS_PID" || { echo "FAIL the token server did not start"; tail "$WORK/tokenserver.log"; exit 1; }
# Not ready while it has no state, all through the outage.
deadline=$((t_ts + DELAY * 1000))
while (($(now_ms) < deadline)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$ISSUER/readyz")
  [[ "$code" == 503 ]] || { echo "FAIL the token server answered /readyz $code with no controller"; exit 1; }
  pid_alive "$TS_PID" || { echo "FAIL the token server exited"; tail "$WORK/tokenserver.log"; exit 1; }
  sleep 1
done

touch "$WORK/dns.on"
"$CONTROLLER" --manifests="$WORK/manifests" --state-dir="$WORK/state" --issuer-url="$ISSUER" \
  --grpc-listen="127.0.0.1:$GRPC_PORT" --http-listen="http://127.0.0.1:$CTRL_PORT" \
  --grpc-tls-cert="$PKI/controller.crt" --grpc-tls-key="$PKI/controller.key" \
  --grpc-client-ca="$PKI/ca.crt" >"$WORK/controller.log" 2>&1 </dev/null &
CTRL_PID=$!; PIDS+=("$CTRL_PID")
wait_http "http://127.0.0.1:$CTRL_PORT/readyz" 30 "$CTRL_PID" ||
  { echo "FAIL the controller did not get ready"; tail "$WORK/controller.log"; exit 1; }
t_ctrl=$(now_ms)
if ! wait_http "$ISSUER/readyz" 200 "$TS_PID"; then
  echo "FAIL the token server never got the controller's state"; tail "$WORK/tokenserver.log"; exit 1
fi
lag=$(($(now_ms) - t_ctrl))
issuer=$(curl -s "$ISSUER/.well-known/openid-configuration" | python3 -c 'import json,sys; print(json.load(sys.stdin)["issuer"])')
[[ "$issuer" == "$ISSUER" ]] || { echo "FAIL discovery issuer '$issuer'"; exit 1; }
if ((lag > BOUND * 1000)); then
  echo "FAIL the token server served $((lag / 1000)).$(( (lag % 1000) / 100 )) s after the controller was ready (bound ${BOUND} s; no DNS and no controller for the first ${DELAY} s)"
  grep -v '"state applied"' "$WORK/tokenserver.log" | tail -n 5
  exit 1
fi
echo "PASS start order (no DNS and no controller for ${DELAY} s, then both: the token server served $lag ms after the controller was ready; bound ${BOUND} s)"
