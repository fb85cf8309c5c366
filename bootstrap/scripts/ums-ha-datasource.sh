#!/usr/bin/env bash
# ums-ha-datasource: the UMS Server's database connection, defined and activated the way IGEL
# documents it, then verified. Seed 004, "Defining the Database Connection": after the installation,
# UMS Administrator > Datasource > Add, the connection properties of the prepared schema, Activate;
# the UMS Server joins the HA network "after configuring and enabling the database via the UMS
# Administrator". Seed 002, "Checking the Installation": on a further server, UMS Administrator >
# Datasource shows the connection transferred from the running server; if not, add exactly the
# same parameters and activate them. On a headless Linux host the UMS Administrator is run as its
# command line, umsadmin-cli (IGEL "UMS Administrator Command Line Interface": creating and
# editing database connections, root, on the PATH; docs/sources.md).
#
# Usage: ums-ha-datasource define   (first server: add and activate; a rerun keeps what it added)
#        ums-ha-datasource join     (further server: keep the transferred one, or add the same)
#        ums-ha-datasource verify   (exit 0 only if the active data source is this topology's)
#
# Settings from the environment (node.env): UMS_HA_DB_ENGINE, UMS_HA_DB_HOST, UMS_HA_DB_PORT,
# UMS_HA_DB_NAME, UMS_HA_DB_USER, UMS_HA_DB_AUTH (sql | kerberos), UMS_HA_KRB5_REALM,
# UMS_HA_KRB5_KDCS, UMS_HA_DB_DOMAIN, UMS_HA_INSTALL_DIR; the password in UMS_HA_DB_PASSWORD
# (define and join only). With kerberos, krb5.conf is written into
# <UMS installation directory>/rmguiserver/conf before the data source is activated (IGEL:
# "Microsoft SQL Server/Cluster with Active Directory (AD) Authentication via Kerberos").
#
# The command line as `umsadmin-cli fullhelp` gives it on a UMS 12 Linux host (docs/sources.md):
# `db create -t -H -p -n -u [-d] --password:file` creates and activates (-A would skip the
# activation), `db activate -i <id> --password:file`, and `--machine-readable --no-header db list`
# prints ACTIVE;DATABASE;HOST;USER;DB-TYPE;ID. The password goes through a 0600 file, never on a
# command line. The -t values are not printed by that help (it lists "null"); db_type() below is
# the one place to adjust them.
set -euo pipefail
umask 022

# Run by hand (README, Deploy order): the settings come from the node's node.env.
if [ -z "${UMS_HA_DB_HOST:-}" ] && [ -r "${UMS_HA_CONF:-/etc/ums-ha/node.env}" ]; then
  set -a
  # shellcheck source=/dev/null
  . "${UMS_HA_CONF:-/etc/ums-ha/node.env}"
  set +a
fi

CLI="${UMS_HA_ADMIN_CLI:-umsadmin-cli}"
INSTALL_DIR="${UMS_HA_INSTALL_DIR:-/opt/IGEL/RemoteManager}"
mode="${1:-}"

die() {
  printf 'ums-ha-datasource: %s\n' "$*" >&2
  exit 1
}

# The DB type as the UMS Administrator names it (IGEL "UMS with External Database"; the Kerberos
# page: "SQL Server AD Kerberos").
db_type() {
  case "${UMS_HA_DB_ENGINE}:${UMS_HA_DB_AUTH:-sql}" in
    postgresql:*) printf 'PostgreSQL' ;;
    oracle:*) printf 'Oracle' ;;
    mssql:kerberos) printf 'SQL Server AD Kerberos' ;;
    mssql:sql) printf 'SQL Server' ;;
    *) die "no data source type for engine ${UMS_HA_DB_ENGINE} with authentication ${UMS_HA_DB_AUTH:-sql}" ;;
  esac
}

