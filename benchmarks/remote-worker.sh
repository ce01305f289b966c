#!/usr/bin/env bash
# Workers over HTTP (the Python client) against Swift workers, on a release `conveyor serve`:
# idle pickup of a long-polling worker, and no-op throughput side by side. Prints one JSON line.
# Usage: bash benchmarks/remote-worker.sh [--database postgres://...] [--jobs N] [--concurrency C]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product conveyor >/dev/null
python3 -m venv .build/python-client-venv
.build/python-client-venv/bin/pip install -q --disable-pip-version-check -e clients/python
exec .build/python-client-venv/bin/python benchmarks/remote_worker.py --conveyor .build/release/conveyor "$@"
