#!/usr/bin/env bash
# Installs what building, running and testing Nauthera needs on Debian bookworm (as root).
# Idempotent and fast when everything is there: it asks dpkg first and runs apt-get only
# for what is missing; npm packages for the integration tests are installed with `npm ci`
# only when tests/integration/node_modules is missing or older than package-lock.json.
#
# Usage: scripts/install-deps.sh [--no-npm]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WITH_NPM=1
for arg in "$@"; do
  case "$arg" in
    --no-npm) WITH_NPM=0 ;;
    *) echo "install-deps: unknown argument $arg" >&2; exit 2 ;;
  esac
done

log() { echo "install-deps: $*"; }

DEB_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev
  libcpprest-dev libcpp-jwt-dev libabsl-dev catch2 libssl-dev
  libyaml-cpp-dev nlohmann-json3-dev libargon2-dev
  libhiredis-dev redis-server  # shared one-time store for several token-server replicas
  jq curl wrk openssl python3 python3-yaml ca-certificates
  chromium  # headless browser for the login-page test (driven by npm playwright-core)
  clang libclang-rt-14-dev libfuzzer-14-dev ccache  # scripts/fuzz.sh (ctest fuzz_smoke)
  shellcheck  # ctest shellcheck: every shell script of the repository
)

deb_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  deb_installed "$p" || missing+=("$p")
done
# Node 20 and npm may come from elsewhere than Debian; install Debian's only when absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing Debian packages: ${missing[*]}; run as root (or apt-get install them)" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "Debian packages present"
fi

if ((WITH_NPM)); then
  NPM_DIR="$ROOT/tests/integration"
  stamp="$NPM_DIR/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$NPM_DIR/package-lock.json" -nt "$stamp" ]]; then
    log "npm ci in tests/integration"
    (cd "$NPM_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  else
    log "npm packages present"
  fi
fi
