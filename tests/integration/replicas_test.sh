#!/usr/bin/env bash
# Integration test: several token-server replicas behind one issuer share their one-time state
# in Redis (--redis-url). Real programs on free loopback ports: a redis-server (no
# persistence, temporary dir), the controller in local mode with a temporary copy of
# examples/quickstart, and TWO token servers A and B. replicas-flow.mjs drives the
# authorization-code + PKCE flow across them (login on A, exchange on B, replay, refresh
# rotation and reuse, shared login limits), then Redis is stopped (503 temporarily_unavailable,
# /readyz not ready, a clear log line) and started again (works again). Last, the memory
# store: one replica still serves the whole flow, and two memory replicas do NOT share codes
# (the negative control that shows the first part tests the sharing).
# Also prints refresh-token latency with Redis and with memory (a short bounded run).
#
# Usage: replicas_test.sh [--build-dir DIR] [--work-dir DIR] [--bench N]
# Needs: redis-server, curl, jq, python3, node, tests/integration/node_modules (jose).
# Prints one PASS/FAIL line per case and "replicas: N passed, N failed"; exits 1 on any FAIL.
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

BUILD_DIR="$ROOT/build"
WORK=""
BENCH_N=200
while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --work-dir) WORK=$2; shift 2 ;;
    --bench) BENCH_N=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

require_programs_and_tools "$BUILD_DIR" curl jq node python3 base64 redis-server redis-cli
[[ -d "$HERE/node_modules/jose" ]] || {
  echo "FAIL  setup: npm jose missing in tests/integration/node_modules (run scripts/install-deps.sh)"; exit 1; }

if [[ -n "$WORK" ]]; then rm -rf "$WORK"; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/nauthera-replicas.XXXXXX); fi
WORK="$(cd "$WORK" && pwd)"
MANIFESTS="$WORK/manifests"
STATE="$WORK/state"
LOGS="$WORK/logs"
mkdir -p "$STATE" "$LOGS" "$WORK/redis"
cp -r "$ROOT/examples/quickstart" "$MANIFESTS"

CTRL_PORT=$(free_port); REDIS_PORT=$(free_port)
PORT_A=$(free_port); PORT_B=$(free_port)
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
# Replica A's --metrics-listen: /metrics is never on the issuer's port.
PORT_AM=$(free_port); AM="http://127.0.0.1:$PORT_AM"
ISSUER=$A  # the issuer names one URL; B serves the same issuer (a Service in front of both)
CTRL_URL="http://127.0.0.1:$CTRL_PORT"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
KUBECTL_SECRET="$STATE/secrets/nauthera-system/kubectl-credentials.yaml"
echo "replicas_test: work dir $WORK, A=$A B=$B redis=$REDIS_URL"

