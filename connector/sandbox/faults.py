"""Fault injection for the AHEAD sandbox, and an in-process transport that shows faults as HTTP.

:class:`FaultRules` holds the configured :class:`~connector.sandbox.config.FaultRule` list and
decides, without any I/O, what happens to one request (:class:`FaultDecision`).
:class:`FaultInjector` is the ASGI middleware that carries the decision out: latency, an error
answered without calling the app, or the worst case for an exactly-once client, the app commits
and the answer is lost on the way (commit-then-drop).

:func:`in_process_transport` runs the sandbox inside the test process behind a synchronous
``httpx`` transport. A dropped answer reaches the client as :class:`httpx.RemoteProtocolError`
there too, so code under test cannot tell in-process from real HTTP.

Decisions where the reference is silent (also in ``docs/api-decisions.md``):

- Every rule whose method and path prefix match applies: latencies add up, and each rule draws
  its faults independently, in rule order. A request is rate limited (429) before it can fail
  (5xx), and only a request that reaches the app can be dropped.
- ``Retry-After`` is whole seconds when the rule's value is whole, otherwise a decimal number of
  seconds (a sandbox liberty so that tests can retry quickly).
- A dropped answer sends the status line and headers, announces the body's length, then closes
  the connection without sending the body.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import enum
import logging
import random
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connector.api.models import FieldError
from connector.sandbox.config import FaultRule
from connector.sandbox.errors import error_response

logger = logging.getLogger(__name__)

# Set in the request's own context when the injector drops an answer on purpose, so that the
# server's complaint about the incomplete answer can be told apart from a real bug.
_DROPPING_ANSWER: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ahead_sandbox_dropping_answer", default=False
)
_SERVER_LOGGER = "uvicorn.error"
_SERVER_INCOMPLETE_MESSAGE = "ASGI callable returned without completing response"


@dataclass(frozen=True)
class FaultDecision:
    """What the fault injector does to one request.

    Attributes:
        latency: seconds to wait before anything else happens.
        error_status: a 5xx to answer instead of calling the app, or ``None``.
        rate_limited: answer 429 instead of calling the app.
        retry_after: the ``Retry-After`` seconds of a 429 (``None`` unless rate limited).
        drop_after_commit: let the app handle the request fully, then lose its answer.
    """

    latency: float = 0.0
    error_status: HTTPStatus | None = None
    rate_limited: bool = False
    retry_after: float | None = None
    drop_after_commit: bool = False

    @property
    def calls_app(self) -> bool:
        """Whether the request reaches the app (and can therefore change its state)."""
        return not self.rate_limited and self.error_status is None


class FaultRules:
    """The fault rules in force, and the draws that apply them; safe across threads.

    Args:
        rules: the initial rules (none: no faults).
        seed: seeds the random draws, so that the same requests meet the same faults.

    Raises:
        ValueError: a rule's ``error_status`` is not a 5xx HTTP status.
    """

    def __init__(self, rules: Sequence[FaultRule] | None = None, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._rules: tuple[FaultRule, ...] = ()
        self.set(rules or [])

    def __repr__(self) -> str:
        return f"<FaultRules rules={len(self.get())}>"

    def set(self, rules: Sequence[FaultRule]) -> None:
        """Replace the rules in force.

        Raises:
            ValueError: a rule's ``error_status`` is not a 5xx HTTP status.
        """
        for rule in rules:
            _server_error_status(rule.error_status)
        copies = tuple(rule.model_copy(deep=True) for rule in rules)
        with self._lock:
            self._rules = copies

    def get(self) -> list[FaultRule]:
        """A copy of the rules in force."""
        with self._lock:
            return [rule.model_copy(deep=True) for rule in self._rules]

    def decide(self, method: str, path: str) -> FaultDecision:
        """Draw the faults of one request.

        Every matching rule draws its three faults, whatever the outcome, so that a given
        seed and sequence of requests always gives the same decisions.

        Args:
            method: the HTTP method (any case).
            path: the request path, without the query string.
        """
        latency = 0.0
        error_status: HTTPStatus | None = None
        retry_after: float | None = None
        drop = False
        with self._lock:
            for rule in self._rules:
                if not _matches(rule, method, path):
                    continue
                latency += rule.latency
                limited = self._random.random() < rule.rate_limit_rate
                failed = self._random.random() < rule.error_rate
                dropped = self._random.random() < rule.drop_after_commit_rate
                if limited and retry_after is None:
                    retry_after = rule.retry_after
                if failed and error_status is None:
                    error_status = _server_error_status(rule.error_status)
                drop = drop or dropped
        if retry_after is not None:
            return FaultDecision(latency=latency, rate_limited=True, retry_after=retry_after)
        if error_status is not None:
            return FaultDecision(latency=latency, error_status=error_status)
        return FaultDecision(latency=latency, drop_after_commit=drop)


def _matches(rule: FaultRule, method: str, path: str) -> bool:
    method_matches = rule.method == "*" or rule.method.upper() == method.upper()
    return method_matches and path.startswith(rule.path)


def _server_error_status(status: int) -> HTTPStatus:
    if not 500 <= status <= 599:
        raise ValueError(f"a fault rule's error_status must be a 5xx HTTP status, not {status}")
    try:
        return HTTPStatus(status)
    except ValueError:
        raise ValueError(
            f"a fault rule's error_status {status} is not a known HTTP status"
        ) from None


class FaultInjector:
    """ASGI middleware that applies :class:`FaultRules` to every HTTP request.

    Injected errors (5xx, 429 with ``Retry-After``) are answered in the API's error envelope
    without calling the app, so nothing is committed. A commit-then-drop lets the app handle
    the request completely, then sends the answer's status line and headers and closes the
    connection before the body: the client sees a broken answer (a transport error), never a
    status it could trust. Requests other than HTTP (lifespan, websockets) pass through.

    Constructing an injector also quiets the server's own complaint about these deliberately
    incomplete answers (a filter on the ``uvicorn.error`` logger that lets every other record
    through); the injector logs each fault it injects on this module's logger instead.

    Args:
        app: the ASGI app the faults are injected in front of.
        rules: the rules in force; change them at any time with :meth:`FaultRules.set`.
        sleep: how latency is waited for (tests pass a recorder instead of waiting).
    """

    def __init__(
        self,
        app: ASGIApp,
        rules: FaultRules,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.app = app
        self.rules = rules
        self._sleep = sleep
        _quiet_server_complaints_about_drops()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        path: str = scope["path"]
        decision = self.rules.decide(method, path)
        if decision.latency > 0:
            await self._sleep(decision.latency)
        if decision.rate_limited:
            await self._answer_rate_limited(decision.retry_after or 0.0, scope, receive, send)
        elif decision.error_status is not None:
            await self._answer_error(decision.error_status, scope, receive, send)
        elif decision.drop_after_commit and method.upper() != "HEAD":
            # An answer to HEAD has no body to cut short, so HEAD is never dropped.
            await self._commit_then_drop(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _answer_rate_limited(
        self, retry_after: float, scope: Scope, receive: Receive, send: Send
    ) -> None:
        logger.info(
            "fault injection: answered 429 to %s %s (Retry-After %s)",
            scope["method"],
            scope["path"],
            _retry_after_header(retry_after),
        )
        message = (
            "too many requests (injected by the sandbox's fault rules); retry after "
            f"{_retry_after_header(retry_after)} s"
        )
        response = error_response(
            HTTPStatus.TOO_MANY_REQUESTS,
            [FieldError(message=message)],
            headers={"Retry-After": _retry_after_header(retry_after)},
        )
        await response(scope, receive, send)

    async def _answer_error(
        self, status: HTTPStatus, scope: Scope, receive: Receive, send: Send
    ) -> None:
        logger.info(
            "fault injection: answered %d to %s %s", status.value, scope["method"], scope["path"]
        )
        message = (
            f"{status.phrase} (injected by the sandbox's fault rules; the request was not "
            "processed)"
        )
        response = error_response(status, [FieldError(message=message)])
        await response(scope, receive, send)

    async def _commit_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        captured = _CapturedAnswer()
        await self.app(scope, receive, captured.send)
        logger.info(
            "fault injection: %s %s was handled (status %s), its answer dropped",
            scope["method"],
            scope["path"],
            captured.status,
        )
        _DROPPING_ANSWER.set(True)
        await send(captured.truncated_start())
        # Returning now, with the answer incomplete, makes the server close the connection.


@dataclass
class _CapturedAnswer:
    """The app's answer, kept from the client."""

    start: Message | None = None
    body: bytearray = field(default_factory=bytearray)

    @property
    def status(self) -> int | None:
        return None if self.start is None else int(self.start["status"])

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))

    def truncated_start(self) -> Message:
        """A start that announces a body (which will never come)."""
        status = self.status or HTTPStatus.OK
        if status < HTTPStatus.OK or status in (HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED):
            # These answers carry no body, so cutting the body would not break them.
            status = HTTPStatus.OK
        headers = [
            (name, value)
            for name, value in (self.start or {}).get("headers", [])
            if name.lower() not in (b"content-length", b"transfer-encoding")
        ]
        headers.append((b"content-length", str(max(len(self.body), 1)).encode()))
        return {"type": "http.response.start", "status": int(status), "headers": headers}


