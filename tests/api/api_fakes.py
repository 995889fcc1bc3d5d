"""Fakes shared by the API client tests: scripted servers, a clock, a sleep that only records."""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx

from connector.api import AheadClient, RetryPolicy

BASE_URL = "https://ahead.test"

Answer = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FixedJitter(Random):
    """A random source whose ``uniform(a, b)`` always lands at the same fraction of the way."""

    def __init__(self, fraction: float = 1.0) -> None:
        super().__init__(0)
        self.fraction = fraction

    def random(self) -> float:
        return self.fraction


class RecordingSleep:
    """A ``sleep`` that records how long it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)


def fast_policy(sleep: RecordingSleep, **overrides: Any) -> RetryPolicy:
    """A retry policy that never really sleeps and always jitters to the full backoff."""
    return RetryPolicy(sleep=sleep, random=FixedJitter(1.0), **overrides)


def reply(
    status: int = 200,
    *,
    json_body: Any = None,
    text: str | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """An answer with a JSON body (or ``text``), made afresh for each request."""

    def answer(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text, headers=headers)
        return httpx.Response(status, json=json_body, headers=headers)

    return answer


def raises(error: type[httpx.RequestError]) -> Answer:
    """An answer that fails the way the network can."""

    def answer(request: httpx.Request) -> httpx.Response:
        raise error(f"simulated {error.__name__}", request=request)

    return answer


def envelope(records: list[dict[str, Any]], total: int | None = None, offset: int = 0) -> dict:
    """The AHEAD list envelope around ``records``."""
    return {
        "count": len(records),
        "offset": offset,
        "total_results": len(records) if total is None else total,
        "results": records,
        "errors": None,
    }


def decoded_q(request: httpx.Request) -> dict[str, Any]:
    """The JSON object in a request's ``q`` parameter (``{}`` if there is none)."""
    value = request.url.params.get("q")
    return json.loads(value) if value is not None else {}


