#!/usr/bin/env bash
# ums-ha-install: installs this node's IGEL UMS components once, without a person.
#
# Settings come from /etc/ums-ha/node.env (rendered from the topology at synthesis); secrets on
# vSphere from guestinfo (guestinfo.ums.db_password, guestinfo.ums.network_token): each is moved
# into a root-only file under /var/lib/ums-ha/secrets (0600) before its guestinfo key is blanked,
# read from there by a rerun, and removed once the install succeeded. On AWS from SSM Parameter
# Store (UMS_HA_SECRET_SOURCE=aws-ssm: the parameters named in node.env, read with the instance
# profile's credentials from IMDSv2), again on every run. Steps: time sync (chrony settled), preflight, /root
# writable, download and verify the installer (nothing runs before its SHA-256 matches), install,
# network token, post-install checks.
#
# The installer is staged in /var/lib/ums-ha/stage (root-only, on the root file system), never in
# /run, which Debian and Ubuntu mount noexec; a stage on a noexec mount stops the install with
# that reason. The stage is removed when the script ends.
#
# Every step writes a line to /var/log/ums-ha-install.log and the console. Success leaves
# /var/lib/ums-ha/installed (a later run changes nothing); failure leaves /var/lib/ums-ha/failed
# with the step and the reason, and exits non-zero. After fixing the cause, run it again.
#
# Paths can be moved with UMS_HA_CONF, UMS_HA_STATE_DIR, UMS_HA_LOG, UMS_HA_RUN_DIR,
# UMS_HA_ROOT_HOME, UMS_HA_LIB_DIR, UMS_HA_CONSOLE (used by the tests).
set -euo pipefail
umask 077

CONF="${UMS_HA_CONF:-/etc/ums-ha/node.env}"
STATE_DIR="${UMS_HA_STATE_DIR:-/var/lib/ums-ha}"
LOG="${UMS_HA_LOG:-/var/log/ums-ha-install.log}"
RUN_DIR="${UMS_HA_RUN_DIR:-/run/ums-ha}"
ROOT_HOME="${UMS_HA_ROOT_HOME:-/root}"
LIB_DIR="${UMS_HA_LIB_DIR:-/usr/local/lib/ums-ha}"
CONSOLE="${UMS_HA_CONSOLE:-/dev/console}"
STAGE_DIR="$STATE_DIR/stage"
SECRETS_DIR="$STATE_DIR/secrets"
TIME_WAIT_SECONDS="${UMS_HA_TIME_WAIT_SECONDS:-600}"
# chrony has settled when its remaining correction and its frequency skew are small: right after
# the first update the error bound can still grow (dispersion grows with skew x time), so one
# passing check is not enough. With skew <= 1000 ppm the bound grows by at most 1 ms per second.
SYNC_MAX_CORRECTION="${UMS_HA_SYNC_MAX_CORRECTION:-1}"
SYNC_MAX_SKEW_PPM="${UMS_HA_SYNC_MAX_SKEW_PPM:-1000}"
SYNC_INTERVAL="${UMS_HA_SYNC_INTERVAL:-5}"
SERVICE_WAIT_SECONDS="${UMS_HA_SERVICE_WAIT_SECONDS:-300}"

step="start"
work=""

log() {
  local line
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) ums-ha-install: $*"
  printf '%s\n' "$line" >>"$LOG"
  printf '%s\n' "$line" >&2
  if [ -w "$CONSOLE" ]; then printf '%s\n' "$line" >"$CONSOLE" 2>/dev/null || true; fi
}

fail() {
  log "FAILED at step ${step}: $*"
  printf 'step=%s\nreason=%s\n' "$step" "$*" >"$STATE_DIR/failed"
  exit 1
}

