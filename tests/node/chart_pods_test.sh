#!/usr/bin/env bash
# The chart's Pods on a real node (tests/node/node.sh: kubelet + containerd in a network
# namespace of its own), from the images scripts/images.sh builds:
#   images     scripts/images.sh builds the controller and token server OCI archives;
#              `ctr -n k8s.io images import` loads them into the node's containerd
#   install    helm install --wait with imagePullPolicy Never and those images
#   pods       2 controller + 2 token server Pods Ready; in each container the process runs
#              as 65532, with no capabilities, no_new_privs and a read-only root filesystem
#              (read from /proc of the real process); the controllers elect one leader
#   discovery  discovery and JWKS through the token servers' ClusterIP Service (from inside
#              the namespace, through kube-proxy); a client_credentials token through it,
#              verified against the JWKS with python `cryptography`
#   rollout    helm upgrade changing a pod annotation: every Pod replaced, Ready again; the
#              <name>-credentials Secrets and the signing keys unchanged; the token issued
#              before still verifies against the JWKS served now; a new one is issued
#   kill       the leader controller's process SIGKILLed (the container restarts) and a token
#              server Pod deleted: back to 2 + 2 Ready, credentials and keys unchanged, the
#              first token still verifies, a new one is issued
#   dns-late   new token server Pods started while DNS packets are dropped are Ready within
#              15 s of DNS coming back (the issue's worst start order)
#   teardown   node_stop leaves no process, mount, cgroup, network device or namespace
# Prints PASS/FAIL per case with timings; exit 0 only if all pass. A machine that cannot run
# a node (not root, no network namespaces, ...) is a FAIL with the reason: never a skip.
#
# Usage: chart_pods_test.sh --build-dir DIR [--work-dir DIR] [--keep]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHART="$ROOT/charts/nauthera"
BUILD=""; WORK=""; KEEP=0
while (($#)); do
  case "$1" in
    --build-dir) BUILD="$2"; shift 2 ;;
    --work-dir) WORK="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 --build-dir DIR [--work-dir DIR] [--keep]" >&2; exit 2 ;;
  esac
