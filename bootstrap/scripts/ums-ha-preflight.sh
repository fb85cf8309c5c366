#!/usr/bin/env bash
# ums-ha-preflight: checks, before the UMS is installed, what the UMS HA Health Check would only
# find afterwards: the VM template's contract (cloud-init with the VMware guestinfo datasource, the
# programs the bootstrap calls), memory and disk against the documented minimums, the clock within
# 30 s of NTP time (so any two servers are within the documented minute), /root writable, the
# database port, every other HA host on the ports of the firewall matrix, and UDP broadcast on the
# HA VLAN. Prints a table; exits 1 when a check fails.
#
#   ums-ha-preflight [--peers=fail|warn] [--only=CHECK]
#     --peers=warn   unreachable HA hosts are warnings (used during install: peers may still boot)
#     --only=CHECK   run one check: template, memory, disk, clock, root, database, peers, broadcast
#
# `--only=template` needs no settings file: run it on a VM cloned from the template before the
# first deploy (docs/bootstrap.md, "The VM template").
#
# A peer port that refuses the connection passes: the firewall let it through and nothing listens
# yet (before install). A port that does not answer at all is filtered: it fails.
#
# Settings: /etc/ums-ha/node.env (UMS_HA_CONF). Test hooks: UMS_HA_MEMINFO, UMS_HA_ROOT_HOME,
# UMS_HA_CONNECT_TIMEOUT.
set -euo pipefail

CONF="${UMS_HA_CONF:-/etc/ums-ha/node.env}"
MEMINFO="${UMS_HA_MEMINFO:-/proc/meminfo}"
ROOT_HOME="${UMS_HA_ROOT_HOME:-/root}"
CONNECT_TIMEOUT="${UMS_HA_CONNECT_TIMEOUT:-3}"
peers_mode="fail"
only=""
for arg in "$@"; do
  case "$arg" in
    --peers=fail | --peers=warn) peers_mode="${arg#--peers=}" ;;
    --only=*) only="${arg#--only=}" ;;
    *)
      printf 'usage: ums-ha-preflight [--peers=fail|warn] [--only=CHECK]\n' >&2
      exit 2
      ;;
  esac
done
if [ "$only" != "template" ]; then
  if [ ! -r "$CONF" ]; then
    printf 'ums-ha-preflight: cannot read %s\n' "$CONF" >&2
    exit 2
  fi
  # shellcheck source=/dev/null
  . "$CONF"
fi

failed=0
row() { printf '%-10s %-28s %-5s %s\n' "$1" "$2" "$3" "$4"; }
pass() { row "$1" "$2" "ok" "$3"; }
warn() { row "$1" "$2" "warn" "$3"; }
bad() {
  row "$1" "$2" "FAIL" "$3"
  failed=1
}
wanted() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# tcp_probe HOST PORT -> open | refused | filtered
tcp_probe() {
  local out rc=0
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner shell, from its own arguments
  out="$(timeout "$CONNECT_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>&1)" || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo open
  elif [ "$rc" -eq 124 ]; then
    echo filtered
  elif printf '%s' "$out" | grep -qi 'refused'; then
    echo refused
  else
    echo filtered
  fi
}

row "CHECK" "TARGET" "RESULT" "DETAIL"

# The template contract (docs/bootstrap.md): each program the bootstrap calls, the package that
# brings it on Debian and Ubuntu, and who calls it. cloud-init installs chrony, nftables, expect,
# curl, socat and open-vm-tools at first boot when the template lacks them; everything else must
# be in the template.
TEMPLATE_PROGRAMS=(
  "vmware-rpctool:open-vm-tools:the VMware datasource reads guestinfo with it, ums-ha-install takes and blanks the secrets"
  "chronyc:chrony:time sync (cloud-init ntp) and the clock check"
  "nft:nftables:the host firewall (nftables.service)"
  "expect:expect:the installer driver"
  "curl:curl:the installer download"
  "socat:socat:the broadcast check"
  "sgdisk:gdisk:cloud-init disk_setup partitions the data disk (GPT)"
  "blkid:util-linux:cloud-init disk_setup and fs_setup"
  "lsblk:util-linux:cloud-init disk_setup"
  "blockdev:util-linux:cloud-init disk_setup"
  "mkfs.ext4:e2fsprogs:cloud-init fs_setup formats the data disk"
  "mount:mount:the data disk on /opt/IGEL"
  "findmnt:util-linux:ums-ha-install checks that the installer stage is not mounted noexec"
  "systemctl:systemd:nftables.service and the post-install checks"
  "ss:iproute2:the post-install port checks"
  "sha256sum:coreutils:the installer checksum"
  "timeout:coreutils:the peer and database checks"
  "mktemp:coreutils:the installer download"
  "df:coreutils:the disk check"
  "awk:gawk or mawk:the memory, disk and clock checks"
  "grep:grep:the peer checks"
)
MIN_CLOUD_INIT="21.3"

