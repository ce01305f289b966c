#!/usr/bin/env bash
# PostgreSQL's own limit for single enqueues on this machine: pgbench with one client inserts
# one job per transaction (benchmarks/pg-single-insert.sql, prepared) into a fresh schema made
# by `conveyor migrate`, on the private test server with its default durable settings, for
# SECONDS seconds. Prints the rows per second, then the same with the wake-up Conveyor's enqueue
# carries in its statement (benchmarks/pg-single-insert-notify.sql). Compare with `conveyor
# bench`'s enqueue_single_per_s, in the same sitting.
# Usage: bash benchmarks/pg-single-limit.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
url=$(bash benchmarks/fresh-schema.sh bench)
result=$(pgbench "$url" -n -M prepared -f benchmarks/pg-single-insert.sql -c 1 -j 1 -T "$seconds" 2>/dev/null)
echo "$result" | sed -n 's/^tps = \([0-9.]*\).*/single inserts per second: \1/p'
result=$(pgbench "$url" -n -M prepared -f benchmarks/pg-single-insert-notify.sql -c 1 -j 1 -T "$seconds" 2>/dev/null)
echo "$result" | sed -n 's/^tps = \([0-9.]*\).*/single inserts with their wake-up per second: \1/p'
