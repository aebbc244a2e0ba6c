#!/usr/bin/env bash
# README command (a): installs what is missing, builds, and starts Nauthera in local mode —
# the controller reading examples/quickstart/ and the token server beside it — then prints
# the issuer URL, where the generated credentials are, the status table and a ready-to-paste
# Option B block (the guide's commands) that gets a CI token.
#
# Both programs keep running in the background: pids in .state/pids, logs in .state/logs/.
# Re-running restarts them cleanly; state (Secrets, signing keys) survives restarts.
#
# Usage: scripts/run-local.sh          start (or restart)
#        scripts/run-local.sh stop     stop both programs
#        scripts/run-local.sh status   print the status table
# Environment (optional): NAUTHERA_MANIFESTS (default examples/quickstart),
#   NAUTHERA_STATE (default .state), NAUTHERA_PORT (token server, 8080),
#   NAUTHERA_CONTROLLER_PORT (controller HTTP, 7071). The state stream between the two is the
#   Unix socket $NAUTHERA_STATE/state.sock (0600 in the 0700 state folder; no TCP port).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/common.sh
source "$ROOT/scripts/lib/common.sh"

MANIFESTS="${NAUTHERA_MANIFESTS:-$ROOT/examples/quickstart}"
STATE="${NAUTHERA_STATE:-$ROOT/.state}"
PORT="${NAUTHERA_PORT:-8080}"
CTRL_PORT="${NAUTHERA_CONTROLLER_PORT:-7071}"
ISSUER="http://127.0.0.1:$PORT"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
CONTROLLER="$BUILD_DIR/controller/nauthera-controller"
TOKENSERVER="$BUILD_DIR/tokenserver/nauthera-tokenserver"
PIDS="$STATE/pids"
LOGS="$STATE/logs"

# Stops the programs recorded in .state/pids — only those pids, and only if they are still
# our binaries (a pid can be reused after a reboot).
stop_all() {
  [[ -f "$PIDS" ]] || return 0
  local name pid exe
  while read -r name pid; do
    [[ -n "${pid:-}" ]] || continue
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    case "$exe" in
      */nauthera-controller|*/nauthera-tokenserver)
        echo "run-local: stopping $name (pid $pid)"
        stop_pid "$pid" ;;
    esac
  done < <(tac "$PIDS")   # token server first, then the controller
  rm -f "$PIDS"
}

show_status() {
  if [[ -f "$STATE/status.txt" ]]; then
    cat "$STATE/status.txt"
  else
    echo "(no $STATE/status.txt yet)"
  fi
}

case "${1:-start}" in
  stop) stop_all; echo "run-local: stopped"; exit 0 ;;
  status) show_status; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

# 1. Dependencies and build (both fast when nothing changed).
"$ROOT/scripts/install-deps.sh" --no-npm
"$ROOT/scripts/build.sh" nauthera-controller nauthera-tokenserver

# 2. Stop what a previous run left, then check that the ports are ours to take.
mkdir -p "$STATE"; chmod 700 "$STATE"   # it holds the signing key and the state socket
mkdir -p "$LOGS"
stop_all
for p in "$PORT" "$CTRL_PORT"; do
  if port_in_use "$p"; then
    echo "run-local: 127.0.0.1:$p is taken by another program; free it or set" \
         "NAUTHERA_PORT / NAUTHERA_CONTROLLER_PORT" >&2
    exit 1
  fi
done

# 3. Start the controller, then the token server. setsid detaches them from this shell so
# they keep running after it exits.
setsid "$CONTROLLER" --manifests="$MANIFESTS" --state-dir="$STATE" --issuer-url="$ISSUER" \
  --http-listen="http://127.0.0.1:$CTRL_PORT" \
  >>"$LOGS/controller.log" 2>&1 </dev/null &
CTRL_PID=$!
echo "controller $CTRL_PID" >"$PIDS"
if ! wait_http "http://127.0.0.1:$CTRL_PORT/readyz" 30 "$CTRL_PID"; then
  echo "run-local: the controller did not become ready; last lines of $LOGS/controller.log:" >&2
  tail -n 30 "$LOGS/controller.log" >&2
  stop_all; exit 1
fi

setsid "$TOKENSERVER" --controller="unix:$STATE/state.sock" --listen="$ISSUER" \
  >>"$LOGS/tokenserver.log" 2>&1 </dev/null &
TS_PID=$!
echo "tokenserver $TS_PID" >>"$PIDS"
if ! wait_http "$ISSUER/readyz" 30 "$TS_PID"; then
  echo "run-local: the token server did not become ready; last lines of $LOGS/tokenserver.log:" >&2
  tail -n 30 "$LOGS/tokenserver.log" >&2
  stop_all; exit 1
fi

SECRET_FILE="$STATE/secrets/ci-cd/ci-deployer-credentials.yaml"
wait_for 10 test -s "$SECRET_FILE" || echo "run-local: warning: $SECRET_FILE not written yet" >&2

# 4. Tell the user what is running and how to use it.
REL_STATE="${STATE#"$PWD"/}"
REL_SECRET="${SECRET_FILE#"$PWD"/}"
cat <<EOF

Nauthera is running in local mode.

  Issuer URL:      $ISSUER
                   (discovery: $ISSUER/.well-known/openid-configuration)
  Manifests:       $MANIFESTS   (edits are picked up within a second)
  Credentials:     $REL_STATE/secrets/<namespace>/<name>-credentials.yaml
                   ci-deployer: $REL_SECRET
  Signing keys:    $REL_STATE/keys/nauthera-signing-keys.yaml
  Logs:            $LOGS/controller.log, $LOGS/tokenserver.log
  Controller:      pid $CTRL_PID, http://127.0.0.1:$CTRL_PORT/status, state stream $REL_STATE/state.sock
  Token server:    pid $TS_PID

Status ($REL_STATE/status.txt):
EOF
show_status
cat <<EOF

Get a CI token (the guide's Option B; paste into a shell in this folder):

CLIENT_ID=\$(grep -E '^[[:space:]]+client_id:' $REL_SECRET | awk '{print \$2}' | base64 -d)
CLIENT_SECRET=\$(grep -E '^[[:space:]]+client_secret:' $REL_SECRET | awk '{print \$2}' | base64 -d)
TOKEN=\$(curl -s -X POST $ISSUER/oauth2/token \\
  -d "grant_type=client_credentials" \\
  -d "client_id=\$CLIENT_ID" \\
  -d "client_secret=\$CLIENT_SECRET" \\
  -d "scope=openid email groups" \\
  | jq -r '.access_token')
echo "\$TOKEN" | cut -d. -f2 | tr '_-' '/+' | awk '{while (length(\$0) % 4) \$0 = \$0 "="; print}' | base64 -d | jq .

Sign in as a person (the guide's Option A, as kubelogin does it: code + PKCE in a browser):

node scripts/try-login.mjs $ISSUER
  # prints an authorization URL: open it, sign in as alice / alice-demo-password
  # (or bob / bob-demo-password); it receives the code on http://localhost:8000 and prints
  # the ID token's claims. Add people with build/controller/nauthera-hash-password
  # (see docs/login.md).

Stop:    $0 stop
Restart: $0
EOF