done
[[ -n "$BUILD" ]] || { echo "--build-dir is required" >&2; exit 2; }
BUILD="$(cd "$BUILD" && pwd)"
[[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-node-chart.XXXXXX")"
mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
# The node's work dir is kept between runs (certificates, pause image: a warm start); the
# rest is new every run.
find "$WORK" -mindepth 1 -maxdepth 1 ! -name node -exec rm -rf {} +

# shellcheck source=node.sh
source "$HERE/node.sh"

# pass and fail: scripts/lib/common.sh (through node.sh).
PASSED=0; FAILED=0; FAILURES=()

if ! why=$(node_check); then
  echo "FAIL setup: this machine cannot run a Kubernetes node, so the node tests cannot run:"
  sed 's/^/      /' <<<"$why"
  echo "      (leave them out explicitly with: ctest -LE node)"
  exit 1
fi
for p in "$BUILD/controller/nauthera-controller" "$BUILD/tokenserver/nauthera-tokenserver"; do
  [[ -x "$p" ]] || { echo "FAIL setup: $p is not built (scripts/build.sh)"; exit 1; }
done
t_tools=$(now_ms)
if ! CP_BIN="$("$ROOT/scripts/k8s-tools.sh" 2>"$WORK/k8s-tools.log")" ||
   ! NODE_BIN="$("$ROOT/scripts/node-tools.sh" 2>"$WORK/node-tools.log")"; then
  echo "FAIL setup: the Kubernetes programs could not be built or installed:"
  tail -n 15 "$WORK/k8s-tools.log" "$WORK/node-tools.log" | sed 's/^/      /'
  exit 1
fi
export CP_BIN NODE_BIN PATH="$CP_BIN:$NODE_BIN:$PATH"
TOOLS_MS=$(($(now_ms) - t_tools))
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" \
  HELM_DATA_HOME="$WORK/helm/data"

NODE_STARTED=0
cleanup() {
  local rc=0
  if ((NODE_STARTED)); then
    if node_stop "$WORK/node" 2>"$WORK/teardown.log"; then
      cat "$WORK/teardown.log"
      pass "teardown ($(grep -o 'stopped in [0-9.]* s' "$WORK/teardown.log"); nothing left)"
    else
      fail teardown "the node left things behind" "$(cat "$WORK/teardown.log")"
    fi
  fi
  echo "node chart pods: $PASSED passed, $FAILED failed"
  ((FAILED == 0 && KEEP == 0)) && find "$WORK" -mindepth 1 -maxdepth 1 ! -name node -exec rm -rf {} +
  ((FAILED == 0)) || { echo "logs kept in $WORK"; rc=1; }
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_case() {  # run_case NAME: runs case_NAME, prints its time; stops at the first failure
  local t before=$FAILED; t=$(now_ms)
  "case_${1//-/_}"
  echo "  ($1: $(($(now_ms) - t)) ms)"
  ((FAILED == before)) || exit 1
}

NS=nauthera-system
REL=nauthera
ISSUER=https://auth.example.test
VERSION=$(sed -n 's/^project(nauthera .*VERSION \([0-9.]*\)).*/\1/p' "$ROOT/CMakeLists.txt")
k() { node_run kubectl "$@"; }
helm_() { node_run helm "$@"; }

case_images() {
  local out t
  t=$(now_ms)
  local report
  if ! report=$(BUILD_DIR="$BUILD" IMAGES_DIR="$WORK/images" "$ROOT/scripts/images.sh" controller tokenserver 2>&1); then
    fail images "scripts/images.sh" "$report"; return
  fi
  local built=$(($(now_ms) - t)) a
  t=$(now_ms)
  for a in controller tokenserver; do
    if ! out=$(node_ctr images import "$WORK/images/nauthera-$a-$VERSION.oci.tar" 2>&1); then
      fail images "ctr import $a" "$out"; return
    fi
  done
  local imported=$(($(now_ms) - t))
  local have; have=$(node_ctr images ls -q)
  for a in controller tokenserver; do
    grep -qx "ghcr.io/nauthera/nauthera-$a:$VERSION" <<<"$have" ||
      { fail images "ghcr.io/nauthera/nauthera-$a:$VERSION not in containerd" "$have"; return; }
  done
  local sizes
  sizes=$(sed -n 's|^images: [^ ]*/\(nauthera-[a-z]*\):[^ ]*: .* \(archive [0-9.]* MB, unpacked [0-9.]* MB\).*|\1 \2|p' <<<"$report" |
    paste -sd ';' | sed 's/;/; /g')
  pass "images (built in $built ms, imported in $imported ms; $sizes)"
}

cat >"$WORK/values.yaml" <<EOF
issuerUrl: $ISSUER
image: {registry: ghcr.io}
controller:
  image: {repository: nauthera/nauthera-controller, tag: "$VERSION", pullPolicy: Never}
tokenServer:
  image: {repository: nauthera/nauthera-tokenserver, tag: "$VERSION", pullPolicy: Never}
EOF

case_install() {
  local out t
  t=$(now_ms)
  if ! out=$(helm_ install "$REL" "$CHART" -n "$NS" --create-namespace -f "$WORK/values.yaml" \
      --wait --timeout 180s 2>&1); then
    fail install "helm install --wait" "$out
$(k get pods -n "$NS" -o wide 2>&1)
$(k get events -n "$NS" --field-selector type=Warning 2>&1 | tail -n 15)"; return
  fi
  INSTALL_MS=$(($(now_ms) - t))
  pass "install (helm install --wait $INSTALL_MS ms)"
}

# ready_pods COMPONENT: names of its Pods that are Ready and not being deleted.
ready_pods() {
  k get pods -n "$NS" -l "app.kubernetes.io/component=$1" -o json | python3 -c '
import json, sys
for p in json.load(sys.stdin)["items"]:
    if p["metadata"].get("deletionTimestamp"): continue
    c = [x for x in p["status"].get("conditions", []) if x["type"] == "Ready"]
    if c and c[0]["status"] == "True": print(p["metadata"]["name"])'
}
all_pods() { k get pods -n "$NS" -l "app.kubernetes.io/component=$1" -o jsonpath='{.items[*].metadata.name}'; }
two_and_two() {
  [[ $(ready_pods controller | wc -l) -eq 2 && $(ready_pods tokenserver | wc -l) -eq 2 &&
     $(all_pods controller | wc -w) -eq 2 && $(all_pods tokenserver | wc -w) -eq 2 ]]
}

# container_pid POD: the pid (on this machine) of the Pod's first container's main process,
# found through its cgroup below the kubelet's cgroup root.
container_pid() {
  local id d
  id=$(k get pod "$1" -n "$NS" -o jsonpath='{.status.containerStatuses[0].containerID}')
  id=${id#containerd://}
  [[ -n "$id" ]] || return 1
  d=$(find "/sys/fs/cgroup/pids$NODE_CGROUP_ROOT" -type d -name "$id" 2>/dev/null | head -n1)
  [[ -n "$d" ]] || d=$(find /sys/fs/cgroup/*"$NODE_CGROUP_ROOT" -type d -name "$id" 2>/dev/null | head -n1)
  [[ -n "$d" ]] && head -n1 "$d/cgroup.procs"
}

# confinement POD: "" when the container's process is confined as the chart asks, else why.
confinement() {
  local pid why=()
  pid=$(container_pid "$1") || { echo "no process found for $1"; return; }
  [[ -n "$pid" ]] || { echo "no process found for $1"; return; }
  grep -q $'^Uid:\t65532\t65532\t65532\t65532' "/proc/$pid/status" || why+=("uid $(grep ^Uid: "/proc/$pid/status")")
  grep -q $'^Gid:\t65532\t65532\t65532\t65532' "/proc/$pid/status" || why+=("gid $(grep ^Gid: "/proc/$pid/status")")
  grep -q $'^CapEff:\t0000000000000000' "/proc/$pid/status" || why+=("$(grep ^CapEff: "/proc/$pid/status")")
  grep -q $'^CapBnd:\t0000000000000000' "/proc/$pid/status" || why+=("$(grep ^CapBnd: "/proc/$pid/status")")
  grep -q $'^NoNewPrivs:\t1' "/proc/$pid/status" || why+=("no_new_privs not set")
  grep -q $'^Seccomp:\t2' "/proc/$pid/status" || why+=("no seccomp filter ($(grep ^Seccomp: "/proc/$pid/status"))")
  awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | grep -qE '(^|,)ro(,|$)' || why+=("root filesystem not read-only")
  # No shell in the image: nothing but the program could be exec'd there.
  [[ -e "/proc/$pid/root/bin/sh" || -e "/proc/$pid/root/usr/bin/bash" ]] && why+=("a shell in the image")
  ((${#why[@]})) && echo "$1: ${why[*]}"
}

leader() { k get lease nauthera-controller -n "$NS" -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
leader_is_current() {  # the Lease holder is one of the controller Pods now running
  local h p; h=$(leader)
  for p in $(ready_pods controller); do [[ "$h" == "$p"* ]] && return 0; done
  return 1
}
leader_pod() {
  local h p; h=$(leader)
  for p in $(ready_pods controller); do [[ "$h" == "$p"* ]] && { echo "$p"; return 0; }; done
  return 1
}

case_pods() {
  wait_for 60 two_and_two || { fail pods "not 2 + 2 Ready" "$(k get pods -n "$NS" -o wide)"; return; }
  local p problems=()
  for p in $(ready_pods controller) $(ready_pods tokenserver); do
    local w; w=$(confinement "$p"); [[ -n "$w" ]] && problems+=("$w")
  done
  ((${#problems[@]})) && { fail pods "confinement not in force" "$(printf '%s\n' "${problems[@]}")"; return; }
  if ! wait_for 30 leader_is_current; then
    fail pods "no current controller Pod holds the Lease" "holder '$(leader)'; pods: $(ready_pods controller | tr '\n' ' ')"; return
  fi
  pass "pods (2 controller + 2 token server Ready; uid/gid 65532, no capabilities, no_new_privs, seccomp, read-only root, no shell, in all 4; leader $(leader_pod))"
}

TS_IP=""
curl_svc() { node_run curl -s --max-time 5 "$@"; }
fetch_jwks() { curl_svc -f "http://$TS_IP/oauth2/jwks" >"$WORK/jwks.json"; }
get_token() {  # FILE: a client_credentials token for ci-deployer through the Service
  local id secret
  id=$(secret_field_k ci-cd ci-deployer-credentials client_id)
  secret=$(secret_field_k ci-cd ci-deployer-credentials client_secret)
  [[ -n "$id" && -n "$secret" ]] || return 1
  [[ "$(curl_svc -o "$WORK/token.json" -w '%{http_code}' -X POST "http://$TS_IP/oauth2/token" \
       -d grant_type=client_credentials -d "client_id=$id" -d "client_secret=$secret" \
       -d "scope=openid email groups")" == 200 ]] || return 1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$WORK/token.json" >"$1"
}
secret_field_k() { k get secret "$2" -n "$1" -o jsonpath="{.data.${3//./\\.}}" 2>/dev/null | base64 -d; }
verifies() {  # TOKEN_FILE: verifies against the JWKS the Service serves now
  fetch_jwks && python3 "$HERE/verify_jwt.py" "$WORK/jwks.json" "$ISSUER" <"$1"
}
# The credentials and keys a restart must keep: every <name>-credentials Secret's data and the
# signing keys.
credentials_digest() {
  {
    k get secret -A -o json | python3 -c '
import json, sys
for s in sorted(json.load(sys.stdin)["items"], key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"])):
    n = s["metadata"]["name"]
    if n.endswith("-credentials") or n == "nauthera-signing-keys":
        print(s["metadata"]["namespace"], n, json.dumps(s.get("data", {}), sort_keys=True))'
  } | tee "$WORK/credentials.$1" | sha256sum | cut -c1-16
}

case_discovery() {
  TS_IP=$(k get svc "$REL-tokenserver" -n "$NS" -o jsonpath='{.spec.clusterIP}')
  [[ -n "$TS_IP" && "$TS_IP" != None ]] || { fail discovery "no ClusterIP"; return; }
  local issuer
  issuer=$(curl_svc "http://$TS_IP/.well-known/openid-configuration" | python3 -c 'import json,sys; print(json.load(sys.stdin)["issuer"])' 2>&1)
  [[ "$issuer" == "$ISSUER" ]] || { fail discovery "discovery through $TS_IP answered issuer '$issuer'"; return; }
  fetch_jwks || { fail discovery "no JWKS through the Service"; return; }
  k apply -f "$ROOT/examples/quickstart/00-namespaces.yaml" -f "$ROOT/examples/quickstart/20-ci-deployer.yaml" \
    -f "$ROOT/examples/quickstart/30-kubectl-client.yaml" >"$WORK/apply.log" 2>&1 ||
    { fail discovery "kubectl apply quickstart" "$(cat "$WORK/apply.log")"; return; }
  if ! wait_for 30 get_token "$WORK/token0"; then
    fail discovery "no client_credentials token through the Service" "$(cat "$WORK/token.json" 2>/dev/null)"; return
  fi
  local v; v=$(verifies "$WORK/token0" 2>&1) || { fail discovery "the token does not verify" "$v"; return; }
  wait_for 30 bash -c "[[ -n \"\$(nsenter --net=/run/netns/$NODE_NETNS -- kubectl get secret kubectl-credentials -n $NS -o name 2>/dev/null)\" ]]" ||
    { fail discovery "no kubectl-credentials Secret"; return; }
  DIGEST0=$(credentials_digest 0)
  local n; n=$(wc -l <"$WORK/credentials.0")
  ((n >= 3)) || { fail discovery "expected ci-deployer-credentials, kubectl-credentials and the signing keys" "$(cut -c1-80 "$WORK/credentials.0")"; return; }
  pass "discovery (issuer $ISSUER through ClusterIP $TS_IP; JWKS; client_credentials token verified: $v; $n credential Secrets, digest $DIGEST0)"
}

case_rollout() {
  local before t out
  before=" $(all_pods controller) $(all_pods tokenserver) "
  t=$(now_ms)
  if ! out=$(helm_ upgrade "$REL" "$CHART" -n "$NS" --reuse-values \
      --set-string controller.podAnnotations.rollout="$t" --set-string tokenServer.podAnnotations.rollout="$t" \
      --wait --timeout 180s 2>&1); then
    fail rollout "helm upgrade --wait" "$out"; return
  fi
  local took=$(($(now_ms) - t)) p
  wait_for 90 two_and_two || { fail rollout "not 2 + 2 Ready after the rollout" "$(k get pods -n "$NS" -o wide)"; return; }
  for p in $(ready_pods controller) $(ready_pods tokenserver); do
    [[ "$before" == *" $p "* ]] && { fail rollout "Pod $p was not replaced"; return; }
  done
  local d; d=$(credentials_digest 1)
  [[ "$d" == "$DIGEST0" ]] || { fail rollout "credentials or keys changed" "$(diff "$WORK/credentials.0" "$WORK/credentials.1" | cut -c1-160)"; return; }
  local v; v=$(verifies "$WORK/token0" 2>&1) || { fail rollout "the token issued before no longer verifies" "$v"; return; }
  wait_for 30 get_token "$WORK/token1" || { fail rollout "no new token" "$(cat "$WORK/token.json")"; return; }
  verifies "$WORK/token1" >/dev/null 2>&1 || { fail rollout "the new token does not verify"; return; }
  wait_for 30 leader_is_current || { fail rollout "no current controller Pod holds the Lease" "holder '$(leader)'"; return; }
  pass "rollout (helm upgrade --wait $took ms; all 4 Pods replaced; credentials and keys unchanged ($d); token from before verifies; new token issued; leader $(leader_pod))"
}

case_kill() {
  local lead pid ts t
  lead=$(leader_pod) || { fail kill "no leader"; return; }
  pid=$(container_pid "$lead") || { fail kill "no process for $lead"; return; }
  local restarts0; restarts0=$(k get pod "$lead" -n "$NS" -o jsonpath='{.status.containerStatuses[0].restartCount}')
  ts=$(ready_pods tokenserver | head -n1)
  t=$(now_ms)
  kill -KILL "$pid"
  k delete pod "$ts" -n "$NS" --wait=false >/dev/null
  # The killed container restarts in place; the deleted Pod is replaced.
  wait_for 10 bash -c "! kill -0 $pid 2>/dev/null" || { fail kill "pid $pid survived SIGKILL"; return; }
  if ! wait_for 120 bash -c "[[ \$(nsenter --net=/run/netns/$NODE_NETNS -- kubectl get pod $lead -n $NS -o jsonpath='{.status.containerStatuses[0].restartCount}') -gt $restarts0 ]]"; then
    fail kill "the killed controller did not restart" "$(k get pods -n "$NS" -o wide)"; return
  fi
  wait_for 120 two_and_two || { fail kill "not 2 + 2 Ready after the kill" "$(k get pods -n "$NS" -o wide)"; return; }
  ! ready_pods tokenserver | grep -qx "$ts" || { fail kill "deleted Pod $ts still there"; return; }
  local back=$(($(now_ms) - t))
  local d; d=$(credentials_digest 2)
  [[ "$d" == "$DIGEST0" ]] || { fail kill "credentials or keys changed" "$(diff "$WORK/credentials.0" "$WORK/credentials.2" | cut -c1-160)"; return; }
  local v; v=$(verifies "$WORK/token0" 2>&1) || { fail kill "the token issued first no longer verifies" "$v"; return; }
  wait_for 30 get_token "$WORK/token2" || { fail kill "no new token" "$(cat "$WORK/token.json")"; return; }
  verifies "$WORK/token2" >/dev/null 2>&1 || { fail kill "the new token does not verify"; return; }
  wait_for 30 leader_is_current || { fail kill "no current controller Pod holds the Lease" "holder '$(leader)'"; return; }
  pass "kill (leader $lead SIGKILLed and restarted, token server $ts deleted and replaced: 2 + 2 Ready in $back ms; credentials and keys unchanged; first token verifies; new token issued; leader $(leader_pod))"
}

# dns-late: the issue's worst order. New token-server Pods start while every DNS packet to the
# node's CoreDNS is dropped (as for a DNS Service that does not exist yet); DNS comes back
# after DNS_OUTAGE_S; the first new Pod must be Ready within DNS_BOUND_S (its readiness probe
# runs every 5 s). Before the fix in tokenserver/state/state_channel.h gRPC's resolver kept
# such Pods unready for minutes.
DNS_OUTAGE_S=40
DNS_BOUND_S=15
dns_rules() {  # -I | -D
  node_run iptables "$1" INPUT -d "$NODE_IP" -p udp --dport 53 -j DROP &&
    node_run iptables "$1" INPUT -d "$NODE_IP" -p tcp --dport 53 -j DROP
}
new_ready_tokenserver() {  # a Ready token server Pod not in $OLD_TS
  local p
  for p in $(ready_pods tokenserver); do [[ "$OLD_TS" == *" $p "* ]] || return 0; done
  return 1
}
case_dns_late() {
  OLD_TS=" $(all_pods tokenserver) "
  dns_rules -I || { fail dns-late "iptables"; return; }
  k rollout restart "deployment/$REL-tokenserver" -n "$NS" >/dev/null
  local t; t=$(now_ms)
  while (($(now_ms) - t < DNS_OUTAGE_S * 1000)); do
    if new_ready_tokenserver; then dns_rules -D; fail dns-late "a new token server got Ready with no DNS"; return; fi
    sleep 1
  done
  local started; started=$(k get pods -n "$NS" -l app.kubernetes.io/component=tokenserver -o name | wc -l)
  ((started > 2)) || { dns_rules -D; fail dns-late "no new token server Pod started during the outage" "$(k get pods -n "$NS" -o wide)"; return; }
  t=$(now_ms)
  dns_rules -D
  if ! wait_for 180 new_ready_tokenserver; then
    fail dns-late "no new token server Ready within 180 s of DNS coming back" "$(k get pods -n "$NS" -o wide)"; return
  fi
  local lag=$(($(now_ms) - t))
  node_run kubectl rollout status "deployment/$REL-tokenserver" -n "$NS" --timeout=120s >/dev/null ||
    { fail dns-late "the rollout did not finish"; return; }
  if ((lag > DNS_BOUND_S * 1000)); then
    fail dns-late "the first new token server was Ready $lag ms after DNS came back (bound ${DNS_BOUND_S} s)"; return
  fi
  wait_for 30 get_token "$WORK/token3" && verifies "$WORK/token3" >/dev/null 2>&1 ||
    { fail dns-late "no verified token after the rollout"; return; }
  pass "dns-late (new token servers started with DNS dropped for ${DNS_OUTAGE_S} s: the first was Ready $lag ms after DNS came back, bound ${DNS_BOUND_S} s; rollout finished; token issued)"
}

t0=$(now_ms)
if ! node_start "$WORK/node" 2>"$WORK/node-start.log"; then
  NODE_STARTED=1
  fail node "the node did not start" "$(cat "$WORK/node-start.log")"; exit 1
fi
NODE_STARTED=1
tail -n 1 "$WORK/node-start.log"
pass "node (Ready in $(_node_secs "$NODE_SETUP_MS") s; tools $((TOOLS_MS / 1000)) s)"
for c in images install pods discovery rollout kill dns-late; do
  run_case "$c"
done
echo "whole test $(( ($(now_ms) - t0) / 1000 )) s"
