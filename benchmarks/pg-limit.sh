#!/usr/bin/env bash
# PostgreSQL's own limit for Conveyor's hot path on this machine: pgbench runs
# benchmarks/pg-claim-complete.sql (claim a batch, complete it) against the schema that
# `conveyor migrate` creates, on the private test server with its default durable settings.
# Usage: bash benchmarks/pg-limit.sh [BATCH] [CLIENTS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
batch=${1:-50}
clients=${2:-2}
jobs=${3:-1000000}
url=$(bash scripts/postgres.sh start)
swift build -c release --product conveyor >/dev/null
psql "$url" -qc "DROP SCHEMA IF EXISTS bench CASCADE"
.build/release/conveyor migrate --database "$url?schema=bench" >/dev/null
psql "$url" -qc "INSERT INTO bench.jobs (kind, queue, state, priority, args, max_attempts, inserted_at, scheduled_at)
                 SELECT 'noop', 'default', 'available', 0, '{}', 20, now(), now() FROM generate_series(1, $jobs)"
psql "$url" -qc "VACUUM ANALYZE bench.jobs"
result=$(pgbench "$url" -n -f benchmarks/pg-claim-complete.sql -D batch="$batch" -c "$clients" -j "$clients" -T 10 2>/dev/null)
tps=$(echo "$result" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
completed=$(psql "$url" -Atc "SELECT count(*) FROM bench.jobs WHERE state = 'completed'")
# Jobs per second from what was completed in the 10 s run (a batch may come back short).
echo "{\"batch\": $batch, \"clients\": $clients, \"script_runs_per_s\": $tps, \"jobs_per_s\": $((completed / 10))}"
