from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from conveyor_client import Client, Discard, Worker


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def states(admin: Client, ids) -> dict:
    found: dict = {}
    for id in ids:
        state = admin.job(id).state
        found[state] = found.get(state, 0) + 1
    return found


def test_a_worker_runs_each_job_once_at_most_concurrency_at_a_time(server) -> None:
    admin = Client(server.url, api_key="admin-key-for-tests")
    jobs = admin.enqueue_many([{"kind": "py.count", "queue": "py", "args": {"n": n}} for n in range(200)]
                              + [{"kind": "py.refuse", "queue": "py", "args": {}}])
    seen: dict = {}
    lock = threading.Lock()
    running = {"now": 0, "most": 0}

    worker = Worker(Client(server.url, api_key="work-key-for-tests"), queues=["py"], concurrency=8, name="py-pool", heartbeat_interval=0.5, poll_wait=0.5)

    @worker.handler("py.count")
    def count(job):
        with lock:
            seen[job.args["n"]] = seen.get(job.args["n"], 0) + 1
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        time.sleep(0.01)
        with lock:
            running["now"] -= 1
        return {"n": job.args["n"]}

    @worker.handler("py.refuse")
    def refuse(job):
        raise Discard("not for this worker")

    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        wait_until(lambda: len(seen) == 200)
        wait_until(lambda: states(admin, [job.id for job in jobs]) == {"completed": 200, "discarded": 1})
    finally:
        worker.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert all(times == 1 for times in seen.values())
    assert 1 < running["most"] <= 8
    assert admin.job(jobs[5].id).result == {"n": 5}


def test_sigterm_lets_running_jobs_finish_before_the_process_exits(server, tmp_path: Path) -> None:
    admin = Client(server.url, api_key="admin-key-for-tests")
    jobs = admin.enqueue_many([{"kind": "py.slow", "queue": "py", "args": {"n": n}} for n in range(12)])
    started = tmp_path / "started"
    script = textwrap.dedent(f"""
        import time
        from conveyor_client import Client, Worker
        worker = Worker(Client({server.url!r}, api_key="work-key-for-tests"), queues=["py"], concurrency=3, name="py-sigterm",
                        heartbeat_interval=0.5, poll_wait=0.5)
        @worker.handler("py.slow")
        def slow(job):
            open({str(started)!r}, "a").write(str(job.args["n"]) + "\\n")
            time.sleep(1.0)
            return {{"n": job.args["n"]}}
        worker.run()
    """)
    process = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ))
    try:
        wait_until(lambda: started.exists() and len(started.read_text().split()) >= 3)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    ran = {int(n) for n in started.read_text().split()}
    by_id = {job.id: job.args["n"] for job in jobs}
    for id, n in by_id.items():
        state = admin.job(id).state
        # Each job it started finished and reported before it exited; the rest wait for another worker.
        assert state == ("completed" if n in ran else "available"), (n, state)
    assert 3 <= len(ran) < 12


def test_declared_options_reach_enqueues_by_kind_and_a_timed_out_attempt_is_retried_by_the_declared_backoff(server) -> None:
    admin = Client(server.url, api_key="admin-key-for-tests")
    worker = Worker(Client(server.url, api_key="work-key-for-tests"), queues=["py"], concurrency=2, name="py-slow",
                    heartbeat_interval=0.5, poll_wait=0.5)
    started = threading.Event()
    stopped_when_told = threading.Event()

    @worker.handler("py.slow", max_attempts=2, priority=3, tags=["slow"], timeout=0.5,
                    backoff={"type": "fixed", "base_seconds": 0.2})
    def slow(job):
        started.set()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if job.cancelled:
                stopped_when_told.set()
                return {"finished": False}
            time.sleep(0.02)
        return {"finished": True}

    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        # Declared when the worker starts: an enqueue by kind alone, with no queue, lands in "py".
        wait_until(lambda: any(node["name"] == "py-slow" for node in httpx_get(server, "/api/v1/nodes")["nodes"]))
        node = next(node for node in httpx_get(server, "/api/v1/nodes")["nodes"] if node["name"] == "py-slow")
        assert node["slots"] == 2, f"the worker's concurrency is its node's slots: {node!r}"
        job = admin.enqueue("py.slow")
        assert (job.queue, job.priority, job.max_attempts, job.tags) == ("py", 3, 2, ["slow"])
        wait_until(lambda: admin.job(job.id).state == "discarded", timeout=20)
    finally:
        worker.stop()
        thread.join(timeout=30)
    assert started.is_set() and stopped_when_told.is_set(), "the handler was told to stop at its timeout"
    final = admin.job(job.id)
    assert final.attempt == 2
    assert [error["message"] for error in final.errors] == ["timed out after 0.5 s"] * 2
    assert final.result is None, "what the handler returned after its timeout was not stored"
    first, second = final.errors
    # The second attempt began after the declared 0.2 s backoff, not the default 15 s.
    assert parse_time(second["at"]) - parse_time(first["at"]) < 5


def httpx_get(server, path: str) -> dict:
    import httpx
    return httpx.get(server.url + path, headers={"Authorization": "Bearer admin-key-for-tests"}, timeout=10).json()


def parse_time(text: str) -> float:
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_a_schedule_of_the_workers_kind_fires_and_runs_with_the_declared_options(server) -> None:
    """APScheduler's job, done by the server: no Swift worker runs `py.digest`, yet its
    schedule fires every second, and each run lands in the declared queue for this worker."""
    import httpx
    admin = Client(server.url, api_key="admin-key-for-tests")
    worker = Worker(Client(server.url, api_key="work-key-for-tests"), queues=["py"], concurrency=1, name="py-digest",
                    heartbeat_interval=0.5, poll_wait=0.5)
    runs: list[dict] = []

    @worker.handler("py.digest", timeout=30, backoff={"type": "fixed", "base_seconds": 1})
    def digest(job):
        runs.append(job.args)
        return {"sent": True}

    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        wait_until(lambda: any(node["name"] == "py-digest" for node in httpx_get(server, "/api/v1/nodes")["nodes"]))
        response = httpx.post(server.url + "/api/v1/schedules", headers={"Authorization": "Bearer admin-key-for-tests"}, timeout=10,
                              json={"name": "digest", "kind": "py.digest", "args": {"team": "ops"}, "recurrence": {"type": "every", "seconds": 1}})
        assert response.status_code == 201, response.text
        wait_until(lambda: len(runs) >= 2, timeout=20)
    finally:
        worker.stop()
        thread.join(timeout=30)
    assert runs[:2] == [{"team": "ops"}, {"team": "ops"}]
    schedule = httpx_get(server, "/api/v1/schedules/digest")
    job = admin.job(schedule["last_job_id"])
    assert job.queue == "py" and job.kind == "py.digest", job
    assert job.meta["schedule"] == "digest" and job.meta["timeout_seconds"] == 30, job.meta
