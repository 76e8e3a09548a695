#!/usr/bin/env bash
# Local throwaway PostgreSQL for the demo and tests.
#   scripts/pg.sh start   install (Debian, as root) if missing, initdb into .pg/, start, create DB
#   scripts/pg.sh stop    stop the local cluster
#   scripts/pg.sh url     libpq URL of the configured server (no password)
#   scripts/pg.sh env     shell exports of the connection settings
# When ALTAVIZ_PG_HOST is set, an existing server is used and nothing is started.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PGDIR="$ROOT/.pg"
LOCAL_PORT="${ALTAVIZ_PG_LOCAL_PORT:-55432}"
HOST="${ALTAVIZ_PG_HOST:-127.0.0.1}"
PORT="${ALTAVIZ_PG_PORT:-$LOCAL_PORT}"
DB="${ALTAVIZ_PG_DB:-compressor_health}"
USER_NAME="${ALTAVIZ_PG_USER:-postgres}"

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# initdb/postgres refuse to run as root: run them as the 'postgres' OS user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

install_server() {
  if pg_bin >/dev/null; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "pg.sh: PostgreSQL server binaries not found; install the 'postgresql' package" \
         "or set ALTAVIZ_PG_HOST/PORT/USER/PASSWORD to an existing server" >&2
    exit 2
  fi
  echo "pg.sh: installing PostgreSQL (apt-get)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # the package starts a system cluster on 5432; we do not use it
  command -v pg_ctlcluster >/dev/null && pg_ctlcluster --force "$(ls /etc/postgresql)" main stop 2>/dev/null || :
}

start() {
  if [ -n "${ALTAVIZ_PG_HOST:-}" ]; then
    echo "pg.sh: using existing server $HOST:$PORT (ALTAVIZ_PG_HOST is set)" >&2
    return 0
  fi
  install_server
  local bin; bin="$(pg_bin)"
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  mkdir -p "$PGDIR/run" && [ "$(id -u)" = 0 ] && chown postgres: "$PGDIR/run"
  if ! as_owner "$bin/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
    # The server outlives this script: it must not keep the caller's descriptors open (a lock
    # the caller holds, a pipe whose reader waits for its end); pg_ctl -l gives it the log file
    # as stdout and stderr.
    ( close_inherited_fds
      as_owner "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $LOCAL_PORT -k $PGDIR/run -c listen_addresses=127.0.0.1 -c fsync=off" start \
        </dev/null >/dev/null )
  fi
  if ! psql -h 127.0.0.1 -p "$LOCAL_PORT" -U postgres -d postgres -Atqc \
      "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$LOCAL_PORT" -U postgres -d postgres -qc "create database $DB" >/dev/null
  fi
  echo "pg.sh: PostgreSQL ready at $(url)" >&2
}

close_inherited_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || :; fi
  done
}

stop() {
  local bin; bin="$(pg_bin)" || return 0
  [ -f "$PGDIR/data/PG_VERSION" ] || return 0
  as_owner "$bin/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || :
}

url() { echo "postgresql://$USER_NAME@$HOST:$PORT/$DB"; }

env_exports() {
  echo "export ALTAVIZ_PG_HOST=$HOST ALTAVIZ_PG_PORT=$PORT ALTAVIZ_PG_DB=$DB ALTAVIZ_PG_USER=$USER_NAME"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  env) env_exports ;;
  *) echo "usage: scripts/pg.sh start|stop|url|env" >&2; exit 2 ;;
esac
