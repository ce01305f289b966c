from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import httpx

from .errors import ConveyorError, LeaseLost
from .types import Job, KindOptions, Lease, Renewal

Request = Tuple[str, str, Optional[Dict[str, Any]]]


def _enqueue_body(kind: str, args: Optional[Dict[str, Any]], options: Dict[str, Any]) -> Dict[str, Any]:
    body: Dict[str, Any] = {"kind": kind, "args": args or {}}
    body.update({name: value for name, value in options.items() if value is not None})
    return body


def _check(response: httpx.Response) -> Any:
    if response.status_code < 300:
        return response.json()
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    kind = LeaseLost if response.status_code == 409 else ConveyorError
    raise kind(response.status_code, error.get("code", "http_error"), error.get("message", response.text[:300]), error.get("field"))


class _Calls:
    """The requests both clients send, as (method, path, body), and how their answers read."""

    @staticmethod
    def enqueue(kind: str, args: Optional[Dict[str, Any]], options: Dict[str, Any]) -> Request:
        return ("POST", "/api/v1/jobs", _enqueue_body(kind, args, options))

    @staticmethod
    def enqueue_many(jobs: Iterable[Dict[str, Any]]) -> Request:
        return ("POST", "/api/v1/jobs/bulk", {"jobs": list(jobs)})

    @staticmethod
    def fetch(worker: str, queues: Sequence[str], kinds: Optional[Sequence[str]], limit: int, wait: float, slots: Optional[int]) -> Request:
        body = {"worker": worker, "queues": list(queues), "kinds": list(kinds or []), "limit": limit, "wait_seconds": wait}
        return ("POST", "/api/v1/work/fetch", {**body, "slots": slots} if slots is not None else body)

    @staticmethod
    def declare(worker: str, kinds: Sequence[KindOptions]) -> Request:
        return ("POST", "/api/v1/work/declare", {"worker": worker, "kinds": [kind.to_json() for kind in kinds]})

    @staticmethod
    def heartbeat(worker: str, queues: Sequence[str], leases: Sequence[str], kinds: Optional[Sequence[str]], slots: Optional[int]) -> Request:
        body = {"worker": worker, "queues": list(queues), "kinds": list(kinds or []), "leases": list(leases)}
        return ("POST", "/api/v1/work/heartbeat", {**body, "slots": slots} if slots is not None else body)

    @staticmethod
    def leases(answer: Any) -> List[Lease]:
        return [Lease(token=item["lease"], job=Job.from_json(item["job"]), timeout=item.get("timeout_seconds")) for item in answer["leases"]]

    @staticmethod
    def outcome(name: str, lease: str, fields: Dict[str, Any]) -> Request:
        return ("POST", f"/api/v1/work/{name}", {"lease": lease, **{key: value for key, value in fields.items() if value is not None}})


