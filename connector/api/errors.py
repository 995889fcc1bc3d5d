"""One exception hierarchy for everything that can go wrong talking to the AHEAD API.

::

    AheadError
    ├── ConfigurationError         the client cannot even build a request (no credentials, ...)
    ├── AuthError                  authorization failed (401/403, bad client id, refresh refused)
    ├── ApiError                   the API answered with an error status
    │   ├── ValidationError        4xx with field errors: the request itself is wrong
    │   ├── NotFoundError          404
    │   ├── RateLimitedError       429 (after retries ran out)
    │   ├── ServerError            5xx (after retries ran out; a POST raises OutcomeUnknownError)
    │   └── UnexpectedResponseError  a success status with a body the client cannot read
    ├── TransportError             the request never got an answer (after retries ran out)
    └── OutcomeUnknownError        a POST may have reached the server but no answer came back

:class:`OutcomeUnknownError` is deliberately *not* a :class:`TransportError`: code that retries
transport failures must not retry it blindly; it must reconcile first.
"""

from __future__ import annotations

from collections.abc import Sequence

from connector.api.models import FieldError


class AheadError(Exception):
    """Base of every error raised by the AHEAD client."""


class ConfigurationError(AheadError):
    """The client is not set up to make this request."""


class AuthError(AheadError):
    """Authentication or authorization failed."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ApiError(AheadError):
    """The API answered with an error status.

    Attributes:
        method: the HTTP verb of the request.
        endpoint: the request path.
        status_code: the HTTP status of the answer.
        errors: the field errors of the API's error envelope (may be empty).
        body: the raw body, for the record.
    """

    def __init__(
        self,
        method: str,
        endpoint: str,
        status_code: int,
        errors: Sequence[FieldError] = (),
        body: str = "",
        message: str | None = None,
    ) -> None:
        self.method = method
        self.endpoint = endpoint
        self.status_code = status_code
        self.errors = list(errors)
        self.body = body
        super().__init__(message or self._describe())

    def _describe(self) -> str:
        head = f"{self.method} {self.endpoint} answered {self.status_code}"
        if self.errors:
            details = "; ".join(
                f"{e.field}: {e.message}" if e.field else e.message for e in self.errors
            )
            return f"{head}: {details}"
        snippet = self.body.strip()[:200]
        return f"{head}: {snippet}" if snippet else head


class ValidationError(ApiError):
    """The API rejected the request's content (a definite rejection: do not resend as is)."""


class NotFoundError(ApiError):
    """The record or path does not exist."""


class RateLimitedError(ApiError):
    """Too many requests, and retries ran out.

    Attributes:
        retry_after: seconds the server asked to wait, if it said.
    """

    def __init__(self, *args: object, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ApiError):
    """The server failed (5xx)."""


class UnexpectedResponseError(ApiError):
    """The API answered with a success status, but not in a shape the client can read.

    Unparsable JSON or CSV, a record that does not fit its model, or pages that do not add up
    (a server that ignores ``offset``).

    Attributes:
        reason: what was wrong with the answer.
    """

    def __init__(
        self, method: str, endpoint: str, status_code: int, reason: str, body: str = ""
    ) -> None:
        self.reason = reason
        super().__init__(
            method,
            endpoint,
            status_code,
            body=body,
            message=f"{method} {endpoint} answered {status_code}, but {reason}",
        )


class TransportError(AheadError):
    """No answer: connection refused, reset, timed out, after retries ran out."""

    def __init__(self, method: str, endpoint: str, reason: str) -> None:
        self.method = method
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(f"{method} {endpoint} failed: {reason}")


class OutcomeUnknownError(AheadError):
    """A non-idempotent request may or may not have taken effect.

    Raised for a POST whose request may have reached the server when no definite answer came
    back (timeout after sending, connection dropped, 5xx). The caller must reconcile (look the
    record up) before sending it again.
    """

    def __init__(self, method: str, endpoint: str, reason: str) -> None:
        self.method = method
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(
            f"{method} {endpoint}: outcome unknown ({reason}); "
            "look the record up before sending it again"
        )
