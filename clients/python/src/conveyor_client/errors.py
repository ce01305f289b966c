from __future__ import annotations

from typing import Optional


class ConveyorError(Exception):
    """The server refused a request: its HTTP status, error code, message and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None) -> None:
        super().__init__(f"{status} {code}: {message}" + (f" (field {field})" if field else ""))
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class LeaseLost(ConveyorError):
    """409: the lease no longer names the job's current attempt (rescued, cancelled or
    finished). Stop working on the job; its outcome is not stored."""
