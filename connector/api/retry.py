"""When the client sends a request again, and how long it waits first.

The rules, in one place:

- Statuses 429, 502, 503 and 504 and lost connections are worth another attempt.
- A request that is safe to repeat (GET, PUT, DELETE) is retried for any of them.
- A request that is not safe to repeat (POST, and the automation task PUT that fails a task) is
  retried only when it provably never reached the server: the connection could not be made,
  no pooled connection became free, or the server refused it with 429. After any other failure
  it may have taken effect, so the client raises :class:`~connector.api.errors.OutcomeUnknownError`
  instead.
- Waits grow exponentially with full jitter; a 429's ``Retry-After`` is a lower bound, and a
  ``Retry-After`` longer than :attr:`RetryPolicy.max_retry_after` ends the retries at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from random import Random

import httpx

#: Statuses after which a request may be sent again.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
TOO_MANY_REQUESTS = 429

# Failures raised before a single byte of the request left this process.
_NOT_SENT: tuple[type[httpx.RequestError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
# Transient failures; the rest (an unsupported scheme, a request httpx refuses to write, a proxy
# failure, an undecodable body) will not go away by trying again.
_TRANSIENT: tuple[type[httpx.RequestError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def provably_not_sent(error: httpx.RequestError) -> bool:
    """Whether a transport failure happened before the request could reach the server."""
    return isinstance(error, _NOT_SENT)


def is_transient(error: httpx.RequestError) -> bool:
    """Whether a transport failure may go away if the request is sent again."""
    return isinstance(error, _TRANSIENT)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """The seconds a ``Retry-After`` header asks for, or ``None`` if absent or unreadable.

    Args:
        value: the header, either delay seconds (``"120"``) or an HTTP-date.
        now: the current time, to turn an HTTP-date into a delay.

    Returns:
        The delay in seconds, never negative.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently the client retries.

    Attributes:
        max_attempts: attempts in all, the first included; ``1`` disables retries.
        base_delay: seconds; the ceiling of the first wait, doubled for each later attempt.
        max_delay: seconds; the largest ceiling any backoff wait can reach.
        sleep: how to wait (injected by tests so they do not really sleep).
        random: the source of jitter.
        max_retry_after: seconds; a 429 asking for a longer wait is not retried but raised.
        clock: the current UTC time, to read a ``Retry-After`` given as an HTTP-date.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    random: Random = field(default_factory=Random)
    max_retry_after: float = 120.0
    clock: Callable[[], datetime] = _utc_now

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")
        if min(self.base_delay, self.max_delay, self.max_retry_after) < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based): full jitter.

        A uniformly random time between zero and ``base_delay * 2 ** (attempt - 1)``, capped
        at ``max_delay``, so that clients that failed together do not retry together.
        """
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return self.random.uniform(0.0, ceiling)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before the next attempt; never shorter than ``retry_after``."""
        wait = self.backoff(attempt)
        return wait if retry_after is None else max(retry_after, wait)

    def retry_after_from(self, response: httpx.Response) -> float | None:
        """The ``Retry-After`` of a response in seconds, read against :attr:`clock`."""
        return parse_retry_after(response.headers.get("Retry-After"), self.clock())
