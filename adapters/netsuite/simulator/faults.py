"""Faults the simulator is told to produce: SOAP faults instead of answers, lost answers, and
latency.

Injected faults are used up in order: each one answers the next matching request(s), for the
given number of times. A SOAP fault refuses the request before it does anything, as NetSuite's
concurrency governance does; a lost response does the work and then answers ``502 Bad Gateway``
without a SOAP body, as a proxy would when the connection behind it broke.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from adapters.netsuite.faults import FaultType

#: NetSuite's code and message for each fault, unless a test gives its own.
FAULT_DEFAULTS: dict[FaultType, tuple[str, str]] = {
    FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT: (
        "WS_REQUEST_BLOCKED",
        "The request could not be processed because too many requests are running at once "
        "for this account.",
    ),
    FaultType.EXCEEDED_REQUEST_LIMIT: (
        "WS_CONCUR_SESSION_DISALLWD",
        "Only one request may be made against a session at a time",
    ),
    FaultType.EXCEEDED_USAGE_LIMIT: (
        "WS_REQUEST_BLOCKED",
        "The account has used up its web services usage for now.",
    ),
    FaultType.UNEXPECTED_ERROR: ("UNEXPECTED_ERROR", "An unexpected error occurred."),
    FaultType.INSUFFICIENT_PERMISSION: (
        "INSUFFICIENT_PERMISSION",
        "Permission Violation: the role lacks a permission for this request.",
    ),
    FaultType.INVALID_SESSION: ("SESSION_TIMED_OUT", "The session is no longer valid."),
    FaultType.INVALID_CREDENTIALS: ("INVALID_LOGIN_CREDENTIALS", "Invalid login attempt."),
    FaultType.EXCEEDED_RECORD_COUNT: ("MAX_RCRDS_EXCEEDED", "Too many records in one request."),
    FaultType.EXCEEDED_REQUEST_SIZE: ("USER_ERROR", "The request is too large."),
}


class FaultInjection(BaseModel):
    """What to do instead of answering the next matching requests.

    Attributes:
        fault: the SOAP fault to answer with; ``None`` with ``lose_response`` set.
        code: the fault's code (default: NetSuite's for that fault).
        message: the fault's message (default: NetSuite's for that fault).
        lose_response: do the work, then answer 502 without a SOAP body.
        times: how many requests this applies to.
        operations: the operations it applies to (``get``, ``add``); empty: any.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    fault: FaultType | None = None
    code: str | None = None
    message: str | None = None
    lose_response: bool = False
    times: int = Field(default=1, ge=1)
    operations: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _one_kind(self) -> FaultInjection:
        if (self.fault is None) == (not self.lose_response):
            raise ValueError("give either a fault or lose_response, not both and not neither")
        return self

    def applies_to(self, operation: str) -> bool:
        """Whether it applies to a request for ``operation``."""
        return not self.operations or operation in self.operations


@dataclass(frozen=True)
class PlannedFault:
    """An injected fault due now: a SOAP fault (type, code, message) or a lost response."""

    fault: FaultType | None
    code: str
    message: str

    @property
    def loses_response(self) -> bool:
        """Whether the request is carried out and its answer lost."""
        return self.fault is None


class FaultPlan:
    """The injected faults still to come, and the latency of every answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[tuple[FaultInjection, int]] = []
        self.latency: float = 0.0

    def inject(self, injection: FaultInjection) -> None:
        """Add ``injection`` after those already planned."""
        with self._lock:
            self._pending.append((injection, injection.times))

    def clear(self) -> None:
        """Forget every planned fault and set the latency back to zero."""
        with self._lock:
            self._pending.clear()
            self.latency = 0.0

    def pending(self) -> list[FaultInjection]:
        """The planned faults, each with the number of times still to come."""
        with self._lock:
            return [
                injection.model_copy(update={"times": left}) for injection, left in self._pending
            ]

    def take(self, operation: str) -> PlannedFault | None:
        """The fault due for a request for ``operation``, used up; ``None`` if there is none."""
        with self._lock:
            for index, (injection, left) in enumerate(self._pending):
                if not injection.applies_to(operation):
                    continue
                if left <= 1:
                    del self._pending[index]
                else:
                    self._pending[index] = (injection, left - 1)
                if injection.fault is None:
                    return PlannedFault(None, "", "the response was lost")
                code, message = FAULT_DEFAULTS[injection.fault]
                return PlannedFault(
                    injection.fault, injection.code or code, injection.message or message
                )
            return None
