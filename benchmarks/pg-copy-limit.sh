#!/usr/bin/env bash
# PostgreSQL's own limit for Conveyor's bulk enqueue on this machine: pgbench has the server
# COPY rows of the bench's shape (a no-op job with args {"n": i}) from a file it reads itself,
# into the schema that `conveyor migrate` creates, SIZE rows per statement, one statement per
# transaction, each committed durably. No client builds or sends a row, so this is what
# CLIENTS backends can store; compare `conveyor bench --bulk-size SIZE --bulk-callers CLIENTS`
# with it. The defaults are the bench's bulk phase: 1,000 rows, 2 clients, 10,000 jobs. The
# ids come from the table's sequence, one per row, as the store draws them.
# Usage: bash benchmarks/pg-copy-limit.sh [SIZE] [CLIENTS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1000}
clients=${2:-2}
jobs=${3:-10000}
url=$(bash benchmarks/fresh-schema.sh bench_copy)

# The server reads the file as its own user, so it must be readable by all.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
now=$(date -u +"%Y-%m-%d %H:%M:%S.%6N+00")
seq 0 $((size - 1)) | awk -v now="$now" '{ printf "noop\tbench\tavailable\t0\t{\"n\": %d}\t{}\t{}\t20\t%s\t%s\n", $1, now, now }' > "$work/rows.txt"
chmod 644 "$work/rows.txt"
echo "COPY bench_copy.jobs (kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at) FROM '$work/rows.txt';" > "$work/copy.sql"

transactions=$(( (jobs + size * clients - 1) / (size * clients) ))
result=$(pgbench "$url" -n -f "$work/copy.sql" -c "$clients" -j "$clients" -t "$transactions" 2>/dev/null)
tps=$(echo "$result" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
stored=$(psql "$url" -Atc "SELECT count(*) FROM bench_copy.jobs")
echo "{\"size\": $size, \"clients\": $clients, \"stored\": $stored, \"rows_per_s\": $(python3 -c "print(round($tps * $size))")}"
