#!/usr/bin/env bash
# Every shell script of the repository passes shellcheck at severity warning: the tests, the
# scripts a user runs, bench/ and CI itself. Run by ctest (shellcheck); scripts/install-deps.sh
# installs shellcheck. A finding prints file, line, code and the fix shellcheck suggests.
#
# Usage: tests/lint/shellcheck_test.sh [repository root]
set -euo pipefail

ROOT="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)"
cd "$ROOT"

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "FAIL shellcheck: not installed (scripts/install-deps.sh installs it)"
  exit 1
fi

# Files named *.sh, and files without the suffix whose first line runs bash (.ci/run).
scripts=()
while IFS= read -r -d '' file; do
  case "$file" in
    *.sh) scripts+=("$file") ;;
    *) head -n1 "$file" 2>/dev/null | grep -qE '^#!.*\b(ba)?sh\b' && scripts+=("$file") ;;
  esac
done < <(if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
           git ls-files -z --cached --others --exclude-standard -- . ':!:**/node_modules/**'
         else
           find . -path ./build -prune -o -path '*/node_modules' -prune -o -type f -print0
         fi)

if ((${#scripts[@]} < 10)); then
  echo "FAIL shellcheck: found only ${#scripts[@]} scripts under $ROOT; is this the repository?"
  exit 1
fi

# -x -P SCRIPTDIR follows `source`: the scripts say where their sourced files are, relative to
# themselves, with `# shellcheck source=` directives.
if out=$(shellcheck -x -P SCRIPTDIR -S warning -f gcc "${scripts[@]}" 2>&1); then
  echo "PASS shellcheck: ${#scripts[@]} scripts, no warnings"
  exit 0
fi
echo "FAIL shellcheck: $(grep -c ': \(warning\|error\):' <<<"$out") findings in ${#scripts[@]} scripts"
sed 's/^/    | /' <<<"$out"
exit 1
