#!/usr/bin/env bash
# README command (b): installs what is missing, builds, and runs every test with ctest —
# the Catch2 unit tests and the integration tests that start the real programs on loopback.
# Exits non-zero on any failure.
#
# Usage: scripts/test.sh [extra ctest arguments, e.g. -R option_b]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"
# The real kube-apiserver, etcd, kubectl, helm and kubelogin, built once into a cache outside
# the repository (16 min cold on 2 cores, instant when cached).
"$ROOT/scripts/k8s-tools.sh" >/dev/null
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 600 "$@"
