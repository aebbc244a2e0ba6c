#!/usr/bin/env bash
# Builds Nauthera with a sanitizer in a cached build directory of its own and runs the tests
# that build checks (docs/sanitizers.md). Exits non-zero on a failed test or on any sanitizer
# report, from a test binary or from a program an integration test started.
#
# Usage: scripts/sanitize.sh address|thread [--build-only]
#   address  ASan+UBSan (gcc, -DNAUTHERA_SANITIZE=address): every unit-test binary and both
#            programs; runs the unit tests and the local-mode integration tests with ctest
#   thread   TSan (clang, -DNAUTHERA_SANITIZE=thread, -Werror=thread-safety): the store,
#            login-limiter, state-stream and snapshot tests
#   --build-only  build, run nothing
# Environment:
#   NAUTHERA_SANITIZE_CACHE  where the build directories (asan/, tsan/) and the ccache live
#                            (default /var/cache/nauthera-build, shared with scripts/fuzz.sh),
#                            outside the repository
#   NAUTHERA_SANITIZE_JOBS   ctest -j for the address run (default 2)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NAUTHERA_SANITIZE_CACHE:-/var/cache/nauthera-build}"

MODE="${1:-}"
BUILD_ONLY=0
[[ "${2:-}" == --build-only ]] && BUILD_ONLY=1
case "$MODE" in
  address) BUILD_DIR="$CACHE/asan"; compiler="g++" ;;
  thread) BUILD_DIR="$CACHE/tsan"; compiler="clang++" ;;
  -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
  *) echo "sanitize: usage: $0 address|thread [--build-only]" >&2; exit 2 ;;
esac
# The build reads the sources through this link, so its commands are the same whichever
# checkout runs it (as in scripts/fuzz.sh): ccache answers for every unchanged file.
SRC_LINK="$CACHE/sanitize-src"
LOG_DIR="$BUILD_DIR/sanitizer-logs"

log() { echo "sanitize $MODE: $*"; }

if ! command -v "$compiler" >/dev/null 2>&1; then
  echo "sanitize: $compiler is missing; run scripts/install-deps.sh (it installs clang)" >&2
  exit 1
fi

# 1. Configure once; incremental builds after that. One run at a time per build directory
# (two checkouts may run it, e.g. a CI clone while the developer's tree warms the cache): the
# second waits for the first instead of building in the same directory beside it.
mkdir -p "$CACHE"
exec 9>"$BUILD_DIR.lock"
if ! flock -n 9; then
  log "waiting for another run in $BUILD_DIR to finish"
  flock 9
fi
ln -sfn "$ROOT" "$SRC_LINK"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR="$CACHE/ccache" CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-4G}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  log "configuring $BUILD_DIR ($compiler)"
  # -O1 and line tables only: stack traces keep file:line, and the cold build is about a
  # third faster than RelWithDebInfo's -O2 -g. No NDEBUG: assertions stay on.
  if [[ "$MODE" == thread ]]; then g=-gline-tables-only; else g=-g1; fi
  cmake -S "$SRC_LINK" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 $g" -DNAUTHERA_SANITIZE="$MODE" \
    "${launcher[@]}" >/dev/null
fi

# 2. Build what the run needs.
if [[ "$MODE" == address ]]; then
  targets=(common_tests controller_tests tokenserver_tests tokenserver_store_tests
           kubeclient_tests nauthera-controller nauthera-tokenserver)
else
  targets=(tokenserver_store_tests tokenserver_tests controller_tests)
fi
start=$SECONDS
ninja -C "$BUILD_DIR" "${targets[@]}" | { grep -v '^\[' || true; }
log "built ${targets[*]} in $((SECONDS - start)) s"
((BUILD_ONLY)) && exit 0

# 3. Run. Every report goes to a file under $LOG_DIR (log_path), whichever process wrote it;
# a report halts its process, and any file there afterwards fails the run.
rm -rf "$LOG_DIR"
mkdir -p "$LOG_DIR"
rc=0
start=$SECONDS
if [[ "$MODE" == address ]]; then
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$LOG_DIR/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$LOG_DIR/ubsan"
  export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitize/lsan.supp:print_suppressions=0"
  # The unit tests and the integration tests that run both programs in local mode on
  # loopback (docs/sanitizers.md says why login_flow, a browser waiting out a code
  # lifetime, is left out).
  # integration_replicas is left out on purpose until its concurrent-redemption case is
  # understood under ASan's timing (docs/sanitizers.md, "Open"); the run says so.
  tests='^(common_tests|controller_tests|tokenserver_tests|tokenserver_store_tests|kubeclient_tests|integration_option_b|integration_revoke_introspect)$'
  log "left out: integration_replicas (docs/sanitizers.md, Open)"
  (cd "$BUILD_DIR" && ctest -R "$tests" -j "${NAUTHERA_SANITIZE_JOBS:-2}" \
     --output-on-failure --timeout 900) || rc=$?
else
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$ROOT/tests/sanitize/tsan.supp:log_path=$LOG_DIR/tsan"
  # The store's many-thread cases (memory and Redis) and login counters; the login limiter
  # through the router; the state stream (controller gRPC service, shutdown, mTLS) and the
  # snapshots both programs build from it.
  runs=(
    "tests/tokenserver/tokenserver_store_tests [store]"
    "tests/tokenserver/tokenserver_tests login*,*limit*,*snapshot*"
    "tests/controller/controller_tests [sync],[snapshot]"
  )
  for run in "${runs[@]}"; do
    bin="${run%% *}"
    filter="${run#* }"
    log "$bin $filter"
    (cd "$BUILD_DIR" && "./$bin" "$filter") || rc=$?
  done
fi
reports=("$LOG_DIR"/*)
if [[ -e "${reports[0]}" ]]; then
  echo "sanitize $MODE: ${#reports[@]} sanitizer report(s):" >&2
  for f in "${reports[@]}"; do
    echo "--- $f" >&2
    head -60 "$f" >&2
  done
  rc=1
fi
log "ran in $((SECONDS - start)) s"
if ((rc != 0)); then
  echo "sanitize $MODE: FAILED" >&2
  exit 1
fi
log "no failure, no sanitizer report"
