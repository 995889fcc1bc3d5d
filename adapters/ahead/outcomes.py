"""What a failed submission to AHEAD (an order, an RMA request) means for the engine: rejected,
unavailable or unknown.

The AHEAD client has already retried what could be retried and turned every ambiguous failure
of a ``POST`` (a timeout after sending, a dropped connection, a 5xx, an unreadable success)
into :class:`~connector.api.OutcomeUnknownError`. What remains is mapped by one rule: a
failure the request provably did not apply is *unavailable* when it is not the document's
fault and *rejected* when it is; anything else is *unknown*, so the engine looks the record up
before it could ever send it again.
"""

from __future__ import annotations

from http import HTTPStatus

from adapters.base import (
    SinkError,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from connector.api import (
    AheadError,
    ApiError,
    AuthError,
    ConfigurationError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)


def submission_failure(error: AheadError, what: str) -> SinkError:
    """The sink outcome of a submission that raised ``error``; ``what`` names the submitted
    thing in messages (``order``, ``RMA``).

    ========================================  ========================================
    client error                              sink outcome
    ========================================  ========================================
    ``OutcomeUnknownError``                   unknown
    ``AuthError``                             unavailable (fix the credentials)
    ``ConfigurationError``                    unavailable (nothing was sent)
    ``TransportError``                        unavailable (a POST raises it only when
                                              the request provably never left)
    ``RateLimitedError`` (429)                unavailable (refused before processing)
    ``ServerError``, ``UnexpectedResponse``   unknown (the client makes these
                                              ``OutcomeUnknownError`` for a POST; kept
                                              safe in case it does not)
    ``NotFoundError`` without field errors    unavailable (the endpoint is missing: a
                                              wrong base URL, not a wrong document)
    ``NotFoundError`` with field errors,      rejected, naming each field
    ``ValidationError``, any other 4xx
    any other status or error                 unknown
    ========================================  ========================================
    """
    if isinstance(error, OutcomeUnknownError):
        return SinkOutcomeUnknownError(str(error))
    if isinstance(error, AuthError):
        return SinkUnavailableError(
            f"AHEAD refused the credentials, so the {what} was not submitted: {error}. "
            "An operator must fix the AHEAD credentials of the deployment."
        )
    if isinstance(error, ConfigurationError):
        return SinkUnavailableError(f"the {what} was not sent: {error}")
    if isinstance(error, TransportError):
        return SinkUnavailableError(f"AHEAD could not be reached; the {what} was not sent: {error}")
    if isinstance(error, RateLimitedError):
        wait = "" if error.retry_after is None else f" (it asked to wait {error.retry_after:g} s)"
        return SinkUnavailableError(f"AHEAD is limiting requests{wait}: {error}")
    if isinstance(error, ServerError | UnexpectedResponseError):
        return SinkOutcomeUnknownError(
            f"{error}; the {what} may exist now: look it up before sending it again"
        )
    if isinstance(error, NotFoundError) and not error.errors:
        return SinkUnavailableError(
            f"the AHEAD {what} endpoint was not found ({error}); check the AHEAD base URL"
        )
    if isinstance(error, ApiError) and _is_client_error(error.status_code):
        return SinkRejectedError(rejection_detail(error, what))
    return SinkOutcomeUnknownError(
        f"{error}; the {what} may exist now: look it up before sending it again"
    )


def rejection_detail(error: ApiError, what: str) -> str:
    """An operator's line on a rejected ``what``: the status and every field error."""
    status = f"{error.status_code} {_reason(error.status_code)}".strip()
    if not error.errors:
        return f"AHEAD rejected the {what} ({status}): {error}"
    fields = "; ".join(
        f"{item.field}: {item.message}" if item.field else item.message for item in error.errors
    )
    return f"AHEAD rejected the {what} ({status}): {fields}"


def _is_client_error(status: int) -> bool:
    return 400 <= status < 500


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
