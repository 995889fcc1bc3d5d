"""Webhook delivery for the AHEAD sandbox: signed POSTs, retried with exponential backoff.

:class:`WebhookDispatcher` queues each event for each subscription and delivers it from one
background thread, so that publishing never waits for a subscriber. A delivery is a POST of the
event's JSON (:class:`~connector.api.models.WebhookEvent`) with the headers of
:mod:`connector.api.signing`; any 2xx answer delivers it. Otherwise, or when the connection
fails, it is tried again after ``initial_backoff`` seconds, doubling up to ``max_backoff``, until
``max_attempts`` attempts were made. A retry sends the same bytes, so the same event id and the
same signature.

Decisions where the reference is silent (also in ``docs/api-decisions.md``):

- Redirects are not followed: a 3xx answer is a failed attempt.
- Deliveries are attempted one at a time, oldest due first; a retried event may therefore
  arrive after a later event (receivers order by ``created_at`` and drop repeated ids).
- Backoff waits are real seconds, not sandbox-clock seconds; the sandbox clock stamps
  attempts.
"""

from __future__ import annotations

import enum
import heapq
import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime

import httpx

from connector.api import signing
from connector.api.models import WebhookEvent, WebhookEventName, WebhookSubscription
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import WebhookDeliveryConfig

logger = logging.getLogger(__name__)

#: How many deliveries :meth:`WebhookDispatcher.deliveries` remembers by default.
DEFAULT_HISTORY = 1000


