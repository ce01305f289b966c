from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence

from .client import Client
from .errors import ConveyorError, LeaseLost
from .types import Job, KindOptions, Lease

logger = logging.getLogger("conveyor_client")


class Snooze(Exception):
    """Raise to run the job again after `seconds`; the attempt does not count."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"snoozed for {seconds} s")
        self.seconds = seconds


class Discard(Exception):
    """Raise to give the job up for good (state `discarded`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Cancel(Exception):
    """Raise to stop the job for good (state `cancelled`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class JobContext:
    """What a handler gets: the job, progress reports, and whether it should stop."""

    def __init__(self, client: Client, lease: Lease) -> None:
        self._client = client
        self.lease = lease.token
        self.job: Job = lease.job
        self.timeout = lease.timeout
        self._stop = threading.Event()
        self._reported = False
        self._report_lock = threading.Lock()

    def _take_report(self) -> bool:
        """True for the first caller only: the handler's outcome and a timeout's race to report."""
        with self._report_lock:
            first, self._reported = not self._reported, True
            return first

    @property
    def args(self) -> Dict[str, Any]:
        return self.job.args

    @property
    def cancelled(self) -> bool:
        """True once the job was cancelled or the lease lost: stop, the outcome will not be stored."""
        return self._stop.is_set()

    def progress(self, fraction: float, message: Optional[str] = None, details: Optional[Dict[str, Any]] = None) -> None:
        try:
            self._client.progress(self.lease, fraction, message, details)
        except LeaseLost:
            self._stop.set()


Handler = Callable[[JobContext], Any]


class Worker:
    """Runs handlers for the kinds it registers, `concurrency` jobs at a time, taking the jobs of
    `queues` with long polls and renewing its leases every `heartbeat_interval` seconds. Queues
    route work: give a worker the queues whose kinds it has handlers for (the kinds it declares
    show on the dashboard's nodes page).

    `run()` returns after SIGTERM or SIGINT (or `stop()`): it stops taking jobs and lets the
    running ones finish and report first.
    """

    def __init__(self, client: Client, queues: Sequence[str], concurrency: int = 4, name: Optional[str] = None,
                 heartbeat_interval: float = 5.0, poll_wait: float = 2.0) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be 1 or more")
        self.client = client
        self.queues = list(queues)
        self.concurrency = concurrency
        self.name = name or f"py-{socket.gethostname()}-{os.getpid()}"
        self.heartbeat_interval = heartbeat_interval
        self.poll_wait = poll_wait
        self._handlers: Dict[str, Handler] = {}
        self._declared: Dict[str, KindOptions] = {}
        self._running: Dict[str, JobContext] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def handler(self, kind: str, *, queue: Optional[str] = None, priority: Optional[int] = None, max_attempts: Optional[int] = None,
                tags: Optional[List[str]] = None, backoff: Optional[Dict[str, Any]] = None,
                timeout: Optional[float] = None) -> Callable[[Handler], Handler]:
        """Registers the decorated function for jobs of `kind`; its return value is the result.

        Options, if any, are declared when the worker starts, so that every enqueue by kind
        name gets them: `queue` (default: the worker's first), `priority`, `max_attempts`,
        `tags`, `backoff` (the server's rule as JSON) and `timeout` (seconds an attempt may run;
        after that the worker fails it as timed out and tells the handler to stop)."""
        options = KindOptions(kind, queue or self.queues[0], priority, max_attempts, tags, backoff, timeout)
        def register(function: Handler) -> Handler:
            self._handlers[kind] = function
            if options != KindOptions(kind, self.queues[0]) or queue is not None:
                self._declared[kind] = options
            return function
        return register

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        if not self._handlers:
            raise ValueError("register a handler before run()")
        if self._declared:
            self.client.declare(self.name, list(self._declared.values()))
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop())
        beat = threading.Thread(target=self._heartbeats, name="conveyor-heartbeat", daemon=True)
        beat.start()
        # Leaving the pool's block waits for the running jobs to report.
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="conveyor-job") as pool:
            while not self._stopping.is_set():
                with self._lock:
                    free = self.concurrency - len(self._running)
                if free == 0:
                    self._stopping.wait(0.01)
                    continue
                try:
                    leases = self.client.fetch(self.name, self.queues, kinds=list(self._handlers), limit=free, wait=self.poll_wait,
                                               slots=self.concurrency)
                except ConveyorError as error:
                    if error.status in (401, 403):
                        raise
                    logger.warning("fetching jobs failed: %s", error)
                    self._stopping.wait(1.0)
                    continue
                except Exception as error:  # the server is restarting or unreachable: try again
                    logger.warning("fetching jobs failed: %s", error)
                    self._stopping.wait(1.0)
                    continue
                for lease in leases:
                    context = JobContext(self.client, lease)
                    with self._lock:
                        self._running[lease.token] = context
                    if context.timeout is not None:
                        timer = threading.Timer(context.timeout, self._time_out, [context])
                        timer.daemon = True
                        timer.start()
                    pool.submit(self._perform, context)
        self._stopping.set()
        beat.join(timeout=self.heartbeat_interval + 1)

    def _time_out(self, context: JobContext) -> None:
        """A thread cannot be stopped from outside: the attempt is failed as timed out, the
        handler is told to stop (`cancelled`), and whatever it returns later is not reported."""
        if not context._take_report():
            return
        context._stop.set()
        try:
            self.client.fail(context.lease, f"timed out after {context.timeout:g} s")
        except LeaseLost:
            pass
        except Exception as error:
            logger.error("job %s: reporting its timeout failed: %s", context.job.id, error)

    def _perform(self, context: JobContext) -> None:
        handler = self._handlers.get(context.job.kind)
        report: Callable[[], Any]
        try:
            if handler is None:
                # A worker takes every job of its queues; one it has no handler for fails
                # (and is retried), as on a Swift node that does not know the kind.
                raise LookupError(f"worker {self.name} has no handler for kind '{context.job.kind}'")
            report = partial(self.client.complete, context.lease, handler(context))
        except Snooze as snooze:
            report = partial(self.client.snooze, context.lease, snooze.seconds)
        except Discard as discard:
            report = partial(self.client.discard, context.lease, discard.reason)
        except Cancel as cancel:
            report = partial(self.client.cancel, context.lease, cancel.reason)
        except Exception as error:
            report = partial(self.client.fail, context.lease, f"{type(error).__name__}: {error}")
        try:
            if context._take_report():
                report()
        except LeaseLost:
            logger.info("job %s: its lease was lost (rescued or cancelled); the outcome was not stored", context.job.id)
        except Exception as error:
            logger.error("job %s: reporting its outcome failed: %s", context.job.id, error)
        finally:
            with self._lock:
                self._running.pop(context.lease, None)

    def _heartbeats(self) -> None:
        while True:
            with self._lock:
                tokens = list(self._running)
            if self._stopping.is_set() and not tokens:
                return
            try:
                renewal = self.client.heartbeat(self.name, self.queues, tokens, kinds=list(self._handlers), slots=self.concurrency)
                with self._lock:
                    for token in renewal.cancelled + renewal.lost:
                        if token in self._running:
                            self._running[token]._stop.set()
            except Exception as error:
                logger.warning("heartbeat failed: %s", error)
            # While stopping, beat often so that running jobs keep their leases until they report.
            if self._stopping.is_set():
                time.sleep(0.2)
            else:
                self._stopping.wait(self.heartbeat_interval)
