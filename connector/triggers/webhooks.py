"""Receives AHEAD's signed order webhooks and runs the flows they concern at once.

Each POST is checked in this order; the first check that fails decides the answer:

1. the body is at most :data:`MAX_BODY_BYTES` (else 413);
2. the ``X-AHEAD-Signature`` header is the HMAC-SHA256 of the raw body under the configured
   secret, compared in constant time (else 401);
3. the body is a webhook event ``{id, event, created_at, data}`` whose event matches the
   ``X-AHEAD-Event`` header when one is sent (else 400);
4. ``created_at`` is within the tolerance of this machine's clock, either way (else 400: stale,
   or from the future);
5. the event id was not received before (else 200, and nothing runs again);
6. the flows the configuration maps the event to are asked to run (202). An event mapped to no
   flow, or one this version does not know, is answered 200 and ignored. When the connector is
   stopping, or asking for a run fails, the answer is 503 and the id is forgotten, so that
   AHEAD's retry is served.

Event ids are remembered in memory for twice the tolerance: long enough that any repeat of an
event still fresh enough to pass check 4 is recognised. The memory does not survive a restart,
and need not: a repeat that arrives after a restart either is stale by then and dropped by
check 4, or makes the flow run once more, which is harmless because every run is idempotent
(the webhook only says *when* to look; the flow reads the orders from AHEAD and the checkpoint
store prevents any second effect).
"""

from __future__ import annotations

import enum
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pydantic
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from connector.api import signing
from connector.api.models import WebhookEvent, WebhookEventName
from connector.triggers.base import Trigger

logger = logging.getLogger(__name__)

#: Where the receiver listens unless the configuration says otherwise.
DEFAULT_WEBHOOK_PATH = "/webhooks/ahead"

#: The largest body accepted; AHEAD's events are a few kilobytes.
MAX_BODY_BYTES = 1024 * 1024


class WebhookOutcome(enum.StrEnum):
    """What the receiver did with a request (the ``outcome`` of its JSON answer)."""

    TRIGGERED = "triggered"
    """The event's flows were asked to run."""
    IGNORED = "ignored"
    """A valid event no flow is configured for."""
    DUPLICATE = "duplicate"
    """An event id received before; nothing ran again."""
    BAD_SIGNATURE = "bad_signature"
    """The signature header was missing or did not match the body."""
    INVALID = "invalid"
    """The body is not a webhook event, or does not match its event header."""
    STALE = "stale"
    """``created_at`` is further from this machine's clock than the tolerance."""
    TOO_LARGE = "too_large"
    """The body is larger than :data:`MAX_BODY_BYTES`."""
    UNAVAILABLE = "unavailable"
    """The flows could not be asked to run (the connector is stopping); AHEAD retries later."""


_STATUS = {
    WebhookOutcome.TRIGGERED: 202,
    WebhookOutcome.IGNORED: 200,
    WebhookOutcome.DUPLICATE: 200,
    WebhookOutcome.BAD_SIGNATURE: 401,
    WebhookOutcome.INVALID: 400,
    WebhookOutcome.STALE: 400,
    WebhookOutcome.TOO_LARGE: 413,
    WebhookOutcome.UNAVAILABLE: 503,
}


@dataclass(frozen=True)
class WebhookAnswer:
    """The receiver's answer to one request.

    Attributes:
        outcome: what was done.
        detail: why, in words (never the secret or the body).
        flows: the flows asked to run.
    """

    outcome: WebhookOutcome
    detail: str
    flows: tuple[str, ...] = ()

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return _STATUS[self.outcome]

    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return {"outcome": self.outcome.value, "detail": self.detail, "flows": list(self.flows)}


