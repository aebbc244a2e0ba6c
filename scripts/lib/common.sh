# shellcheck shell=bash
# Shared shell helpers for scripts/, bench/ and every shell test (tests/cluster/control_plane.sh
# sources it for the tests on a real API server). Source it; it defines functions only. Every
# wait polls a condition against a deadline; nothing sleeps blindly.

# now_ms: milliseconds since the epoch.
now_ms() { date +%s%3N; }

# free_port: a TCP port on 127.0.0.1 that the kernel says is free right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# port_in_use PORT: true when something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PID: the process exists and is not a zombie (a killed child not yet reaped).
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null \
    && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
pid_dead() { ! pid_alive "$1"; }

# wait_http URL TIMEOUT_S [PID] [EXPECT_CODE=200]: polls URL until it answers EXPECT_CODE.
# Fails early when PID (if given) has exited. Returns 1 on timeout.
wait_http() {
  local url=$1 timeout_s=$2 pid=${3:-} want=${4:-200} code deadline
  deadline=$(( $(now_ms) + timeout_s * 1000 ))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)
    [[ "$code" == "$want" ]] && return 0
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      echo "wait_http: process $pid exited while waiting for $url" >&2
      return 1
    fi
    if (( $(now_ms) >= deadline )); then
      echo "wait_http: $url did not answer $want within ${timeout_s}s (last: ${code:-none})" >&2
      return 1
    fi
    sleep 0.05
  done
}

# wait_for TIMEOUT_S CMD...: polls CMD (its output discarded) every WAIT_FOR_INTERVAL seconds
# (default 0.05; the tests that poll kubectl use more) until it succeeds. 1 on timeout.
wait_for() {
  local timeout_s=$1 deadline; shift
  deadline=$(( $(now_ms) + timeout_s * 1000 ))
  until "$@" >/dev/null 2>&1; do
    (( $(now_ms) >= deadline )) && return 1
    sleep "${WAIT_FOR_INTERVAL:-0.05}"
  done
}

# stop_pid PID [NAME]: SIGTERM, wait up to 5 s, then SIGKILL. Only the given pid.
stop_pid() {
  local pid=$1 deadline
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$(( $(now_ms) + 5000 ))
  while pid_alive "$pid"; do
    if (( $(now_ms) >= deadline )); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
  # Reap it when it is our child, so it does not linger as a zombie.
  wait "$pid" 2>/dev/null || true
}

# manifest_secret_field FILE FIELD: the decoded value of FIELD under `data:` in a Secret
# manifest (local mode writes them into the state folder).
manifest_secret_field() {
  grep -E "^[[:space:]]+$2:" "$1" | head -n1 | awk '{print $2}' | tr -d '"' | base64 -d
}

# kube_secret_field NS NAME FIELD: the decoded data field of a Secret in the API server
# (kubectl; dots in FIELD are escaped for jsonpath).
kube_secret_field() {
  kubectl get secret "$2" -n "$1" -o jsonpath="{.data.${3//./\\.}}" 2>/dev/null | base64 -d
}

# Test reports. pass NAME; fail NAME [WHY [DETAIL]]: counted in PASSED and FAILED, failed names
# collected in FAILURES; DETAIL (a command's output) is shown indented, at most 40 lines.
pass() { echo "PASS $1"; PASSED=$((${PASSED:-0} + 1)); }
fail() {
  echo "FAIL $1${2:+: $2}"; FAILED=$((${FAILED:-0} + 1)); FAILURES+=("$1")
  if [[ -n "${3:-}" ]]; then sed 's/^/    | /' <<<"$3" | head -n 40; fi
}

# jwt_part TOKEN INDEX: decodes part INDEX (0 header, 1 payload) of a JWT (base64url).
jwt_part() {
  local part
  part=$(cut -d. -f$(( $2 + 1 )) <<<"$1" | tr '_-' '/+')
  while (( ${#part} % 4 )); do part+="="; done
  base64 -d <<<"$part"
}

# For the integration tests: sets CONTROLLER and TOKENSERVER from the build dir and checks that
# both are built and that every named tool is installed; otherwise prints a FAIL line saying
# what to do and exits 1.
require_programs_and_tools() {  # build_dir tool...
  local build_dir=$1 b tool
  shift
  CONTROLLER="$build_dir/controller/nauthera-controller"
  TOKENSERVER="$build_dir/tokenserver/nauthera-tokenserver"
  for b in "$CONTROLLER" "$TOKENSERVER"; do
    [[ -x "$b" ]] || { echo "FAIL  setup: $b is not built"; exit 1; }
  done
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "FAIL  setup: $tool is not installed (scripts/install-deps.sh)"; exit 1; }
  done
}
