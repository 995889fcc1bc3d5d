"""SuiteTalk's SOAP faults and the status codes the connector acts on.

NetSuite answers a request it refuses as a whole with a SOAP fault whose detail is one of the
elements below (each with a ``code`` and a ``message``); a request it processed answers with a
status per record (``isSuccess``, and ``statusDetail`` codes when it failed).
"""

from __future__ import annotations

from enum import StrEnum


class FaultType(StrEnum):
    """A SOAP fault, by the name of its detail element."""

    INSUFFICIENT_PERMISSION = "insufficientPermissionFault"
    INVALID_SESSION = "invalidSessionFault"
    INVALID_CREDENTIALS = "invalidCredentialsFault"
    EXCEEDED_CONCURRENT_REQUEST_LIMIT = "exceededConcurrentRequestLimitFault"
    EXCEEDED_REQUEST_LIMIT = "exceededRequestLimitFault"
    EXCEEDED_USAGE_LIMIT = "exceededUsageLimitFault"
    EXCEEDED_RECORD_COUNT = "exceededRecordCountFault"
    EXCEEDED_REQUEST_SIZE = "exceededRequestSizeFault"
    UNEXPECTED_ERROR = "unexpectedErrorFault"

    @property
    def is_limit(self) -> bool:
        """Whether the fault says a governance limit was exceeded, so the same request may
        succeed later (a request too large or with too many records will not)."""
        return self in _LIMITS


_LIMITS = frozenset(
    {
        FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT,
        FaultType.EXCEEDED_REQUEST_LIMIT,
        FaultType.EXCEEDED_USAGE_LIMIT,
    }
)

#: Codes saying the account's concurrency limit refused the request; it did nothing.
CONCURRENCY_CODES = frozenset(
    {
        "WS_REQUEST_BLOCKED",
        "WS_CONCUR_SESSION_DISALLWD",
        "EXCEEDED_MAX_CONCUR_RQST",
        "WS_EXCEEDED_CONCUR_USERS_ALLWD",
    }
)
