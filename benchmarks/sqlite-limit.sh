#!/usr/bin/env bash
# Measures SQLite's own limit for Conveyor's hot path on this machine: the store's schema (made
# by `conveyor migrate`), claim and outcome statements, from C, one connection, no Swift.
# Usage: bash benchmarks/sqlite-limit.sh [JOBS] [BATCH...]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-40000}
shift || true
batches=("${@:-1 10 50 100}")
swift build -c release --product conveyor >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/sqlite_limit" benchmarks/sqlite_limit.c -lsqlite3
for batch in ${batches[@]}; do
  for mode in together split; do
    rm -f "$work"/db.sqlite*
    .build/release/conveyor migrate --database "sqlite:$work/db.sqlite" >/dev/null
    "$work/sqlite_limit" "$work/db.sqlite" "$jobs" "$batch" $([ $mode = split ] && echo split)
  done
done