cleanup() {
  local rc=$?
  if [ -n "$work" ]; then rm -rf "$work"; fi
  rmdir "$STAGE_DIR" 2>/dev/null || true
  rm -f "$RUN_DIR/IGEL-Network.token"
  if [ "$rc" -ne 0 ] && [ ! -f "$STATE_DIR/failed" ]; then
    log "FAILED at step ${step} (exit ${rc})"
    printf 'step=%s\nreason=exit %s\n' "$step" "$rc" >"$STATE_DIR/failed"
  fi
}

# A guestinfo secret: moved into a root-only file (0600 in SECRETS_DIR, 0700) before the key is
# blanked, so the secret leaves the VM's settings and a rerun after a failed step finds it there
# without anyone entering it again. A value in guestinfo wins (set again by an operator); the file
# is removed when the install succeeded (remove_secrets).
take_guestinfo() {
  local key=$1 value="" kept="$SECRETS_DIR/$1"
  if command -v vmware-rpctool >/dev/null 2>&1; then
    value="$(vmware-rpctool "info-get ${key}" 2>/dev/null || true)"
  fi
  if [ -n "$value" ]; then
    mkdir -p "$SECRETS_DIR"
    chmod 700 "$SECRETS_DIR"
    (umask 077 && printf '%s' "$value" >"$kept.new" && mv -f "$kept.new" "$kept")
    vmware-rpctool "info-set ${key} " >/dev/null 2>&1 || log "could not blank ${key}"
  elif [ -s "$kept" ]; then
    value="$(cat "$kept")"
  fi
  printf '%s' "$value"
}

remove_secrets() {
  rm -rf "$SECRETS_DIR"
}

# The value of a JSON document's field (python3 is in every cloud image cloud-init runs on).
json_field() {
  python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[key]
sys.stdout.write(value)' "$@"
}

# Reads an SSM SecureString parameter with the instance profile's credentials (IMDSv2), signed by
# curl (--aws-sigv4); the credentials go to curl on stdin, never on a command line.
ssm_parameter() {
  local name=$1 imds="${UMS_HA_AWS_IMDS:-http://169.254.169.254}" endpoint imds_token role creds
  endpoint="${UMS_HA_AWS_SSM_ENDPOINT:-https://ssm.${UMS_HA_AWS_REGION}.amazonaws.com}"
  imds_token="$(curl -fsS --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "${imds}/latest/api/token")" || return 1
  role="$(curl -fsS --max-time 10 -H "X-aws-ec2-metadata-token: ${imds_token}" "${imds}/latest/meta-data/iam/security-credentials/")" || return 1
  creds="$(curl -fsS --max-time 10 -H "X-aws-ec2-metadata-token: ${imds_token}" "${imds}/latest/meta-data/iam/security-credentials/${role%%[[:space:]]*}")" || return 1
  {
    printf 'user = "%s:%s"\n' "$(printf '%s' "$creds" | json_field AccessKeyId)" "$(printf '%s' "$creds" | json_field SecretAccessKey)"
    printf 'header = "x-amz-security-token: %s"\n' "$(printf '%s' "$creds" | json_field Token)"
  } | curl -fsS --max-time 20 -K - --aws-sigv4 "aws:amz:${UMS_HA_AWS_REGION}:ssm" \
    -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AmazonSSM.GetParameter' \
    --data "{\"Name\":\"${name}\",\"WithDecryption\":true}" "${endpoint}/" | json_field Parameter Value
}

# A secret: from SSM on AWS ($2 names the parameter), from guestinfo on vSphere ($1 is the key).
take_secret() {
  if [ "${UMS_HA_SECRET_SOURCE:-guestinfo}" = "aws-ssm" ]; then
    ssm_parameter "$2" 2>>"$LOG" || true
  else
    take_guestinfo "$1"
  fi
}

mkdir -p "$STATE_DIR" "$RUN_DIR" "$(dirname "$LOG")"
chmod 700 "$STATE_DIR"
if [ ! -r "$CONF" ]; then
  log "FAILED at step config: cannot read ${CONF}"
  printf 'step=config\nreason=cannot read %s\n' "$CONF" >"$STATE_DIR/failed"
  exit 1
