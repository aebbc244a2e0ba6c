#!/usr/bin/env bash
# Benchmark of the token server, side by side in one run (a script, not a test):
#   - `openssl speed rsa2048` and `openssl speed ecdsap256` sign/s with -multi 2 and -multi 1
#     (the ceilings: one RS256 or ES256 signature per token);
#   - a second Nauthera from BUILD_DIR started with --signing-algorithm=ES256 (target
#     nauthera-es256): the same client_credentials run, beside the RS256 one in every round;
#   - Nauthera's token server (local mode, started here, --threads=2): POST /oauth2/token
#     client_credentials with wrk -t1 -c32, then at about half that rate (paced, see below),
#     then discovery and JWKS GETs;
#   - with --before BUILD_DIR, the same for a second Nauthera (controller + token server)
#     built from another commit, e.g. the one before a change, interleaved with this one;
#   - nginx (2 workers, keep-alive, no access log, open_file_cache) serving the discovery and JWKS bytes our
#     token server answered, the same GET runs: the HTTP ceiling of this machine;
#   - the npm oidc-provider peer (bench/peer-oidc-provider) with WORKERS=0 and
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
# Usage: bench/run.sh [--rounds N] [--duration SECONDS] [--get-duration SECONDS]
#                     [--before BUILD_DIR] [--no-build] [--quick] [--out FILE]
#   --duration      token runs (and, unless --get-duration follows, GET runs) in seconds
#   --before DIR    a build dir holding controller/nauthera-controller and
#                   tokenserver/nauthera-tokenserver of another commit (target
#                   nauthera-before; built beforehand, e.g. in a git worktree)
#   --no-build      use the binaries in BUILD_DIR as they are (built beforehand)
#   --quick         1 round, 5 s runs, openssl -seconds 2 (a smoke run, not for docs)
# Only loopback is used. Prints a markdown table; also writes it to build/bench/results-*.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"

ROUNDS=2; DURATION=15; GET_DURATION=10; SSL_SECONDS=5; OUT=""; BEFORE_DIR=""; BUILD=1
while (($#)); do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; GET_DURATION=$2; shift 2 ;;
    --get-duration) GET_DURATION=$2; shift 2 ;;
    --before) BEFORE_DIR=$(cd "$2" && pwd); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --quick) ROUNDS=1; DURATION=5; GET_DURATION=5; SSL_SECONDS=2; shift ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
CACHE="$BUILD_DIR/bench"                       # peer's node_modules, kept between runs
PEER_SRC="${PEER_SRC:-$ROOT/bench/peer-oidc-provider}"
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
# nginx only for this benchmark's ceiling row, so it is installed here, not by install-deps.
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  [[ $(id -u) -eq 0 ]] || { echo "bench: nginx missing; apt-get install nginx (as root)" >&2; exit 1; }
  log "installing nginx"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ((BUILD)); then
  "$ROOT/scripts/build.sh" nauthera-controller nauthera-tokenserver >&2
fi
for dir in "$BUILD_DIR" ${BEFORE_DIR:+"$BEFORE_DIR"}; do
  for bin in controller/nauthera-controller tokenserver/nauthera-tokenserver; do
    [[ -x "$dir/$bin" ]] || { echo "bench: $dir/$bin not built" >&2; exit 1; }
  done
done
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

