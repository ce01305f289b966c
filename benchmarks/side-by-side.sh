#!/usr/bin/env bash
# Two conveyor binaries side by side, alternating round by round on the same store: how a
# change to the hot path is measured against the binary before it (BENCHMARKS.md). Keep the
# binary before a change with `cp .build/release/conveyor /tmp/conveyor-before`.
#
# Usage: bash benchmarks/side-by-side.sh BEFORE AFTER [ROUNDS] [sqlite|postgres] [-- BENCH OPTIONS]
#   ROUNDS defaults to 5, the store to sqlite (a fresh file per run); postgres runs on the test
#   server of scripts/postgres.sh, a fresh schema per run. Bench options default to
#   --jobs 20000 --single-jobs 2000 --latency-samples 50.
# Prints each metric's median and range for both, and after / before.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  sed -n '6,10p' "$0" >&2
  exit 2
fi
before=$1 after=$2
rounds=${3:-5}
store=${4:-sqlite}
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift
options=("$@")
[ ${#options[@]} -eq 0 ] && options=(--jobs 20000 --single-jobs 2000 --latency-samples 50)
case "$store" in
  sqlite) url="" ;;
  postgres) url=$(bash scripts/postgres.sh start) ;;
  *) echo "the store is sqlite or postgres, not '$store'" >&2; exit 2 ;;
esac
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for round in $(seq 1 "$rounds"); do
  for side in before after; do
    bin=${!side}
    database=()
    if [ -n "$url" ]; then
      schema="side_$(date +%s)_${round}_$side"
      database=(--database "$url?schema=$schema")
    fi
    result=$("$bin" bench "${database[@]}" "${options[@]}" --json 2>/dev/null | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))')
    if [ -n "$url" ]; then psql "$url" -qc "DROP SCHEMA $schema CASCADE" 2>/dev/null || true; fi
    echo "{\"side\": \"$side\", \"round\": $round, \"result\": $result}" >> "$results"
    echo "round $round, $side: $(echo "$result" | python3 -c 'import json, sys; r = json.load(sys.stdin); print("%s jobs/s, %.1f µs CPU per processed job" % (format(r["process_per_s"], ",.0f"), r["process_cpu_us_per_job"]))')" >&2
  done
done

python3 - "$results" "$before" "$after" "$store" <<'PY'
import json, statistics, sys
path, before, after, store = sys.argv[1:]
runs = [json.loads(line) for line in open(path)]
metrics = [
    ("process_per_s", "processing, jobs/s", "{:,.0f}"),
    ("process_cpu_us_per_job", "CPU per processed job, µs", "{:.1f}"),
    ("enqueue_single_per_s", "single enqueues/s", "{:,.0f}"),
    ("enqueue_single_cpu_us_per_job", "CPU per single enqueue, µs", "{:.0f}"),
    ("enqueue_bulk_per_s", "bulk enqueues/s", "{:,.0f}"),
    ("enqueue_bulk_cpu_us_per_job", "CPU per bulk-enqueued job, µs", "{:.1f}"),
    ("pickup_p50_ms", "pickup p50, ms", "{:.2f}"),
    ("pickup_p99_ms", "pickup p99, ms", "{:.2f}"),
]
print(f"{store}, {len(runs) // 2} rounds, alternating; before = {before}, after = {after}\n")
print("| metric | before: median [range] | after: median [range] | after / before |")
print("|---|---|---|---|")
for key, label, fmt in metrics:
    sides = {side: [r["result"][key] for r in runs if r["side"] == side and r["result"].get(key) is not None] for side in ("before", "after")}
    if not sides["before"] or not sides["after"]:
        continue
    cells = [f"{fmt.format(statistics.median(v))} [{fmt.format(min(v))} – {fmt.format(max(v))}]" for v in (sides["before"], sides["after"])]
    ratio = statistics.median(sides["after"]) / statistics.median(sides["before"]) if statistics.median(sides["before"]) else float("nan")
    print(f"| {label} | {cells[0]} | {cells[1]} | {ratio:.2f}× |")
PY
