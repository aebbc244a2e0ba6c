#!/usr/bin/env bash
# First benchmark of the token endpoint, side by side in one run (a script, not a test):
#   - `openssl speed rsa2048` sign/s with -multi 2 and -multi 1 (the ceiling: one RS256
#     signature per token);
#   - Nauthera's token server (local mode, started here, --threads=2): POST /oauth2/token
#     client_credentials with wrk -t1 -c32, then at about half that rate (paced, see below),
#     then discovery and JWKS GETs;
#   - the npm oidc-provider peer (../shared/bench/peer-oidc-provider) with WORKERS=0 and
#     WORKERS=2, the same wrk runs.
# Runs are interleaved round by round, because the machine is noisy. For every server run it
# reports the server's own CPU (cores used, from /proc/PID/stat) and memory (VmRSS idle
# before load, VmHWM after, from /proc/PID/status; summed over a process tree).
#
# Half load: wrk is closed-loop and has no rate option (wrk2 is not packaged). The half-load
# run keeps 32 connections, each waiting a random think time (wrk's Lua delay(), whole ms,
# exponential so that arrivals are about Poisson) after every response, so the rate is about
# half the full-load rate measured just before in the same round. The mean delay is
# calibrated with two 3 s runs (delay = cycle - latency); the table shows the target, the
# mean delay and the rate actually achieved.
#
# Usage: bench/run.sh [--rounds N] [--duration SECONDS] [--quick] [--out FILE]
#   --quick   1 round, 5 s runs, openssl -seconds 2 (a smoke run, not for docs)
# Only loopback is used. Prints a markdown table; also writes it to build/bench/results-*.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

ROUNDS=2; DURATION=15; GET_DURATION=10; SSL_SECONDS=5; OUT=""
while (($#)); do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; GET_DURATION=$2; shift 2 ;;
    --quick) ROUNDS=1; DURATION=5; GET_DURATION=5; SSL_SECONDS=2; shift ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
CACHE="$BUILD_DIR/bench"                       # peer's node_modules, kept between runs
PEER_SRC="${PEER_SRC:-$ROOT/../shared/bench/peer-oidc-provider}"
WORK=$(mktemp -d /tmp/nauthera-bench.XXXXXX)
RESULTS="$WORK/results.tsv"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD_START%% *}" 'BEGIN {exit !(l > 1.0)}'; then
  echo "bench: warning: load average $LOAD_START — something else is running; figures will be low and noisy" >&2
fi
CLK_TCK=$(getconf CLK_TCK)
mkdir -p "$CACHE"
: >"$RESULTS"

log() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------------------------------
# 1. Prerequisites: packages, our binaries, the peer's npm install (once, cached).
"$ROOT/scripts/install-deps.sh" --no-npm >&2
"$ROOT/scripts/build.sh" nauthera-controller nauthera-tokenserver >&2
[[ -d "$PEER_SRC" ]] || { echo "bench: peer set-up not found at $PEER_SRC (set PEER_SRC)" >&2; exit 1; }
PEER="$CACHE/peer-oidc-provider"
if [[ ! -d "$PEER/node_modules/oidc-provider" ]] || ! cmp -s "$PEER_SRC/package.json" "$PEER/package.json"; then
  log "installing the peer (npm install in $PEER)"
  rm -rf "$PEER"; mkdir -p "$PEER"
  cp "$PEER_SRC"/* "$PEER/"
  (cd "$PEER" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
cp "$PEER_SRC"/*.mjs "$PEER_SRC"/*.lua "$PEER/"
[[ -f "$PEER/rsa2048.jwk.json" ]] || (cd "$PEER" && node gen-key.mjs rsa2048.jwk.json >&2)

# ---------------------------------------------------------------------------------------
# 2. Process helpers

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$p"; done
  log "logs in $WORK"
}
trap cleanup EXIT

# proc_tree PID: PID and all its descendants.
proc_tree() {
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do proc_tree "$c"; done
}
# cpu_ticks PID: utime+stime of the tree (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() {
  local sum=0 p t
  for p in $(proc_tree "$1"); do
    t=$(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null | awk '{print $12 + $13}') || t=0
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
# mem_kb PID FIELD: FIELD (VmRSS, VmHWM) summed over the tree, in kB.
mem_kb() {
  local sum=0 p v
  for p in $(proc_tree "$1"); do
    v=$(awk -v f="$2:" '$1==f {print $2}' /proc/"$p"/status 2>/dev/null) || v=0
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# ---------------------------------------------------------------------------------------
# 3. Start the servers (all stay up; idle ones use no CPU).

# Nauthera, local mode on a copy of examples/quickstart.
cp -r "$ROOT/examples/quickstart" "$WORK/manifests"
GRPC_PORT=$(free_port); CTRL_PORT=$(free_port); NA_PORT=$(free_port)
NA_ISSUER="http://127.0.0.1:$NA_PORT"
"$BUILD_DIR/controller/nauthera-controller" --manifests="$WORK/manifests" --state-dir="$WORK/state" \
  --issuer-url="$NA_ISSUER" --grpc-listen="127.0.0.1:$GRPC_PORT" \
  --http-listen="http://127.0.0.1:$CTRL_PORT" >"$WORK/controller.log" 2>&1 </dev/null &
CTRL_PID=$!; PIDS+=("$CTRL_PID")
wait_http "http://127.0.0.1:$CTRL_PORT/readyz" 30 "$CTRL_PID"
"$BUILD_DIR/tokenserver/nauthera-tokenserver" --controller="127.0.0.1:$GRPC_PORT" \
  --listen="$NA_ISSUER" --threads=2 >"$WORK/tokenserver.log" 2>&1 </dev/null &
NA_PID=$!; PIDS+=("$NA_PID")
wait_http "$NA_ISSUER/readyz" 30 "$NA_PID"
SECRET_FILE="$WORK/state/secrets/ci-cd/ci-deployer-credentials.yaml"
wait_for 10 test -s "$SECRET_FILE"
CID=$(secret_field "$SECRET_FILE" client_id)
CSECRET=$(secret_field "$SECRET_FILE" client_secret)
NA_BODY="grant_type=client_credentials&client_id=$(jq -rn --arg v "$CID" '$v|@uri')&client_secret=$(jq -rn --arg v "$CSECRET" '$v|@uri')&scope=openid%20email%20groups"

# The peer, single process and two workers.
start_peer() { # start_peer WORKERS PORT -> pid
  (cd "$PEER" && NODE_ENV=production PORT=$2 WORKERS=$1 exec node server.mjs) \
    >"$WORK/peer-w$1.log" 2>&1 </dev/null &
  echo $!
}
P0_PORT=$(free_port); P2_PORT=$(free_port)
P0_PID=$(start_peer 0 "$P0_PORT"); PIDS+=("$P0_PID")
P2_PID=$(start_peer 2 "$P2_PORT"); PIDS+=("$P2_PID")
P0_URL="http://127.0.0.1:$P0_PORT"; P2_URL="http://127.0.0.1:$P2_PORT"
wait_http "$P0_URL/.well-known/openid-configuration" 30 "$P0_PID"
wait_http "$P2_URL/.well-known/openid-configuration" 30 "$P2_PID"
PEER_BODY="grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret-0123456789abcdef0123456789abcdef"

# Sanity: every server issues a token before it is measured.
for pair in "$NA_ISSUER/oauth2/token|$NA_BODY" "$P0_URL/token|$PEER_BODY" "$P2_URL/token|$PEER_BODY"; do
  url=${pair%%|*}; body=${pair#*|}
  # A second server start may still be forking workers: poll briefly.
  wait_for 10 bash -c "curl -s -X POST '$url' -d '$body' | jq -e .access_token >/dev/null" \
    || { echo "bench: $url issues no token:" >&2; curl -s -X POST "$url" -d "$body" >&2; exit 1; }
done

# Idle memory, after one token each (state loaded, keys parsed).
declare -A IDLE_RSS
IDLE_RSS[nauthera]=$(mem_kb "$NA_PID" VmRSS)
IDLE_RSS[peer-w0]=$(mem_kb "$P0_PID" VmRSS)
IDLE_RSS[peer-w2]=$(mem_kb "$P2_PID" VmRSS)
log "idle VmRSS kB: nauthera ${IDLE_RSS[nauthera]} (controller $(mem_kb "$CTRL_PID" VmRSS)), peer-w0 ${IDLE_RSS[peer-w0]}, peer-w2 ${IDLE_RSS[peer-w2]}"

# ---------------------------------------------------------------------------------------
# 4. Measurements

# lua FILE METHOD BODY DELAY_MS: a wrk script.
lua() {
  {
    echo "wrk.method = \"$2\""
    if [[ "$2" == POST ]]; then
      echo 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"'
      echo "wrk.body = \"$3\""
    fi
    # A random think time, exponential with mean $4 ms: connections do not fall into
    # lockstep, so arrivals are about Poisson (a fixed delay makes 32 arrive at once).
    if (( ${4:-0} > 0 )); then
      echo "math.randomseed(os.time())"
      echo "local mean = $4"
      echo "function delay() return math.floor(-math.log(1 - math.random()) * mean + 0.5) end"
    fi
  } >"$1"
}

# to_ms VALUE_WITH_UNIT (wrk prints 812.00us, 1.23ms, 1.01s)
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else print "?" }'
}

# wrk_run ROUND TARGET PID LABEL CONNS DURATION URL LUA
# Appends: round target label conns req/s p50 p99 errors cpu_cores hwm_kb
wrk_run() {
  local round=$1 target=$2 pid=$3 label=$4 conns=$5 dur=$6 url=$7 script=$8
  local out="$WORK/wrk-r$round-$target-${label//[^A-Za-z0-9]/_}.txt" t0 t1 c0 c1 rps p50 p99 errs cores
  log "round $round: $target $label (-c$conns, ${dur}s)"
  c0=$(cpu_ticks "$pid"); t0=$(now_ms)
  wrk -t1 -c"$conns" -d"${dur}s" --latency -s "$script" "$url" >"$out" 2>&1
  t1=$(now_ms); c1=$(cpu_ticks "$pid")
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' "$out")")
  errs=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
  cores=$(awk -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v ms=$((t1 - t0)) 'BEGIN {printf "%.2f", c / hz / (ms / 1000)}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$target" "$label" "$conns" \
    "${rps:-0}" "$p50" "$p99" "$errs" "$cores" "$(mem_kb "$pid" VmHWM)" >>"$RESULTS"
  echo "${rps:-0}"
}

# ssl_run ROUND MULTI: openssl speed rsa2048 sign/s.
ssl_run() {
  local out="$WORK/openssl-r$1-m$2.txt" sign
  log "round $1: openssl speed -seconds $SSL_SECONDS -multi $2 rsa2048"
  openssl speed -seconds "$SSL_SECONDS" -multi "$2" rsa2048 >"$out" 2>&1
  sign=$(awk '/^rsa 2048 bits/ {printf "%.0f", $(NF-1)}' "$out")
  printf '%s\topenssl\trsa2048 sign/s -multi %s\t-\t%s\t-\t-\t-\t%s\t-\n' "$1" "$2" "${sign:-0}" "$2" >>"$RESULTS"
}

lua "$WORK/na-token.lua" POST "$NA_BODY" 0
lua "$WORK/peer-token.lua" POST "$PEER_BODY" 0
lua "$WORK/get.lua" GET "" 0
HALF_CONNS=32

# half_delay TARGET_RPS URL BODY: the per-connection delay (ms) that paces HALF_CONNS
# connections to TARGET_RPS, calibrated with two short runs: each connection's cycle is
# delay + latency, so delay = HALF_CONNS / target - latency.
half_delay() {
  local target=$1 url=$2 body=$3 d i out rps
  d=$(awk -v t="$target" -v c=$HALF_CONNS 'BEGIN {d = c * 1000 / t - 1; printf "%d", (d < 0) ? 0 : d}')
  for i in 1 2; do
    lua "$WORK/calibrate.lua" POST "$body" "$d"
    out=$(wrk -t1 -c"$HALF_CONNS" -d3s -s "$WORK/calibrate.lua" "$url" 2>&1)
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    d=$(awk -v t="$target" -v c=$HALF_CONNS -v a="${rps:-0}" -v d="$d" 'BEGIN {
      if (a <= 0) { print d; exit }
      lat = c * 1000 / a - d; n = c * 1000 / t - lat
      printf "%d", (n < 0) ? 0 : n + 0.5 }')
  done
  echo "$d"
}

for ((r = 1; r <= ROUNDS; r++)); do
  ssl_run "$r" 2
  na_max=$(wrk_run "$r" nauthera "$NA_PID" token 32 "$DURATION" "$NA_ISSUER/oauth2/token" "$WORK/na-token.lua")
  p0_max=$(wrk_run "$r" peer-w0 "$P0_PID" token 32 "$DURATION" "$P0_URL/token" "$WORK/peer-token.lua")
  wrk_run "$r" peer-w2 "$P2_PID" token 32 "$DURATION" "$P2_URL/token" "$WORK/peer-token.lua" >/dev/null
  ssl_run "$r" 1
  # Half load: about half of the rate each server reached above, paced (see the top).
  na_target=$(( ${na_max:-0} / 2 )); p0_target=$(( ${p0_max:-0} / 2 ))
  log "round $r: calibrating half load (nauthera $na_target/s, peer-w0 $p0_target/s)"
  na_delay=$(half_delay "$na_target" "$NA_ISSUER/oauth2/token" "$NA_BODY")
  p0_delay=$(half_delay "$p0_target" "$P0_URL/token" "$PEER_BODY")
  lua "$WORK/na-half.lua" POST "$NA_BODY" "$na_delay"
  lua "$WORK/peer-half.lua" POST "$PEER_BODY" "$p0_delay"
  wrk_run "$r" nauthera "$NA_PID" "token, half load (target $na_target/s, mean delay ${na_delay} ms)" $HALF_CONNS "$DURATION" "$NA_ISSUER/oauth2/token" "$WORK/na-half.lua" >/dev/null
  wrk_run "$r" peer-w0 "$P0_PID" "token, half load (target $p0_target/s, mean delay ${p0_delay} ms)" $HALF_CONNS "$DURATION" "$P0_URL/token" "$WORK/peer-half.lua" >/dev/null
  wrk_run "$r" nauthera "$NA_PID" discovery 32 "$GET_DURATION" "$NA_ISSUER/.well-known/openid-configuration" "$WORK/get.lua" >/dev/null
  wrk_run "$r" peer-w0 "$P0_PID" discovery 32 "$GET_DURATION" "$P0_URL/.well-known/openid-configuration" "$WORK/get.lua" >/dev/null
  wrk_run "$r" nauthera "$NA_PID" jwks 32 "$GET_DURATION" "$NA_ISSUER/oauth2/jwks" "$WORK/get.lua" >/dev/null
  wrk_run "$r" peer-w0 "$P0_PID" jwks 32 "$GET_DURATION" "$P0_URL/jwks" "$WORK/get.lua" >/dev/null
done

# ---------------------------------------------------------------------------------------
# 5. Report

MACHINE="$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r); load average (1/5/15 min) $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
REPORT="$WORK/report.md"
python3 - "$RESULTS" "$MACHINE" "${IDLE_RSS[nauthera]}" "${IDLE_RSS[peer-w0]}" "${IDLE_RSS[peer-w2]}" \
  "$(mem_kb "$CTRL_PID" VmHWM)" "$DURATION" "$GET_DURATION" "$SSL_SECONDS" "$ROUNDS" >"$REPORT" <<'PY'
import sys, statistics as st
path, machine, idle_na, idle_p0, idle_p2, ctrl_hwm, dur, gdur, sslsec, rounds = sys.argv[1:]
rows = [l.rstrip('\n').split('\t') for l in open(path) if l.strip()]
mb = lambda kb: f"{int(kb) / 1024:.1f}" if kb not in ('-', '') else '-'
print(f"Machine: {machine}. {rounds} interleaved round(s); wrk -t1, token runs {dur} s, GET runs {gdur} s, "
      f"openssl -seconds {sslsec}. wrk runs on the same 2 cores as the server.\n")
print("| round | target | run | conns | req/s (sign/s) | p50 ms | p99 ms | errors | server CPU (cores) | server VmHWM MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    rnd, tgt, label, conns, rps, p50, p99, errs, cores, hwm = r
    if tgt == 'openssl':
        print(f"| {rnd} | openssl | {label} | - | {rps} | - | - | - | {cores} (processes) | - |")
    else:
        print(f"| {rnd} | {tgt} | {label} | {conns} | {rps} | {p50} | {p99} | {errs} | {cores} | {mb(hwm)} |")
def med(tgt, pred):
    v = [float(r[4]) for r in rows if r[1] == tgt and pred(r[2])]
    return st.median(v) if v else 0.0
def medcol(tgt, pred, col):
    v = [float(r[col]) for r in rows if r[1] == tgt and pred(r[2]) and r[col] not in ('?', '-', '')]
    return st.median(v) if v else float('nan')
ssl2 = med('openssl', lambda l: l.endswith('-multi 2'))
ssl1 = med('openssl', lambda l: l.endswith('-multi 1'))
na = med('nauthera', lambda l: l == 'token')
p0 = med('peer-w0', lambda l: l == 'token')
p2 = med('peer-w2', lambda l: l == 'token')
half = lambda l: l.startswith('token, half')
print("\nSummary (medians over rounds):\n")
print("| measure | value | aim |")
print("|---|---|---|")
print(f"| openssl rsa2048 sign/s, -multi 2 / -multi 1 | {ssl2:.0f} / {ssl1:.0f} | |")
print(f"| Nauthera token req/s (-c32) | {na:.0f} | |")
print(f"| Nauthera token / openssl -multi 2 sign/s | {na / ssl2 if ssl2 else 0:.2f}x | >= 0.8x |")
print(f"| Nauthera / oidc-provider 1 process, 2 workers | {na / p0 if p0 else 0:.2f}x, {na / p2 if p2 else 0:.2f}x | about 2x |")
print(f"| Nauthera token at half load: req/s, p99 | {med('nauthera', half):.0f}, {medcol('nauthera', half, 6):.2f} ms | p99 < 5 ms |")
print(f"| oidc-provider (1 process) at half load: req/s, p99 | {med('peer-w0', half):.0f}, {medcol('peer-w0', half, 6):.2f} ms | |")
print(f"| Nauthera token p99 at full load (-c32) | {medcol('nauthera', lambda l: l == 'token', 6):.2f} ms | |")
print(f"| oidc-provider token p99 at full load, 1 process / 2 workers | {medcol('peer-w0', lambda l: l == 'token', 6):.2f} / {medcol('peer-w2', lambda l: l == 'token', 6):.2f} ms | |")
print(f"| discovery req/s: Nauthera / oidc-provider | {med('nauthera', lambda l: l == 'discovery'):.0f} / {med('peer-w0', lambda l: l == 'discovery'):.0f} | |")
print(f"| JWKS req/s: Nauthera / oidc-provider | {med('nauthera', lambda l: l == 'jwks'):.0f} / {med('peer-w0', lambda l: l == 'jwks'):.0f} | |")
print(f"| token server VmRSS idle | {mb(idle_na)} MB | < 25 MB |")
print(f"| token server VmHWM after all runs | {mb(max([int(r[9]) for r in rows if r[1] == 'nauthera'] or [0]))} MB | |")
print(f"| controller VmHWM (idle during the runs) | {mb(ctrl_hwm)} MB | |")
print(f"| oidc-provider VmRSS idle, 1 process / 2 workers (tree) | {mb(idle_p0)} / {mb(idle_p2)} MB | |")
PY
cat "$REPORT"
mkdir -p "$BUILD_DIR/bench"
dest="${OUT:-$BUILD_DIR/bench/results-$(date +%Y%m%d-%H%M%S).md}"
cp "$REPORT" "$dest"
log "report written to $dest"