# Nauthera, local mode on a copy of examples/quickstart: controller + token server from
# BUILD_DIR (target nauthera) and, with --before, from BEFORE_DIR (target nauthera-before),
# each pair with its own manifests, state and client secret.
declare -A NA_PID NA_URL NA_BODY CTRL_PID
start_nauthera() { # start_nauthera TARGET BUILD_DIR [CONTROLLER_ARG...]
  local t=$1 dir=$2 w="$WORK/$1" grpc ctrl port secret cid csecret extra=("${@:3}")
  mkdir -p "$w"
  cp -r "$ROOT/examples/quickstart" "$w/manifests"
  ctrl=$(free_port); port=$(free_port)
  NA_URL[$t]="http://127.0.0.1:$port"
  # The state stream is the controller's Unix socket in its state folder; a --before build
  # older than that (its --help names no state.sock) still takes a loopback TCP port.
  local grpc_listen=() controller="unix:$w/state/state.sock"
  if ! "$dir/controller/nauthera-controller" --help 2>&1 | grep -q state.sock; then
    grpc=$(free_port); grpc_listen=(--grpc-listen="127.0.0.1:$grpc"); controller="127.0.0.1:$grpc"
  fi
  "$dir/controller/nauthera-controller" --manifests="$w/manifests" --state-dir="$w/state" \
    --issuer-url="${NA_URL[$t]}" "${grpc_listen[@]}" "${extra[@]}" \
    --http-listen="http://127.0.0.1:$ctrl" >"$w/controller.log" 2>&1 </dev/null &
  CTRL_PID[$t]=$!; PIDS+=("${CTRL_PID[$t]}")
  wait_http "http://127.0.0.1:$ctrl/readyz" 30 "${CTRL_PID[$t]}"
  "$dir/tokenserver/nauthera-tokenserver" --controller="$controller" \
    --listen="${NA_URL[$t]}" --threads=2 >"$w/tokenserver.log" 2>&1 </dev/null &
  NA_PID[$t]=$!; PIDS+=("${NA_PID[$t]}")
  wait_http "${NA_URL[$t]}/readyz" 30 "${NA_PID[$t]}"
  secret="$w/state/secrets/ci-cd/ci-deployer-credentials.yaml"
  wait_for 10 test -s "$secret"
  cid=$(manifest_secret_field "$secret" client_id)
  csecret=$(manifest_secret_field "$secret" client_secret)
  NA_BODY[$t]="grant_type=client_credentials&client_id=$(jq -rn --arg v "$cid" '$v|@uri')&client_secret=$(jq -rn --arg v "$csecret" '$v|@uri')&scope=openid%20email%20groups"
}
NA_TARGETS=(nauthera)
start_nauthera nauthera "$BUILD_DIR"
start_nauthera nauthera-es256 "$BUILD_DIR" --signing-algorithm=ES256
if [[ -n "$BEFORE_DIR" ]]; then
  NA_TARGETS+=(nauthera-before)
  start_nauthera nauthera-before "$BEFORE_DIR"
fi
# Which code each target runs (the git commit of its CMake source dir; "+" = local changes).
describe_build() {
  local src
  src=$(awk -F= '/^CMAKE_HOME_DIRECTORY:/ {print $2}' "$1/CMakeCache.txt" 2>/dev/null)
  [[ -n "$src" ]] || { echo "?"; return; }
  echo "$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$src" diff --quiet HEAD -- 2>/dev/null || echo '+')"
}
BUILDS="nauthera = $(describe_build "$BUILD_DIR")"
[[ -n "$BEFORE_DIR" ]] && BUILDS+=", nauthera-before = $(describe_build "$BEFORE_DIR")"

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
pairs=("$P0_URL/token|$PEER_BODY" "$P2_URL/token|$PEER_BODY")
for t in "${NA_TARGETS[@]}"; do pairs+=("${NA_URL[$t]}/oauth2/token|${NA_BODY[$t]}"); done
for pair in "${pairs[@]}"; do
  url=${pair%%|*}; body=${pair#*|}
  # A second server start may still be forking workers: poll briefly.
  wait_for 10 bash -c "curl -s -X POST '$url' -d '$body' | jq -e .access_token >/dev/null" \
    || { echo "bench: $url issues no token:" >&2; curl -s -X POST "$url" -d "$body" >&2; exit 1; }
done

# nginx: the discovery and JWKS bytes our token server serves, as static files on the same
# paths (2 workers, keep-alive without a request cap, no access log, file cache): the HTTP
# ceiling.
NG_PORT=$(free_port); NG_URL="http://127.0.0.1:$NG_PORT"; NG="$WORK/nginx"
mkdir -p "$NG/www/.well-known" "$NG/www/oauth2" "$NG/tmp"
curl -sf "${NA_URL[nauthera]}/.well-known/openid-configuration" >"$NG/www/.well-known/openid-configuration"
curl -sf "${NA_URL[nauthera]}/oauth2/jwks" >"$NG/www/oauth2/jwks"
chmod -R a+rX "$NG"; chmod a+x "$WORK"   # workers may run as another user (below)
cat >"$NG/nginx.conf" <<NGINX
$( [[ $(id -u) -eq 0 ]] && echo "user $(id -un) $(id -gn);" )
worker_processes 2;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  # Tuned for small static files, so that it is a ceiling: without tcp_nopush the head and
  # the file go out as two segments, without open_file_cache every request opens the file
  # (together about 1.5x fewer req/s on this machine).
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  types { }
  default_type application/json;
  client_body_temp_path $NG/tmp/body;
  proxy_temp_path $NG/tmp/proxy;
  fastcgi_temp_path $NG/tmp/fastcgi;
  uwsgi_temp_path $NG/tmp/uwsgi;
  scgi_temp_path $NG/tmp/scgi;
  server {
    listen 127.0.0.1:$NG_PORT;
    root $NG/www;
  }
}
NGINX
"$NGINX" -p "$NG" -c "$NG/nginx.conf" >"$NG/stdout.log" 2>&1 </dev/null &
NG_PID=$!; PIDS+=("$NG_PID")
wait_http "$NG_URL/.well-known/openid-configuration" 10 "$NG_PID"
cmp -s <(curl -s "$NG_URL/oauth2/jwks") "$NG/www/oauth2/jwks" \
  || { echo "bench: nginx does not serve the JWKS file" >&2; exit 1; }

