#!/usr/bin/env bash
# Throughput with a big table of finished jobs, and with vacuum held back: `conveyor bench` on
# PostgreSQL (the private test server, durable defaults), alternating round by round between
#   fresh:    a fresh schema;
#   kept:     a schema holding KEPT completed jobs (default 10,000,000), made once, analysed;
#   held:     a fresh schema while another session holds a transaction open (with a snapshot)
#             for the whole run, so vacuum can remove none of the rows the run leaves dead.
# Prints each run's processing jobs/s, CPU per job and pickup p50, then the medians and the
# ratios to `fresh`.
# Usage: bash benchmarks/pg-kept-jobs.sh [ROUNDS] [KEPT] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
kept=${2:-10000000}
jobs=${3:-20000}
url=$(bash scripts/postgres.sh start)
swift build -c release --product conveyor >/dev/null 2>&1 || swift build -c release --product conveyor
bin=.build/release/conveyor
results=$(mktemp)
holder=
trap 'rm -f "$results"; [ -z "$holder" ] || kill "$holder" 2>/dev/null || true' EXIT

schema="kept_$kept"
if [ "$(psql "$url" -Atc "SELECT count(*) FROM pg_namespace WHERE nspname = '$schema'")" = 0 ]; then
  echo "making $kept completed jobs in $schema (once)…" >&2
  $bin migrate --database "$url?schema=$schema" >/dev/null
  step=1000000
  for ((first = 0; first < kept; first += step)); do
    last=$((first + step < kept ? first + step : kept))
    psql "$url" -qc "INSERT INTO $schema.jobs (kind, queue, state, priority, args, attempt, max_attempts, inserted_at, scheduled_at,
                       attempted_at, finished_at, attempted_by)
                     SELECT 'noop', 'old-' || (n % 10), 'completed', 0, jsonb_build_object('n', n), 1, 20,
                            now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', 'old-node'
                     FROM generate_series($first + 1, $last) AS n"
  done
  psql "$url" -qc "VACUUM ANALYZE $schema.jobs"
fi

run() {  # ARM SCHEMA
  $bin bench --database "$url?schema=$2" --jobs "$jobs" --single-jobs 0 --latency-samples 100 --json 2>/dev/null |
    python3 -c "import json, sys; d = json.load(sys.stdin); print(json.dumps({'arm': '$1', 'process_per_s': d['process_per_s'], 'cpu_us': d['process_cpu_us_per_job'], 'pickup_p50_ms': d['pickup_p50_ms']}))" >> "$results"
}

for round in $(seq 1 "$rounds"); do
  run fresh "kept_fresh_$(date +%s)_$round"
  run kept "$schema"
  psql "$url" -q -c "BEGIN ISOLATION LEVEL REPEATABLE READ" -c "SELECT count(*) FROM pg_class" -c "SELECT pg_sleep(3600)" >/dev/null 2>&1 &
  holder=$!
  sleep 1
  run held "kept_held_$(date +%s)_$round"
  kill "$holder"; wait "$holder" 2>/dev/null || true
  holder=
  psql "$url" -Atc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3600)%'" >/dev/null
done
for s in $(psql "$url" -Atc "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kept_fresh_%' OR nspname LIKE 'kept_held_%'"); do
  psql "$url" -qc "DROP SCHEMA $s CASCADE"
done

python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
for r in runs:
    print(f"{r['arm']:<6} {r['process_per_s']:>9,.0f} jobs/s  {r['cpu_us']:5.1f} µs/job  pickup p50 {r['pickup_p50_ms']:.2f} ms")
fresh = statistics.median(r["process_per_s"] for r in runs if r["arm"] == "fresh")
for arm in ("fresh", "kept", "held"):
    rates = [r["process_per_s"] for r in runs if r["arm"] == arm]
    cpu = [r["cpu_us"] for r in runs if r["arm"] == arm]
    print(f"{arm:<6} median {statistics.median(rates):>9,.0f} jobs/s [{min(rates):,.0f} – {max(rates):,.0f}]  "
          f"{statistics.median(cpu):.1f} µs/job  ratio to fresh {statistics.median(rates) / fresh:.2f}")
PY