# krb5.conf after IGEL's example: default_realm, ticket_lifetime, the realm's kdc(s) and
# default_domain, and the domain_realm mapping.
write_krb5() {
  local conf="${INSTALL_DIR}/rmguiserver/conf" realm="${UMS_HA_KRB5_REALM:?UMS_HA_KRB5_REALM is not set}" kdc lower
  lower="$(printf '%s' "$realm" | tr '[:upper:]' '[:lower:]')"
  mkdir -p "$conf"
  {
    printf '[libdefaults]\ndefault_realm = %s\nticket_lifetime = 24h\n' "$realm"
    printf '[realms]\n%s = {\n' "$realm"
    for kdc in ${UMS_HA_KRB5_KDCS:?UMS_HA_KRB5_KDCS is not set}; do printf '  kdc = %s\n' "$kdc"; done
    printf '  default_domain = %s\n}\n' "$realm"
    printf '[domain_realm]\n.%s = %s\n%s = %s\n[appdefaults]\n' "$lower" "$realm" "$lower" "$realm"
  } >"${conf}/krb5.conf.tmp"
  mv -f "${conf}/krb5.conf.tmp" "${conf}/krb5.conf"
}

# The data sources, one per line: ACTIVE;DATABASE;HOST;USER;DB-TYPE;ID, read into $rows. The list
# shows no port: a data source is this topology's when its database, host and user are. A failing
# list stops here: read as "none", it would add a second data source, or garble the verdict.
rows=""
list() {
  rows="$("$CLI" --machine-readable --no-header db list)" || die "umsadmin-cli db list failed: the data sources cannot be told"
}

listed() {
  [ -z "$rows" ] || printf '%s\n' "$rows"
}

# The ID of this topology's data source in $rows (any, or only the active one). The host is
# compared without case (a DNS name has none: RFC 4343), so a connection added by hand as
# DB.example.internal is the topology's db.example.internal, not a reason to add a second one.
# shellcheck disable=SC2153 # the UMS_HA_DB_* settings come from node.env
ours() {
  listed | awk -F';' -v h="$UMS_HA_DB_HOST" -v d="$UMS_HA_DB_NAME" -v u="$UMS_HA_DB_USER" -v want="$1" \
    '$2 == d && tolower($3) == tolower(h) && $4 == u && (want == "any" || $1 == "true") { print $6; exit }'
}

active_is_ours() {
  list
  [ -n "$(ours active)" ]
}

# The password in a file only root can read, removed when the script ends.
password_file() {
  [ -n "${UMS_HA_DB_PASSWORD:-}" ] || die "no database password"
  local dir="${UMS_HA_RUN_DIR:-/run/ums-ha}"
  mkdir -p "$dir"
  pwfile="$(umask 077 && mktemp "${dir}/db-password.XXXXXX")"
  trap 'rm -f "$pwfile"' EXIT
  printf '%s' "$UMS_HA_DB_PASSWORD" >"$pwfile"
}

# Seed 002: keep the connection transferred from the running server (activate it if it is not
# active yet); otherwise add exactly the same parameters (seed 004: Add, then Activate).
ensure_active() {
  local id type
  if [ "${UMS_HA_DB_AUTH:-sql}" = "kerberos" ]; then write_krb5; fi
  if active_is_ours; then return 0; fi
  password_file
  id="$(ours any)"
  if [ -n "$id" ]; then
    "$CLI" db activate -i "$id" --password:file "$pwfile" >/dev/null || die "umsadmin-cli db activate -i ${id} failed"
    return 0
  fi
  type="$(db_type)"
  # shellcheck disable=SC2153 # the UMS_HA_DB_* settings come from node.env
  "$CLI" db create -t "$type" -H "$UMS_HA_DB_HOST" -p "$UMS_HA_DB_PORT" -n "$UMS_HA_DB_NAME" -u "$UMS_HA_DB_USER" \
    ${UMS_HA_DB_DOMAIN:+-d "$UMS_HA_DB_DOMAIN"} --password:file "$pwfile" >/dev/null ||
    die "umsadmin-cli db create failed"
}

case "$mode" in
  define | join)
    ensure_active
    ;;
  verify) ;;
  *) die "usage: ums-ha-datasource define|join|verify" ;;
esac
active_is_ours || die "the active data source is not ${UMS_HA_DB_ENGINE} ${UMS_HA_DB_NAME} on ${UMS_HA_DB_HOST}:${UMS_HA_DB_PORT} as ${UMS_HA_DB_USER} (umsadmin-cli db list: $(listed | awk -F';' '{ printf "%s%s %s@%s as %s, active %s", sep, $5, $2, $3, $4, $1; sep = " | " }'))"
printf 'ums-ha-datasource: active: %s %s on %s:%s as %s\n' "$(db_type)" "$UMS_HA_DB_NAME" "$UMS_HA_DB_HOST" "$UMS_HA_DB_PORT" "$UMS_HA_DB_USER"