fi
# The settings are exported: the installer driver reads its answers from the environment.
set -a
# shellcheck source=/dev/null
. "$CONF"
set +a
trap cleanup EXIT

if [ -f "$STATE_DIR/installed" ]; then
  log "already installed ($(cat "$STATE_DIR/installed")); nothing to do"
  remove_secrets
  exit 0
fi
rm -f "$STATE_DIR/failed"
log "installing ${UMS_HA_COMPONENTS} on ${UMS_HA_NODE} (UMS ${UMS_HA_UMS_VERSION}, token: ${UMS_HA_TOKEN})"

# First, before any check of the clock: at first boot chrony is still converging.
step="time-sync"
tries=$(awk -v w="$TIME_WAIT_SECONDS" -v i="$SYNC_INTERVAL" 'BEGIN { t = int(w / i); print (t < 1 ? 1 : t) }')
log "waiting for chrony to settle (remaining correction <= ${SYNC_MAX_CORRECTION} s, skew <= ${SYNC_MAX_SKEW_PPM} ppm, up to ${TIME_WAIT_SECONDS} s)"
if ! command -v chronyc >/dev/null 2>&1; then fail "chronyc not found (package chrony, which cloud-init installs at first boot)"; fi
if ! chronyc waitsync "$tries" "$SYNC_MAX_CORRECTION" "$SYNC_MAX_SKEW_PPM" "$SYNC_INTERVAL" >>"$LOG" 2>&1; then
  fail "chrony did not synchronize (remaining correction <= ${SYNC_MAX_CORRECTION} s, skew <= ${SYNC_MAX_SKEW_PPM} ppm) within ${TIME_WAIT_SECONDS} s; HA servers must not differ by more than one minute (chronyc tracking, chronyc sources)"
fi
log "clock synchronized"

# The full preflight, its clock check included (within ${UMS_HA_MAX_SKEW_SECONDS} s of NTP time).
step="preflight"
if ! "$LIB_DIR/ums-ha-preflight" --peers=warn; then
  fail "the preflight checks failed (see the table above and ${LOG})"
fi

step="root-writable"
probe="$ROOT_HOME/.ums-ha-write-test"
if ! { : >"$probe"; } 2>/dev/null; then fail "${ROOT_HOME} is not writable for root; the HA installer needs it"; fi
rm -f "$probe"

step="download"
# The stage must allow executing: /run (and often /tmp) are mounted noexec.
mkdir -p "$STAGE_DIR"
chmod 700 "$STAGE_DIR"
stage_options="$(findmnt -n -o OPTIONS --target "$STAGE_DIR" 2>/dev/null || true)"
case ",${stage_options}," in
  *,noexec,*) fail "${STAGE_DIR} is on a file system mounted noexec ($(findmnt -n -o TARGET --target "$STAGE_DIR")); the installer cannot run from there" ;;
esac
work="$(mktemp -d "${STAGE_DIR}/install.XXXXXX")"
installer="$work/setup-igel-ums-linux.bin"
# --globoff: [ ] and { } in the URL are the file's name, never a pattern of several requests.
if ! curl -fsSL --globoff --retry 5 --retry-delay 5 -o "$installer" "$UMS_HA_INSTALLER_URL"; then
  fail "cannot download the installer from ${UMS_HA_INSTALLER_URL}"
fi
actual="$(sha256sum "$installer" | cut -d' ' -f1)"
if [ "$actual" != "$UMS_HA_INSTALLER_SHA256" ]; then
  rm -f "$installer"
  fail "the installer's SHA-256 is ${actual}, the topology expects ${UMS_HA_INSTALLER_SHA256}; refusing to run it"
fi
chmod 700 "$installer"
log "installer verified (sha256 ${actual})"

