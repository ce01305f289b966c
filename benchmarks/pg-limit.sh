#!/usr/bin/env bash
# PostgreSQL's own limit for Conveyor's hot path on this machine: pgbench runs
# benchmarks/pg-claim-complete.sql (claim a batch, complete it, with the store's statements,
# prepared as the store prepares them) against the schema that `conveyor migrate` creates, on
# the private test server with its default durable settings. SCRIPT=lean runs the lighter
# pg-claim-complete-lean.sql instead (nothing answered; pgbench's default simple protocol).
# It works through the same number of jobs as `conveyor bench` (2 x --jobs, 20,000 by
# default) on a fresh table: a longer run on a bigger table measures the dead index entries
# that pile up ahead of the queue, not the statements.
# BATCH defaults to 100: what a node at the bench's concurrency of 100 claims (99.3 jobs per
# claim measured, now that producers wait a moment for slots; 51 before).
# Usage: bash benchmarks/pg-limit.sh [BATCH] [CLIENTS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
batch=${1:-100}
clients=${2:-2}
jobs=${3:-20000}
url=$(bash benchmarks/fresh-schema.sh bench)
psql "$url" -qc "INSERT INTO bench.jobs (kind, queue, state, priority, args, max_attempts, inserted_at, scheduled_at)
                 SELECT 'noop', 'default', 'available', 0, '{}', 20, now(), now() FROM generate_series(1, $jobs)"
psql "$url" -qc "VACUUM ANALYZE bench.jobs"
transactions=$(( (jobs + batch * clients - 1) / (batch * clients) ))
if [ "${SCRIPT:-}" = lean ]; then
    script=benchmarks/pg-claim-complete-lean.sql protocol=simple
else
    script=benchmarks/pg-claim-complete.sql protocol=prepared
fi
result=$(pgbench "$url" -n -M "$protocol" -f "$script" -D batch="$batch" -c "$clients" -j "$clients" -t "$transactions" 2>/dev/null)
tps=$(echo "$result" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
completed=$(psql "$url" -Atc "SELECT count(*) FROM bench.jobs WHERE state = 'completed'")
echo "{\"script\": \"$script\", \"protocol\": \"$protocol\", \"batch\": $batch, \"clients\": $clients, \"jobs\": $jobs, \"completed\": $completed, \"jobs_per_s\": $(python3 -c "print(round($tps * $batch))")}"
