#!/usr/bin/env bash
# The kubectl guide (docs/kubectl-guide.md), followed word for word on a real control plane:
# etcd + kube-apiserver + kube-controller-manager (tests/cluster/control_plane.sh), the real
# nauthera-controller and nauthera-tokenserver (HTTPS, a test CA) as local processes, the real
# kubectl and kubelogin (linked as kubectl-oidc_login), and headless Chromium as the user's
# browser. The guide's own code blocks are what runs: they are cut out of the guide
# (guide_blocks.py), with https://auth.example.com replaced by the test's issuer, so a change
# in the guide changes (or breaks) the test. When ../shared/guides/kubectl.md (the seed
# guide) is there, every block of it must appear verbatim in docs/kubectl-guide.md.
#
# What an administrator and the users do, in this order (the client id kube-apiserver needs
# comes from the OidcClient, whose Secret the controller writes once Nauthera runs):
#   install   `helm lint` + `helm install` of charts/nauthera; no kubelet runs, so the
#             controller and the token server run here with the args and env of the chart's
#             Deployments, tokens of the chart's ServiceAccounts (`kubectl create token`: the
#             chart's RBAC is what is tested) and the chart's mTLS certificates; the token
#             server serves HTTPS with a test CA; NautheraUsers alice (developers) and bob
#             (viewers) with argon2id hashes from nauthera-hash-password
#   Option A  the guide's OidcClient; CLIENT_ID read as the guide reads it
#   Step 1    kube-apiserver restarted with the guide's flags (+ --oidc-ca-file) — first with
#             a trailing slash on the issuer (troubleshooting rows 1 and 6), then exactly
#   Step 2    the guide's RBAC bindings (+ the clusterrole-aggregation controller, which
#             fills `edit` and `view`)
#   kubelogin the guide's Go install line (must fail as the guide's note says) and the note's
#             working one, offline from the Go module cache; its result is the plugin used
#   Option A  set-credentials / set-context / kubectl get pods as the guide says; the browser
#             is opened by kubelogin through xdg-open (our shim starts headless Chromium and
#             counts the openings); token cache removal → new login; a 15 s ID token →
#             refresh without a browser
#   Option B  the guide's NautheraServiceAccount, curl + jq, kubectl --token, the
#             ClusterRoleBinding by username, the kubeconfig variant, the GitHub Actions steps
#   rows      the troubleshooting table's rows: issuer mismatch, wrong prefix, port conflict,
#             no refresh_token grant, CI token without a binding
#   rotation  two forced signing-key rotations (the guide's annotate command) while kubectl
#             calls run without a pause (rotation.sh)
#   structured docs/kube-apiserver.md's --authentication-config example instead of the flags
# Prints PASS/FAIL per check with timings and a timing summary; exit 0 only if all pass,
# 77 (ctest SKIP) when the Kubernetes programs cannot be built here.
#
# Usage: guide_test.sh --build-dir DIR [--work-dir DIR] [--keep]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GUIDE="$ROOT/docs/kubectl-guide.md"
SEED_GUIDE="$ROOT/../shared/guides/kubectl.md"
BUILD=""
WORK=""
KEEP=0
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
CONTROLLER="$BUILD/controller/nauthera-controller"
TOKENSERVER="$BUILD/tokenserver/nauthera-tokenserver"
HASH_PASSWORD="$BUILD/controller/nauthera-hash-password"
for p in "$CONTROLLER" "$TOKENSERVER" "$HASH_PASSWORD"; do
  [[ -x "$p" ]] || { echo "FAIL setup: missing $p (build it first)"; exit 1; }
done
for tool in curl jq node python3 openssl base64 setsid; do
  command -v "$tool" >/dev/null || { echo "FAIL setup: $tool is not installed (scripts/install-deps.sh)"; exit 1; }
done
NODE_MODULES="$ROOT/tests/integration/node_modules"
[[ -d "$NODE_MODULES/playwright-core" ]] ||
  { echo "FAIL setup: npm playwright-core missing in tests/integration/node_modules (scripts/install-deps.sh)"; exit 1; }
[[ -x /usr/bin/chromium ]] || { echo "FAIL setup: /usr/bin/chromium missing (scripts/install-deps.sh)"; exit 1; }
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL setup: python3-yaml missing (scripts/install-deps.sh)"; exit 1; }

[[ -n "$WORK" ]] || WORK="$(mktemp -d "${TMPDIR:-/tmp}/nauthera-e2e.XXXXXX")"
rm -rf "$WORK"; mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
LOGS="$WORK/logs"; mkdir -p "$LOGS"

# shellcheck source=../cluster/control_plane.sh
source "$ROOT/tests/cluster/control_plane.sh"

# ---------------------------------------------------------------------------------------
# Reporting

