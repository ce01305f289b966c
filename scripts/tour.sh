#!/usr/bin/env bash
# Runs the README's five-minute tour as written: the `sh` blocks under "From the command line",
# with `swift run conveyor` replaced by the built binary, against a real `conveyor serve` in a
# fresh folder. Every command must succeed; an HTTP answer must not be an error. Usage:
#   bash scripts/tour.sh [path/to/conveyor]   (default .build/debug/conveyor)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/debug/conveyor}")
readme=$(realpath README.md)
folder=$(mktemp -d)
port=$((18000 + RANDOM % 2000))
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$folder"
}
trap cleanup EXIT

# The tour's commands, one per line: continuation lines joined, comments dropped.
mapfile -t blocks < <(python3 - "$readme" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
tour = text[text.index("### From the command line"):text.index("### In your Swift code")]
for block in re.findall(r"```sh\n(.*?)```", tour, re.S):
    for line in block.replace("\\\n", " ").splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line:
            print(line)
PY
)
[ "${#blocks[@]}" -gt 5 ] || { echo "tour: no commands found in README.md" >&2; exit 1; }

cd "$folder"
run() {
  local line=${1//swift run conveyor/\"$bin\"}
  line=${line//localhost:8080/127.0.0.1:$port}
  echo "\$ $1"
  # A stream of events never ends by itself: two seconds of it is enough.
  [[ $line == curl\ -N* ]] && line="${line/curl -N/curl -N --max-time 2}"
  local output status=0
  output=$(eval "$line" 2>&1) || status=$?
  echo "$output" | head -5
  if [[ $line == curl\ -N* ]] && [ "$status" -eq 28 ]; then status=0; fi
  if [ "$status" -ne 0 ]; then echo "tour: '$1' exited with $status" >&2; exit 1; fi
  if [[ $line == curl* ]] && grep -q '"error"' <<<"$output"; then echo "tour: '$1' answered an error" >&2; exit 1; fi
}

for line in "${blocks[@]}"; do
  if [[ $line == "swift run conveyor serve"* ]]; then
    serve=${line//swift run conveyor/$bin}
    echo "\$ $line &"
    $serve --port "$port" >serve.log 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -sf "127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
    curl -sf "127.0.0.1:$port/health" >/dev/null || { cat serve.log >&2; echo "tour: serve did not start" >&2; exit 1; }
    continue
  fi
  # Retrying a job needs it to have failed first, as a reader would wait for it.
  if [[ $line =~ jobs\ retry\ ([0-9]+) ]]; then
    for _ in $(seq 100); do
      "$bin" jobs show "${BASH_REMATCH[1]}" --json | grep -qE '"state" *: *"(retryable|discarded|cancelled|completed)"' && break
      sleep 0.1
    done
  fi
  run "$line"
done

kill -TERM "$server"
for _ in $(seq 200); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server" 2>/dev/null; then echo "tour: serve did not stop on SIGTERM" >&2; exit 1; fi
wait "$server" || { status=$?; cat serve.log >&2; echo "tour: serve exited with $status" >&2; exit 1; }
server=""
echo "tour: every step worked"
