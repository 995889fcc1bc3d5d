"""Failures the simulator answers the way SAP Gateway does: a status and a JSON error body."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ErrorDetail", "SimulatorError", "error_document"]


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of ``innererror.errordetails``."""

    code: str
    message: str
    target: str = ""
    severity: str = "error"


@dataclass
class SimulatorError(Exception):
    """Answer the request with an SAP-style error.

    Codes are ``ZSIM/...``: the ``Z`` namespace is the one SAP leaves to customers, so a
    simulator code is never taken for one of SAP's own message numbers.

    Attributes:
        status: the HTTP status.
        code: the error code.
        message: the error text.
        details: detail messages (every problem found, not just the first).
        headers: extra response headers.
    """

    status: int
    code: str
    message: str
    details: Sequence[ErrorDetail] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def error_document(error: SimulatorError, service: str) -> dict[str, Any]:
    """The JSON body SAP Gateway sends with an error status."""
    details = list(error.details) or [ErrorDetail(error.code, error.message)]
    return {
        "error": {
            "code": error.code,
            "message": {"lang": "en", "value": error.message},
            "innererror": {
                "application": {
                    "component_id": "",
                    "service_namespace": "/SAP/",
                    "service_id": service,
                    "service_version": "0001",
                },
                "transactionid": secrets.token_hex(16).upper(),
                "timestamp": "",
                "errordetails": [
                    {
                        "code": detail.code,
                        "message": detail.message,
                        "propertyref": "",
                        "severity": detail.severity,
                        "target": detail.target,
                    }
                    for detail in details
                ],
            },
        }
    }
