#!/usr/bin/env bash
# Builds, once, what a real single-node Kubernetes cluster needs on top of scripts/k8s-tools.sh
# (etcd, kube-apiserver, kube-controller-manager), into the same cache outside the repository:
#   kubelet, kube-scheduler, kube-proxy  (k8s v1.36.3, scratch module + staging replaces)
#   coredns                              (Go module proxy)
#   pause                                (tests/node/pause.c, gcc -static; the sandbox image)
# and installs Debian's containerd, runc and containernetworking-plugins when missing (root).
# Go builds run with `nice -n 10` and `-p 2`. See docs/node-tests.md. Prints the bin dir.
#
# Usage: scripts/node-tools.sh            build/install what is missing, print the bin dir
#        NAUTHERA_TOOLS_CACHE=DIR ...    cache elsewhere (default /var/cache/nauthera-tools)
#        scripts/node-tools.sh --no-apt  do not install Debian packages (fail if missing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K8S_VERSION=1.36.3
COREDNS_VERSION=v1.15.0

CACHE="${NAUTHERA_TOOLS_CACHE:-/var/cache/nauthera-tools}"
BIN="$CACHE/bin-node-k8s$K8S_VERSION-coredns$COREDNS_VERSION"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOPATH="$CACHE/gopath" GOMODCACHE="$CACHE/gomodcache" GOCACHE="$CACHE/gocache"
mkdir -p "$BIN"
WITH_APT=1
[[ "${1:-}" == --no-apt ]] && WITH_APT=0

log() { echo "node-tools: $*" >&2; }
have() { [[ -x "$BIN/$1" ]]; }

install_debian_runtime() {
  local p missing=()
  for p in containerd runc containernetworking-plugins iptables iproute2 util-linux conntrack; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if ((!WITH_APT)) || [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]} (run as root without --no-apt)"; return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: no containerd service is wanted; the fixture starts its own.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # Debian enables and starts containerd.service when systemd runs; the fixture needs the
  # machine's containerd to be absent (one kubelet, one containerd per machine).
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q containerd 2>/dev/null; then
    systemctl disable --now containerd >&2 || true
  fi
}

# Same technique as scripts/k8s-tools.sh: a scratch module requiring k8s.io/kubernetes with
# every staging module replaced by its published v0.x version.
build_kubernetes_node() {
  have kubelet && have kube-scheduler && have kube-proxy && return
  local stg="0.${K8S_VERSION#1.}" work
  work=$(mktemp -d)
  log "building kubelet, kube-scheduler, kube-proxy v$K8S_VERSION (about 4-15 min)"
  (
    cd "$work"
    go mod init local.invalid/k8snode >/dev/null 2>&1
    gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" |
      sed -n 's/.*"GoMod": "\(.*\)",*$/\1/p')
    for m in $(sed -n 's|^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/.*|\1|p' "$gomod"); do
      go mod edit -replace="$m=$m@v$stg"
    done
    go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
    local minor="${K8S_VERSION#1.}"; minor="${minor%%.*}"
    local ld="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ld="$ld -X $pkg.gitTreeState=clean"
    done
    nice -n 10 go build -p 2 -trimpath -ldflags "$ld" -o "$BIN/" \
      k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kube-proxy
  )
  rm -rf "$work"
}

build_coredns() {
  have coredns && return
  local work
  work=$(mktemp -d)
  log "building coredns $COREDNS_VERSION (about 5 min)"
  (
    cd "$work"
    go mod init local.invalid/corednsbin >/dev/null 2>&1
    go mod edit -require="github.com/coredns/coredns@$COREDNS_VERSION"
    echo 'package tool' > tool.go
    nice -n 10 go build -p 2 -trimpath -ldflags "-s -w" -o "$BIN/coredns" github.com/coredns/coredns
  )
  rm -rf "$work"
}

build_pause() {
  local src="$ROOT/tests/node/pause.c"
  [[ -x "$BIN/pause" && "$BIN/pause" -nt "$src" ]] && return
  log "compiling pause (gcc -static)"
  gcc -std=c11 -Os -static -Wall -Wextra -Werror -o "$BIN/pause.tmp" "$src"
  strip "$BIN/pause.tmp"
  mv "$BIN/pause.tmp" "$BIN/pause"
}

install_debian_runtime
build_pause
build_kubernetes_node
build_coredns
echo "$BIN"
