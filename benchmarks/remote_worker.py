"""Workers over HTTP against Swift workers, side by side on one `conveyor serve` build.

1. Idle pickup: a worker long-polls `POST /api/v1/work/fetch` on an empty queue; a job is
   enqueued over the API; pickup is the time from the enqueue call to the fetch answering it
   (and, for comparison, from the enqueue's answer: the fetch may answer first).
2. Throughput: JOBS no-op jobs wait in a paused queue; the queue is resumed and the clock runs
   until every job is completed, once with the Python client's Worker (CONCURRENCY threads, in
   this process) and once with the Swift node itself running the queue at CONCURRENCY.
   CPU per job is the server's and, for the Python run, this process's.

Usage (benchmarks/remote-worker.sh builds and sets up the client):
    python benchmarks/remote_worker.py --conveyor .build/release/conveyor [--jobs 20000]
        [--concurrency 50] [--samples 200] [--database postgres://...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from conveyor_client import Client, Worker

KEY = "bench-admin-key-0123456789"
QUEUE = "remote"


class Server:
    """A release `conveyor serve` on a fresh database; `queues` are the ones its Swift node runs."""

    def __init__(self, binary: str, database: str, queues: list[str]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="conveyor-remote-bench-"))
        if database == "sqlite":
            database = f"sqlite:{self.folder / 'bench.sqlite'}"
        else:
            database += ("&" if "?" in database else "?") + f"schema=remote_bench_{os.getpid()}_{time.monotonic_ns()}"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        arguments = [binary, "serve", "--database", database, "--port", str(port), "--api-key", f"{KEY}:admin",
                     "--log-level", "warning", "--poll-interval", "1s"]
        for queue in queues:
            arguments += ["--queue", queue]
        self.log = self.folder / "serve.log"
        with open(self.log, "w") as output:
            self.process = subprocess.Popen(arguments, stdout=output, stderr=subprocess.STDOUT)
        self.client = Client(self.url, api_key=KEY, timeout=60)
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                self.call("GET", "/health")
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"conveyor serve did not start:\n{self.log.read_text()}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def call(self, method: str, path: str) -> dict:
        return self.client._send((method, path, None))

    def completed(self) -> int:
        return self.call("GET", f"/api/v1/jobs/count?queue={QUEUE}&state=completed")["count"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def idle_pickup(binary: str, database: str, samples: int) -> dict:
    server = Server(binary, database, ["default=1"])
    worker = Client(server.url, api_key=KEY, timeout=60)
    fetched: list[float] = []
    arrived = threading.Semaphore(0)
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            leases = worker.fetch("bench-py", [QUEUE], limit=1, wait=5)
            if leases:
                fetched.append(time.perf_counter())
                arrived.release()
                worker.complete(leases[0].token)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    pickups, after_answer = [], []
    try:
        for _ in range(samples):
            time.sleep(0.02)  # the worker is back in its long poll, the queue idle
            started = time.perf_counter()
            server.client.enqueue("noop", queue=QUEUE)
            answered = time.perf_counter()
            if not arrived.acquire(timeout=30):
                raise RuntimeError("a job was not picked up within 30 s")
            pickups.append((fetched[-1] - started) * 1000)
            after_answer.append((fetched[-1] - answered) * 1000)
    finally:
        stop.set()
        server.stop()
    return {"pickup_p50_ms": round(statistics.median(pickups), 2), "pickup_p90_ms": round(percentile(pickups, 0.9), 2),
            "pickup_p99_ms": round(percentile(pickups, 0.99), 2), "pickup_after_enqueue_answer_p50_ms": round(statistics.median(after_answer), 2)}


def fill(server: Server, jobs: int) -> None:
    server.call("POST", f"/api/v1/queues/{QUEUE}/pause")
    for start in range(0, jobs, 1000):
        server.client.enqueue_many([{"kind": "noop", "queue": QUEUE} for _ in range(start, min(jobs, start + 1000))])


def drain(server: Server, jobs: int) -> tuple[float, float]:
    """Resumes the queue and waits until every job is completed; answers seconds and server CPU seconds."""
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    server.call("POST", f"/api/v1/queues/{QUEUE}/resume")
    while server.completed() < jobs:
        time.sleep(0.05)
    return time.perf_counter() - started, server.cpu_seconds() - cpu


def python_throughput(binary: str, database: str, jobs: int, concurrency: int) -> dict:
    server = Server(binary, database, ["default=1"])
    try:
        fill(server, jobs)
        worker = Worker(Client(server.url, api_key=KEY, timeout=60), queues=[QUEUE], concurrency=concurrency,
                        name="bench-py", poll_wait=1.0)
        worker.handler("noop")(lambda job: None)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        own = resource.getrusage(resource.RUSAGE_SELF)
        seconds, server_cpu = drain(server, jobs)
        after = resource.getrusage(resource.RUSAGE_SELF)
        worker.stop()
        thread.join(timeout=30)
    finally:
        server.stop()
    worker_cpu = (after.ru_utime + after.ru_stime) - (own.ru_utime + own.ru_stime)
    return {"python_per_s": round(jobs / seconds), "python_server_cpu_us_per_job": round(server_cpu / jobs * 1e6, 1),
            "python_worker_cpu_us_per_job": round(worker_cpu / jobs * 1e6, 1)}


def swift_throughput(binary: str, database: str, jobs: int, concurrency: int) -> dict:
    server = Server(binary, database, [f"{QUEUE}={concurrency}"])
    try:
        fill(server, jobs)
        seconds, server_cpu = drain(server, jobs)
    finally:
        server.stop()
    return {"swift_per_s": round(jobs / seconds), "swift_cpu_us_per_job": round(server_cpu / jobs * 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conveyor", required=True, help="the conveyor binary (a release build)")
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL; each run gets a fresh file or schema")
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--samples", type=int, default=200)
    options = parser.parse_args()
    result = {"database": "sqlite" if options.database == "sqlite" else "postgresql", "jobs": options.jobs,
              "concurrency": options.concurrency}
    result.update(idle_pickup(options.conveyor, options.database, options.samples))
    result.update(python_throughput(options.conveyor, options.database, options.jobs, options.concurrency))
    result.update(swift_throughput(options.conveyor, options.database, options.jobs, options.concurrency))
    result["python_to_swift"] = round(result["python_per_s"] / result["swift_per_s"], 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