class Client:
    """Conveyor's HTTP API, blocking. `api_key` is sent as a Bearer token; a worker's key needs
    the `work` scope on its queues (`KEY:work:crm+mail`)."""

    def __init__(self, base_url: str, api_key: Optional[str] = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._timeout = timeout

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def _send(self, request: Request, timeout: Optional[float] = None) -> Any:
        method, path, body = request
        return _check(self._http.request(method, path, json=body, timeout=timeout or self._timeout))

    def enqueue(self, kind: str, args: Optional[Dict[str, Any]] = None, **options: Any) -> Job:
        """Inserts one job. Options: queue, priority (0 first), max_attempts, scheduled_at,
        delay_seconds, tags, meta, unique, backoff, timeout_seconds. `duplicate` on the answer
        says a unique job already held the key."""
        return Job.from_json(self._send(_Calls.enqueue(kind, args, options)))

    def enqueue_many(self, jobs: Iterable[Dict[str, Any]]) -> List[Job]:
        """Inserts many jobs (each a dict with `kind`, `args` and options) in one transaction."""
        return [Job.from_json(item) for item in self._send(_Calls.enqueue_many(jobs))["jobs"]]

    def job(self, id: int) -> Job:
        return Job.from_json(self._send(("GET", f"/api/v1/jobs/{id}", None)))

    def fetch(self, worker: str, queues: Sequence[str], kinds: Optional[Sequence[str]] = None, limit: int = 1, wait: float = 0.0,
              slots: Optional[int] = None) -> List[Lease]:
        """Leases up to `limit` jobs, waiting up to `wait` seconds for one to become available."""
        return _Calls.leases(self._send(_Calls.fetch(worker, queues, kinds, limit, wait, slots), timeout=wait + self._timeout))

    def declare(self, worker: str, kinds: Sequence[KindOptions]) -> List[str]:
        """Declares the kinds the worker runs with their options (queue, priority, attempts,
        tags, backoff, timeout): enqueues by kind name get them, even while no worker is up."""
        return list(self._send(_Calls.declare(worker, kinds))["declared"])

    def heartbeat(self, worker: str, queues: Sequence[str], leases: Sequence[str], kinds: Optional[Sequence[str]] = None,
                  slots: Optional[int] = None) -> Renewal:
        """Extends the worker's leases; answers those whose job was cancelled or that were lost."""
        answer = self._send(_Calls.heartbeat(worker, queues, leases, kinds, slots))
        return Renewal(cancelled=answer["cancelled"], lost=answer["lost"])

    def progress(self, lease: str, fraction: float, message: Optional[str] = None, details: Optional[Dict[str, Any]] = None) -> None:
        self._send(_Calls.outcome("progress", lease, {"progress": fraction, "message": message, "details": details}))

    def complete(self, lease: str, result: Any = None) -> Job:
        return Job.from_json(self._send(_Calls.outcome("complete", lease, {"result": result})))

    def fail(self, lease: str, error: str, retry_in: Optional[float] = None) -> Job:
        """Fails the attempt; it is retried by the job's backoff (or after `retry_in` seconds)."""
        return Job.from_json(self._send(_Calls.outcome("fail", lease, {"error": error, "retry_in_seconds": retry_in})))

    def snooze(self, lease: str, seconds: float) -> Job:
        return Job.from_json(self._send(_Calls.outcome("snooze", lease, {"seconds": seconds})))

    def discard(self, lease: str, reason: Optional[str] = None) -> Job:
        return Job.from_json(self._send(_Calls.outcome("discard", lease, {"reason": reason})))

    def cancel(self, lease: str, reason: Optional[str] = None) -> Job:
        return Job.from_json(self._send(_Calls.outcome("cancel", lease, {"reason": reason})))


class AsyncClient:
    """The same API for asyncio."""

    def __init__(self, base_url: str, api_key: Optional[str] = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._timeout = timeout

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.aclose()

    async def _send(self, request: Request, timeout: Optional[float] = None) -> Any:
        method, path, body = request
        return _check(await self._http.request(method, path, json=body, timeout=timeout or self._timeout))

    async def enqueue(self, kind: str, args: Optional[Dict[str, Any]] = None, **options: Any) -> Job:
        return Job.from_json(await self._send(_Calls.enqueue(kind, args, options)))

    async def enqueue_many(self, jobs: Iterable[Dict[str, Any]]) -> List[Job]:
        return [Job.from_json(item) for item in (await self._send(_Calls.enqueue_many(jobs)))["jobs"]]

    async def job(self, id: int) -> Job:
        return Job.from_json(await self._send(("GET", f"/api/v1/jobs/{id}", None)))

    async def fetch(self, worker: str, queues: Sequence[str], kinds: Optional[Sequence[str]] = None, limit: int = 1, wait: float = 0.0,
              slots: Optional[int] = None) -> List[Lease]:
        return _Calls.leases(await self._send(_Calls.fetch(worker, queues, kinds, limit, wait, slots), timeout=wait + self._timeout))

    async def declare(self, worker: str, kinds: Sequence[KindOptions]) -> List[str]:
        return list((await self._send(_Calls.declare(worker, kinds)))["declared"])

    async def heartbeat(self, worker: str, queues: Sequence[str], leases: Sequence[str], kinds: Optional[Sequence[str]] = None,
                  slots: Optional[int] = None) -> Renewal:
        answer = await self._send(_Calls.heartbeat(worker, queues, leases, kinds, slots))
        return Renewal(cancelled=answer["cancelled"], lost=answer["lost"])

    async def progress(self, lease: str, fraction: float, message: Optional[str] = None, details: Optional[Dict[str, Any]] = None) -> None:
        await self._send(_Calls.outcome("progress", lease, {"progress": fraction, "message": message, "details": details}))

    async def complete(self, lease: str, result: Any = None) -> Job:
        return Job.from_json(await self._send(_Calls.outcome("complete", lease, {"result": result})))

    async def fail(self, lease: str, error: str, retry_in: Optional[float] = None) -> Job:
        return Job.from_json(await self._send(_Calls.outcome("fail", lease, {"error": error, "retry_in_seconds": retry_in})))

    async def snooze(self, lease: str, seconds: float) -> Job:
        return Job.from_json(await self._send(_Calls.outcome("snooze", lease, {"seconds": seconds})))

    async def discard(self, lease: str, reason: Optional[str] = None) -> Job:
        return Job.from_json(await self._send(_Calls.outcome("discard", lease, {"reason": reason})))

    async def cancel(self, lease: str, reason: Optional[str] = None) -> Job:
        return Job.from_json(await self._send(_Calls.outcome("cancel", lease, {"reason": reason})))
