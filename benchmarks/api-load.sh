#!/usr/bin/env bash
# Load on the HTTP API: wrk with CONNECTIONS concurrent clients (default 200) for SECONDS
# (default 30) against a release `conveyor serve` on a fresh SQLite file, while it runs jobs.
# Nine requests in ten read (job pages, queue counts), one in ten enqueues a job. Reports
# wrk's numbers and the jobs completed during and after the load.
# Usage: bash benchmarks/api-load.sh [CONNECTIONS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-200}
seconds=${2:-30}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
swift build -c release --product conveyor >/dev/null 2>&1
folder=$(mktemp -d)
port=18090
export CONVEYOR_LOAD_KEY="load-test-key-0123456789"
.build/release/conveyor serve --database "sqlite:$folder/load.sqlite" --port "$port" --api-key "$CONVEYOR_LOAD_KEY:admin" \
  --queue default=20 --log-level warning 2>"$folder/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$folder"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
count() { curl -sf -H "Authorization: Bearer $CONVEYOR_LOAD_KEY" "http://127.0.0.1:$port/api/v1/queues" |
  python3 -c "import json,sys; q=json.load(sys.stdin)['queues']; print(sum(x['counts'].get('$1', 0) for x in q))"; }
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s benchmarks/api-load.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|Non-2xx|Socket errors|requests |latency p50"
echo "jobs completed during the load: $(count completed), waiting: $(count available)"
sleep 3
echo "three seconds later: completed $(count completed), waiting $(count available)"
grep -c -i "error" "$folder/serve.log" | xargs echo "error lines in the server log:"