class DeliveryState(enum.StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    """Queued, being attempted, or waiting for its next attempt."""
    DELIVERED = "delivered"
    """The subscriber answered 2xx."""
    FAILED = "failed"
    """Every attempt failed; the dispatcher gave up."""
    ABANDONED = "abandoned"
    """The dispatcher was stopped before the delivery succeeded or ran out of attempts."""


@dataclass(frozen=True)
class Delivery:
    """The record of one event's delivery to one subscription.

    Attributes:
        event_id: the event's id (also the ``X-AHEAD-Delivery`` header).
        event: the event's name.
        subscription_id: the subscription it is delivered to.
        url: where it is POSTed.
        state: where the delivery stands.
        attempts: how many attempts were made.
        last_status: the HTTP status of the last answer, if there was one.
        last_error: why the last attempt failed, if it did.
        last_attempt_at: when the last attempt was made, by the sandbox clock.
    """

    event_id: str
    event: WebhookEventName
    subscription_id: int
    url: str
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str | None
    last_attempt_at: datetime | None

    @property
    def delivered(self) -> bool:
        """Whether the subscriber accepted the event."""
        return self.state is DeliveryState.DELIVERED


class _Job:
    """A delivery in progress: its fixed request and its mutable record."""

    def __init__(
        self, sequence: int, subscription: WebhookSubscription, event: WebhookEvent, secret: str
    ) -> None:
        self.sequence = sequence
        self.event_id = event.id
        self.event = event.event
        self.subscription_id = subscription.id
        self.url = subscription.url
        self.body = event.model_dump_json().encode()
        self.headers = {
            "Content-Type": "application/json",
            signing.WEBHOOK_SIGNATURE_HEADER: signing.webhook_signature(secret, self.body),
            signing.WEBHOOK_EVENT_HEADER: event.event.value,
            signing.WEBHOOK_DELIVERY_HEADER: event.id,
        }
        self.state = DeliveryState.PENDING
        self.attempts = 0
        self.last_status: int | None = None
        self.last_error: str | None = None
        self.last_attempt_at: datetime | None = None

    def __repr__(self) -> str:
        return f"<_Job {self.event_id} to subscription {self.subscription_id}: {self.state}>"

    def snapshot(self) -> Delivery:
        return Delivery(
            event_id=self.event_id,
            event=self.event,
            subscription_id=self.subscription_id,
            url=self.url,
            state=self.state,
            attempts=self.attempts,
            last_status=self.last_status,
            last_error=self.last_error,
            last_attempt_at=self.last_attempt_at,
        )


class _DispatcherState(enum.Enum):
    NEW = enum.auto()
    RUNNING = enum.auto()
    STOPPING = enum.auto()
    STOPPED = enum.auto()


class WebhookDispatcher:
    """Delivers webhook events to their subscribers from a background thread.

    Args:
        config: attempts, backoff and timeout of deliveries.
        clock: the sandbox clock, which stamps each attempt.
        transport: the ``httpx`` transport to deliver through (e.g. an in-process one in
            tests); by default, real HTTP. A transport passed in stays the caller's to close.
        history: how many deliveries :meth:`deliveries` remembers (the oldest are forgotten
            first; pending deliveries are delivered even when forgotten).
    """

    def __init__(
        self,
        config: WebhookDeliveryConfig,
        clock: SandboxClock,
        *,
        transport: httpx.BaseTransport | None = None,
        history: int = DEFAULT_HISTORY,
    ) -> None:
        self._config = config
        self._clock = clock
        self._transport = transport
        self._changed = threading.Condition()
        self._state = _DispatcherState.NEW
        self._drain = False
        self._sequence = itertools.count()
        self._due: list[tuple[float, int]] = []
        self._pending: dict[int, _Job] = {}
        self._records: deque[_Job] = deque(maxlen=history)
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        with self._changed:
            return f"<WebhookDispatcher {self._state.name.lower()} pending={len(self._pending)}>"

    def start(self) -> None:
        """Start delivering in a background thread; events published earlier go out now.

        Raises:
            RuntimeError: the dispatcher was started before (it cannot be restarted).
        """
        with self._changed:
            if self._state is not _DispatcherState.NEW:
                raise RuntimeError("a webhook dispatcher starts once; create a new one")
            self._state = _DispatcherState.RUNNING
            self._thread = threading.Thread(
                target=self._run, name="ahead-sandbox-webhooks", daemon=True
            )
        self._thread.start()

    def stop(self, *, drain: bool = False) -> None:
        """Stop delivering and join the background thread.

        Args:
            drain: keep delivering until every queued event is delivered or out of attempts
                (backoff included). By default the attempt in flight finishes and the rest is
                abandoned (recorded as :attr:`DeliveryState.ABANDONED`).
        """
        with self._changed:
            if self._state in (_DispatcherState.NEW, _DispatcherState.RUNNING):
                self._drain = drain
                self._state = _DispatcherState.STOPPING
                self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._changed:
            self._abandon_pending()
            self._state = _DispatcherState.STOPPED
            self._changed.notify_all()

    def publish(self, subscription: WebhookSubscription, event: WebhookEvent) -> None:
        """Queue ``event`` for delivery to ``subscription``; returns at once.

        Publishing to a stopped dispatcher records the delivery as abandoned.

        Raises:
            ValueError: the subscription has no signing secret (every webhook is signed).
        """
        if not subscription.secret:
            raise ValueError(
                f"webhook subscription {subscription.id} has no secret; every webhook is signed"
            )
        with self._changed:
            job = _Job(next(self._sequence), subscription, event, subscription.secret)
            self._records.append(job)
            if self._state in (_DispatcherState.STOPPING, _DispatcherState.STOPPED):
                job.state = DeliveryState.ABANDONED
                logger.warning(
                    "webhook %s (%s) to %s not sent: the dispatcher is stopped",
                    job.event_id,
                    job.event.value,
                    _loggable(job.url),
                )
                return
            self._pending[job.sequence] = job
            heapq.heappush(self._due, (time.monotonic(), job.sequence))
            self._changed.notify_all()

    def deliveries(self) -> list[Delivery]:
        """The remembered deliveries, oldest first, as they stand now."""
        with self._changed:
            return [job.snapshot() for job in self._records]

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no delivery is pending (each one delivered, failed or abandoned).

        Args:
            timeout: the most seconds to wait; ``None`` waits as long as it takes.

        Returns:
            Whether nothing is pending (``False`` if the timeout ran out first).
        """
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending, timeout)

    # ---------------------------------------------------------------------------------------
    # The background thread
    # ---------------------------------------------------------------------------------------

    def _run(self) -> None:
        client = httpx.Client(
            transport=self._transport, timeout=self._config.timeout, follow_redirects=False
        )
        try:
            while (job := self._next_due()) is not None:
                status, error = self._attempt(client, job)
                self._settle(job, status, error)
        finally:
            if self._transport is None:
                client.close()

    def _next_due(self) -> _Job | None:
        with self._changed:
            while True:
                stopping = self._state is _DispatcherState.STOPPING
                if stopping and not (self._drain and self._due):
                    return None
                if not self._due:
                    self._changed.wait()
                    continue
                due_at, sequence = self._due[0]
                wait = due_at - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                heapq.heappop(self._due)
                return self._pending[sequence]

    def _attempt(self, client: httpx.Client, job: _Job) -> tuple[int | None, str | None]:
        try:
            response = client.post(job.url, content=job.body, headers=job.headers)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return None, f"{type(error).__name__}: {error}"
        if response.is_success:
            return response.status_code, None
        return response.status_code, f"answered {response.status_code}"

    def _settle(self, job: _Job, status: int | None, error: str | None) -> None:
        with self._changed:
            job.attempts += 1
            job.last_status = status
            job.last_error = error
            job.last_attempt_at = self._clock.now()
            where = f"webhook {job.event_id} ({job.event.value}) to {_loggable(job.url)}"
            attempt = f"attempt {job.attempts}/{self._config.max_attempts}"
            if error is None:
                job.state = DeliveryState.DELIVERED
                logger.info("%s delivered (%s)", where, attempt)
            elif job.attempts >= self._config.max_attempts:
                job.state = DeliveryState.FAILED
                logger.warning("%s failed: %s (%s); giving up", where, error, attempt)
            elif self._state is _DispatcherState.STOPPING and not self._drain:
                job.state = DeliveryState.ABANDONED
                logger.warning("%s failed: %s (%s); stopping, not retried", where, error, attempt)
            else:
                backoff = backoff_delay(self._config, job.attempts)
                heapq.heappush(self._due, (time.monotonic() + backoff, job.sequence))
                logger.warning(
                    "%s failed: %s (%s); retrying in %.2f s", where, error, attempt, backoff
                )
            if job.state is not DeliveryState.PENDING:
                del self._pending[job.sequence]
            self._changed.notify_all()

    def _abandon_pending(self) -> None:
        # Called with the lock held, once the thread has ended.
        for job in self._pending.values():
            job.state = DeliveryState.ABANDONED
        self._pending.clear()
        self._due.clear()


def backoff_delay(config: WebhookDeliveryConfig, attempts: int) -> float:
    """Seconds to wait before the next attempt, after ``attempts`` failed attempts.

    ``initial_backoff`` after the first failure, doubling after each further one, never more
    than ``max_backoff``.
    """
    delay = config.initial_backoff * 2 ** max(attempts - 1, 0)
    return float(min(delay, config.max_backoff))


def _loggable(url: str) -> str:
    """The URL without credentials or query string, which may carry secrets."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "<an invalid URL>"
    return str(parsed.copy_with(username=None, password=None, query=None, fragment=None))
