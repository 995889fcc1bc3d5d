"""Errors a test injects into the simulator, and which request each one hits.

A :class:`Fault` matches requests by method and by a piece of their path, and hits the next
``times`` of them. :class:`FaultPlan` decides, without I/O, which fault (if any) a request gets;
the app carries it out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Fault", "FaultKind", "FaultPlan"]


class FaultKind(StrEnum):
    """What an injected fault does to a request."""

    SERVER_ERROR = "server-error"
    """Answer ``status`` (5xx) with an SAP error body, without doing anything."""
    RATE_LIMIT = "rate-limit"
    """Answer 429 with ``Retry-After``, without doing anything."""
    CSRF_EXPIRY = "csrf-expiry"
    """Forget every CSRF token before a change, so it gets 403 ``x-csrf-token: Required``."""
    DROP_RESPONSE = "drop-response"
    """Do the request, then lose the answer: the client sees the connection close."""


class Fault(BaseModel):
    """One injected fault.

    Attributes:
        kind: what it does.
        method: only requests with this method (any when ``None``).
        path_contains: only requests whose path holds this text (any when ``None``).
        times: how many matching requests it hits.
        status: the status of a ``server-error``.
        retry_after: the ``Retry-After`` seconds of a ``rate-limit``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FaultKind
    method: str | None = None
    path_contains: str | None = None
    times: int = Field(default=1, ge=1)
    status: int = Field(default=503, ge=500, le=599)
    retry_after: float = Field(default=1.0, ge=0)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is one this fault is for."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path


@dataclass
class _Pending:
    fault: Fault
    left: int


class FaultPlan:
    """The injected faults still to hit, in the order they were added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []

    def add(self, faults: Iterable[Fault]) -> None:
        """Inject faults (after those already waiting)."""
        with self._lock:
            self._pending.extend(_Pending(fault, fault.times) for fault in faults)

    def clear(self) -> None:
        """Drop every fault still waiting."""
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[Fault]:
        """The faults still waiting, each with the hits it has left as ``times``."""
        with self._lock:
            return [entry.fault.model_copy(update={"times": entry.left}) for entry in self._pending]

    def take(self, method: str, path: str, *, changing: bool) -> Fault | None:
        """The fault for this request, if any, counting the hit.

        A ``csrf-expiry`` fault only hits changes: reads need no CSRF token.
        """
        with self._lock:
            for entry in self._pending:
                if entry.fault.kind is FaultKind.CSRF_EXPIRY and not changing:
                    continue
                if entry.fault.matches(method, path):
                    entry.left -= 1
                    if entry.left == 0:
                        self._pending.remove(entry)
                    return entry.fault
        return None