documented_password() {  # the quickstart documents "alice / <password>" in its comments
  grep -h -E '^#' "$MANIFESTS"/*.yaml | grep -oE "(^|[^[:alnum:]])$1 / [^[:space:],;]*[^[:space:],;.]" | head -n1 \
    | sed -E "s|.*$1 / ||"
}
export ALICE_PASSWORD=${LOGIN_FLOW_ALICE_PASSWORD:-$(documented_password alice)}
export BOB_PASSWORD=${LOGIN_FLOW_BOB_PASSWORD:-$(documented_password bob)}
[[ -n "$ALICE_PASSWORD" && -n "$BOB_PASSWORD" ]] || {
  echo "FAIL  setup: the quickstart does not document the passwords of alice and bob"; exit 1; }

PASSED=0; FAILED=0; FAILURES=()  # pass and fail: scripts/lib/common.sh
# run_node COMMAND ARGS...: runs replicas-flow.mjs, echoes its lines, adds its counts.
run_node() {
  local out rc=0
  out=$(node "$HERE/replicas-flow.mjs" "$@" --client-id "$CLIENT_ID" </dev/null 2>&1) || rc=$?
  echo "$out" | grep -v '^replicas '
  PASSED=$((PASSED + $(grep -c '^PASS' <<<"$out" || true)))
  FAILED=$((FAILED + $(grep -c '^FAIL' <<<"$out" || true)))
  if ((rc != 0)) && ! grep -q '^FAIL' <<<"$out"; then fail "replicas-flow.mjs $1 exited $rc"; fi
}

REDIS_PID=""; CONTROLLER_PID=""; A_PID=""; B_PID=""
cleanup() {
  local pid
  for pid in "$A_PID" "$B_PID" "${M_PID:-}" "$CONTROLLER_PID" "$REDIS_PID"; do
    [[ -n "$pid" ]] && stop_pid "$pid"
  done
  echo "replicas_test: logs kept in $WORK"
}
trap cleanup EXIT

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK/redis" --daemonize no >>"$LOGS/redis.log" 2>&1 </dev/null &
  REDIS_PID=$!
  wait_for 10 redis_answers || { echo "FAIL  setup: redis-server did not start"; tail "$LOGS/redis.log"; exit 1; }
}
redis_answers() { [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

# start_tokenserver NAME URL [EXTRA FLAGS...]: sets ${NAME}_PID.
start_tokenserver() {
  local name=$1 url=$2 pid; shift 2
  [[ "$name" == A ]] && set -- "$@" --metrics-listen="$AM"
  "$TOKENSERVER" --controller="unix:$STATE/state.sock" --listen="$url" --threads=2 \
    --node-id="replica-$name" "$@" >>"$LOGS/tokenserver-$name.log" 2>&1 </dev/null &
  pid=$!
  printf -v "${name}_PID" '%s' "$pid"
  if ! wait_http "$url/readyz" 20 "$pid"; then
    echo "FAIL  setup: token server $name not ready:"; tail -n 30 "$LOGS/tokenserver-$name.log"; exit 1
  fi
}

start_redis
"$CONTROLLER" --manifests="$MANIFESTS" --state-dir="$STATE" --issuer-url="$ISSUER" \
  --http-listen="$CTRL_URL" \
  >>"$LOGS/controller.log" 2>&1 </dev/null &
CONTROLLER_PID=$!
wait_http "$CTRL_URL/readyz" 20 "$CONTROLLER_PID" || {
  echo "FAIL  setup: controller not ready"; tail -n 30 "$LOGS/controller.log"; exit 1; }
start_tokenserver A "$A" --redis-url="$REDIS_URL"
start_tokenserver B "$B" --redis-url="$REDIS_URL"

client_ready() {
  [[ -s "$KUBECTL_SECRET" ]] || return 1
  for base in "$A" "$B"; do
    curl -s --max-time 1 "$base/.well-known/openid-configuration" | jq -e '.authorization_endpoint' >/dev/null || return 1
  done
}
wait_for 15 client_ready || { echo "FAIL  setup: the kubectl client is not served within 15 s"; exit 1; }
CLIENT_ID=$(manifest_secret_field "$KUBECTL_SECRET" client_id)

# 1. Shared state across replicas.
run_node shared --a "$A" --b "$B" --label "redis, A+B" --session-file "$WORK/alice-session"
keys=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'nauthera:*' | wc -l)
no_ttl=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'nauthera:*' \
  | while read -r k; do redis-cli -p "$REDIS_PORT" ttl "$k"; done | grep -c -- '^-1$' || true)
if ((keys > 0 && no_ttl == 0)); then
  pass "redis: $keys keys under nauthera:, every one with a TTL"
else
  fail "redis: $keys keys under nauthera:, $no_ttl without a TTL"
fi
# (Captured first: `grep -q` closing the pipe early would fail the pipeline under pipefail.)
all_keys=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'nauthera:*')
if grep -qi -e alice -e bob <<<"$all_keys"; then
  fail "redis: a key names a user in plaintext"
else
  pass "redis: no key names a user (usernames and tokens are hashed)"
fi

# 2. Redis stopped: 503 temporarily_unavailable, /readyz not ready, a log line, no crash.
stop_pid "$REDIS_PID"; REDIS_PID=""
for name in A B; do
  base=$A; [[ $name == B ]] && base=$B
  if wait_http "$base/readyz" 10 "" 503 2>/dev/null; then
    pass "redis down: $name /readyz answers 503 ($(curl -s "$base/readyz" | head -c 120 | tr -d '\n'))"
  else
    fail "redis down: $name /readyz does not answer 503"
  fi
done
run_node outage --a "$A" --b "$B" --label "redis down" --session-file "$WORK/alice-session"
if grep -q '"redis unavailable' "$LOGS/tokenserver-A.log" && grep -q '"redis unavailable' "$LOGS/tokenserver-B.log"; then
  pass "redis down: both replicas log \"redis unavailable\""
else
  fail "redis down: no \"redis unavailable\" log line"
fi
metrics=$(curl -s "$AM/metrics")
code=$(curl -s -o /dev/null -w '%{http_code}' "$A/metrics")
if [[ "$code" == 404 ]]; then
  pass "/metrics is served on --metrics-listen only (issuer port: 404)"
else
  fail "/metrics on the issuer port answered $code (want 404)"
fi
if grep -qE '^nauthera_store_errors_total\{operation="[a-z_]+"\} [1-9]' <<<"$metrics"; then
  pass "redis down: nauthera_store_errors_total counts the failures"
else
  fail "redis down: nauthera_store_errors_total missing"
fi
for pid in "$A_PID" "$B_PID"; do pid_alive "$pid" || fail "redis down: token server $pid exited"; done

# 3. Redis back (empty: no persistence): ready again and serving, without a restart.
start_redis
ready_again=1
for base in "$A" "$B"; do wait_http "$base/readyz" 10 || ready_again=0; done
if ((ready_again)); then pass "redis back: both replicas ready again"; else fail "redis back: not ready within 10 s"; fi
run_node flow --a "$A" --b "$B" --label "redis back"

# 4. Latency: N sequential refreshes (lookup + rotation + signature) on replica A (Redis) and
# N on a third replica M without Redis, interleaved request by request.
PORT_M=$(free_port); M="http://127.0.0.1:$PORT_M"; M_PID=""
start_tokenserver M "$M"
bench=$(node "$HERE/replicas-flow.mjs" bench --a "$A" --b "$M" --client-id "$CLIENT_ID" --bench "$BENCH_N" 2>&1 | tail -n1)
stop_pid "$M_PID"; M_PID=""
store_ops=$(curl -s "$AM/metrics" | awk '/^nauthera_store_request_duration_seconds_(sum|count)\{operation="(lookup_refresh|rotate_refresh)"\}/ {print}')

# 5. Memory (no --redis-url): the same cross-request cases on ONE replica pass; two memory
# replicas do not share codes (the negative control for part 1).
stop_pid "$A_PID"; A_PID=""; stop_pid "$B_PID"; B_PID=""
start_tokenserver A "$A"
start_tokenserver B "$B"
run_node shared --a "$A" --b "$A" --label "memory, one replica"
run_node separate --a "$A" --b "$B" --label "memory, A+B"
if jq -e '.a.n and .b.n' >/dev/null 2>&1 <<<"$bench"; then
  pass "latency: $BENCH_N refreshes each on a Redis and a memory replica, interleaved"
  echo "replicas_test: refresh latency (ms), redis: $(jq -c .a <<<"$bench")"
  echo "replicas_test: refresh latency (ms), memory: $(jq -c .b <<<"$bench")"
  echo "replicas_test: store-side (redis) lookup/rotate sums and counts:"; sed 's/^/  /' <<<"$store_ops"
else
  fail "latency run failed: $bench"
fi

echo "replicas: $PASSED passed, $FAILED failed"
((FAILED == 0))
