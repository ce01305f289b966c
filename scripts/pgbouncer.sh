#!/usr/bin/env bash
# A private PgBouncer in transaction pooling mode in front of the private PostgreSQL
# (scripts/postgres.sh), loopback only, for the test that nodes notice notifications do not
# arrive through it.
#   bash scripts/pgbouncer.sh start   # prints the URL to use
#   bash scripts/pgbouncer.sh stop
# Installs Debian's pgbouncer package if it is missing. PgBouncer refuses to run as root, so it
# runs as the postgres user when this script runs as root.
set -euo pipefail
port=${CONVEYOR_TEST_PGBOUNCER_PORT:-54330}
server_port=${CONVEYOR_TEST_PG_PORT:-54329}
dir=/tmp/conveyor-test-pgbouncer-$port
url="postgres://postgres@127.0.0.1:$port/postgres"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$dir/pgbouncer.pid" ] || return 0
  local pid
  pid=$(cat "$dir/pgbouncer.pid")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

case "${1:-start}" in
  start)
    if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
      echo "==> installing pgbouncer" >&2
      sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
      $sudo apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbouncer >&2
    fi
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    echo '"postgres" ""' > "$dir/users.txt"
    cat > "$dir/pgbouncer.ini" <<EOF
[databases]
postgres = host=127.0.0.1 port=$server_port dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    as_postgres "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" -d "$dir/pgbouncer.ini" >&2
    for _ in $(seq 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "$url"; exit 0; }
      sleep 0.1
    done
    echo "pgbouncer did not start; see $dir/pgbouncer.log" >&2
    exit 1
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2;;
esac