@dataclass
class SeenEvents:
    """Event ids received recently, each remembered for ``keep_seconds`` (no I/O, thread-safe).

    Args:
        keep_seconds: how long an id is remembered after it was first received.
        clock: monotonic seconds; :func:`time.monotonic` by default.
    """

    keep_seconds: float
    clock: Callable[[], float] = time.monotonic
    _expiry: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _order: deque[tuple[float, str]] = field(default_factory=deque, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def first_time(self, event_id: str) -> bool:
        """Remember ``event_id``; whether it was new (``False``: received before and kept)."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            if event_id in self._expiry:
                return False
            expires = now + self.keep_seconds
            self._expiry[event_id] = expires
            self._order.append((expires, event_id))
            return True

    def forget(self, event_id: str) -> None:
        """Forget ``event_id``, so that its next delivery counts as new."""
        with self._lock:
            self._expiry.pop(event_id, None)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._expiry)

    def _expire(self, now: float) -> None:
        while self._order and self._order[0][0] <= now:
            expires, event_id = self._order.popleft()
            # A forgotten and received-again id has a later expiry of its own.
            if self._expiry.get(event_id) == expires:
                del self._expiry[event_id]


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class WebhookReceiver:
    """Checks AHEAD's webhook deliveries and asks the flows they concern to run.

    :attr:`app` is the ASGI application to serve (see
    :class:`~connector.background_server.BackgroundServer`); :meth:`handle` is the same logic
    without HTTP.

    Args:
        secret: the signing secret agreed with AHEAD when subscribing.
        routes: the flows to run for each event, e.g. ``{ORDER_SHIPPED: ["shipments"]}``.
        trigger: asked for the runs.
        path: the URL path to receive on.
        tolerance_seconds: how far ``created_at`` may be from this machine's clock.
        clock: the current time in UTC.
    """

    def __init__(
        self,
        *,
        secret: SecretStr,
        routes: Mapping[WebhookEventName, Sequence[str]],
        trigger: Trigger,
        path: str = DEFAULT_WEBHOOK_PATH,
        tolerance_seconds: float = signing.WEBHOOK_TOLERANCE_SECONDS,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if not secret.get_secret_value():
            raise ValueError("the webhook secret is empty")
        if not path.startswith("/"):
            raise ValueError(f"the webhook path {path!r} must start with '/'")
        self.path = path
        self.routes: Mapping[WebhookEventName, tuple[str, ...]] = MappingProxyType(
            {event: tuple(flows) for event, flows in routes.items()}
        )
        self._secret = secret
        self._trigger = trigger
        self._tolerance = timedelta(seconds=tolerance_seconds)
        self._clock = clock
        self._seen = SeenEvents(keep_seconds=2 * tolerance_seconds)
        self.app = self._create_app()

    def __repr__(self) -> str:
        return f"<WebhookReceiver path={self.path!r} events={sorted(self.routes)}>"

    def handle(
        self, body: bytes, signature: str | None, event_header: str | None = None
    ) -> WebhookAnswer:
        """Check one delivery and, if it is a new, fresh, known event, ask its flows to run.

        Args:
            body: the raw request body, exactly as received.
            signature: the ``X-AHEAD-Signature`` header.
            event_header: the ``X-AHEAD-Event`` header, if sent.

        Returns:
            The answer to send.
        """
        if len(body) > MAX_BODY_BYTES:
            return WebhookAnswer(
                WebhookOutcome.TOO_LARGE, f"the body is larger than {MAX_BODY_BYTES} bytes"
            )
        if not signing.webhook_signature_valid(self._secret.get_secret_value(), body, signature):
            logger.warning("webhook refused: missing or wrong %s", signing.WEBHOOK_SIGNATURE_HEADER)
            return WebhookAnswer(
                WebhookOutcome.BAD_SIGNATURE,
                f"the {signing.WEBHOOK_SIGNATURE_HEADER} header is missing or does not match",
            )
        parsed = _parse(body)
        if isinstance(parsed, WebhookAnswer):
            logger.warning("webhook refused: %s", parsed.detail)
            return parsed
        if parsed is None:
            return WebhookAnswer(WebhookOutcome.IGNORED, "an event this version does not know")
        event = parsed
        if event_header is not None and event_header != event.event.value:
            detail = (
                f"the {signing.WEBHOOK_EVENT_HEADER} header says {event_header!r}, "
                f"the body {event.event.value!r}"
            )
            logger.warning("webhook %s refused: %s", event.id, detail)
            return WebhookAnswer(WebhookOutcome.INVALID, detail)
        stale = self._staleness(event)
        if stale is not None:
            logger.warning("webhook %s (%s) dropped: %s", event.id, event.event.value, stale)
            return WebhookAnswer(WebhookOutcome.STALE, stale)
        if not self._seen.first_time(event.id):
            logger.info("webhook %s (%s) received again; ignored", event.id, event.event.value)
            return WebhookAnswer(WebhookOutcome.DUPLICATE, f"event {event.id} was received before")
        return self._dispatch(event)

    def _staleness(self, event: WebhookEvent) -> str | None:
        age = self._clock() - event.created_at
        tolerance = self._tolerance.total_seconds()
        if age > self._tolerance:
            return (
                f"stale: created at {event.created_at.isoformat()}, {age.total_seconds():.0f} s "
                f"ago; events older than {tolerance:g} s are dropped"
            )
        if -age > self._tolerance:
            return (
                f"created at {event.created_at.isoformat()}, {-age.total_seconds():.0f} s in the "
                f"future; check the clocks (tolerance {tolerance:g} s)"
            )
        return None

    def _dispatch(self, event: WebhookEvent) -> WebhookAnswer:
        flows = self.routes.get(event.event, ())
        order = event.data.get("id", "?")
        if not flows:
            logger.info(
                "webhook %s (%s, order %s): no flow is configured for it",
                event.id,
                event.event.value,
                order,
            )
            return WebhookAnswer(WebhookOutcome.IGNORED, f"no flow runs on {event.event.value}")
        reason = f"webhook {event.event.value} {event.id} (order {order})"
        unserved: list[str] = []
        for flow in flows:
            try:
                admission = self._trigger(flow, reason)
            except Exception:
                logger.exception("flow %s: the webhook trigger failed (%s)", flow, reason)
                unserved.append(flow)
                continue
            if not admission.accepted:
                unserved.append(flow)
        if unserved:
            # AHEAD delivers again; asking the other flows again then is harmless.
            self._seen.forget(event.id)
            return WebhookAnswer(
                WebhookOutcome.UNAVAILABLE,
                f"cannot run {', '.join(unserved)} now; deliver again later",
            )
        logger.info("%s: ran %s", reason, ", ".join(flows))
        return WebhookAnswer(
            WebhookOutcome.TRIGGERED, f"{event.event.value} {event.id} accepted", flows
        )

    def _create_app(self) -> FastAPI:
        app = FastAPI(
            title="ahead-connector webhook receiver",
            openapi_url=None,
            docs_url=None,
            redoc_url=None,
        )

        async def receive(request: Request) -> JSONResponse:
            body = await _read_limited(request, MAX_BODY_BYTES)
            answer = self.handle(
                body,
                request.headers.get(signing.WEBHOOK_SIGNATURE_HEADER),
                request.headers.get(signing.WEBHOOK_EVENT_HEADER),
            )
            headers = {"Retry-After": "30"} if answer.status_code == 503 else None
            return JSONResponse(answer.body(), status_code=answer.status_code, headers=headers)

        app.add_api_route(self.path, receive, methods=["POST"], include_in_schema=False)
        return app


def _parse(body: bytes) -> WebhookEvent | WebhookAnswer | None:
    """The event in ``body``; ``None`` for an event name this version does not know."""
    try:
        data = json.loads(body)
    except ValueError as error:
        return WebhookAnswer(WebhookOutcome.INVALID, f"the body is not JSON: {error}")
    try:
        return WebhookEvent.model_validate(data)
    except pydantic.ValidationError as error:
        problems = error.errors()
        unknown_event = isinstance(data, dict) and isinstance(data.get("event"), str)
        if unknown_event and all(problem["loc"] == ("event",) for problem in problems):
            return None
        first = problems[0]
        where = ".".join(str(part) for part in first["loc"]) or "(body)"
        return WebhookAnswer(
            WebhookOutcome.INVALID, f"not a webhook event: {where}: {first['msg']}"
        )


async def _read_limited(request: Request, limit: int) -> bytes:
    """The body, or its first ``limit + 1`` bytes when it is longer (so it is refused)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)
