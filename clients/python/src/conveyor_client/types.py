from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class Job:
    """A job as the server stores it."""

    id: int
    kind: str
    queue: str
    state: str
    args: Dict[str, Any]
    attempt: int
    max_attempts: int
    priority: int
    tags: List[str] = field(default_factory=list)
    meta: Dict[str, Any] = field(default_factory=dict)
    errors: List[Dict[str, Any]] = field(default_factory=list)
    duplicate: bool = False

    @property
    def result(self) -> Any:
        return self.meta.get("result")

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Job":
        return cls(
            id=data["id"], kind=data["kind"], queue=data["queue"], state=data["state"], args=data.get("args") or {},
            attempt=data.get("attempt", 0), max_attempts=data.get("max_attempts", 0), priority=data.get("priority", 0),
            tags=data.get("tags") or [], meta=data.get("meta") or {}, errors=data.get("errors") or [],
            duplicate=data.get("duplicate", False),
        )


@dataclass(frozen=True)
class Lease:
    """A fetched job and the token that names its attempt; every report carries the token.
    `timeout` is how many seconds the attempt may run (the job's own, or its kind's as
    declared); None: no limit."""

    token: str
    job: Job
    timeout: Optional[float] = None


@dataclass(frozen=True)
class KindOptions:
    """A kind a worker runs and the options its jobs get when enqueued by kind name. `backoff`
    is the server's rule as JSON, e.g. {"type": "fixed", "base_seconds": 30} or
    {"type": "exponential", "base_seconds": 15, "factor": 2}; `timeout` is in seconds."""

    kind: str
    queue: str = "default"
    priority: Optional[int] = None
    max_attempts: Optional[int] = None
    tags: Optional[List[str]] = None
    backoff: Optional[Dict[str, Any]] = None
    timeout: Optional[float] = None

    def to_json(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"kind": self.kind, "queue": self.queue, "priority": self.priority, "max_attempts": self.max_attempts,
                                "tags": self.tags, "backoff": self.backoff, "timeout_seconds": self.timeout}
        return {key: value for key, value in body.items() if value is not None}


@dataclass(frozen=True)
class Renewal:
    """What a heartbeat answers: leases whose job was cancelled, and leases this worker lost."""

    cancelled: List[str]
    lost: List[str]
