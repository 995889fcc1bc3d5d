"""The sandbox's error answers: HTTP 4xx/5xx with the API's error envelope."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import JSONResponse

from connector.api.models import ErrorEnvelope, FieldError


class SandboxHTTPError(Exception):
    """Raised anywhere in the sandbox to answer with ``status`` and field-precise errors."""

    def __init__(
        self,
        status: int,
        errors: Sequence[FieldError] | str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.errors = (
            [FieldError(field=None, message=errors)] if isinstance(errors, str) else list(errors)
        )
        self.headers = headers or {}
        super().__init__("; ".join(e.message for e in self.errors))


def error_response(
    status: int, errors: Sequence[FieldError], headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON answer carrying the error envelope."""
    envelope = ErrorEnvelope(errors=list(errors))
    return JSONResponse(envelope.model_dump(mode="json"), status_code=status, headers=headers)


async def handle_sandbox_error(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI exception handler for :class:`SandboxHTTPError`."""
    assert isinstance(exc, SandboxHTTPError)
    return error_response(exc.status, exc.errors, exc.headers)