class ScriptedApi:
    """A fake server that plays queued answers per (method, path) and records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._answers: dict[tuple[str, str], deque[Answer]] = defaultdict(deque)

    def on(self, method: str, path: str, *answers: Answer) -> ScriptedApi:
        self._answers[(method, path)].extend(answers)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        queue = self._answers[(request.method, request.url.path)]
        if not queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return queue.popleft()(request)

    def client(self, sleep: RecordingSleep | None = None, **kwargs: Any) -> AheadClient:
        kwargs.setdefault("retry", fast_policy(sleep or RecordingSleep()))
        return AheadClient(BASE_URL, transport=httpx.MockTransport(self), **kwargs)


class ListServer:
    """A fake list endpoint over ``records`` that can be told to ignore parts of ``q``."""

    def __init__(
        self,
        records: Iterable[dict[str, Any]],
        *,
        honour_limit: bool = True,
        honour_offset: bool = True,
        honour_filters: bool = True,
        page_cap: int | None = None,
    ) -> None:
        self.records = list(records)
        self.honour_limit = honour_limit
        self.honour_offset = honour_offset
        self.honour_filters = honour_filters
        self.page_cap = page_cap
        self.queries: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.queries.append(decoded_q(request))
        query = decoded_q(request)
        limit = query.pop("limit", None)
        offset = query.pop("offset", 0)
        matching = self.records
        if self.honour_filters:
            matching = [r for r in matching if all(r.get(k) == v for k, v in query.items())]
        start = offset if self.honour_offset else 0
        page = matching[start:]
        if self.honour_limit and limit is not None:
            page = page[:limit]
        if self.page_cap is not None:
            page = page[: self.page_cap]
        return httpx.Response(200, json=envelope(page, total=len(matching), offset=start))


class FakeOAuthServer:
    """The OAuth side of the AHEAD API, plus a bearer-protected ``/v2/authenticate``.

    Access tokens expire by the shared fake clock. Refresh tokens rotate unless told not to.
    """

    def __init__(
        self,
        clock: FakeClock,
        *,
        clients: dict[str, str] | None = None,
        expires_in: int = 10800,
        rotate_refresh_tokens: bool = True,
    ) -> None:
        self.clock = clock
        self.clients = clients if clients is not None else {"app-id": "app-secret"}
        self.expires_in = expires_in
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.refuse_refresh = False
        self.refuse_every_bearer = False
        self.refresh_delay = 0.0
        self.authorizations = 0
        self.exchanges = 0
        self.refreshes = 0
        #: The Authorization header of each API request, as it arrived.
        self.bearers_seen: list[str | None] = []
        self.token_forms: list[dict[str, str]] = []
        self._access: dict[str, datetime] = {}
        self._refresh: set[str] = set()
        self._grants: set[str] = set()
        self._serial = 0
        self._lock = threading.Lock()
        self._rendezvous: threading.Barrier | None = None
        self._rendezvous_left = 0

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def hold_api_requests(self, parties: int) -> None:
        """Answer none of the next ``parties`` API requests until all of them have arrived."""
        self._rendezvous = threading.Barrier(parties, timeout=10)
        self._rendezvous_left = parties

    def revoke_all_access_tokens(self) -> None:
        with self._lock:
            self._access.clear()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/authorize":
            return self._authorize(request)
        if path == "/oauth/token":
            return self._token(request)
        return self._api(request)

    def _next(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}-{self._serial}"

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        client_id = request.url.params.get("client_id")
        if request.url.params.get("response_type") != "code" or client_id not in self.clients:
            return httpx.Response(401, json={"error": "invalid_client"})
        with self._lock:
            self.authorizations += 1
            code = self._next("grant")
            self._grants.add(code)
        location = "https://customer.example/callback?" + urlencode({"code": code})
        return httpx.Response(302, headers={"Location": location})

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        with self._lock:
            self.token_forms.append(form)
        if self.clients.get(form.get("client_id", "")) != form.get("client_secret"):
            return httpx.Response(401, json={"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self._lock:
                if form.get("code") not in self._grants:
                    return httpx.Response(400, json={"error": "invalid_grant"})
                self._grants.discard(form["code"])
                self.exchanges += 1
                return self._issue(new_refresh=True)
        if grant == "refresh_token":
            if self.refresh_delay:
                # Holds the refresh open so that other threads reach the token check meanwhile.
                threading.Event().wait(self.refresh_delay)
            with self._lock:
                if self.refuse_refresh or form.get("refresh_token") not in self._refresh:
                    return httpx.Response(
                        400, json={"error": "invalid_grant", "error_description": "expired"}
                    )
                self.refreshes += 1
                if self.rotate_refresh_tokens:
                    self._refresh.discard(form["refresh_token"])
                return self._issue(new_refresh=self.rotate_refresh_tokens)
        return httpx.Response(400, json={"error": "unsupported_grant_type"})

    def _issue(self, *, new_refresh: bool) -> httpx.Response:
        access = self._next("access")
        self._access[access] = self.clock() + timedelta(seconds=self.expires_in)
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.expires_in,
        }
        if new_refresh:
            refresh = self._next("refresh")
            self._refresh.add(refresh)
            body["refresh_token"] = refresh
        return httpx.Response(200, json=body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            held = self._rendezvous_left > 0
            self._rendezvous_left -= held
        if held and self._rendezvous is not None:
            self._rendezvous.wait()
        with self._lock:
            self.bearers_seen.append(request.headers.get("Authorization"))
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            expires_at = self._access.get(token)
        valid = scheme == "Bearer" and expires_at is not None and self.clock() < expires_at
        if self.refuse_every_bearer or not valid:
            return httpx.Response(401, json=envelope([]) | {"errors": [{"message": "bad token"}]})
        return httpx.Response(200, text="Successfully authenticated as Example Organization")
