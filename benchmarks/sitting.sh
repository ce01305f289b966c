#!/usr/bin/env bash
# One sitting of BENCHMARKS.md's headline figures: ROUNDS rounds, each running `conveyor bench`
# and the database's own limit for the same work back to back, on each store:
#   SQLite:     conveyor bench (a fresh file), then benchmarks/sqlite-limit.sh at batch 50,
#               split (the store's statements from C, claim and outcomes in two transactions,
#               as Conveyor runs them);
#   PostgreSQL: conveyor bench (a fresh schema), then benchmarks/pg-limit.sh (pgbench, the
#               store's claim and completion at batch 100, two clients).
# Prints the medians and ranges, and each round's ratio to the limit. Peers:
# benchmarks/peers/run.sh; single enqueues against pgbench: benchmarks/pg-single-limit.sh.
# Usage: bash benchmarks/sitting.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
url=$(bash scripts/postgres.sh start)
swift build -c release --product conveyor >/dev/null 2>&1 || swift build -c release --product conveyor
bin=.build/release/conveyor
results=$(mktemp)
trap 'rm -f "$results"' EXIT

compact() { python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))'; }
for round in $(seq 1 "$rounds"); do
  sqlite=$($bin bench --json 2>/dev/null | compact)
  sqlite_limit=$(bash benchmarks/sqlite-limit.sh 40000 50 | tail -1)
  schema="sitting_$(date +%s)_$round"
  postgres=$($bin bench --database "$url?schema=$schema" --json 2>/dev/null | compact)
  psql "$url" -qc "DROP SCHEMA $schema CASCADE" 2>/dev/null
  postgres_limit=$(bash benchmarks/pg-limit.sh 100 2 | tail -1)
  echo "{\"sqlite\": $sqlite, \"sqlite_limit\": $sqlite_limit, \"postgres\": $postgres, \"postgres_limit\": $postgres_limit}" >> "$results"
done

python3 - "$results" <<'PY'
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
def row(label, values, fmt):
    print(f"| {label} | **{fmt(statistics.median(values))}** | {fmt(min(values))} – {fmt(max(values))} |")
whole = lambda v: f"{v:,.0f}"
micro = lambda v: f"{v:.1f} µs"
milli = lambda v: f"{v:.2f} ms"
share = lambda v: f"{v:.0%}"
for store in ("sqlite", "postgres"):
    runs = [r[store] for r in rounds]
    limits = [r[store + "_limit"]["jobs_per_s"] for r in rounds]
    print(f"\n{store}: {len(runs)} rounds\n\n| metric | median | range |\n|---|---|---|")
    row("`process_per_s` (jobs/s)", [r["process_per_s"] for r in runs], whole)
    row("`process_cpu_us_per_job` (all threads)", [r["process_cpu_us_per_job"] for r in runs], micro)
    row("`pickup_p50_ms`", [r["pickup_p50_ms"] for r in runs], milli)
    row("`pickup_p99_ms`", [r["pickup_p99_ms"] for r in runs], milli)
    row("`enqueue_single_per_s`", [r["enqueue_single_per_s"] for r in runs], whole)
    row("`enqueue_bulk_per_s`", [r["enqueue_bulk_per_s"] for r in runs], whole)
    row("`enqueue_bulk_cpu_us_per_job`", [r["enqueue_bulk_cpu_us_per_job"] for r in runs], micro)
    row("the database's own limit (jobs/s)", limits, whole)
    row("processing / the limit, per round", [r["process_per_s"] / l for r, l in zip(runs, limits)], share)
PY
