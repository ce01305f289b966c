#!/usr/bin/env bash
# For the pgbench comparators: starts the private test server, builds the release conveyor,
# gives schema NAME a fresh copy of the store's tables, and prints the server's URL.
# Usage: url=$(bash benchmarks/fresh-schema.sh NAME)
set -euo pipefail
cd "$(dirname "$0")/.."
schema=$1
url=$(bash scripts/postgres.sh start)
swift build -c release --product conveyor >/dev/null
psql "$url" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null
.build/release/conveyor migrate --database "$url?schema=$schema" >/dev/null
echo "$url"