def _retry_after_header(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


class _DeliberateDropFilter(logging.Filter):
    """Drops the server's 'incomplete answer' error when the injector caused it on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        deliberate = _DROPPING_ANSWER.get()
        return not (deliberate and str(record.msg).startswith(_SERVER_INCOMPLETE_MESSAGE))


def _quiet_server_complaints_about_drops() -> None:
    server_logger = logging.getLogger(_SERVER_LOGGER)
    if not any(isinstance(f, _DeliberateDropFilter) for f in server_logger.filters):
        server_logger.addFilter(_DeliberateDropFilter())


# ------------------------------------------------------------------------------------------------
# In-process transport
# ------------------------------------------------------------------------------------------------


class _TransportState(enum.Enum):
    NEW = enum.auto()
    RUNNING = enum.auto()
    CLOSED = enum.auto()


@dataclass
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    complete: bool
    announced_length: int | None


class InProcessTransport(httpx.BaseTransport):
    """A synchronous ``httpx`` transport that runs an ASGI app in this process.

    The app runs on an event loop in a background thread; any number of threads may send
    requests at once. The app's lifespan (startup, shutdown) runs in :meth:`start` and
    :meth:`close`; ``with httpx.Client(transport=...)`` calls both, and the first request starts
    the app if nobody did.

    It answers as a server on loopback would: an answer the app leaves incomplete (a dropped
    answer) raises :class:`httpx.RemoteProtocolError`; an exception in the app before it
    answered becomes a 500 (and is logged); a request slower than the client's read timeout
    raises :class:`httpx.ReadTimeout` while the app carries on, as a server would; requests
    after :meth:`close` raise :class:`httpx.ConnectError`.

    Args:
        app: the ASGI app (e.g. the sandbox app wrapped in :class:`FaultInjector`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._state = _TransportState.NEW
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lifespan: _Lifespan | None = None
        self._app_state: dict[str, Any] = {}

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the event loop and run the app's lifespan startup; does nothing if started.

        Raises:
            RuntimeError: the app's startup failed, or the transport is closed.
        """
        with self._lock:
            if self._state is _TransportState.RUNNING:
                return
            if self._state is _TransportState.CLOSED:
                raise RuntimeError("this in-process transport is closed; create a new one")
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="ahead-sandbox-in-process", daemon=True
            )
            thread.start()
            lifespan = _Lifespan(self._app, self._app_state)
            try:
                asyncio.run_coroutine_threadsafe(lifespan.startup(), loop).result()
            except BaseException:
                _stop_loop(loop, thread)
                raise
            self._loop, self._thread, self._lifespan = loop, thread, lifespan
            self._state = _TransportState.RUNNING

    def close(self) -> None:
        """Run the app's lifespan shutdown and stop the event loop; does nothing if closed."""
        with self._lock:
            if self._state is not _TransportState.RUNNING:
                self._state = _TransportState.CLOSED
                return
            self._state = _TransportState.CLOSED
            loop, thread, lifespan = self._loop, self._thread, self._lifespan
        assert loop is not None
        assert thread is not None
        assert lifespan is not None
        try:
            asyncio.run_coroutine_threadsafe(lifespan.shutdown(), loop).result()
        finally:
            _stop_loop(loop, thread)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request to the app and return its answer (see the class docstring)."""
        self._start_if_new(request)
        loop = self._loop
        assert loop is not None
        body = request.read()
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        future = asyncio.run_coroutine_threadsafe(self._exchange(request, body), loop)
        try:
            answer = future.result(timeout=timeouts.get("read"))
        except TimeoutError:
            raise httpx.ReadTimeout("the app did not answer in time", request=request) from None
        except concurrent.futures.CancelledError:
            raise httpx.RemoteProtocolError(
                "the in-process server shut down before answering", request=request
            ) from None
        if not answer.complete:
            raise httpx.RemoteProtocolError(
                "server disconnected without sending the complete answer (received "
                f"{len(answer.body)} of {answer.announced_length} bytes of the body)",
                request=request,
            )
        return httpx.Response(
            answer.status, headers=answer.headers, stream=httpx.ByteStream(answer.body)
        )

    def _start_if_new(self, request: httpx.Request) -> None:
        with self._lock:
            state = self._state
        if state is _TransportState.NEW:
            self.start()
        elif state is _TransportState.CLOSED:
            raise httpx.ConnectError("the in-process sandbox is closed", request=request)

    async def _exchange(self, request: httpx.Request, body: bytes) -> _Answer:
        url = request.url
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": ("127.0.0.1", 0),
            "root_path": "",
            "state": dict(self._app_state),
        }
        request_sent = False
        answered = asyncio.Event()
        start: Message | None = None
        chunks = bytearray()

        async def receive() -> Message:
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    answered.set()

        app_failed = False
        try:
            await self._app(scope, receive, send)
        except Exception:
            logger.exception("Exception in ASGI application (in-process)")
            app_failed = True
        complete = answered.is_set()
        answered.set()
        if start is None:
            if not app_failed:
                logger.error("the app returned without answering %s %s", request.method, url.path)
            return _Answer(
                500,
                [(b"content-type", b"text/plain; charset=utf-8")],
                b"Internal Server Error",
                complete=True,
                announced_length=None,
            )
        headers: list[tuple[bytes, bytes]] = list(start.get("headers", []))
        return _Answer(
            status=int(start["status"]),
            headers=headers,
            body=bytes(chunks) if request.method != "HEAD" else b"",
            complete=complete,
            announced_length=_content_length(headers),
        )


def in_process_transport(app: ASGIApp) -> InProcessTransport:
    """A synchronous ``httpx`` transport that runs ``app`` in this process.

    Args:
        app: the ASGI app to run.

    Returns:
        An :class:`InProcessTransport`; use it with ``httpx.Client(transport=...)``.
    """
    return InProcessTransport(app)


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length" and value.isdigit():
            return int(value)
    return None


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    async def cancel_the_rest() -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(cancel_the_rest(), loop).result()
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


class _Lifespan:
    """The ASGI lifespan conversation with an app, driven from its event loop."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self._app = app
        self._state = state
        self._to_app: asyncio.Queue[Message] | None = None
        self._from_app: asyncio.Queue[Message | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._supported = True

    async def startup(self) -> None:
        to_app: asyncio.Queue[Message] = asyncio.Queue()
        from_app: asyncio.Queue[Message | None] = asyncio.Queue()
        self._to_app, self._from_app = to_app, from_app
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self._state,
        }
        self._task = asyncio.create_task(self._run(scope))
        await to_app.put({"type": "lifespan.startup"})
        message = await from_app.get()
        if message is None:
            # The app ended the conversation without answering: it has no lifespan.
            self._supported = False
        elif message["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"the app's startup failed: {message.get('message', '')}")

    async def shutdown(self) -> None:
        if not self._supported or self._to_app is None or self._from_app is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._from_app.get()
        if message is not None and message["type"] == "lifespan.shutdown.failed":
            logger.error("the app's shutdown failed: %s", message.get("message", ""))
        if self._task is not None:
            await self._task

    async def _run(self, scope: Scope) -> None:
        assert self._to_app is not None
        assert self._from_app is not None
        to_app, from_app = self._to_app, self._from_app

        async def send(message: Message) -> None:
            await from_app.put(message)

        try:
            await self._app(scope, to_app.get, send)
        except Exception:
            # Apps without lifespan support raise on the unknown scope type; a real failure
            # was already reported through lifespan.startup.failed.
            logger.debug("the app's lifespan ended with an exception", exc_info=True)
        finally:
            await from_app.put(None)
