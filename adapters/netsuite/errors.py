"""What the NetSuite client raises.

- :class:`NetSuiteRecordError`: NetSuite carried out the request but the record failed
  (``isSuccess="false"``); it carries NetSuite's code and message. Only that record failed.
- :class:`NetSuiteFaultError`: NetSuite refused the whole request with a SOAP fault (bad
  credentials, a governance limit); nothing was done.
- :class:`NetSuiteUnavailableError`: NetSuite could not be reached or answered with an HTTP
  error; for a write, only when the request provably did nothing.
- :class:`NetSuiteOutcomeUnknownError`: a write that may or may not have been carried out;
  look the record up (by its external id) before sending it again.
- :class:`NetSuiteResponseError`: an answer the client does not understand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adapters.netsuite.faults import CONCURRENCY_CODES, FaultType
from adapters.netsuite.records import RecordReference


class StatusDetailType(StrEnum):
    """How serious a status detail is."""

    ERROR = "ERROR"
    WARN = "WARN"
    INFO = "INFO"


@dataclass(frozen=True)
class StatusDetail:
    """One ``statusDetail`` of a status: NetSuite's code and message."""

    code: str
    message: str
    type: StatusDetailType = StatusDetailType.ERROR


class NetSuiteError(Exception):
    """Base of what the NetSuite client raises.

    Attributes:
        operation: the SuiteTalk operation (``add``, ``search``).
    """

    def __init__(self, message: str, *, operation: str) -> None:
        super().__init__(message)
        self.operation = operation


class NetSuiteRecordError(NetSuiteError):
    """NetSuite carried out the request, but this record failed.

    Attributes:
        code: the code of the first error (``DUP_RCRD``, ``INVALID_KEY_OR_REF``).
        message: its message, as NetSuite wrote it.
        details: every status detail NetSuite gave.
        reference: the record concerned, when known.
    """

    def __init__(
        self,
        details: tuple[StatusDetail, ...],
        *,
        operation: str,
        reference: RecordReference | None = None,
    ) -> None:
        first = next(
            (detail for detail in details if detail.type is StatusDetailType.ERROR),
            details[0] if details else StatusDetail("UNEXPECTED_ERROR", "no status detail"),
        )
        about = f" of {reference}" if reference is not None else ""
        super().__init__(
            f"NetSuite refused the {operation}{about}: {first.code}: {first.message}",
            operation=operation,
        )
        self.code = first.code
        self.message = first.message
        self.details = details
        self.reference = reference

    @property
    def retryable(self) -> bool:
        """Whether only the account's concurrency limit stood in the way."""
        return self.code in CONCURRENCY_CODES


class NetSuiteFaultError(NetSuiteError):
    """NetSuite refused the request with a SOAP fault; it did nothing.

    Attributes:
        fault: the fault, by its detail element; ``None`` for a fault without NetSuite's detail.
        code: NetSuite's fault code (``WS_REQUEST_BLOCKED``).
        message: NetSuite's message.
    """

    def __init__(self, fault: FaultType | None, code: str, message: str, *, operation: str) -> None:
        kind = fault.value if fault is not None else "fault"
        super().__init__(
            f"NetSuite refused the {operation} request ({kind}): {code}: {message}",
            operation=operation,
        )
        self.fault = fault
        self.code = code
        self.message = message

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later: a concurrency or usage limit."""
        return (self.fault is not None and self.fault.is_limit) or self.code in CONCURRENCY_CODES


class NetSuiteUnavailableError(NetSuiteError):
    """NetSuite could not be reached, or answered with an HTTP error instead of SOAP.

    Attributes:
        retryable: whether the same request may succeed later.
    """

    def __init__(self, message: str, *, operation: str, retryable: bool = True) -> None:
        super().__init__(message, operation=operation)
        self.retryable = retryable


class NetSuiteOutcomeUnknownError(NetSuiteError):
    """A write may or may not have been carried out; look the record up before resending."""


class NetSuiteResponseError(NetSuiteError):
    """An answer that does not have the shape the client expects."""
