#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1, for the tests and the benchmark.
#
#   eval "$(scripts/postgres.sh start)"   # prints `export DATABASE_URL=...` and `export CARTABLE_PG_DIR=...`
#   scripts/postgres.sh stop              # stops the cluster of $CARTABLE_PG_DIR (or the last one started) and removes it
#
# Installs Debian's postgresql when initdb/pg_ctl are absent (needs root). As root,
# the server runs as the `postgres` user. The cluster trusts local connections: it
# is for tests only, never for data that matters. Progress goes to stderr; stdout
# carries only the export lines.
set -euo pipefail

STATE="${TMPDIR:-/tmp}/cartable-postgres.last"

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

ensure_installed() {
  if find_bin initdb >/dev/null && find_bin pg_ctl >/dev/null; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    log "initdb/pg_ctl not found; install PostgreSQL (e.g. apt-get install postgresql) or set DATABASE_URL"
    exit 1
  fi
  log "installing Debian's postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
}

# Runs a command as the server's owner: `postgres` when we are root (the server refuses root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

start() {
  ensure_installed
  local initdb pg_ctl dir port user
  initdb=$(find_bin initdb)
  pg_ctl=$(find_bin pg_ctl)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/cartable-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; user=postgres; else user=$(id -un); fi
  port=$(free_port)
  log "initdb in $dir"
  as_owner "$initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    as_owner "$initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  log "starting on 127.0.0.1:$port"
  if ! as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >&2; then
    cat "$dir/server.log" >&2
    exit 1
  fi
  echo "$dir" >"$STATE"
  echo "export DATABASE_URL=postgres://$user@127.0.0.1:$port/postgres"
  echo "export CARTABLE_PG_DIR=$dir"
}

stop() {
  local dir=${CARTABLE_PG_DIR:-}
  if [ -z "$dir" ] && [ -f "$STATE" ]; then dir=$(cat "$STATE"); fi
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    log "no cluster to stop"
    return 0
  fi
  local pg_ctl
  pg_ctl=$(find_bin pg_ctl)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$pg_ctl" -D "$dir/data" -m fast -w stop >&2 || log "pg_ctl stop failed; see $dir/server.log"
  fi
  case "$dir" in
  "${TMPDIR:-/tmp}"/cartable-pg.*) rm -rf "$dir" ;;
  *) log "not removing $dir: not a directory this script created" ;;
  esac
  if [ -f "$STATE" ] && [ "$(cat "$STATE")" = "$dir" ]; then rm -f "$STATE"; fi
  log "stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