# Idle memory, after one token each (state loaded, keys parsed).
declare -A IDLE_RSS
for t in "${NA_TARGETS[@]}" nauthera-es256; do
  IDLE_RSS[$t]=$(mem_kb "${NA_PID[$t]}" VmRSS)
  log "idle VmRSS kB: $t ${IDLE_RSS[$t]} (controller $(mem_kb "${CTRL_PID[$t]}" VmRSS))"
done
IDLE_RSS[peer-w0]=$(mem_kb "$P0_PID" VmRSS)
IDLE_RSS[peer-w2]=$(mem_kb "$P2_PID" VmRSS)
IDLE_RSS[nginx]=$(mem_kb "$NG_PID" VmRSS)
log "idle VmRSS kB: peer-w0 ${IDLE_RSS[peer-w0]}, peer-w2 ${IDLE_RSS[peer-w2]}, nginx ${IDLE_RSS[nginx]}"

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
  # ES256's ceiling: ECDSA P-256 ("256 bits ecdsa (nistp256) ... sign verify sign/s verify/s").
  out="$WORK/openssl-ec-r$1-m$2.txt"
  log "round $1: openssl speed -seconds $SSL_SECONDS -multi $2 ecdsap256"
  openssl speed -seconds "$SSL_SECONDS" -multi "$2" ecdsap256 >"$out" 2>&1
  sign=$(awk '/ecdsa \(nistp256\)/ {printf "%.0f", $(NF-1)}' "$out")
  printf '%s\topenssl\tecdsap256 sign/s -multi %s\t-\t%s\t-\t-\t-\t%s\t-\n' "$1" "$2" "${sign:-0}" "$2" >>"$RESULTS"
}

for t in "${NA_TARGETS[@]}" nauthera-es256; do lua "$WORK/$t-token.lua" POST "${NA_BODY[$t]}" 0; done
lua "$WORK/peer-token.lua" POST "$PEER_BODY" 0
lua "$WORK/get.lua" GET "" 0
HALF_CONNS=32

