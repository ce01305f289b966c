"""Issue 30's fleet: on one PostgreSQL database, two Swift nodes (`conveyor serve`), two Python
and two Node.js worker processes share one queue of 20,000 jobs; one process of each kind is
killed with SIGKILL mid-run. Every job completes exactly once, and the jobs the killed processes
held are rescued after the lease timeout and completed elsewhere."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import httpx
import pytest

from conveyor_client import Client

from conftest import ROOT

POSTGRES = os.environ.get("CONVEYOR_TEST_POSTGRES_URL")
ADMIN, WORK = "admin-key-for-fleet", "work-key-for-fleet"
JOBS = 20_000


def serve(binary: str, database: str, name: str, folder: Path) -> tuple:
    log = folder / f"{name}.log"
    with open(log, "w") as output:
        process = subprocess.Popen([binary, "serve", "--database", database, "--node", name, "--queue", "fleet=16", "--port", "0",
                                    "--rescue-after", "3s", "--heartbeat-interval", "500ms", "--api-key", f"{ADMIN}:admin",
                                    "--api-key", f"{WORK}:work:fleet"], stdout=output, stderr=subprocess.STDOUT, cwd=folder)
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read_text())
        if match:
            url = f"http://127.0.0.1:{match.group(1)}"
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    return process, url
            except httpx.HTTPError:
                pass
        time.sleep(0.05)


PYTHON_WORKER = """
import sys, time
from conveyor_client import Client, Worker
worker = Worker(Client(sys.argv[1], api_key=sys.argv[2]), queues=["fleet"], concurrency=16, name=sys.argv[3],
                heartbeat_interval=0.5, poll_wait=0.5)
@worker.handler("sleep")
def sleep(job):
    time.sleep(job.args["ms"] / 1000)
    return {"by": sys.argv[3]}
worker.run()
"""

NODE_WORKER = """
import { Client, Worker } from %s;
const [url, key, name] = process.argv.slice(1);
const worker = new Worker(new Client(url, { apiKey: key }), { queues: ['fleet'], concurrency: 16, name, heartbeatSeconds: 0.5, pollWaitSeconds: 0.5 });
worker.handle('sleep', async (job) => { await new Promise((done) => setTimeout(done, job.args.ms)); return { by: name }; });
await worker.run();
"""


@pytest.mark.skipif(POSTGRES is None, reason="needs the PostgreSQL scripts/test.sh starts")
@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_a_mixed_fleet_completes_every_job_once_and_rescues_the_killed_workers_jobs() -> None:
    binary = str(Path(os.environ.get("CONVEYOR_BIN", ROOT / ".build" / "debug" / "conveyor")).resolve())
    database = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}schema=fleet_{uuid.uuid4().hex[:12]}"
    folder = Path(tempfile.mkdtemp(prefix="conveyor-fleet-"))
    subprocess.run([binary, "migrate", "--database", database], check=True, capture_output=True)
    processes: dict = {}
    try:
        urls = []
        for n in (1, 2):
            processes[f"swift-{n}"], url = serve(binary, database, f"swift-{n}", folder)
            urls.append(url)
        # Every remote worker talks to swift-1's API: swift-2 is one of the processes killed.
        node_module = json.dumps((ROOT / "clients" / "node" / "src" / "index.js").as_uri())
        for n in (1, 2):
            processes[f"py-{n}"] = subprocess.Popen([sys.executable, "-c", PYTHON_WORKER, urls[0], WORK, f"py-{n}"])
            processes[f"node-{n}"] = subprocess.Popen(["node", "--input-type=module", "-e", NODE_WORKER % node_module, urls[0], WORK, f"node-{n}"])
        admin = Client(urls[0], api_key=ADMIN)
        for start in range(0, JOBS, 5_000):
            admin.enqueue_many([{"kind": "sleep", "queue": "fleet", "args": {"ms": 5}} for _ in range(start, start + 5_000)])

        def count(state: str) -> int:
            return httpx.get(f"{urls[0]}/api/v1/jobs/count", params={"state": state, "queue": "fleet"},
                             headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30).json()["count"]

        deadline = time.monotonic() + 120
        while count("completed") < JOBS // 4:
            assert time.monotonic() < deadline, "the fleet did not get going"
            time.sleep(0.2)
        victims = ("swift-2", "py-2", "node-2")

        def executing_by() -> dict:
            jobs = httpx.get(f"{urls[0]}/api/v1/jobs", params={"state": "executing", "queue": "fleet", "limit": 1000},
                             headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30).json()["jobs"]
            return {victim: [job["id"] for job in jobs if job.get("attempted_by") == victim] for victim in victims}

        # Killed at a moment when each holds jobs: a worker of 5 ms jobs can be between its
        # last report and its next fetch, holding none, and then there is nothing to rescue.
        # Stopped first, so that none finishes what it holds between the look and the kill; the
        # look is taken once two in a row agree (a report sent just before the stop has landed).
        deadline = time.monotonic() + 60
        while True:
            for victim in victims:
                processes[victim].send_signal(signal.SIGSTOP)
            held, settled = executing_by(), None
            while settled != held:
                settled, held = held, executing_by()
            if all(len(ids) >= 2 for ids in held.values()):
                break
            for victim in victims:
                processes[victim].send_signal(signal.SIGCONT)
            assert time.monotonic() < deadline, f"the victims never all held jobs at once: {held}"
            time.sleep(0.02)
        for victim in victims:
            processes[victim].send_signal(signal.SIGKILL)
        for victim in victims:
            processes[victim].wait(timeout=10)
        # What they held stays `executing` under their names until it is rescued.

        deadline = time.monotonic() + 300
        while count("completed") < JOBS:
            assert time.monotonic() < deadline, f"{count('completed')} of {JOBS} completed"
            time.sleep(0.5)
        assert sum(count(state) for state in ("available", "executing", "retryable", "discarded", "scheduled")) == 0

        for victim, ids in held.items():
            for id in ids:
                job = admin.job(id)
                assert job.state == "completed" and job.attempt >= 2, (victim, job)
                by = job.result.get("by") if isinstance(job.result, dict) else None
                assert by != victim, (victim, job)
        assert all(held.values()), f"each killed process was running jobs: {held}"
        survivors = [name for name in processes if name not in held]
        for name in survivors:
            assert processes[name].poll() is None, f"{name} died"
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
