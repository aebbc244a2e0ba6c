# shellcheck shell=bash
# Sourced by guide_test.sh (uses its helpers: as, guide_var, block, kadm, pass, fail, ...).
#
# Two forced signing-key rotations with kube-apiserver in the loop. While they run, a loop
# makes kubectl calls without a pause, as the guide's two users:
#   alice  kubectl get pods -n my-app with the token kubelogin cached; every third round a
#          `kubectl oidc-login get-token --force-refresh` with her kubeconfig's exec args, so
#          her later calls carry ID tokens signed by whichever key is active then
#   ci     the guide's curl | jq for a new access token, then kubectl --token="$TOKEN" get pods
# Every call must succeed; both users must have been accepted with tokens of all three keys
# (the first, and the one each rotation made); no browser opens.
#
# A rotation is asked for as docs/kubectl-guide.md says (the annotation on the key Secret):
#   kubectl annotate secret nauthera-signing-keys -n nauthera-system auth.nauthera.io/rotate=<new value> --overwrite
# The chart sets --key-publish-ahead=6s (> 2 x --jwks-max-age=2): the new key is in the JWKS
# 6 s before it signs, the old one stays published (--key-retired-overlap) while its tokens live.

jwt_kid() {  # TOKEN: the kid of its JOSE header
  local part; part=$(cut -d. -f1 <<<"$1" | tr '_-' '/+')
  while ((${#part} % 4)); do part+="="; done
  base64 -d <<<"$part" 2>/dev/null | jq -r .kid 2>/dev/null
}
jwks_kids() { curl -s --cacert "$ISSUER_CA" "$ISSUER/oauth2/jwks" | jq -r '[.keys[].kid] | join(",")'; }

# One round of the loop; appends "time who ok|FAIL kid detail" lines to $ROT_LOG.
rotation_round() {
  local round="$1" line kid
  if ((round % 3 == 0)); then
    local -a exec_args
    mapfile -t exec_args < <(jq -r '.users[] | select(.name == "nauthera-oidc") | .user.exec.args[]' "$WORK/alice-kubeconfig.json")
    as alice kubectl "${exec_args[@]}" --force-refresh
    kid=$(jwt_kid "$(jq -r .status.token <<<"$OUT" 2>/dev/null)")
    if [[ $RC -eq 0 && -n "$kid" && "$kid" != null ]]; then line="ok $kid force-refresh"; else line="FAIL - force-refresh: $ERR"; fi
    echo "$(date +%s.%3N) alice-refresh $line" >>"$ROT_LOG"
  fi
  kid=$(jwt_kid "$(cached_id_token)")
  as alice kubectl get pods -n my-app
  if [[ $RC -eq 0 ]]; then line="ok $kid"; else line="FAIL $kid $(tr '\n' ' ' <<<"$ERR")"; fi
  echo "$(date +%s.%3N) alice $line" >>"$ROT_LOG"
  guide_var admin TOKEN "$(block "Get a token" 1)"
  local token="$VALUE"
  kid=$(jwt_kid "$token")
  if [[ -z "$token" || "$token" == null ]]; then
    echo "$(date +%s.%3N) ci FAIL - no token: $(tr '\n' ' ' <<<"$ERR")" >>"$ROT_LOG"; return
  fi
  guide ci "TOKEN='$token'"$'\n'"$(block "Use the token with kubectl" 1)"
  if [[ $RC -eq 0 ]]; then line="ok $kid"; else line="FAIL $kid $(tr '\n' ' ' <<<"$ERR")"; fi
  echo "$(date +%s.%3N) ci $line" >>"$ROT_LOG"
}

# The kid the token server signs with now: from a fresh CI token.
signing_kid() {
  local out
  out=$(curl -s --cacert "$ISSUER_CA" -X POST "$ISSUER/oauth2/token" -d grant_type=client_credentials \
    -d "client_id=$CI_ID" -d "client_secret=$CI_SECRET" -d "scope=openid")
  jwt_kid "$(jq -r .access_token <<<"$out")"
}

rotation_case() {
  ROT_LOG="$WORK/rotation.log"; : >"$ROT_LOG"
  local k0 t0 n_open stop="$WORK/rotation.stop"
  as alice kubectl config view -o json --raw
  printf '%s' "$OUT" >"$WORK/alice-kubeconfig.json"
  k0=$(signing_kid)
  [[ -n "$k0" && "$k0" != null ]] || { fail rotation "no signing kid before the rotation"; return; }
  n_open=$(openings)
  rm -f "$stop"
  (
    # shellcheck disable=SC2034  # read by as() in guide_test.sh: the loop's own output files
    AS_TAG=loop; round=0
    while [[ ! -e "$stop" ]]; do rotation_round "$round"; round=$((round + 1)); done
  ) &
  local loop_pid=$!
  t0=$(now_ms)
  local -a kids=("$k0") took=()
  local i ts
  for i in 1 2; do
    ts=$(now_ms)
    # The command of docs/kubectl-guide.md ("Signing-key rotation"); its value is the time.
    guide admin "$(block "Signing-key rotation" 1)"
    [[ $RC -eq 0 ]] || { fail rotation "the guide's kubectl annotate failed" "$(outputs)"; break; }
    local before="${kids[-1]}" now_kid=""
    # The new key appears in the JWKS first (PUBLISHED), then signs (ACTIVE).
    if ! wait_for 60 bash -c "curl -s --cacert '$ISSUER_CA' '$ISSUER/oauth2/jwks' | jq -e '[.keys[].kid] | length > ${#kids[@]}'"; then
      fail rotation "rotation $i: no new key in the JWKS within 60 s" "$(jwks_kids)"$'\n'"$(tail -n 20 "$LOGS/controller.log")"; break
    fi
    local published=$(($(now_ms) - ts))
    local deadline=$(($(now_ms) + 60000))
    while :; do
      now_kid=$(signing_kid)
      [[ -n "$now_kid" && "$now_kid" != null && "$now_kid" != "$before" ]] && break
      (($(now_ms) > deadline)) && break
      sleep 0.3
    done
    if [[ "$now_kid" == "$before" || -z "$now_kid" ]]; then
      fail rotation "rotation $i: tokens still signed by $before 60 s after the annotation"; break
    fi
    kids+=("$now_kid")
    took+=("rotation $i: published in $(secs $published) s, signing in $(secs $(($(now_ms) - ts))) s")
    # Let both users make calls with the new key before the next rotation.
    local want_rounds=$(($(grep -c . "$ROT_LOG") + 8))
    wait_for 60 bash -c "(( \$(grep -c . '$ROT_LOG') >= $want_rounds ))"
  done
  touch "$stop"; wait "$loop_pid"
  local total=$(($(now_ms) - t0))
  ((${#kids[@]} == 3)) || return
  local calls fails alice_kids ci_kids
  calls=$(grep -c -E ' (alice|ci) ' "$ROT_LOG")
  fails=$(grep ' FAIL ' "$ROT_LOG")
  alice_kids=$(awk '$2 == "alice" && $3 == "ok" {print $4}' "$ROT_LOG" | sort -u | grep -c -x -F -e "${kids[0]}" -e "${kids[1]}" -e "${kids[2]}")
  ci_kids=$(awk '$2 == "ci" && $3 == "ok" {print $4}' "$ROT_LOG" | sort -u | grep -c -x -F -e "${kids[0]}" -e "${kids[1]}" -e "${kids[2]}")
  if [[ -n "$fails" ]]; then
    fail rotation "$(grep -c ' FAIL ' "$ROT_LOG") of $calls kubectl calls failed during two rotations" "$fails"
  elif ((alice_kids < 3 || ci_kids < 3)); then
    fail rotation "not every key was used by both users (alice $alice_kids, ci $ci_kids of 3 kids ${kids[*]})" "$(cat "$ROT_LOG")"
  elif [[ "$(openings)" != "$n_open" ]]; then
    fail rotation "a browser opened during the rotations"
  else
    pass "rotation (two forced rotations ${kids[0]:0:8} → ${kids[1]:0:8} → ${kids[2]:0:8} in $(secs $total) s; $calls kubectl calls, none failed; alice and ci accepted with tokens of all 3 keys; ${took[*]})"
  fi
}
