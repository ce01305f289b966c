#!/usr/bin/env bash
# How many jobs a node's claims and outcome writes carry: a second private server (port 54339,
# pg_stat_statements loaded) holds JOBS no-op jobs inserted beforehand; one release
# `conveyor serve --queue bq=CONCURRENCY` works through them; the server counts the statements.
# Usage: bash benchmarks/pg-claim-sizes.sh [JOBS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-60000}
concurrency=${2:-100}
export CONVEYOR_TEST_PG_PORT=54339 CONVEYOR_TEST_PG_DATA=/tmp/conveyor-claim-sizes-postgres
export CONVEYOR_TEST_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements"
url=$(bash scripts/postgres.sh start)
trap 'bash scripts/postgres.sh stop' EXIT
swift build -c release --product conveyor >/dev/null
psql "$url" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
psql "$url" -qc "DROP SCHEMA IF EXISTS claim_sizes CASCADE" 2>/dev/null
.build/release/conveyor migrate --database "$url?schema=claim_sizes" >/dev/null
psql "$url" -qc "INSERT INTO claim_sizes.jobs (kind, queue, state, priority, args, max_attempts, inserted_at, scheduled_at)
                 SELECT 'noop', 'bq', 'available', 0, '{}', 20, now(), now() FROM generate_series(1, $jobs)"
psql "$url" -qc "VACUUM ANALYZE claim_sizes.jobs"
psql "$url" -qc "SELECT pg_stat_statements_reset()" >/dev/null
.build/release/conveyor serve --database "$url?schema=claim_sizes" --queue "bq=$concurrency" --no-http --no-scheduler >/dev/null 2>&1 &
node=$!
# Bounded: a node that dies or stalls ends the run with a message instead of a wait forever.
deadline=$((SECONDS + 300))
until [ "$(psql "$url" -Atc "SELECT count(*) FROM claim_sizes.jobs WHERE state = 'completed'")" = "$jobs" ]; do
  if ! kill -0 $node 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the node stopped or took over 300 s before completing $jobs jobs" >&2; exit 1
  fi
  sleep 0.5
done
kill -TERM $node; wait $node || true
psql "$url" -c "SELECT calls AS statements, rows AS jobs, round(rows::numeric / calls, 1) AS jobs_per_statement,
                       left(regexp_replace(query, '\s+', ' ', 'g'), 60) AS statement
                FROM pg_stat_statements WHERE query LIKE 'UPDATE jobs j SET state%' ORDER BY calls DESC"
