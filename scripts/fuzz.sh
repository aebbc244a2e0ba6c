#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, -DNAUTHERA_FUZZ=ON, clang, ASan+UBSan) and runs
# each on its corpus. Prints, per target, the executions, executions per second, new inputs
# and crashes; exits non-zero on any crash and names the crash file. docs/fuzzing.md.
#
# Usage: scripts/fuzz.sh [--time SECONDS] [--runs N] [--build-only] [target...]
#   --time SECONDS  run each target this long (default 5; 0 = no time limit, needs --runs)
#   --runs N        stop each target after N executions (default: no limit)
#   --build-only    build the targets, run nothing
#   target          e.g. request_head jwt (default: every tests/fuzz/*_fuzz.cc)
# Environment:
#   NAUTHERA_FUZZ_CACHE  where the build, the ccache and the working corpora live
#                        (default /var/cache/nauthera-build), outside the repository
#   FUZZ_ARGS            extra libFuzzer flags, e.g. "-max_len=8192"
#
# The repository's seeds (tests/fuzz/corpus/<target>/) are read, never written: new inputs go
# to $NAUTHERA_FUZZ_CACHE/fuzz-work/<target>/corpus, which grows from run to run, and crash
# files to $NAUTHERA_FUZZ_CACHE/fuzz-work/<target>/crashes/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NAUTHERA_FUZZ_CACHE:-/var/cache/nauthera-build}"
BUILD_DIR="$CACHE/fuzz"
WORK_DIR="$CACHE/fuzz-work"
# The build reads the sources through this link, so its commands are the same whichever
# checkout runs it (a CI clone lives in another folder): ccache then answers for every file
# that did not change, and the cold build happens once per machine.
SRC_LINK="$CACHE/fuzz-src"

TIME=5
RUNS=""
BUILD_ONLY=0
TARGETS=()
while (($#)); do
  case "$1" in
    --time) TIME="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --build-only) BUILD_ONLY=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
if [[ "$TIME" == 0 && -z "$RUNS" ]]; then
  echo "fuzz: --time 0 needs --runs N" >&2
  exit 2
fi
if ((${#TARGETS[@]} == 0)); then
  for f in "$ROOT"/tests/fuzz/*_fuzz.cc; do
    f="${f##*/}"
    TARGETS+=("${f%_fuzz.cc}")
  done
fi

log() { echo "fuzz: $*"; }

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ is missing; run scripts/install-deps.sh (it installs clang and libFuzzer)" >&2
  exit 1
fi

# 1. Configure once; again only when the link moved to another checkout's CMake files.
mkdir -p "$CACHE" "$WORK_DIR"
ln -sfn "$ROOT" "$SRC_LINK"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR="$CACHE/ccache" CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-2G}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  log "configuring $BUILD_DIR (clang, ASan+UBSan+libFuzzer)"
  # -O1 -g without NDEBUG: assertions stay on, so a broken internal invariant is a crash too.
  cmake -S "$SRC_LINK" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DNAUTHERA_FUZZ=ON "${launcher[@]}" >/dev/null
fi

# 2. Build only the fuzz targets asked for (and the libraries they link).
start=$SECONDS
ninja_targets=()
for t in "${TARGETS[@]}"; do ninja_targets+=("fuzz_$t"); done
ninja -C "$BUILD_DIR" "${ninja_targets[@]}" | { grep -v '^\[' || true; }
log "built ${#TARGETS[@]} targets in $((SECONDS - start)) s"
((BUILD_ONLY)) && exit 0

# 3. Run each target on its seeds and its working corpus.
crashed=()
# One summary per run: two runs at once (a ctest fuzz_smoke beside a long run) keep their own.
summary="$(mktemp "$WORK_DIR/summary.XXXXXX")"
trap 'rm -f "$summary"' EXIT
printf '%-14s %12s %10s %6s %8s\n' target executions exec/s new crashes > "$summary"
for t in "${TARGETS[@]}"; do
  bin="$BUILD_DIR/tests/fuzz/fuzz_$t"
  seeds="$ROOT/tests/fuzz/corpus/$t"
  dict="$ROOT/tests/fuzz/dict/$t.dict"
  work="$WORK_DIR/$t"
  mkdir -p "$work/corpus" "$work/crashes"
  # Memory: ASan's own hard RSS limit (below) instead of libFuzzer's -rss_limit_mb, whose
  # heap profile of a 2 GB heap of small nodes takes many minutes before the input is saved;
  # one allocation over 2 GB is caught at once by -malloc_limit_mb.
  args=(-artifact_prefix="$work/crashes/" -print_final_stats=1 -timeout=25 -rss_limit_mb=0
        -malloc_limit_mb=2048)
  [[ "$TIME" != 0 ]] && args+=(-max_total_time="$TIME")
  [[ -n "$RUNS" ]] && args+=(-runs="$RUNS")
  [[ -f "$dict" ]] && args+=(-dict="$dict")
  # shellcheck disable=SC2206
  args+=(${FUZZ_ARGS:-})
  corpora=("$work/corpus")
  [[ -d "$seeds" ]] && corpora+=("$seeds")
  rc=0
  ASAN_OPTIONS="hard_rss_limit_mb=2048:${ASAN_OPTIONS:-}" \
    "$bin" "${args[@]}" "${corpora[@]}" > "$work/last.log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/last.log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/last.log" | tail -1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$work/last.log" | tail -1)
  crash_file=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/last.log" | tail -1)
  crashes=0
  if ((rc != 0)); then
    crashes=1
    crashed+=("$t")
  fi
  printf '%-14s %12s %10s %6s %8s\n' "$t" "${execs:-?}" "${speed:-?}" "${added:-?}" "$crashes" \
    | tee -a "$summary"
  if ((rc != 0)); then
    echo "fuzz: $t FAILED (exit $rc); log $work/last.log" >&2
    grep -E '^(==[0-9]+==(ERROR|AddressSanitizer)|SUMMARY|.*invariant failed|    #[0-9]+ )' \
      "$work/last.log" \
      | head -30 >&2 || true
    echo "fuzz: crash file: ${crash_file:-none written}" >&2
    echo "fuzz: reproduce: $bin ${crash_file:-<crash file>}" >&2
  fi
done

echo
cat "$summary"
if ((${#crashed[@]})); then
  echo "fuzz: crashes in ${crashed[*]}" >&2
  exit 1
fi
log "no crash in ${#TARGETS[@]} targets"
