#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the store's tests.
#
#   scripts/pg.sh start   create the cluster once, start it, print its URL (quick when running)
#   scripts/pg.sh stop    stop it (the data directory stays for the next start)
#   scripts/pg.sh url     print the URL
#   scripts/pg.sh status  exit 0 when it accepts connections
#
# Listens only on 127.0.0.1:${TANPASS_PG_PORT:-55432}, trust auth on loopback, database
# tanpass_test. The cluster lives in $TANPASS_PG_DIR (default: <repo>/var/pg). initdb and
# postgres refuse to run as root, so as root the server runs as the `postgres` OS user; if that
# user cannot reach the default directory (a parent not traversable), /var/tmp is used instead.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${TANPASS_PG_PORT:-55432}"
DB="tanpass_test"
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/${DB}"
PGDIR="${TANPASS_PG_DIR:-$REPO_ROOT/var/pg}"

run_as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

ensure_binaries() {
  if ! BIN="$(find_bindir)"; then
    echo "pg.sh: PostgreSQL server binaries missing; installing Debian's postgresql" >&2
    if [ "$(id -u)" != "0" ]; then echo "pg.sh: need root to install postgresql" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y postgresql >&2 || { apt-get update >&2 && apt-get install -y postgresql >&2; }
    BIN="$(find_bindir)"
  fi
}

ensure_dir() {
  # The server user must be able to reach and own the data directory.
  if [ "$(id -u)" = "0" ]; then
    mkdir -p "$PGDIR"
    chown postgres: "$PGDIR"
    if ! runuser -u postgres -- test -w "$PGDIR"; then
      PGDIR="/var/tmp/tanpass-pg-$(echo "$REPO_ROOT" | cksum | cut -d' ' -f1)"
      mkdir -p "$PGDIR"
      chown postgres: "$PGDIR"
    fi
    chmod 700 "$PGDIR"
  else
    mkdir -p "$PGDIR"
  fi
  DATA="$PGDIR/data"
}

is_ready() {
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d "$DB" -U postgres
}

start() {
  ensure_binaries
  ensure_dir
  if is_ready; then echo "$URL"; return 0; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    run_as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 \
      || run_as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
        --no-locale >"$PGDIR/initdb.log" 2>&1
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
    printf 'host all all 127.0.0.1/32 trust\n' >"$DATA/pg_hba.conf"
  fi
  run_as_pg "$BIN/pg_ctl" -D "$DATA" -l "$PGDIR/server.log" -w -t 60 start >/dev/null
  if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  fi
  echo "$URL"
}

stop() {
  ensure_binaries
  ensure_dir
  if [ -f "$DATA/postmaster.pid" ]; then
    run_as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  status) ensure_binaries; is_ready ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
