#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document: starts `conveyor serve` on DATABASE_URL
# with an admin key and runs schemathesis with every check (no 5xx, answers as documented,
# schema-valid requests taken, schema-invalid ones refused). Run by scripts/test.sh on SQLite
# and on PostgreSQL with a fixed seed, so that a run is repeatable; without CONVEYOR_FUZZ_SEED
# each run draws new cases (run it so, a few times, after changing a route). Needs a built
# .build/debug/conveyor.
#   bash scripts/fuzz-api.sh sqlite:/tmp/fuzz.sqlite
#   CONVEYOR_FUZZ_SEED=42 bash scripts/fuzz-api.sh postgres://postgres@127.0.0.1:54329/postgres?schema=fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
database=${1:?usage: fuzz-api.sh DATABASE_URL}
venv=.build/fuzz-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5
fi
key=fuzz-admin-key-0123456789
log=$(mktemp)
# Fetches wait for jobs at most 200 ms here: a long poll would outlast the fuzzer's timeout.
.build/debug/conveyor serve --port 0 --database "$database" --api-key "$key:admin" --max-lease-wait 200ms >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*started and listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "conveyor serve did not start" >&2; cat "$log" >&2; exit 1; }
seed=()
[ -n "${CONVEYOR_FUZZ_SEED:-}" ] && seed=(--seed "$CONVEYOR_FUZZ_SEED")
status=0
"$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://127.0.0.1:$port/openapi.json" \
  --checks all -H "Authorization: Bearer $key" --no-color "${seed[@]}" || status=$?
if ! kill -0 $server 2>/dev/null; then
  echo "conveyor serve died during the fuzz run:" >&2; cat "$log" >&2; exit 1
fi
exit $status
