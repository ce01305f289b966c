#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the build and the tests need,
# builds everything (failing on any warning in our code), starts a private PostgreSQL, then runs
# every test against SQLite and PostgreSQL (and one through PgBouncer).
set -euo pipefail
cd "$(dirname "$0")/.."

install_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# The SQLite store links the system libsqlite3; the event-stream test follows a stream with
# curl; the dashboard is tested in Debian's headless Chromium; the Node.js client with Node.
install_debian_packages libsqlite3-dev curl chromium nodejs

# A test that hangs must fail the run soon and say where it hangs. After the time limit the
# watchdog prints the test process's thread stacks (when gdb is there) and the tests that
# started and never ended, then kills the test process.
run_swift_tests() {
  local limit=${CONVEYOR_TEST_TIME_LIMIT:-1200} log watchdog status
  log=$(mktemp)
  # Swift Testing starts every test at once. Many of ours run servers, nodes and PostgreSQL
  # work of their own; on two cores, all at once starve the ones that wait on real time.
  # Eight at a time takes no longer in all, and each gets the machine it expects.
  export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-8}
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$limit" & sleeper=$!
    wait "$sleeper"
    for pid in $(pgrep -f 'PackageTests.xctest'); do
      if command -v gdb >/dev/null; then
        echo "==> thread stacks of the test process $pid" >&2
        timeout 120 gdb -p "$pid" -batch -ex "thread apply all bt" 2>&1 | swift demangle --simplified >&2 || true
      fi
      kill -KILL "$pid" || true
    done
    echo "==> the tests did not end within $limit s; started and not ended:" >&2
    sed -nE 's/^.* Test (.*) started\.$/\1/p' "$log" | grep -v '^case ' | sort > "$log.started"
    sed -nE 's/^.* Test (.*) (passed|failed) after .*$/\1/p' "$log" | sed -E 's/ with [0-9]+ test cases?$//' | sort -u > "$log.ended"
    comm -23 "$log.started" "$log.ended" >&2
  ) &
  watchdog=$!
  set +e
  swift test --skip-build "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  return "$status"
}

echo "==> building (debug, with tests)"
log=$(mktemp)
if ! swift build --build-tests 2>&1 | tee "$log"; then
  echo "build failed" >&2
  exit 1
fi
# Our own code must build without warnings (dependencies' warnings are theirs).
if grep -E "^$(pwd)/(Sources|Tests|Examples)/.*warning:" "$log"; then
  echo "the build printed warnings in Sources/, Tests/ or Examples/; fix them" >&2
  exit 1
fi

echo "==> building the DocC documentation of every product (a warning fails it)"
products=(Conveyor ConveyorSQLite ConveyorPostgres ConveyorTesting ConveyorServer ConveyorHTTP ConveyorVapor)
swift package --disable-sandbox generate-documentation --warnings-as-errors "${products[@]/#/--target=}" >"$log" 2>&1 || {
  cat "$log" >&2
  echo "the documentation did not build without warnings" >&2
  exit 1
}

echo "==> validating the OpenAPI document"
python3 -m pip install -q --disable-pip-version-check openapi-spec-validator websocket-client 2>&1 | grep -v "WARNING: Running pip as the 'root' user" || true
python3 scripts/validate-openapi.py
export CONVEYOR_BROWSER_TESTS=1

echo "==> starting a private PostgreSQL, and a transaction-pooling PgBouncer in front of it"
export CONVEYOR_TEST_POSTGRES_URL=$(bash scripts/postgres.sh start)
trap 'bash scripts/pgbouncer.sh stop; bash scripts/postgres.sh stop' EXIT
export CONVEYOR_TEST_PGBOUNCER_URL=$(bash scripts/pgbouncer.sh start)

echo "==> fuzzing the HTTP API from its OpenAPI document, on SQLite and on PostgreSQL"
fuzz_folder=$(mktemp -d)
export CONVEYOR_FUZZ_SEED=${CONVEYOR_FUZZ_SEED:-20261206}
bash scripts/fuzz-api.sh "sqlite:$fuzz_folder/fuzz.sqlite"
bash scripts/fuzz-api.sh "$CONVEYOR_TEST_POSTGRES_URL?schema=fuzz_$(date +%s)"

echo "==> testing (SQLite and PostgreSQL at $CONVEYOR_TEST_POSTGRES_URL)"
run_swift_tests "$@"

echo "==> running the README's tour against a real conveyor serve"
bash scripts/tour.sh .build/debug/conveyor

echo "==> testing the Python client against a real conveyor serve"
python3 -m venv .build/python-client-venv
.build/python-client-venv/bin/pip install -q --disable-pip-version-check -e "clients/python[test]"
CONVEYOR_BIN=.build/debug/conveyor .build/python-client-venv/bin/python -m pytest -q clients/python/tests

echo "==> testing the Node.js client against a real conveyor serve"
(cd clients/node && CONVEYOR_BIN=../../.build/debug/conveyor node --test test/*.test.js)
