"""pgqueuer's side of the peer comparison (benchmarks/peers/run.sh): the phases `conveyor
bench` runs, on a fresh schema of the same PostgreSQL, printed as one JSON object with the
same names.

  single enqueue: N jobs, one per call and transaction, one caller (as a web request enqueues)
  bulk enqueue:   N jobs, BULK_SIZE per call, BULK_CALLERS callers at once
  process:        all 2N no-op jobs, DEQUEUE QueueManagers at once (each its own asyncpg
                  connection, as pgqueuer's own tools/benchmark.py runs them) until the
                  queue is empty

Settings are pgqueuer's documented ones for throughput (its benchmark page and performance
tuning guide): the asyncpg driver, uvloop (as its command line runs), several dequeuers, a batch of jobs per dequeue, no
per-entrypoint limit, drain mode; its tables as installed, durable (as Conveyor's).

usage: python pgqueuer_bench.py DSN SCHEMA [--jobs N] [--single-jobs N] [--dequeue D] [--batch-size B]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from datetime import timedelta

parser = argparse.ArgumentParser()
parser.add_argument("dsn")
parser.add_argument("schema")
parser.add_argument("--jobs", type=int, default=10_000)
parser.add_argument("--single-jobs", type=int, default=None)
parser.add_argument("--dequeue", type=int, default=4)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--bulk-size", type=int, default=1_000)
parser.add_argument("--bulk-callers", type=int, default=2)
args = parser.parse_args()
# pgqueuer reads its schema from the environment when its settings are first made.
os.environ["PGQUEUER_SCHEMA"] = args.schema

import asyncpg  # noqa: E402
from pgqueuer import AsyncpgDriver, QueueManager, Queries  # noqa: E402
from pgqueuer.domain.types import QueueExecutionMode  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main() -> dict:
    single_jobs = args.jobs if args.single_jobs is None else args.single_jobs
    setup = await asyncpg.connect(args.dsn)
    await Queries(AsyncpgDriver(setup)).install(create_schema=True)
    result: dict = {"system": "pgqueuer", "jobs": args.jobs, "dequeue": args.dequeue, "batch_size": args.batch_size}

    queries = Queries(AsyncpgDriver(setup))
    start = time.perf_counter()
    for n in range(single_jobs):
        await queries.enqueue("noop", json.dumps({"n": n}).encode())
    if single_jobs:
        result["enqueue_single_per_s"] = single_jobs / (time.perf_counter() - start)

    callers = [await asyncpg.connect(args.dsn) for _ in range(args.bulk_callers)]

    async def bulk(connection: asyncpg.Connection, share: range) -> None:
        caller = Queries(AsyncpgDriver(connection))
        for first in range(share.start, share.stop, args.bulk_size):
            count = min(args.bulk_size, share.stop - first)
            await caller.enqueue(["noop"] * count, [json.dumps({"n": first + i}).encode() for i in range(count)], [0] * count)

    per_caller = -(-args.jobs // args.bulk_callers)
    cpu, start = cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(bulk(c, range(i * per_caller, min(args.jobs, (i + 1) * per_caller))) for i, c in enumerate(callers)))
    elapsed = time.perf_counter() - start
    result["enqueue_bulk_per_s"] = args.jobs / elapsed
    result["enqueue_bulk_cpu_us_per_job"] = (cpu_seconds() - cpu) / args.jobs * 1e6
    for connection in callers:
        await connection.close()

    total = single_jobs + args.jobs
    connections = [await asyncpg.connect(args.dsn) for _ in range(args.dequeue)]
    done = 0

    async def noop(job) -> None:  # noqa: ANN001
        nonlocal done
        done += 1

    managers = []
    for connection in connections:
        qm = QueueManager(Queries(AsyncpgDriver(connection)))
        qm.entrypoint("noop")(noop)
        managers.append(qm)
    cpu, start = cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(qm.run(dequeue_timeout=timedelta(seconds=1), batch_size=args.batch_size, mode=QueueExecutionMode.drain,
                                  log_aggregation_interval=timedelta(0)) for qm in managers))
    elapsed = time.perf_counter() - start
    if done != total:
        raise SystemExit(f"pgqueuer ran {done} of {total} jobs")
    result["process_per_s"] = total / elapsed
    result["process_cpu_us_per_job"] = (cpu_seconds() - cpu) / total * 1e6
    for connection in connections:
        await connection.close()
    await setup.close()
    return result


try:
    # pgqueuer's own command line (`pgq run`) runs on uvloop when it is installed; so does this.
    import uvloop

    print(json.dumps(uvloop.run(main()) | {"event_loop": "uvloop"}))
except ImportError:
    print(json.dumps(asyncio.run(main()) | {"event_loop": "asyncio"}))