# version_at_least HAVE WANT: whether the dotted version HAVE (e.g. 22.4.2) is at least WANT
version_at_least() {
  local -a have want
  local i
  IFS=. read -r -a have <<<"$1"
  IFS=. read -r -a want <<<"$2"
  for i in 0 1 2; do
    [[ "${have[i]:-0}" =~ ^[0-9]+$ ]] || return 1
    if ((10#${have[i]:-0} != 10#${want[i]:-0})); then
      ((10#${have[i]:-0} > 10#${want[i]:-0}))
      return
    fi
  done
}

if wanted template; then
  template_ok=1
  if ! command -v cloud-init >/dev/null 2>&1; then
    bad template "cloud-init" "not found (package cloud-init ${MIN_CLOUD_INIT} or later: it applies the node's guestinfo.userdata)"
    template_ok=0
  else
    # "/usr/bin/cloud-init 22.4.2" (Debian appends -1+deb12u4 to the package, not to this)
    ci_version="$(cloud-init --version 2>&1 || true)"
    ci_version="${ci_version##* }"
    ci_version="${ci_version%%-*}"
    if ! version_at_least "$ci_version" "$MIN_CLOUD_INIT"; then
      bad template "cloud-init" "version ${ci_version:-unknown} < ${MIN_CLOUD_INIT} (no VMware guestinfo datasource)"
      template_ok=0
    fi
    ds_platform="$(cloud-init query v1.platform 2>/dev/null || true)"
    ds_sub="$(cloud-init query v1.subplatform 2>/dev/null || true)"
    if [ -z "$ds_platform" ]; then
      bad template "datasource" "cloud-init has no instance data (not booted with cloud-init, or cloud-init clean was not run before the template was made)"
      template_ok=0
    elif [ "$ds_platform" != "vmware" ] || [ "${ds_sub#guestinfo}" = "$ds_sub" ]; then
      bad template "datasource" "booted with ${ds_platform} ${ds_sub}, not VMware guestinfo (put VMware in datasource_list, /etc/cloud/cloud.cfg.d/)"
      template_ok=0
    fi
  fi
  for entry in "${TEMPLATE_PROGRAMS[@]}"; do
    program="${entry%%:*}"
    rest="${entry#*:}"
    if ! command -v "$program" >/dev/null 2>&1; then
      bad template "$program" "not found (package ${rest%%:*}: ${rest#*:})"
      template_ok=0
    fi
  done
  if ! command -v sshd >/dev/null 2>&1; then
    warn template "sshd" "not found (package openssh-server): network.adminSshKeys cannot log in"
  fi
  if [ "$template_ok" -eq 1 ]; then pass template "cloud-init, ${#TEMPLATE_PROGRAMS[@]} programs" "cloud-init ${ci_version} on VMware guestinfo, every program present"; fi
fi

if wanted memory; then
  mem_kb="$(awk '/^MemTotal:/ { print $2 }' "$MEMINFO")"
  mem_mb=$((mem_kb / 1024))
  if [ "$mem_mb" -ge "$UMS_HA_MIN_MEMORY_MB" ]; then pass memory "RAM" "${mem_mb} MB >= ${UMS_HA_MIN_MEMORY_MB} MB"; else bad memory "RAM" "${mem_mb} MB < ${UMS_HA_MIN_MEMORY_MB} MB (documented minimum)"; fi
fi

if wanted disk; then
  target="$UMS_HA_DATA_DIR"
  while [ ! -d "$target" ]; do target="$(dirname "$target")"; done
  free_kb="$(df -Pk "$target" | awk 'NR == 2 { print $4 }')"
  free_gb=$((free_kb / 1024 / 1024))
  if [ "$free_gb" -ge "$UMS_HA_MIN_DISK_GB" ]; then pass disk "$target" "${free_gb} GB free >= ${UMS_HA_MIN_DISK_GB} GB"; else bad disk "$target" "${free_gb} GB free < ${UMS_HA_MIN_DISK_GB} GB (documented minimum)"; fi
fi

if wanted clock; then
  # Servers must not differ by more than one minute between any two (seeds 000, 002, 003, 004).
  # Each node may be off true time by at most UMS_HA_MAX_SKEW_SECONDS (half of it, so any two stay
  # within the minute), measured as chrony's error bound: |offset| + root delay / 2 + root
  # dispersion (core/model/clock.ts).
  if ! command -v chronyc >/dev/null 2>&1; then
    bad clock "NTP" "chronyc not found (chrony is configured by cloud-init)"
  else
    tracking="$(chronyc -c tracking 2>/dev/null || true)"
    offset="$(printf '%s' "$tracking" | cut -d, -f5)"
    root_delay="$(printf '%s' "$tracking" | cut -d, -f11)"
    root_dispersion="$(printf '%s' "$tracking" | cut -d, -f12)"
    leap="$(printf '%s' "$tracking" | cut -d, -f14)"
    if [ -z "$offset" ] || [ "$leap" = "Not synchronised" ]; then
      bad clock "NTP" "not synchronized"
    elif ! error="$(awk -v o="$offset" -v d="${root_delay:-x}" -v r="${root_dispersion:-x}" 'BEGIN { if (o !~ /^-?[0-9.e+-]+$/ || d !~ /^[0-9.e+-]+$/ || r !~ /^[0-9.e+-]+$/) exit 1; if (o < 0) o = -o; printf "%.3f", o + d / 2 + r }')"; then
      bad clock "NTP" "cannot read chronyc tracking"
    elif awk -v e="$error" -v m="$UMS_HA_MAX_SKEW_SECONDS" 'BEGIN { exit !(e <= m) }'; then
      pass clock "NTP" "within ${error} s of NTP time (max ${UMS_HA_MAX_SKEW_SECONDS} s per node, 60 s between servers)"
    else
      bad clock "NTP" "up to ${error} s off NTP time (offset ${offset} s, root delay ${root_delay} s, dispersion ${root_dispersion} s) exceeds ${UMS_HA_MAX_SKEW_SECONDS} s per node: two servers could differ by more than one minute"
    fi
  fi
fi

if wanted root; then
  if [ -d "$ROOT_HOME" ] && [ -w "$ROOT_HOME" ]; then pass root "$ROOT_HOME" "writable"; else bad root "$ROOT_HOME" "not writable (the HA installer needs it)"; fi
fi

if wanted database && [ -n "${UMS_HA_DB_HOST:-}" ]; then
  db_port="${UMS_HA_DB_PORT:-}"
  result="$(tcp_probe "$UMS_HA_DB_HOST" "$db_port")"
  if [ "$result" = "open" ]; then pass database "${UMS_HA_DB_HOST}:${db_port}" "reachable"; else bad database "${UMS_HA_DB_HOST}:${db_port}" "$result"; fi
fi

if wanted peers; then
  for check in $UMS_HA_PEER_CHECKS; do
    host="${check%:*}"
    port="${check##*:}"
    result="$(tcp_probe "$host" "$port")"
    case "$result" in
      open) pass peer "${host}:${port}/tcp" "open" ;;
      refused) pass peer "${host}:${port}/tcp" "reachable, nothing listening yet" ;;
      *) if [ "$peers_mode" = "warn" ]; then warn peer "${host}:${port}/tcp" "$result"; else bad peer "${host}:${port}/tcp" "$result"; fi ;;
    esac
  done
fi

if wanted broadcast; then
  for port in $UMS_HA_BROADCAST_PORTS; do
    if printf 'ums-ha-preflight %s\n' "$UMS_HA_NODE" | socat -u - "UDP-DATAGRAM:${UMS_HA_BROADCAST}:${port},broadcast" 2>/dev/null; then
      pass broadcast "${UMS_HA_BROADCAST}:${port}/udp" "sent"
    else
      bad broadcast "${UMS_HA_BROADCAST}:${port}/udp" "cannot send UDP broadcast on the HA VLAN"
    fi
  done
fi

exit "$failed"