# pass, fail, wait_for, now_ms and free_port: scripts/lib/common.sh (through control_plane.sh);
# kubectl and the browser flows are polled every 0.2 s.
PASSED=0; FAILED=0; FAILURES=()
WAIT_FOR_INTERVAL=0.2
T_START=$(now_ms)
secs() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }
# die NAME WHY [DETAIL]: a failure the rest cannot run without.
die() { fail "$@"; FINISHED=1; echo "guide_test: stopping; logs in $WORK"; exit 1; }
TIMINGS=()
PHASE_T=$(now_ms); PHASE=""
phase() {
  local t; t=$(now_ms)
  [[ -n "$PHASE" ]] && TIMINGS+=("$(printf '%-34s %6s s' "$PHASE" "$(secs $((t - PHASE_T)))")")
  PHASE="$1"; PHASE_T=$t
  [[ -n "$1" ]] && echo "== $1 (at $(secs $((t - T_START))) s)"
}
jwt_payload() {  # TOKEN: the decoded JSON payload
  local part; part=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
  while ((${#part} % 4)); do part+="="; done
  base64 -d <<<"$part" 2>/dev/null
}

PIDS=()
KEEPERS=()
FINISHED=0
cleanup() {
  local pid rc=$?
  ((FINISHED)) || { echo "FAIL guide_test stopped early (exit $rc)"; FAILED=$((FAILED + 1)); }
  phase ""
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for pid in "${KEEPERS[@]}"; do _cp_kill_group extra "$pid"; done
  cp_stop "$WORK/cp"
  echo "timings:"
  printf '  %s\n' "${TIMINGS[@]}"
  echo "  total                              $(secs $(($(now_ms) - T_START))) s"
  echo "guide_test: $PASSED passed, $FAILED failed"
  if ((FAILED == 0 && KEEP == 0)); then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
# The guide's blocks

phase "guide blocks"
block() {  # HEADING [N]: the block, with the example issuer replaced by ours
  python3 "$HERE/guide_blocks.py" block "$GUIDE" "$@" | sed "s|https://auth.example.com|$ISSUER|g"
}
if [[ -f "$SEED_GUIDE" ]]; then
  if out=$(python3 "$HERE/guide_blocks.py" contains "$GUIDE" "$SEED_GUIDE" 2>&1); then
    pass "guide-blocks (every code block of the seed guide is verbatim in docs/kubectl-guide.md)"
  else
    fail guide-blocks "docs/kubectl-guide.md lost or changed blocks of $SEED_GUIDE" "$out"
  fi
else
  echo "     (no seed guide at $SEED_GUIDE; testing docs/kubectl-guide.md alone)"
fi

# ---------------------------------------------------------------------------------------
# Identities: who runs a command. Each has its own HOME, so ~/.kube/config and
# ~/.kube/cache/oidc-login/ are the literal paths the guide names.

TS_PORT=$(free_port)
ISSUER="https://127.0.0.1:$TS_PORT"
BIN="$WORK/bin"; mkdir -p "$BIN"
GUIDE_DIR="$WORK/guide"; mkdir -p "$GUIDE_DIR"   # where the guide's files are written
BROWSER_LOG="$WORK/browser-openings.log"; : >"$BROWSER_LOG"
for who in admin alice bob ci; do mkdir -p "$WORK/home/$who"; done
ALICE_PASSWORD="alice-$(openssl rand -hex 12)"
BOB_PASSWORD="bob-$(openssl rand -hex 12)"

# The user's browser. kubelogin opens URLs with xdg-open (github.com/pkg/browser) when no
# --browser-command is given, so the guide's kubeconfig is used unchanged.
cat >"$BIN/xdg-open" <<EOF
#!/usr/bin/env bash
echo "\$(date +%s.%3N) \$E2E_LOGIN_USER \$1" >>"$BROWSER_LOG"
exec node "$HERE/browser-login.mjs" "\$1" 2>>"$LOGS/browser.log"
EOF
chmod +x "$BIN/xdg-open"
openings() { wc -l <"$BROWSER_LOG" | tr -d ' '; }

AS_TAG=main  # a background loop sets its own, so that output files do not mix
# as WHO CMD...: runs CMD as WHO (admin: the cluster's admin kubeconfig; alice, bob, ci:
# their own HOME and ~/.kube/config); stdout in $OUT, stderr in $ERR, status in $RC.
as() {
  local who="$1"; shift
  local -a env=(HOME="$WORK/home/$who" PATH="$BIN:$WORK/gopath/bin:$CP_BIN:$PATH"
    SSL_CERT_FILE="$ISSUER_CA" CURL_CA_BUNDLE="$ISSUER_CA"
    E2E_ISSUER="$ISSUER" E2E_ISSUER_SPKI="$ISSUER_SPKI" E2E_ARTIFACTS="$WORK/artifacts"
    E2E_NODE_MODULES="$NODE_MODULES")
  case "$who" in
    admin) env+=(KUBECONFIG="$ADMIN_KUBECONFIG") ;;
    alice) env+=(E2E_LOGIN_USER=alice E2E_LOGIN_PASSWORD="$ALICE_PASSWORD") ;;
    bob) env+=(E2E_LOGIN_USER=bob E2E_LOGIN_PASSWORD="$BOB_PASSWORD") ;;
  esac
  # A bound on every command: kubelogin waits 180 s for a browser that never comes back.
  (cd "$GUIDE_DIR" && timeout 120 env -u KUBECONFIG "${env[@]}" "$@") >"$WORK/out.$AS_TAG" 2>"$WORK/err.$AS_TAG"
  RC=$?
  OUT=$(cat "$WORK/out.$AS_TAG"); ERR=$(cat "$WORK/err.$AS_TAG")
}
# guide WHO SCRIPT: runs shell text (a guide block) as WHO, in the guide's folder.
guide() { as "$1" bash -o pipefail -c "$2"; }
# guide_var WHO VAR SCRIPT: like guide, and then $VAR as the script left it is in $VALUE.
guide_var() {
  rm -f "$WORK/var.$AS_TAG"
  guide "$1" "$3"$'\n'"printf %s \"\$$2\" >'$WORK/var.$AS_TAG'"
  VALUE=$(cat "$WORK/var.$AS_TAG" 2>/dev/null)
}
kadm() { KUBECONFIG="$ADMIN_KUBECONFIG" "$CP_BIN/kubectl" "$@"; }
outputs() { printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$OUT" "$ERR"; }

# ---------------------------------------------------------------------------------------
# The Kubernetes programs and the control plane (no OIDC yet: the admin's existing cluster)

phase "control plane"
if ! CP_BIN="$("$ROOT/scripts/k8s-tools.sh" 2>"$LOGS/k8s-tools.log")" || [[ -z "$CP_BIN" ]]; then
  echo "SKIP: the Kubernetes programs could not be built; scripts/k8s-tools.sh said:"
  tail -n 15 "$LOGS/k8s-tools.log" | sed 's/^/      /'
  trap - EXIT; rm -rf "$WORK"; exit 77
fi
export CP_BIN
for p in kubectl kubectl-oidc_login helm; do
  [[ -x "$CP_BIN/$p" ]] || die setup "$CP_BIN/$p missing (scripts/k8s-tools.sh)"
done
cp_start "$WORK/cp" || die control-plane "did not start"
ADMIN_KUBECONFIG="$KUBECONFIG"
unset KUBECONFIG
disown -a  # the fixture's processes are stopped by process group, not as this shell's jobs
# The fixture runs three of kube-controller-manager's controllers; the guide's roleRefs `edit`
# and `view` are aggregated ClusterRoles, empty until the clusterrole-aggregation controller
# fills them (every real cluster runs it).
_cp_spawn aggregation "$LOGS/clusterrole-aggregation.log" "$CP_BIN/kube-controller-manager" \
  --kubeconfig="$ADMIN_KUBECONFIG" --controllers=clusterrole-aggregation-controller \
  --leader-elect=false --bind-address=127.0.0.1 --secure-port=0 || die control-plane "clusterrole-aggregation"
disown -a
KEEPERS=("$CP_PGID_aggregation")  # process groups this script stops (see cleanup)
# If this script dies without its cleanup (SIGKILL, a ctest timeout), a watchdog stops what
# it started; the fixture's own watchdog stops the control plane.
: >"$WORK/started.pids"; echo "-$CP_PGID_aggregation" >>"$WORK/started.pids"
setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
  while read -r p; do kill -TERM -- "$p" 2>/dev/null; done <"$2"' _ "$$" "$WORK/started.pids" \
  </dev/null >/dev/null 2>&1 &
disown -a
edit_aggregated() { [[ "$(kadm get clusterrole edit view -o jsonpath='{range .items[*]}{.rules[0].verbs[0]}{","}{end}')" =~ ^[a-z]+,[a-z]+,$ ]]; }
mapfile -d '' APISERVER_ARGV <"/proc/$CP_PGID_apiserver/cmdline"
echo "     kube-apiserver $CP_APISERVER_URL; setup $(secs "$CP_SETUP_ALL_MS") s"

# apiserver_configure FLAG...: what an administrator does to change kube-apiserver's flags
# (kubeadm: edit the static Pod manifest): stop it, start it with the original flags plus
# these, same port, same etcd (so every object stays), wait for /readyz.
APISERVER_RESTARTS=0
apiserver_configure() {
  local pgid t0 deadline
  t0=$(now_ms)
  pgid=$(sed -n 's/^CP_PGID_apiserver=//p' "$CP_WORKDIR/cp.env" | tail -n 1)
  kill -TERM -- "-$pgid" 2>/dev/null
  for ((i = 0; i < 20; i++)); do _cp_alive "$pgid" || break; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do _cp_alive "$pgid" || break; sleep 0.1; done
  APISERVER_RESTARTS=$((APISERVER_RESTARTS + 1))
  cp "$CP_WORKDIR/apiserver.log" "$LOGS/apiserver.$APISERVER_RESTARTS.log"
  printf '%s\n' "$@" >"$LOGS/apiserver.$((APISERVER_RESTARTS + 1)).flags"
  _cp_spawn apiserver "$CP_WORKDIR/apiserver.log" "${APISERVER_ARGV[@]}" "$@" || return 1
  disown -a
  deadline=$(($(now_ms) + 60000))
  CP_READY_TIMEOUT=60 _cp_wait_url apiserver "$CP_PGID_apiserver" "$deadline" \
    "$CP_APISERVER_URL/readyz" --cacert "$CP_CA_FILE" \
    --cert "$CP_WORKDIR/pki/admin.crt" --key "$CP_WORKDIR/pki/admin.key" || return 1
  echo "     kube-apiserver restarted with new flags, ready in $(secs $(($(now_ms) - t0))) s"
}

# ---------------------------------------------------------------------------------------
# Install Nauthera: the issuer's certificate, CRDs, the controller's identity, the programs

phase "helm lint + install"
PKI="$WORK/issuer-pki"; mkdir -p "$PKI"
(
  set -e; cd "$PKI"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 -subj "/CN=nauthera-e2e-issuer-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req "${ec[@]}" -keyout tls.key -out tls.csr -subj "/CN=nauthera-tokenserver"
  printf '%s\n' "subjectAltName=IP:127.0.0.1" "extendedKeyUsage=serverAuth" \
    "keyUsage=critical,digitalSignature" >tls.ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 2 -extfile tls.ext
) >"$LOGS/issuer-pki.log" 2>&1 || die issuer-pki "openssl failed" "$(cat "$LOGS/issuer-pki.log")"
ISSUER_CA="$PKI/ca.crt"
ISSUER_SPKI=$(openssl x509 -in "$PKI/tls.crt" -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)

CHART="$ROOT/charts/nauthera"
[[ -f "$CHART/Chart.yaml" && -d "$CHART/templates" ]] || die helm "no chart at $CHART"
HELM_SET=(--set issuerUrl="$ISSUER"
  # The token servers serve HTTPS themselves with the issuer's certificate (a TLS Secret).
  --set tokenServer.tls.mode=secret --set tokenServer.tls.secretName=nauthera-issuer-tls
  # The controller runs as a local process here: its mTLS certificate names 127.0.0.1 too.
  --set 'mtls.extraIpAddresses={127.0.0.1}'
  # A short JWKS max-age, so kube-apiserver sees a new signing key soon (rotation below).
  --set controller.jwksMaxAge=2 --set controller.leaderElection.leaseDuration=5s)
ROTATION=0
if "$CONTROLLER" --help 2>&1 | grep -q -- '--key-rotation-period'; then
  ROTATION=1
  # Rotation on demand only (the annotation); a new key is published 2 x max-age (and more)
  # before it signs; a retired key stays published while tokens it signed may be in use.
  HELM_SET+=(--set-string controller.keyRotation.period=0 --set-string controller.keyRotation.publishAhead=6s
    --set-string controller.keyRotation.retiredOverlap=30m)
fi
if "$CP_BIN/helm" lint "$CHART" "${HELM_SET[@]}" >"$LOGS/helm-lint.log" 2>&1; then
  pass "helm-lint ($(grep -m1 'chart(s) linted' "$LOGS/helm-lint.log"))"
else
  fail helm-lint "helm lint failed" "$(cat "$LOGS/helm-lint.log")"
fi
kadm create namespace nauthera-system >/dev/null
kadm create secret tls nauthera-issuer-tls -n nauthera-system --cert="$PKI/tls.crt" --key="$PKI/tls.key" >/dev/null
t=$(now_ms)
KUBECONFIG="$ADMIN_KUBECONFIG" "$CP_BIN/helm" install nauthera "$CHART" -n nauthera-system \
  "${HELM_SET[@]}" >"$LOGS/helm-install.log" 2>&1 || die helm "helm install failed" "$(cat "$LOGS/helm-install.log")"
HELM_MS=$(($(now_ms) - t))
kadm wait --for=condition=Established crd -l app.kubernetes.io/part-of=nauthera --timeout=60s >/dev/null ||
  die helm "the chart's CRDs are not Established"
# NOTES print Step 1's flags for this install: the same lines as the guide's Step 1.
notes_flags=$(sed -n 's/^ *\(--oidc-[a-z-]*=.*\)$/\1/p' "$LOGS/helm-install.log")
guide_flags=$(python3 "$HERE/guide_blocks.py" block "$GUIDE" "Step 1 — Configure the API server" |
  sed -e "s|https://auth.example.com|$ISSUER|" -e 's|<client-id>|$CLIENT_ID|')
if [[ "$notes_flags" == "$guide_flags" ]]; then
  pass "helm-install (helm install in $(secs $HELM_MS) s; NOTES print the guide's Step 1 flags for $ISSUER)"
else
  fail helm-install "NOTES' flags differ from the guide's Step 1" "NOTES:"$'\n'"$notes_flags"$'\n'"guide:"$'\n'"$guide_flags"
fi

# No kubelet runs the chart's Pods: its programs run here as local processes, with the
# arguments and literal environment of the chart's Deployments, under the chart's
# ServiceAccounts (`kubectl create token`) and with the chart's mTLS certificates; only
# addresses and file paths are mapped.
MANIFEST="$WORK/chart-manifest.yaml"
KUBECONFIG="$ADMIN_KUBECONFIG" "$CP_BIN/helm" get manifest nauthera -n nauthera-system >"$MANIFEST"
deployment_args() {  # NAME: the container args of the chart's Deployment NAME, one a line
  python3 -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "Deployment" and d["metadata"]["name"] == sys.argv[2]:
        print("\n".join(d["spec"]["template"]["spec"]["containers"][0]["args"]))' "$MANIFEST" "$1"
}
deployment_env() {  # NAME: NAME=VALUE for each env entry with a literal value (no fieldRef)
  python3 -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "Deployment" and d["metadata"]["name"] == sys.argv[2]:
        for e in d["spec"]["template"]["spec"]["containers"][0].get("env", []):
            if "value" in e:
                print(e["name"] + "=" + str(e["value"]))' "$MANIFEST" "$1"
}
secret_file() {  # SECRET KEY FILE
  kadm get secret "$1" -n nauthera-system -o jsonpath="{.data.${2//./\\.}}" | base64 -d >"$3"
  [[ -s "$3" ]]
}
sa_kubeconfig() {  # SA FILE: a kubeconfig holding a `kubectl create token` of the chart's SA
  local token
  token=$(kadm create token "$1" -n nauthera-system --duration=2h) || return 1
  {
    KUBECONFIG="$2" "$CP_BIN/kubectl" config set-cluster c --server="$CP_APISERVER_URL" \
      --certificate-authority="$CP_CA_FILE" --embed-certs=true
    KUBECONFIG="$2" "$CP_BIN/kubectl" config set-credentials c --token="$token"
    KUBECONFIG="$2" "$CP_BIN/kubectl" config set-context c --cluster=c --user=c --namespace=nauthera-system
    KUBECONFIG="$2" "$CP_BIN/kubectl" config use-context c
  } >/dev/null
}
MTLS="$WORK/mtls"; mkdir -p "$MTLS/controller" "$MTLS/tokenserver" "$MTLS/https"
for k in tls.crt tls.key ca.crt; do
  secret_file nauthera-controller-tls "$k" "$MTLS/controller/$k" || die helm "Secret nauthera-controller-tls has no $k"
  secret_file nauthera-tokenserver-tls "$k" "$MTLS/tokenserver/$k" || die helm "Secret nauthera-tokenserver-tls has no $k"
done
secret_file nauthera-issuer-tls tls.crt "$MTLS/https/tls.crt"; secret_file nauthera-issuer-tls tls.key "$MTLS/https/tls.key"
sa_kubeconfig nauthera-controller "$WORK/controller.kubeconfig" || die helm "no token for ServiceAccount nauthera-controller"
GRPC_PORT=$(free_port); CTRL_HTTP_PORT=$(free_port); CTRL_METRICS_PORT=$(free_port)
mapfile -t CONTROLLER_ARGS < <(deployment_args nauthera-controller | sed \
  -e "s|^--in-cluster$|--kubeconfig=$WORK/controller.kubeconfig|" \
  -e "s|^--metrics-listen=.*|--metrics-listen=http://127.0.0.1:$CTRL_METRICS_PORT|" \
  -e "s|^--grpc-listen=.*|--grpc-listen=127.0.0.1:$GRPC_PORT|" \
  -e "s|^--http-listen=.*|--http-listen=http://127.0.0.1:$CTRL_HTTP_PORT|" \
  -e "s|^--state-dir=.*|--state-dir=$WORK/controller-state|" \
  -e "s|/etc/nauthera/grpc/|$MTLS/controller/|")
mapfile -t TOKENSERVER_ARGS < <(deployment_args nauthera-tokenserver | sed \
  -e "s|^--controller=.*|--controller=127.0.0.1:$GRPC_PORT|" \
  -e "s|^--listen=https://0.0.0.0:.*|--listen=$ISSUER|" \
  -e "s|^--node-id=.*|--node-id=e2e-tokenserver|" \
  -e "s|/etc/nauthera/grpc/|$MTLS/tokenserver/|" -e "s|/etc/nauthera/https/|$MTLS/https/|")
((${#CONTROLLER_ARGS[@]} > 5 && ${#TOKENSERVER_ARGS[@]} > 3)) || die helm "no Deployment args in the chart's manifest"
printf '%s\n' "${CONTROLLER_ARGS[@]}" >"$LOGS/controller.args"
printf '%s\n' "${TOKENSERVER_ARGS[@]}" >"$LOGS/tokenserver.args"
mapfile -t CONTROLLER_ENV < <(deployment_env nauthera-controller)
mapfile -t TOKENSERVER_ENV < <(deployment_env nauthera-tokenserver)
printf '%s\n' "${CONTROLLER_ENV[@]}" >"$LOGS/controller.env"
printf '%s\n' "${TOKENSERVER_ENV[@]}" >"$LOGS/tokenserver.env"
env "${CONTROLLER_ENV[@]}" "$CONTROLLER" "${CONTROLLER_ARGS[@]}" >"$LOGS/controller.log" 2>&1 &
CONTROLLER_PID=$!; PIDS+=("$CONTROLLER_PID"); echo "$CONTROLLER_PID" >>"$WORK/started.pids"
wait_for 30 curl -sf "http://127.0.0.1:$CTRL_HTTP_PORT/readyz" ||
  die install "controller not ready in 30 s" "$(tail -n 20 "$LOGS/controller.log")"
env "${TOKENSERVER_ENV[@]}" "$TOKENSERVER" "${TOKENSERVER_ARGS[@]}" >"$LOGS/tokenserver.log" 2>&1 &
TS_PID=$!; PIDS+=("$TS_PID"); echo "$TS_PID" >>"$WORK/started.pids"
wait_for 30 curl -sf --cacert "$ISSUER_CA" "$ISSUER/readyz" ||
  die install "token server not ready in 30 s" "$(tail -n 20 "$LOGS/tokenserver.log")"
disc_issuer=$(curl -s --cacert "$ISSUER_CA" "$ISSUER/.well-known/openid-configuration" | jq -r .issuer)
[[ "$disc_issuer" == "$ISSUER" ]] || die install "discovery says issuer '$disc_issuer', want '$ISSUER'"

# People: argon2id hashes from nauthera-hash-password, random passwords.
for u in alice:developers bob:viewers; do
  name=${u%%:*}; group=${u#*:}
  pw_var="${name^^}_PASSWORD"
  printf %s "${!pw_var}" | "$HASH_PASSWORD" --secret="$name-password" | kadm apply -f - >/dev/null ||
    die install "password Secret of $name"
  kadm apply -f - >/dev/null <<EOF2 || die install "NautheraUser $name"
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata:
  name: $name
spec:
  username: $name
  email: $name@example.com
  displayName: ${name^} Example
  groups: [$group]
  passwordSecretRef:
    name: $name-password
    namespace: nauthera-system
    key: password
EOF2
done
pass "install (controller and token server with the chart's args, ServiceAccount tokens and mTLS certificates; HTTPS issuer $ISSUER with a test CA; discovery's issuer matches)"

# ---------------------------------------------------------------------------------------
# Option A, first part: the OidcClient, and CLIENT_ID exactly as the guide reads it

phase "OidcClient + CLIENT_ID"
block "Create an OidcClient" 1 >"$GUIDE_DIR/kubectl-oidc-client.yaml"
# The guide's command block, as written. The Secret appears once the controller has
# reconciled the client (milliseconds): if the block ran faster than that, CLIENT_ID is empty,
# and the administrator runs it again.
guide_var admin CLIENT_ID "$(block "Create an OidcClient" 2)"
FIRST_TRY="first try"
if [[ $RC -ne 0 || ! "$VALUE" =~ ^[0-9a-f]{16,}$ ]]; then
  FIRST_TRY="second try"
  wait_for 20 kadm get secret kubectl-credentials -n nauthera-system ||
    die oidcclient "no Secret kubectl-credentials" "$(outputs)"$'\n'"$(kadm get oidcclient kubectl -n nauthera-system -o yaml)"
  guide_var admin CLIENT_ID "$(block "Create an OidcClient" 2)"
fi
CLIENT_ID="$VALUE"
[[ $RC -eq 0 && "$CLIENT_ID" =~ ^[0-9a-f]{16,}$ ]] || die oidcclient "the guide's commands gave no client id" "$(outputs)"
client_ready() {
  [[ "$(kadm get oidcclient kubectl -n nauthera-system -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}
wait_for 20 client_ready || die oidcclient "OidcClient kubectl is not Ready" \
  "$(kadm get oidcclient kubectl -n nauthera-system -o jsonpath='{.status.conditions}')"
pass "oidcclient (kubectl apply -f kubectl-oidc-client.yaml; CLIENT_ID=$CLIENT_ID from Secret kubectl-credentials, $FIRST_TRY)"

# ---------------------------------------------------------------------------------------
# Step 1 — kube-apiserver with the guide's flags

# step1_flags ISSUER_URL: the guide's Step 1 lines as arguments (shell words: the quotes
# around "oidc:" are the shell's), <client-id> filled in, plus --oidc-ca-file for our test CA.
step1_flags() {
  python3 "$HERE/guide_blocks.py" block "$GUIDE" "Step 1 — Configure the API server" |
    sed -e "s|https://auth.example.com|$1|g" -e "s|<client-id>|$CLIENT_ID|g" |
    python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.stdin.read())))'
  echo "--oidc-ca-file=$ISSUER_CA"
}

phase "Step 1 with a trailing slash"
# Troubleshooting rows 1 and 6: the issuer flag one character off (a trailing slash).
mapfile -t WRONG_FLAGS < <(step1_flags "$ISSUER/")
apiserver_configure "${WRONG_FLAGS[@]}" || die step1 "kube-apiserver did not start with the flags"

# ---------------------------------------------------------------------------------------
# Step 2 — RBAC, the namespaces the guide uses

phase "Step 2 RBAC"
kadm create namespace my-app >/dev/null; kadm create namespace ci-cd >/dev/null
block "Step 2 — Create Kubernetes RBAC bindings" >"$GUIDE_DIR/rbac.yaml"
wait_for 30 edit_aggregated || die step2 "ClusterRoles edit and view were not aggregated" "$(kadm get clusterrole edit view -o yaml | head -40)"
if kadm apply -f "$GUIDE_DIR/rbac.yaml" >"$WORK/out" 2>&1; then
  pass "step2 ($(tr '\n' ';' <"$WORK/out"))"
else
  die step2 "the guide's RBAC does not apply" "$(cat "$WORK/out")"
fi

# ---------------------------------------------------------------------------------------
# Install kubelogin: the Go way, offline (the Go module cache scripts/k8s-tools.sh filled
# serves as the module proxy). Homebrew and Krew cannot be tried here.

phase "install kubelogin (go)"
TOOLS_CACHE="$(dirname "$CP_BIN")"
GOPATH_DIR="$WORK/gopath"
if command -v go >/dev/null && [[ -d "$TOOLS_CACHE/gomodcache/cache/download/github.com/int128/kubelogin" ]]; then
  go_env=(env GOTOOLCHAIN=local GOPROXY="file://$TOOLS_CACHE/gomodcache/cache/download" GOSUMDB=off
    GOMODCACHE="$TOOLS_CACHE/gomodcache" GOCACHE="$TOOLS_CACHE/gocache" GOPATH="$GOPATH_DIR"
    GOFLAGS="-trimpath -ldflags=-s -ldflags=-w -p=2")
  seed_go=$(block "Install kubelogin" 1 | grep '^go install')
  as admin "${go_env[@]}" bash -c "$seed_go"
  if [[ $RC -ne 0 && "$ERR" == *"does not contain package github.com/int128/kubelogin/cmd/kubelogin"* ]]; then
    pass "kubelogin-go-seed (the original guide's '$seed_go' fails as docs/kubectl-guide.md says: $(tail -n1 <<<"$ERR"))"
  else
    fail kubelogin-go-seed "the original Go line no longer fails as the guide's note says: update the note" "$(outputs)"
  fi
  t=$(now_ms)
  as admin "${go_env[@]}" bash -o pipefail -c "$(block "Install kubelogin" 2)"
  if [[ $RC -eq 0 && -x "$GOPATH_DIR/bin/kubectl-oidc_login" ]]; then
    pass "kubelogin-go (the guide's go install + ln: $GOPATH_DIR/bin/kubectl-oidc_login, $(secs $(($(now_ms) - t))) s; it is the kubelogin used below)"
  else
    fail kubelogin-go "the guide's Go install of kubelogin failed" "$(outputs)"
  fi
else
  echo "     (no go or no kubelogin in the Go module cache: using $CP_BIN/kubectl-oidc_login)"
fi

# ---------------------------------------------------------------------------------------
# Option A — kubeconfig as the guide writes it

phase "Option A kubeconfig"
# The cluster entry the guide's --cluster=my-cluster names (the user's existing kubeconfig).
for who in alice bob ci; do
  as "$who" kubectl config set-cluster my-cluster --server="$CP_APISERVER_URL" \
    --certificate-authority="$CP_CA_FILE" --embed-certs=true
done
# The CI runner's kubeconfig: the cluster, no user (the guide passes --token).
as ci kubectl config set-context my-cluster --cluster=my-cluster
as ci kubectl config use-context my-cluster
for who in alice bob; do
  guide "$who" "export CLIENT_ID='$CLIENT_ID'"$'\n'"$(block "Configure kubeconfig" 1)"
  [[ $RC -eq 0 ]] || die kubeconfig "the guide's set-credentials failed for $who" "$(outputs)"
  guide "$who" "$(block "Set the context" 1)"
  [[ $RC -eq 0 ]] || die kubeconfig "the guide's set-context/use-context failed for $who" "$(outputs)"
done
# The "edit ~/.kube/config directly" variant describes the same user entry.
as alice kubectl config view -o json
want=$(block "Configure kubeconfig" 2 | sed "s|<your-client-id>|$CLIENT_ID|" |
  python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)["users"], sort_keys=True))')
got=$(jq -S -c '[.users[] | select(.name == "nauthera-oidc") | {name, user: {exec: {apiVersion: .user.exec.apiVersion, command: .user.exec.command, args: .user.exec.args}}}]' <<<"$OUT")
if [[ "$(jq -S -c . <<<"$want")" == "$got" ]]; then
  pass "kubeconfig (set-credentials wrote exactly the guide's users: entry; context nauthera in use)"
else
  fail kubeconfig "set-credentials and the guide's YAML differ" "want $want"$'\n'"got  $got"
fi

# ---------------------------------------------------------------------------------------
# Test it — with the issuer flag wrong first (troubleshooting rows 1 and 6), then right

phase "login with the wrong issuer flag"
guide alice "$(block "Test it" 1)"
# The table's symptom, "error: You must be logged in"; kubectl 1.36 ends the line with
# "(the server has asked for the client to provide credentials)" (older ones: "(Unauthorized)").
if [[ $RC -ne 0 && "$ERR" == *"error: You must be logged in to the server ("* && "$(openings)" == 1 ]]; then
  pass "row-issuer (issuer flag with a trailing slash: login worked, then kubectl says: $(grep -m1 'You must be logged in' <<<"$ERR"))"
else
  fail row-issuer "want one browser login, then Unauthorized" "openings $(openings)"$'\n'"$(outputs)"
fi
why=$(grep -m1 -o 'issuer did not match[^"]*"[^"]*"[^"]*"[^"]*"' "$CP_WORKDIR/apiserver.log" || true)
if [[ -n "$why" ]]; then
  pass "row-issuer-log (kube-apiserver's log: $why)"
else
  fail row-issuer-log "kube-apiserver's log does not name the issuer mismatch" \
    "$(grep -i -m5 'oidc\|jwt\|issuer' "$CP_WORKDIR/apiserver.log")"
fi

# Row 6 on kubelogin's side: an issuer URL that differs from Nauthera's (a trailing slash).
as alice kubectl oidc-login get-token --oidc-issuer-url="$ISSUER/" --oidc-client-id="$CLIENT_ID"
if [[ $RC -ne 0 && "$ERR" == *"issuer"* && "$(openings)" == 1 ]]; then
  pass "row-invalid-issuer (kubelogin with --oidc-issuer-url=$ISSUER/: $(grep -m1 -i issuer <<<"$ERR"))"
else
  fail row-invalid-issuer "kubelogin should refuse a mismatching issuer before any browser" "$(outputs)"
fi

phase "Step 1 exactly"
mapfile -t STEP1_FLAGS < <(step1_flags "$ISSUER")
apiserver_configure "${STEP1_FLAGS[@]}" || die step1 "kube-apiserver did not start with the guide's flags"
printf '     %s\n' "${STEP1_FLAGS[@]}"
# kube-apiserver fetches discovery in the background (retried every 10 s): wait until alice's
# cached token is accepted. No browser: the token in ~/.kube/cache/oidc-login/ is reused.
alice_known() { as alice kubectl auth whoami -o json; [[ $RC -eq 0 ]]; }
t=$(now_ms)
wait_for 40 alice_known || fail step1 "alice's token still refused 40 s after the fix" "$(outputs)"
echo "     OIDC authenticator accepts tokens $(secs $(($(now_ms) - t))) s after /readyz"

phase "Option A Test it"
guide alice "$(block "Test it" 1)"
if [[ "$ERR" == *'Error from server (Forbidden): pods is forbidden: User "oidc:alice@example.com" cannot list resource "pods"'*'"default"'* && "$(openings)" == 1 ]]; then
  pass "test-it (kubectl get pods: authenticated as oidc:alice@example.com with the cached token, no new browser; Forbidden in namespace default, which Step 2 does not grant developers)"
else
  fail test-it "want Forbidden for oidc:alice@example.com in default and no second browser" "openings $(openings)"$'\n'"$(outputs)"
fi
as alice kubectl get pods -n my-app
if [[ $RC -eq 0 && "$ERR$OUT" == *"No resources found in my-app namespace."* ]]; then
  pass "my-app (kubectl get pods -n my-app: $ERR$OUT)"
else
  fail my-app "alice (developers → edit in my-app) should list pods in my-app" "$(outputs)"
fi
as alice kubectl get pods -n kube-system
if [[ $RC -ne 0 && "$ERR" == *'(Forbidden)'*'User "oidc:alice@example.com" cannot list resource "pods"'*'"kube-system"'* ]]; then
  pass "kube-system (forbidden: $ERR)"
else
  fail kube-system "alice must be Forbidden in kube-system" "$(outputs)"
fi
as alice kubectl auth whoami -o json
who_user=$(jq -r .status.userInfo.username <<<"$OUT" 2>/dev/null)
who_groups=$(jq -r '.status.userInfo.groups | join(",")' <<<"$OUT" 2>/dev/null)
if [[ "$who_user" == "oidc:alice@example.com" && ",$who_groups," == *",oidc:developers,"* ]]; then
  pass "whoami (username $who_user, groups $who_groups)"
else
  fail whoami "want oidc:alice@example.com in oidc:developers" "$(outputs)"
fi

# ---------------------------------------------------------------------------------------
# Token cache

phase "token cache"
CACHE="$WORK/home/alice/.kube/cache/oidc-login"
cache_file() {  # the kubelogin cache entry (JSON with id_token), newest first
  local f
  # Newest first; kubelogin names its entries with hex digests (no spaces).
  # shellcheck disable=SC2045
  for f in $(ls -t "$CACHE" 2>/dev/null); do
    [[ "$f" != *.lock && -s "$CACHE/$f" ]] || continue  # kubelogin's lock files are empty
    jq -e '.id_token | strings' "$CACHE/$f" >/dev/null 2>&1 && { echo "$CACHE/$f"; return 0; }
  done
  return 1
}
cached_id_token() { local f; f=$(cache_file) && jq -r .id_token "$f"; }
before=$(cached_id_token)
[[ -n "$before" ]] || fail token-cache "nothing cached in ~/.kube/cache/oidc-login/" "$(ls -la "$CACHE" 2>&1)"
n=$(openings)
guide alice "$(block "Token cache" 1)"
after=$(cached_id_token)
if [[ "$(openings)" == $((n + 1)) && -n "$after" && "$after" != "$before" && "$ERR" == *'User "oidc:alice@example.com"'* ]]; then
  pass "token-cache (rm -rf ~/.kube/cache/oidc-login/; kubectl get pods opened the browser again and cached a new ID token)"
else
  fail token-cache "want a new browser login after removing the cache" "openings $n -> $(openings)"$'\n'"$(outputs)"
fi

# ---------------------------------------------------------------------------------------
# Refresh: a short ID-token lifetime, then kubectl keeps working without a browser

phase "refresh"
ID_TTL=15
kadm apply -f - >/dev/null <<EOF
apiVersion: auth.nauthera.io/v1alpha1
kind: AuthPolicy
metadata:
  name: short-id-tokens
  namespace: nauthera-system
spec:
  idTokenTTL: ${ID_TTL}s
EOF
policy_ready() {
  [[ "$(kadm get authpolicy short-id-tokens -n nauthera-system -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}/{.status.governedClients}')" == True/[1-9]* ]]
}
wait_for 10 policy_ready || fail refresh "AuthPolicy short-id-tokens not Ready" "$(kadm get authpolicy -A -o yaml)"
sleep 0.5  # the controller's stream to the token server
rm -rf "$CACHE"
n=$(openings)
as alice kubectl get pods -n my-app
tok=$(cached_id_token); claims=$(jwt_payload "$tok")
exp=$(jq -r .exp <<<"$claims"); iat=$(jq -r .iat <<<"$claims")
if [[ $RC -ne 0 || "$(openings)" != $((n + 1)) || $((exp - iat)) -ne $ID_TTL ]]; then
  fail refresh "want a login with a ${ID_TTL} s ID token" "lifetime $((exp - iat)) s, openings $n -> $(openings)"$'\n'"$(outputs)"
fi
REFRESH_EXP=$exp

# ---------------------------------------------------------------------------------------
# Option B while alice's ID token runs out

phase "Option B"
block "Create a NautheraServiceAccount" 1 >"$GUIDE_DIR/ci-deployer-sa.yaml"
guide admin "$(block "Create a NautheraServiceAccount" 2)"
[[ $RC -eq 0 ]] || die option-b "kubectl apply -f ci-deployer-sa.yaml failed" "$(outputs)"
wait_for 20 kadm get secret ci-deployer-credentials -n ci-cd ||
  die option-b "no Secret ci-deployer-credentials" "$(kadm get nautheraserviceaccount -n ci-cd -o yaml)"
# kube-apiserver checks that aud contains its --oidc-client-id (the kubectl client's id): the
# policy adds it to the access tokens of the clients it governs.
# The chart's default ClusterAuthPolicy names the kubectl OidcClient in audienceClients: no
# id is copied by hand.
AUDIENCE_HOW="ClusterAuthPolicy nauthera-default from the chart, audienceClients $(kadm get clusterauthpolicy nauthera-default -o jsonpath='{.spec.audienceClients}')"
get_ci_token() {  # the guide's "Get a token" block as the operator; sets TOKEN
  guide_var admin TOKEN "$(block "Get a token" 1)"
  TOKEN="$VALUE"
}
ci_token_has_aud() {
  get_ci_token
  jwt_payload "$TOKEN" | jq -e --arg a "$CLIENT_ID" '.aud | if type == "array" then index($a) != null else . == $a end' >/dev/null
}
if ! wait_for 20 ci_token_has_aud; then
  fail option-b-token "the guide's curl | jq gave no token with aud $CLIENT_ID" "$(outputs)"$'\n'"$(jwt_payload "$TOKEN")"
else
  ci_claims=$(jwt_payload "$TOKEN" | jq -c '{iss, aud, email, email_verified, groups}')
  pass "option-b-token (curl + jq from the guide; $AUDIENCE_HOW; claims $ci_claims)"
fi
# Row "CI token always denied": no binding for the service account yet.
guide ci "TOKEN='$TOKEN'"$'\n'"$(block "Use the token with kubectl" 1)"
if [[ $RC -ne 0 && "$ERR" == *'(Forbidden)'*'User "oidc:ci-deployer@ci-cd.svc" cannot list resource "pods"'* ]]; then
  pass "row-ci-denied (before the guide's ClusterRoleBinding: $ERR)"
else
  fail row-ci-denied "want Forbidden for oidc:ci-deployer@ci-cd.svc before the binding" "$(outputs)"
fi
# The row's other fix, "assign the service account to a group": spec.groups [ci] on
# ci-deployer and a RoleBinding for Group oidc:ci in ci-cd (then undone: the guide's
# ci-deployer has no groups).
kadm patch nautheraserviceaccount ci-deployer -n ci-cd --type=merge -p '{"spec":{"groups":["ci"]}}' >/dev/null
kadm create rolebinding ci-group-view -n ci-cd --clusterrole=view --group=oidc:ci >/dev/null
ci_in_group() { get_ci_token; jwt_payload "$TOKEN" | jq -e '.groups == ["ci"]' >/dev/null; }
if wait_for 20 ci_in_group; then
  as ci kubectl --token="$TOKEN" get pods -n ci-cd
  if [[ $RC -eq 0 ]]; then
    pass "row-ci-group (spec.groups [ci] + a RoleBinding to Group oidc:ci: the token lists pods in ci-cd)"
  else
    fail row-ci-group "the group binding does not allow the CI token" "$(outputs)"
  fi
else
  fail row-ci-group "no token with groups [ci]" "$(jwt_payload "$TOKEN")"
fi
kadm delete rolebinding ci-group-view -n ci-cd >/dev/null
kadm patch nautheraserviceaccount ci-deployer -n ci-cd --type=json -p '[{"op":"remove","path":"/spec/groups"}]' >/dev/null
ci_no_group() { get_ci_token; jwt_payload "$TOKEN" | jq -e '.groups == []' >/dev/null; }
wait_for 20 ci_no_group || fail row-ci-group "groups not back to [] after the undo" "$(jwt_payload "$TOKEN")"
block "RBAC for service accounts" >"$GUIDE_DIR/ci-deployer-rbac.yaml"
kadm apply -f "$GUIDE_DIR/ci-deployer-rbac.yaml" >/dev/null || fail option-b-rbac "the guide's ClusterRoleBinding does not apply"
ci_allowed() {
  guide ci "TOKEN='$TOKEN'"$'\n'"$(block "Use the token with kubectl" 1)"
  [[ $RC -eq 0 && "$ERR$OUT" == *"No resources found in default namespace."* ]]
}
if wait_for 10 ci_allowed; then
  pass "option-b (kubectl --token=\"\$TOKEN\" get pods after the binding by username: $ERR$OUT)"
else
  fail option-b "the token is not allowed after the guide's ClusterRoleBinding" "$(outputs)"
fi
# The kubeconfig variant, then back to the CI user's plain context.
guide ci "TOKEN='$TOKEN'"$'\n'"$(block "Use the token with kubectl" 2)"$'\n'"kubectl get pods"
if [[ $RC -eq 0 && "$ERR$OUT" == *"No resources found in default namespace."* ]]; then
  pass "option-b-kubeconfig (set-credentials ci-deployer --token, context ci, kubectl get pods)"
else
  fail option-b-kubeconfig "the guide's kubeconfig variant does not work" "$(outputs)"
fi
# The GitHub Actions job: each step's run: script, with the ${{ }} expressions a runner fills
# in, and the deploy step applying a manifests/ folder.
mkdir -p "$GUIDE_DIR/manifests"
cat >"$GUIDE_DIR/manifests/configmap.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: deployed-by-ci
  namespace: my-app
data:
  from: github-actions
EOF
block "GitHub Actions example" >"$GUIDE_DIR/workflow.yaml"
guide admin 'kubectl get secret ci-deployer-credentials -n ci-cd -o json'
CI_ID=$(jq -r .data.client_id <<<"$OUT" | base64 -d); CI_SECRET=$(jq -r .data.client_secret <<<"$OUT" | base64 -d)
GH_OUT="$WORK/github-output"; : >"$GH_OUT"
gh_ok=1
for i in 0 1; do
  script=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["jobs"]["deploy"]["steps"][int(sys.argv[2])]["run"])' \
    "$GUIDE_DIR/workflow.yaml" "$i" |
    sed -e "s|\${{ secrets.NAUTHERA_CLIENT_ID }}|$CI_ID|g" -e "s|\${{ secrets.NAUTHERA_CLIENT_SECRET }}|$CI_SECRET|g" \
        -e "s|\${{ steps.auth.outputs.token }}|$(sed -n 's/^token=//p' "$GH_OUT")|g")
  as ci env GITHUB_OUTPUT="$GH_OUT" bash -eo pipefail -c "$script"
  [[ $RC -eq 0 ]] || { gh_ok=0; fail github-actions "step $((i + 1)) failed" "$script"$'\n'"$(outputs)"; break; }
done
if ((gh_ok)) && [[ "$(kadm get configmap deployed-by-ci -n my-app -o jsonpath='{.data.from}')" == github-actions ]]; then
  pass "github-actions (both steps' run: scripts; the deploy step applied manifests/ with the token: $OUT)"
fi

# ---------------------------------------------------------------------------------------
# Refresh, continued: alice's ID token has run out

phase "refresh (after expiry)"
while (($(date +%s) <= REFRESH_EXP)); do sleep 0.2; done
sleep 1
n=$(openings); before=$(cached_id_token)
as alice kubectl get pods -n my-app
after=$(cached_id_token)
if [[ $RC -eq 0 && "$(openings)" == "$n" && "$after" != "$before" && $(jq -r .exp <<<"$(jwt_payload "$after")") -gt $(date +%s) ]]; then
  pass "refresh (ID token of ${ID_TTL} s expired; kubectl get pods -n my-app worked, kubelogin refreshed it, no browser)"
else
  fail refresh "want a silent refresh after expiry" "openings $n -> $(openings)"$'\n'"$(outputs)"
fi

# ---------------------------------------------------------------------------------------
# Troubleshooting: "Token expired, no auto-refresh" — refresh_token not in grantTypes

phase "row: no refresh_token grant"
REFRESH_TOKEN=$(jq -r .refresh_token "$(cache_file)")
kadm patch oidcclient kubectl -n nauthera-system --type=merge -p '{"spec":{"grantTypes":["authorization_code"]}}' >/dev/null
client_observed() {
  local g
  g=$(kadm get oidcclient kubectl -n nauthera-system -o jsonpath='{.metadata.generation}/{.status.observedGeneration}/{.status.conditions[?(@.type=="Ready")].status}')
  [[ "$g" == */True && "${g%%/*}" == "$(cut -d/ -f2 <<<"$g")" ]]
}
t=$(now_ms)
wait_for 10 client_observed || fail row-no-refresh "the OidcClient edit was not observed"
echo "     OidcClient edit observed (status.observedGeneration) in $(secs $(($(now_ms) - t))) s"
sleep 0.5
# What Nauthera answers to the refresh kubelogin is about to try.
refused=$(curl -s --cacert "$ISSUER_CA" -X POST "$ISSUER/oauth2/token" -d grant_type=refresh_token \
  -d "refresh_token=$REFRESH_TOKEN" -d "client_id=$CLIENT_ID")
exp=$(jq -r .exp <<<"$(jwt_payload "$(cached_id_token)")")
# The ID token runs out while bob signs in (alice waits: her next call must be the refresh).

# ---------------------------------------------------------------------------------------
# The other groups of Step 2: bob (viewers) signs in; cluster-admins by impersonation

phase "bob and cluster-admins"
# Row 3: kubelogin's callback ports (8000, then 18000: the guide's redirect URIs) both taken.
if ! (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/18000) 2>/dev/null; then
  python3 -c 'import socket, sys, time
socks = []
for p in (8000, 18000):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); s.listen(1); socks.append(s)
print("bound", flush=True); time.sleep(60)' >"$WORK/ports.out" 2>&1 &
  ports_pid=$!
  wait_for 5 grep -q bound "$WORK/ports.out"
  n=$(openings)
  as bob kubectl get pods -n kube-system
  if [[ $RC -ne 0 && "$ERR" == *"address already in use"* && "$(openings)" == "$n" ]]; then
    pass "row-ports (8000 and 18000 taken: no browser, kubectl says: $(grep -m1 -o '[^:]*: listen tcp 127.0.0.1:[0-9]*: bind: address already in use' <<<"$ERR"))"
  else
    fail row-ports "want kubelogin to fail on the taken ports without a browser" "$(outputs)"
  fi
  # The fix of docs/troubleshooting.md: another port with --listen-address, and that port's
  # redirect URI added to the OidcClient (removed again afterwards).
  alt=$(free_port)
  kadm patch oidcclient kubectl -n nauthera-system --type=json \
    -p "[{\"op\":\"add\",\"path\":\"/spec/redirectUris/-\",\"value\":\"http://localhost:$alt\"}]" >/dev/null
  wait_for 10 client_observed; sleep 0.5
  guide bob "export CLIENT_ID='$CLIENT_ID'"$'\n'"$(block "Configure kubeconfig" 1 | sed '$ s/$/ \\/')"$'\n'"  --exec-arg=--listen-address=127.0.0.1:$alt"
  n=$(openings)
  as bob kubectl get pods -n kube-system
  bob_rc=$RC; bob_out="$ERR$OUT"; BOB_SIGNED_IN=1
  if [[ $RC -eq 0 && "$(openings)" == $((n + 1)) && "$(tail -n 1 "$BROWSER_LOG")" == *"localhost:$alt/"* ]]; then
    pass "row-ports-fix (--exec-arg=--listen-address=127.0.0.1:$alt and redirect URI http://localhost:$alt on the OidcClient: bob signed in)"
  else
    fail row-ports-fix "the documented fix does not work" "$(tail -n 1 "$BROWSER_LOG")"$'\n'"$(outputs)"
  fi
  kill "$ports_pid" 2>/dev/null; wait "$ports_pid" 2>/dev/null
  kadm patch oidcclient kubectl -n nauthera-system --type=json -p '[{"op":"remove","path":"/spec/redirectUris/2"}]' >/dev/null
  wait_for 10 client_observed
else
  echo "     (port 8000 or 18000 in use on this machine: the port-conflict row is not tried)"
fi
if [[ -z "${BOB_SIGNED_IN:-}" ]]; then
  n=$(openings)
  as bob kubectl get pods -n kube-system
  bob_rc=$RC; bob_out="$ERR$OUT"
fi
as bob kubectl auth whoami -o json
bob_who=$(jq -r '.status.userInfo.username + " " + (.status.userInfo.groups | join(","))' <<<"$OUT" 2>/dev/null)
as bob kubectl create configmap bob-was-here -n my-app
if [[ $bob_rc -eq 0 && "$(openings)" == $((n + 1)) && "$bob_who" == "oidc:bob@example.com "*oidc:viewers* && $RC -ne 0 &&
      "$ERR" == *'configmaps is forbidden: User "oidc:bob@example.com" cannot create resource "configmaps"'* ]]; then
  pass "viewers (bob signed in: $bob_who; may list pods in kube-system, may not create in my-app)"
else
  fail viewers "bob (viewers → view) wrong" "list rc $bob_rc: $bob_out"$'\n'"whoami: $bob_who"$'\n'"$(outputs)"
fi
if [[ "$(kadm auth can-i '*' '*' --as=oidc:carol@example.com --as-group=oidc:cluster-admins 2>&1)" == yes &&
      "$(kadm auth can-i '*' '*' --as=oidc:carol@example.com --as-group=cluster-admins 2>&1)" == no ]]; then
  pass "cluster-admins (group oidc:cluster-admins may do anything; cluster-admins without the prefix may not)"
else
  fail cluster-admins "the guide's nauthera-cluster-admins binding does not do what it says"
fi

# ---------------------------------------------------------------------------------------
# "Token expired, no auto-refresh", continued: alice's ID token has run out meanwhile

phase "row: no refresh_token grant (after expiry)"
while (($(date +%s) <= exp)); do sleep 0.2; done
sleep 1
n=$(openings)
as alice kubectl get pods -n my-app
no_rt=$(jq -r '.refresh_token // ""' "$(cache_file)")
if [[ $RC -eq 0 && "$(openings)" == $((n + 1)) && -z "$no_rt" && "$(jq -r .error <<<"$refused")" != null ]]; then
  pass "row-no-refresh (grantTypes without refresh_token: Nauthera refused the refresh with $refused; after expiry kubectl opened the browser again; the new login has no refresh token)"
else
  fail row-no-refresh "want a refused refresh, a browser login, no refresh token" \
    "refresh answer: $refused"$'\n'"openings $n -> $(openings), refresh_token '${no_rt:0:12}'"$'\n'"$(outputs)"
fi
# Back to the guide's client and normal lifetimes; a fresh login for what follows.
kadm apply -f "$GUIDE_DIR/kubectl-oidc-client.yaml" >/dev/null
kadm delete authpolicy short-id-tokens -n nauthera-system >/dev/null
t=$(now_ms)
wait_for 10 client_observed || fail relogin "the restored OidcClient was not observed in 10 s" \
  "$(kadm get oidcclient kubectl -n nauthera-system -o yaml | sed -n '/^status:/,$p')"
echo "     restored OidcClient observed in $(secs $(($(now_ms) - t))) s"
sleep 0.5
rm -rf "$CACHE"
as alice kubectl get pods -n my-app
[[ $RC -eq 0 ]] || fail relogin "alice's login after restoring the client failed" "$(outputs)"

# ---------------------------------------------------------------------------------------
# Troubleshooting: a group binding without the oidc: prefix

phase "row: group without prefix"
kadm create namespace team-b >/dev/null
kadm create rolebinding developers-no-prefix -n team-b --clusterrole=edit --group=developers >/dev/null
as alice kubectl get pods -n team-b
if [[ $RC -ne 0 && "$ERR" == *'(Forbidden)'*'User "oidc:alice@example.com" cannot list resource "pods"'*'"team-b"'* ]]; then
  pass "row-prefix (RoleBinding to group developers without oidc: → $ERR)"
else
  fail row-prefix "want Forbidden with a binding to 'developers'" "$(outputs)"
fi
kadm create rolebinding developers -n team-b --clusterrole=edit --group=oidc:developers >/dev/null
alice_team_b() { as alice kubectl get pods -n team-b; [[ $RC -eq 0 ]]; }
if wait_for 10 alice_team_b; then
  pass "row-prefix-fix (with group oidc:developers: $ERR$OUT)"
else
  fail row-prefix-fix "the prefixed binding does not allow alice" "$(outputs)"
fi

# ---------------------------------------------------------------------------------------
# Signing-key rotation with kube-apiserver in the loop

phase "key rotation"
if ((ROTATION == 0)); then
  fail rotation "this nauthera-controller has no --key-rotation-period (signing-key rotation not built)"
else
  source "$HERE/rotation.sh"
  rotation_case
fi

# ---------------------------------------------------------------------------------------
# docs/kube-apiserver.md's structured --authentication-config example, instead of the flags

phase "structured authentication config"
structured_case() {
  local doc="$ROOT/docs/kube-apiserver.md" file="$WORK/authentication-config.yaml"
  python3 "$HERE/guide_blocks.py" block "$doc" "Option 2: structured authentication configuration" 1 |
    sed -e "s|https://auth.example.com|$ISSUER|" -e "s|<kubectl-client-id>|$CLIENT_ID|" -e "s|<ci-deployer-client-id>|$CI_ID|" |
    python3 -c 'import sys, yaml
cfg = yaml.safe_load(sys.stdin)
iss = cfg["jwt"][0]["issuer"]
assert "BEGIN CERTIFICATE" in iss["certificateAuthority"], "the example has no certificateAuthority"
iss["certificateAuthority"] = open(sys.argv[1]).read()
yaml.safe_dump(cfg, sys.stdout, sort_keys=False)' "$ISSUER_CA" >"$file" ||
    { fail structured "docs/kube-apiserver.md's example could not be filled in"; return; }
  apiserver_configure --authentication-config="$file" || { fail structured "kube-apiserver did not start with it" "$(tail -n 20 "$CP_WORKDIR/apiserver.log")"; return; }
  local t; t=$(now_ms)
  if ! wait_for 40 alice_known; then
    fail structured "alice's token refused with the structured config" "$(outputs)"$'\n'"$(grep -i 'jwt\|oidc\|authentication' "$CP_WORKDIR/apiserver.log" | tail -n 5)"; return
  fi
  local alice_who; alice_who=$(jq -r '.status.userInfo | .username + " " + (.groups | join(","))' <<<"$OUT")
  # Without audienceClients, CI tokens carry only ci-deployer's id: accepted through the second
  # audience of the example (MatchAny).
  kadm patch clusterauthpolicy nauthera-default --type=json -p '[{"op":"remove","path":"/spec/audienceClients"}]' >/dev/null
  ci_aud_only_own() { get_ci_token; [[ "$(jwt_payload "$TOKEN" | jq -c .aud)" == "\"$CI_ID\"" ]]; }
  wait_for 20 ci_aud_only_own || { fail structured "CI tokens still carry other audiences" "$(jwt_payload "$TOKEN")"; return; }
  as ci kubectl --token="$TOKEN" auth whoami -o json
  local ci_who; ci_who=$(jq -r '.status.userInfo.username' <<<"$OUT" 2>/dev/null)
  guide ci "TOKEN='$TOKEN'"$'\n'"$(block "Use the token with kubectl" 1)"
  if [[ "$alice_who" == "oidc:alice@example.com oidc:developers,system:authenticated" && "$ci_who" == "oidc:ci-deployer@ci-cd.svc" && $RC -eq 0 ]]; then
    pass "structured (docs/kube-apiserver.md's AuthenticationConfiguration instead of the flags: alice as '$alice_who' $(secs $(($(now_ms) - t))) s after /readyz; a CI token with aud \"$CI_ID\" only accepted as $ci_who through MatchAny)"
  else
    fail structured "want the same identities as with the flags" "alice: $alice_who"$'\n'"ci: $ci_who"$'\n'"$(outputs)"
  fi
}
structured_case

phase ""
FINISHED=1
((FAILED == 0))
