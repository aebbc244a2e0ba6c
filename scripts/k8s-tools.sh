#!/usr/bin/env bash
# Builds, once, the real Kubernetes programs the cluster tests run against, into a cache
# outside the repository, and reuses them afterwards:
#   kube-apiserver, kubectl, kube-controller-manager  (k8s v1.36.3, scratch module + staging replaces)
#   etcd 3.6.x, helm v3.21.4, kubelogin v1.36.3 (linked as kubectl-oidc_login)
# Everything comes from the Go module proxy with GOTOOLCHAIN=local (see
# docs/cluster-tests.md). Prints the bin directory on stdout.
#
# Usage: scripts/k8s-tools.sh            build what is missing, print the bin dir
#        NAUTHERA_TOOLS_CACHE=DIR ...    cache elsewhere (default /var/cache/nauthera-tools)
set -euo pipefail

K8S_VERSION=1.36.3
ETCD_VERSION=v3.6.16
HELM_VERSION=v3.21.4
KUBELOGIN_VERSION=v1.36.3

CACHE="${NAUTHERA_TOOLS_CACHE:-/var/cache/nauthera-tools}"
BIN="$CACHE/bin-k8s$K8S_VERSION-etcd$ETCD_VERSION-helm$HELM_VERSION-kubelogin$KUBELOGIN_VERSION"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
export GOPATH="$CACHE/gopath" GOMODCACHE="$CACHE/gomodcache" GOCACHE="$CACHE/gocache"
mkdir -p "$BIN"

log() { echo "k8s-tools: $*" >&2; }
have() { [[ -x "$BIN/$1" ]]; }

build_kubernetes() {
  have kube-apiserver && have kubectl && have kube-controller-manager && return
  local stg="0.${K8S_VERSION#1.}" work
  work=$(mktemp -d)
  log "building kube-apiserver, kubectl, kube-controller-manager v$K8S_VERSION (10-25 min cold)"
  (
    cd "$work"
    go mod init local.invalid/k8sbin >/dev/null 2>&1
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
    go build -p 2 -trimpath -ldflags "$ld" -o "$BIN/" k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kubectl k8s.io/kubernetes/cmd/kube-controller-manager
  )
  rm -rf "$work"
}

build_etcd() {
  have etcd && return
  local work
  work=$(mktemp -d)
  log "building etcd $ETCD_VERSION"
  (
    cd "$work"
    go mod init local.invalid/etcdbin >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1
    go build -p 2 -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  )
  rm -rf "$work"
}

# A scratch module that requires `module@version` and builds `package` from it. Unlike
# `go install pkg@version`, it does not ask the proxy for the module's version list, which the
# proxy refuses for some modules (kubelogin) although it serves the version itself.
build_from_module() {  # name module version package
  have "$1" && return
  local work
  work=$(mktemp -d)
  log "building $1 ($2@$3)"
  (
    cd "$work"
    go mod init local.invalid/tool >/dev/null 2>&1
    go mod edit -require="$2@$3"
    echo 'package tool' > tool.go
    go build -p 2 -trimpath -ldflags "-s -w" -o "$BIN/$1" "$4"
  )
  rm -rf "$work"
}

build_kubernetes
build_etcd
build_from_module helm helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
build_from_module kubelogin github.com/int128/kubelogin "$KUBELOGIN_VERSION" github.com/int128/kubelogin
ln -sf kubelogin "$BIN/kubectl-oidc_login"
echo "$BIN"
