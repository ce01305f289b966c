"""A real `conveyor serve` on a new SQLite file for each test (`CONVEYOR_BIN`, default
the debug build), with keys for each scope the tests need."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
KEYS = ["admin-key-for-tests:admin", "work-key-for-tests:work:py+other", "py-only-key-for-tests:work:py", "read-key-for-tests:read"]


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log


@pytest.fixture
def server() -> Iterator[Server]:
    binary = str(Path(os.environ.get("CONVEYOR_BIN", ROOT / ".build" / "debug" / "conveyor")).resolve())
    folder = Path(tempfile.mkdtemp(prefix="conveyor-py-"))
    log = folder / "serve.log"
    arguments = [binary, "serve", "--database", f"sqlite:{folder / 'jobs.sqlite'}", "--port", "0",
                 "--rescue-after", "2s", "--heartbeat-interval", "500ms", "--max-lease-wait", "5s"]
    for key in KEYS:
        arguments += ["--api-key", key]
    environment = {name: value for name, value in os.environ.items() if name != "CONVEYOR_DATABASE_URL"}
    with open(log, "w") as output:
        process = subprocess.Popen(arguments, stdout=output, stderr=subprocess.STDOUT, cwd=folder, env=environment)
    deadline = time.monotonic() + 60
    url = None
    while url is None:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"conveyor serve did not start:\n{log.read_text()}")
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read_text())
        if match:
            candidate = f"http://127.0.0.1:{match.group(1)}"
            try:
                if httpx.get(candidate + "/health", timeout=2).status_code == 200:
                    url = candidate
            except httpx.HTTPError:
                pass
        time.sleep(0.05)
    yield Server(url, process, log)
    process.terminate()
    process.wait(timeout=30)
