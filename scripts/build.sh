#!/usr/bin/env bash
# Configures the CMake build once (Ninja, build/) and then builds incrementally.
# Usage: scripts/build.sh [extra ninja targets/args]
# Environment: BUILD_DIR (default build), CMAKE_BUILD_TYPE (default RelWithDebInfo),
#              NAUTHERA_CMAKE_ARGS (extra -D options for the first configure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  echo "build: configuring $BUILD_DIR"
  # shellcheck disable=SC2086
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" ${NAUTHERA_CMAKE_ARGS:-}
fi
# Two cores: let ninja pick its default (nproc + 2) unless told otherwise.
ninja -C "$BUILD_DIR" "$@"
