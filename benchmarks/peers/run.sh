#!/usr/bin/env bash
# Conveyor against pgqueuer on the same PostgreSQL (the private test server, default durable
# settings), round by round: each round runs `conveyor bench` and pgqueuer_bench.py, each on a
# fresh schema, in alternating order, then pgbench's single-row insert (the database's own
# limit for one caller, benchmarks/pg-single-limit.sh), and prints each round's figures and
# ratios; then the medians.
# pgqueuer (pinned) goes into its own virtual environment under .build/.
# Usage: bash benchmarks/peers/run.sh [ROUNDS] [JOBS] [SINGLE_JOBS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
jobs=${2:-10000}
single=${3:-2000}
venv=.build/peers-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pgqueuer==1.6.0 asyncpg uvloop
fi
url=$(bash scripts/postgres.sh start)
swift build -c release --product conveyor >/dev/null 2>&1 || swift build -c release --product conveyor
results=$(mktemp)
trap 'rm -f "$results"' EXIT

conveyor() {
  local schema="peers_conveyor_$1"
  .build/release/conveyor bench --database "$url?schema=$schema" --jobs "$jobs" --single-jobs "$single" --latency-samples 50 --json 2>/dev/null |
    python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))'
  psql "$url" -qc "DROP SCHEMA $schema CASCADE" 2>/dev/null
}
pgqueuer() {
  local schema="peers_pgqueuer_$1"
  "$venv/bin/python" benchmarks/peers/pgqueuer_bench.py "$url" "$schema" --jobs "$jobs" --single-jobs "$single"
  psql "$url" -qc "DROP SCHEMA $schema CASCADE" 2>/dev/null
}

limit() {
  bash benchmarks/pg-single-limit.sh 3 | sed -n 's/^single inserts per second: //p'
}

for round in $(seq 1 "$rounds"); do
  tag="$(date +%s)_$round"
  if (( round % 2 )); then c=$(conveyor "$tag"); p=$(pgqueuer "$tag"); else p=$(pgqueuer "$tag"); c=$(conveyor "$tag"); fi
  echo "{\"round\": $round, \"conveyor\": $c, \"pgqueuer\": $p, \"pgbench_single_per_s\": $(limit)}" >> "$results"
done

python3 - "$results" <<'PY'
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
metrics = [("process_per_s", "jobs/s processing"), ("process_cpu_us_per_job", "CPU µs per job"),
           ("enqueue_single_per_s", "single enqueues/s"), ("enqueue_bulk_per_s", "bulk enqueues/s")]
print("round | processing jobs/s: conveyor / pgqueuer | single enqueues/s: conveyor / pgqueuer | pgbench single inserts/s | conveyor / pgbench")
for r in rounds:
    cells = [f"{r['conveyor'][m]:,.0f} / {r['pgqueuer'][m]:,.0f} = {r['conveyor'][m] / r['pgqueuer'][m]:.2f}×" for m in ("process_per_s", "enqueue_single_per_s")]
    limit = r["pgbench_single_per_s"]
    print(f"{r['round']:>5} | " + " | ".join(cells) + f" | {limit:,.0f} | {r['conveyor']['enqueue_single_per_s'] / limit:.0%}")
print()
for key, label in metrics:
    c = [r["conveyor"][key] for r in rounds]
    p = [r["pgqueuer"][key] for r in rounds]
    ratio = [a / b for a, b in zip(c, p)]
    print(f"{label:<20} conveyor {statistics.median(c):>10,.1f} [{min(c):,.1f} – {max(c):,.1f}]   "
          f"pgqueuer {statistics.median(p):>10,.1f} [{min(p):,.1f} – {max(p):,.1f}]   "
          f"ratio {statistics.median(ratio):.2f}× [{min(ratio):.2f} – {max(ratio):.2f}]")
limits = [r["pgbench_single_per_s"] for r in rounds]
shares = [r["conveyor"]["enqueue_single_per_s"] / r["pgbench_single_per_s"] for r in rounds]
print(f"pgbench single inserts/s {statistics.median(limits):,.0f} [{min(limits):,.0f} – {max(limits):,.0f}]   "
      f"conveyor's single enqueues / pgbench {statistics.median(shares):.0%} [{min(shares):.0%} – {max(shares):.0%}]")
PY