step="secrets"
db_password=""
case ",${UMS_HA_ROLES}," in
  *,server,*)
    db_password="$(take_secret guestinfo.ums.db_password "${UMS_HA_DB_PASSWORD_PARAMETER:-}")"
    if [ -z "$db_password" ]; then
      if [ "${UMS_HA_SECRET_SOURCE:-guestinfo}" = "aws-ssm" ]; then fail "no database password from the SSM parameter ${UMS_HA_DB_PASSWORD_PARAMETER} (create it as a SecureString)"; fi
      fail "no database password in guestinfo.ums.db_password (set the sensitive Terraform variable)"
    fi
    ;;
esac
token_file=""
if [ "$UMS_HA_TOKEN" = "join" ]; then
  token="$(take_secret guestinfo.ums.network_token "${UMS_HA_TOKEN_PARAMETER:-}")"
  if [ -z "$token" ]; then
    if [ "${UMS_HA_SECRET_SOURCE:-guestinfo}" = "aws-ssm" ]; then
      fail "no network token from the SSM parameter ${UMS_HA_TOKEN_PARAMETER}: put the content of IGEL-Network.token from the first server there (README, Deploy order)"
    fi
    fail "no network token in guestinfo.ums.network_token: set TF_VAR_${UMS_HA_TOKEN_VARIABLE} to the content of IGEL-Network.token from the first server (README, Deploy order)"
  fi
  token_file="$RUN_DIR/IGEL-Network.token"
  (umask 077 && printf '%s' "$token" >"$token_file")
  unset token
fi

step="install"
if ! UMS_HA_DB_PASSWORD="$db_password" UMS_HA_TOKEN_FILE="$token_file" \
  expect -f "$LIB_DIR/installer.exp" "$installer" >>"$LOG" 2>&1; then
  fail "the installer did not finish (its screens are in ${LOG})"
fi
unset db_password
rm -f "$token_file"
log "installer finished"

step="token"
if [ "$UMS_HA_TOKEN" = "create" ]; then
  if [ ! -s "$ROOT_HOME/IGEL-Network.token" ]; then fail "the installer did not create ${ROOT_HOME}/IGEL-Network.token"; fi
  chmod 600 "$ROOT_HOME/IGEL-Network.token"
  if [ "${UMS_HA_SECRET_SOURCE:-guestinfo}" = "aws-ssm" ]; then
    log "network token created at ${ROOT_HOME}/IGEL-Network.token: put its content into the SSM parameter ${UMS_HA_TOKEN_PARAMETER} (SecureString) and deploy the other nodes"
  else
    log "network token created at ${ROOT_HOME}/IGEL-Network.token: put its content into TF_VAR_${UMS_HA_TOKEN_VARIABLE} and deploy the other nodes"
  fi
fi

step="post-install"
status="$STATE_DIR/status"
: >"$status"
missing=""
for unit in $UMS_HA_EXPECT_UNITS; do
  waited=0
  until systemctl is-active --quiet "$unit"; do
    if [ "$waited" -ge "$SERVICE_WAIT_SECONDS" ]; then break; fi
    sleep 5
    waited=$((waited + 5))
  done
  if systemctl is-active --quiet "$unit"; then state="active"; else state="inactive"; missing="$missing unit:${unit}"; fi
  printf 'unit.%s=%s\n' "$unit" "$state" >>"$status"
  log "unit ${unit}: ${state}"
done
for port in $UMS_HA_EXPECT_PORTS; do
  if [ -n "$(ss -Hltn "sport = :${port}")" ]; then state="listening"; else state="closed"; missing="$missing port:${port}"; fi
  printf 'port.%s=%s\n' "$port" "$state" >>"$status"
  log "port ${port}: ${state}"
done
if [ -n "$missing" ]; then fail "not running or not listening:${missing}"; fi

date -u +%Y-%m-%dT%H:%M:%SZ >"$STATE_DIR/installed"
remove_secrets
log "installed: ${UMS_HA_COMPONENTS} on ${UMS_HA_NODE}"
