#!/usr/bin/env bash
# A private PostgreSQL for tests and benchmarks: its own data folder and port, loopback only.
#   bash scripts/postgres.sh start   # prints the URL to use
#   bash scripts/postgres.sh restart|stop
#   bash scripts/postgres.sh resume   # starts a stopped instance again, keeping its data
# CONVEYOR_TEST_PG_PORT and CONVEYOR_TEST_PG_DATA choose another instance;
# CONVEYOR_TEST_PG_OPTIONS adds server options to a new one (as "-c name=value ...").
# Installs Debian's postgresql package if it is missing. initdb refuses to run as root, so the
# server runs as the postgres user when this script runs as root.
set -euo pipefail
port=${CONVEYOR_TEST_PG_PORT:-54329}
data=${CONVEYOR_TEST_PG_DATA:-/tmp/conveyor-test-postgres-$port}
url="postgres://postgres@127.0.0.1:$port/postgres"
options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data -c max_connections=300 ${CONVEYOR_TEST_PG_OPTIONS:-}"

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$(bin_dir)" ]; then
      echo "==> installing postgresql" >&2
      sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
      $sudo apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
    fi
    bin=$(bin_dir)
    if [ -f "$data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      echo "$url"; exit 0
    fi
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres -A trust --no-instructions >/dev/null
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -o "$options" start >/dev/null
    echo "$url"
    ;;
  restart)
    bin=$(bin_dir)
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -m fast -w restart >/dev/null 2>&1
    ;;
  resume)
    bin=$(bin_dir)
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -o "$options" start >/dev/null
    echo "$url"
    ;;
  stop)
    bin=$(bin_dir)
    [ -n "$bin" ] && [ -d "$data" ] && as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|restart|resume|stop" >&2; exit 2;;
esac