# half_delay TARGET_RPS URL BODY: the per-connection delay (ms) that paces HALF_CONNS
# connections to TARGET_RPS, calibrated with two short runs: each connection's cycle is
# delay + latency, so delay = HALF_CONNS / target - latency.
half_delay() {
  local target=$1 url=$2 body=$3 d out rps
  d=$(awk -v t="$target" -v c=$HALF_CONNS 'BEGIN {d = c * 1000 / t - 1; printf "%d", (d < 0) ? 0 : d}')
  for _ in 1 2; do
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

declare -A MAX
for ((r = 1; r <= ROUNDS; r++)); do
  # The Nauthera builds swap places every round, so neither always runs first.
  order=("${NA_TARGETS[@]}")
  if (( r % 2 == 0 && ${#order[@]} == 2 )); then order=("${order[1]}" "${order[0]}"); fi
  ssl_run "$r" 2
  for t in "${order[@]}"; do
    MAX[$t]=$(wrk_run "$r" "$t" "${NA_PID[$t]}" token 32 "$DURATION" "${NA_URL[$t]}/oauth2/token" "$WORK/$t-token.lua")
  done
  wrk_run "$r" nauthera-es256 "${NA_PID[nauthera-es256]}" token 32 "$DURATION" \
    "${NA_URL[nauthera-es256]}/oauth2/token" "$WORK/nauthera-es256-token.lua" >/dev/null
  MAX[peer-w0]=$(wrk_run "$r" peer-w0 "$P0_PID" token 32 "$DURATION" "$P0_URL/token" "$WORK/peer-token.lua")
  wrk_run "$r" peer-w2 "$P2_PID" token 32 "$DURATION" "$P2_URL/token" "$WORK/peer-token.lua" >/dev/null
  ssl_run "$r" 1
  # Half load: about half of the rate each server reached above, paced (see the top).
  for t in "${order[@]}" peer-w0; do
    target=$(( ${MAX[$t]:-0} / 2 ))
    if [[ $t == peer-w0 ]]; then url="$P0_URL/token"; body=$PEER_BODY; pid=$P0_PID
    else url="${NA_URL[$t]}/oauth2/token"; body=${NA_BODY[$t]}; pid=${NA_PID[$t]}; fi
    log "round $r: calibrating half load ($t $target/s)"
    delay=$(half_delay "$target" "$url" "$body")
    lua "$WORK/$t-half.lua" POST "$body" "$delay"
    wrk_run "$r" "$t" "$pid" "token, half load (target $target/s, mean delay ${delay} ms)" $HALF_CONNS "$DURATION" "$url" "$WORK/$t-half.lua" >/dev/null
  done
  for run in "discovery|/.well-known/openid-configuration|/.well-known/openid-configuration" "jwks|/oauth2/jwks|/jwks"; do
    IFS='|' read -r label path peer_path <<<"$run"
    for t in "${order[@]}"; do
      wrk_run "$r" "$t" "${NA_PID[$t]}" "$label" 32 "$GET_DURATION" "${NA_URL[$t]}$path" "$WORK/get.lua" >/dev/null
    done
    wrk_run "$r" nginx "$NG_PID" "$label" 32 "$GET_DURATION" "$NG_URL$path" "$WORK/get.lua" >/dev/null
    wrk_run "$r" peer-w0 "$P0_PID" "$label" 32 "$GET_DURATION" "$P0_URL$peer_path" "$WORK/get.lua" >/dev/null
  done
done

# ---------------------------------------------------------------------------------------
# 5. Report

# Memory per target: VmRSS idle (before load), VmRSS and VmHWM now (after all runs).
MEM="$WORK/memory.tsv"
: >"$MEM"
for t in "${NA_TARGETS[@]}" nauthera-es256; do
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${IDLE_RSS[$t]}" "$(mem_kb "${NA_PID[$t]}" VmRSS)" \
    "$(mem_kb "${NA_PID[$t]}" VmHWM)" "$(mem_kb "${CTRL_PID[$t]}" VmHWM)" >>"$MEM"
done
printf '%s\t%s\t%s\t%s\t-\n' peer-w0 "${IDLE_RSS[peer-w0]}" "$(mem_kb "$P0_PID" VmRSS)" "$(mem_kb "$P0_PID" VmHWM)" >>"$MEM"
printf '%s\t%s\t%s\t%s\t-\n' peer-w2 "${IDLE_RSS[peer-w2]}" "$(mem_kb "$P2_PID" VmRSS)" "$(mem_kb "$P2_PID" VmHWM)" >>"$MEM"
printf '%s\t%s\t%s\t%s\t-\n' nginx "${IDLE_RSS[nginx]}" "$(mem_kb "$NG_PID" VmRSS)" "$(mem_kb "$NG_PID" VmHWM)" >>"$MEM"

MACHINE="$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); load average (1/5/15 min) $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
REPORT="$WORK/report.md"
python3 - "$RESULTS" "$MEM" "$MACHINE" "$BUILDS" "$DURATION" "$GET_DURATION" "$SSL_SECONDS" "$ROUNDS" \
  >"$REPORT" <<'PY'
import sys, statistics as st
path, mem_path, machine, builds, dur, gdur, sslsec, rounds = sys.argv[1:]
rows = [l.rstrip('\n').split('\t') for l in open(path) if l.strip()]
mem = {l.split('\t')[0]: l.rstrip('\n').split('\t')[1:] for l in open(mem_path) if l.strip()}
mb = lambda kb: f"{int(kb) / 1024:.1f}" if kb not in ('-', '', None) else '-'
print(f"Machine: {machine}. Builds: {builds}. {rounds} interleaved round(s); wrk -t1, token runs {dur} s, "
      f"GET runs {gdur} s, openssl -seconds {sslsec}. wrk runs on the same 2 cores as the server.\n")
print("| round | target | run | conns | req/s (sign/s) | p50 ms | p99 ms | errors | server CPU (cores) | server VmHWM MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    rnd, tgt, label, conns, rps, p50, p99, errs, cores, hwm = r
    if tgt == 'openssl':
        print(f"| {rnd} | openssl | {label} | - | {rps} | - | - | - | {cores} (processes) | - |")
    else:
        print(f"| {rnd} | {tgt} | {label} | {conns} | {rps} | {p50} | {p99} | {errs} | {cores} | {mb(hwm)} |")

def vals(tgt, pred, col):
    return [float(r[col]) for r in rows
            if r[1] == tgt and pred(r[2]) and r[col] not in ('?', '-', '')]
def med(tgt, pred, col=4):
    v = vals(tgt, pred, col)
    return st.median(v) if v else None
is_ = lambda name: (lambda l: l == name)
half = lambda l: l.startswith('token, half')
fmt = lambda v, spec='.0f', unit='': '-' if v is None else f"{v:{spec}}{unit}"
ratio = lambda a, b: '-' if not a or not b else f"{a / b:.2f}x"

ssl2 = med('openssl', lambda l: l.startswith('rsa2048') and l.endswith('-multi 2'))
ssl1 = med('openssl', lambda l: l.startswith('rsa2048') and l.endswith('-multi 1'))
ec2 = med('openssl', lambda l: l.startswith('ecdsap256') and l.endswith('-multi 2'))
ec1 = med('openssl', lambda l: l.startswith('ecdsap256') and l.endswith('-multi 1'))
targets = [t for t in ('nauthera', 'nauthera-es256', 'nauthera-before') if t in mem]
cols = targets + ['nginx', 'peer-w0', 'peer-w2']
names = {'nauthera': 'Nauthera', 'nauthera-es256': 'Nauthera ES256', 'nauthera-before': 'Nauthera before',
         'nginx': 'nginx', 'peer-w0': 'oidc-provider 1 process', 'peer-w2': 'oidc-provider 2 workers'}
print(f"\nSummary (medians over rounds; openssl rsa2048 sign/s -multi 2 / -multi 1: "
      f"{fmt(ssl2)} / {fmt(ssl1)}; ecdsap256: {fmt(ec2)} / {fmt(ec1)}):\n")
print("| measure | " + " | ".join(names[c] for c in cols) + " | aim |")
print("|---|" + "---|" * len(cols) + "---|")
def line(measure, cell, aim=''):
    print(f"| {measure} | " + " | ".join(cell(c) for c in cols) + f" | {aim} |")
line("token req/s (-c32)", lambda c: fmt(med(c, is_('token'))))
line("token / openssl -multi 2", lambda c: ratio(med(c, is_('token')), ec2 if c == 'nauthera-es256' else ssl2), ">= 0.8x")
line("token req/s / Nauthera RS256's", lambda c: ratio(med(c, is_('token')), med('nauthera', is_('token'))), ">= 5x (ES256)")
line("Nauthera token req/s / this one's", lambda c: ratio(med('nauthera', is_('token')), med(c, is_('token'))))
line("token p99 at full load", lambda c: fmt(med(c, is_('token'), 6), '.2f', ' ms'))
line("token at half load: req/s", lambda c: fmt(med(c, half)))
line("token at half load: p99", lambda c: fmt(med(c, half, 6), '.2f', ' ms'), "< 3 ms")
for name in ('discovery', 'jwks'):
    ng = med('nginx', is_(name))
    line(f"{name} req/s", lambda c: fmt(med(c, is_(name))))
    line(f"{name} / nginx", lambda c: ratio(med(c, is_(name)), ng), ">= 0.5x")
    line(f"{name} p99", lambda c: fmt(med(c, is_(name), 6), '.2f', ' ms'))
    line(f"{name}: server CPU (cores)", lambda c: fmt(med(c, is_(name), 8), '.2f'))
    # wrk -t1 is one core: when it is the bottleneck, CPU per request still compares servers.
    line(f"{name}: server CPU per request", lambda c: '-' if not med(c, is_(name)) or med(c, is_(name), 8) is None
         else f"{med(c, is_(name), 8) * 1e6 / med(c, is_(name)):.1f} us")
line("VmRSS idle (MB, process tree)", lambda c: mb(mem.get(c, [None])[0]), "<= 25 MB (token server)")
line("VmRSS after all runs (MB)", lambda c: mb(mem.get(c, [None, None])[1]))
line("VmHWM after all runs (MB)", lambda c: mb(mem.get(c, [None, None, None])[2]))
line("controller VmHWM (MB)", lambda c: mb(mem[c][3]) if c in targets else '-')
PY
cat "$REPORT"
mkdir -p "$BUILD_DIR/bench"
dest="${OUT:-$BUILD_DIR/bench/results-$(date +%Y%m%d-%H%M%S).md}"
cp "$REPORT" "$dest"
log "report written to $dest"
