"""Authentication for the AHEAD API: HMAC request signing and OAuth 2.0 bearer tokens.

Both schemes are :class:`httpx.Auth` flows for a synchronous client; pass one to
:class:`~connector.api.client.AheadClient`. Neither ever puts a token or secret in a
``repr``, a ``str`` or a log message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Generator
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pydantic

from connector.api.client import DEFAULT_USER_AGENT, error_for_response, field_errors
from connector.api.endpoints import OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH
from connector.api.errors import AheadError, AuthError, TransportError, UnexpectedResponseError
from connector.api.models import TokenResponse
from connector.api.signing import EMPTY_BODY, SIGN_QUERY_STRING, hmac_headers, hmac_signature
from connector.api.tokens import Clock, Token, TokenCache, utc_now

logger = logging.getLogger("connector.api")

#: Seconds before expiry at which a bearer token is renewed.
DEFAULT_REFRESH_MARGIN = 300.0

_UNAUTHORIZED = 401
_CLIENT_ERRORS = range(400, 500)
_BODY_HEADERS = ("content-length", "transfer-encoding")


def format_x_date(moment: datetime) -> str:
    """The ``X-Date`` of a request sent at ``moment``: UTC ISO 8601 with milliseconds and ``Z``.

    A naive ``moment`` is taken as UTC.
    """
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def signed_path(url: httpx.URL) -> str:
    """The path an HMAC signature covers: as sent, with the query string if there is one."""
    raw = url.raw_path.decode("ascii")
    return raw if SIGN_QUERY_STRING else raw.partition("?")[0]


class HmacAuth(httpx.Auth):
    """The AHEAD HMAC scheme: ``MBX-Auth: <token>:<signature>`` and ``X-Date``.

    The signature covers the method, the MD5 of the body, the ``X-Date`` and the path with its
    query string, exactly as sent. A request without a body is sent with the body ``{}`` and
    signed over it, as the reference does even for GET.
    """

    requires_request_body = True

    def __init__(self, token: str, secret: str, *, clock: Clock = utc_now) -> None:
        """Sign requests with an API token and secret.

        Args:
            token: the public token issued by AHEAD.
            secret: the secret issued with it.
            clock: the current time (injected by tests).
        """
        self._token = token
        self._secret = secret
        self._clock = clock

    def __repr__(self) -> str:
        return "HmacAuth(token=<hidden>, secret=<hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign ``request`` and send it."""
        if not request.content:
            request = _with_body(request, EMPTY_BODY)
        date = format_x_date(self._clock())
        signature = hmac_signature(
            self._secret, request.method, request.content, date, signed_path(request.url)
        )
        request.headers.update(hmac_headers(self._token, signature, date))
        yield request


def _with_body(request: httpx.Request, body: bytes) -> httpx.Request:
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in _BODY_HEADERS]
    return httpx.Request(
        request.method, request.url, headers=headers, content=body, extensions=request.extensions
    )


class OAuthApp:
    """An OAuth 2.0 client of the AHEAD API: the authorization code grant, and refresh.

    The server answers ``GET /oauth/authorize`` with a redirect whose ``Location`` carries the
    code, so the whole flow runs without a browser. The app keeps its own connection pool;
    close it (or use it as a context manager) when done.
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        clock: Clock = utc_now,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        """Create the app.

        Args:
            base_url: the API's root, e.g. ``https://api-sandbox.mbx.com``.
            client_id: the client id issued by AHEAD.
            client_secret: the client secret issued with it.
            transport: the httpx transport (tests pass :class:`httpx.MockTransport`).
            timeout: seconds to wait for connecting, sending, or each read.
            clock: the current time, from which token expiry is counted.
            user_agent: the ``User-Agent`` header.
        """
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.clock = clock
        self._client_secret = client_secret
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": user_agent},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"OAuthApp({self.base_url!r}, client_id={self.client_id!r}, client_secret=<hidden>)"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the app's connections."""
        self._http.close()

    def authorize_url(self, client_id: str | None = None) -> str:
        """The URL of ``GET /oauth/authorize?response_type=code&client_id=...``.

        Args:
            client_id: the client to authorize; default: this app's.
        """
        query = urlencode({"response_type": "code", "client_id": client_id or self.client_id})
        return f"{self.base_url}{OAUTH_AUTHORIZE_PATH}?{query}"

    def request_code(self) -> str:
        """Ask for an access grant and take the code from the redirect's ``Location``.

        Raises:
            AuthError: the client id is not valid (401), or the redirect carries no code.
            TransportError: the server could not be reached.
        """
        method, path = "GET", OAUTH_AUTHORIZE_PATH
        try:
            response = self._http.get(self.authorize_url())
        except httpx.RequestError as exc:
            raise TransportError(method, path, _describe(exc)) from exc
        if response.status_code == _UNAUTHORIZED:
            raise AuthError(
                f"Invalid client_id {self.client_id!r}: {method} {path} answered 401",
                status_code=_UNAUTHORIZED,
            )
        location: str | None = response.headers.get("Location")
        if not response.is_redirect or location is None:
            raise _oauth_error(response)
        parameters = parse_qs(urlsplit(location).query)
        if codes := parameters.get("code"):
            return codes[0]
        refusal = parameters.get("error", ["no code in the redirect"])[0]
        raise AuthError(f"{method} {path} gave no access grant: {refusal}")

    def exchange_code(self, code: str) -> Token:
        """Trade an access grant for a bearer token (``grant_type=authorization_code``).

        Raises:
            AuthError: the server refused the code or the client credentials.
        """
        return self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
                "client_secret": self._client_secret,
            },
            previous_refresh_token=None,
        )

    def refresh(self, refresh_token: str) -> Token:
        """A new bearer token for a refresh token (``grant_type=refresh_token``).

        The answer's refresh token replaces the old one when the server rotates them.

        Raises:
            AuthError: the server refused the refresh token.
        """
        return self._token_request(
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": self.client_id,
                "client_secret": self._client_secret,
            },
            previous_refresh_token=refresh_token,
        )

    def obtain_token(self) -> Token:
        """Run the whole authorization code flow: :meth:`request_code`, :meth:`exchange_code`."""
        return self.exchange_code(self.request_code())

    def _token_request(self, form: dict[str, str], previous_refresh_token: str | None) -> Token:
        issued_at = self.clock()
        try:
            response = self._http.post(
                OAUTH_TOKEN_PATH, data=form, headers={"Accept": "application/json"}
            )
        except httpx.RequestError as exc:
            raise TransportError("POST", OAUTH_TOKEN_PATH, _describe(exc)) from exc
        if not response.is_success:
            raise _oauth_error(response)
        try:
            answer = TokenResponse.model_validate_json(response.content)
        except pydantic.ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise UnexpectedResponseError(
                "POST",
                OAUTH_TOKEN_PATH,
                response.status_code,
                f"the body is not a token answer ({where}: {problem['msg']})",
            ) from None
        return Token.from_response(answer, issued_at, previous_refresh_token)


def _oauth_error(response: httpx.Response) -> AheadError:
    # OAuth endpoints refuse with 400 ("invalid_grant") as often as with 401; all are refusals.
    status = response.status_code
    if status in _CLIENT_ERRORS and status != httpx.codes.TOO_MANY_REQUESTS:
        request = response.request
        reasons = "; ".join(e.message for e in field_errors(response)) or "refused"
        return AuthError(
            f"{request.method} {request.url.path} answered {status}: {reasons}", status_code=status
        )
    return error_for_response(response)


def _describe(error: httpx.RequestError) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class OAuthAuth(httpx.Auth):
    """Bearer tokens from an :class:`OAuthApp`, renewed before they expire.

    - Without a token (none given, none cached) it runs the authorization code flow.
    - A token that expires within ``refresh_margin`` seconds is refreshed before use.
    - A request answered 401 gets one renewal and is sent once more; a second 401 raises
      :class:`AuthError`.
    - A refused refresh falls back to the code flow.

    Threads share one token: a lock makes concurrent requests renew it once. With a
    :class:`TokenCache`, tokens outlive the process and are shared with other clients.
    """

    def __init__(
        self,
        app: OAuthApp,
        *,
        cache: TokenCache | None = None,
        token: Token | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        """Authenticate requests as ``app``.

        Args:
            app: the OAuth client that obtains and refreshes tokens.
            cache: where tokens are kept between runs; ``None`` keeps them in memory only.
            token: a token to start with (else the cache's, else a new one).
            refresh_margin: seconds before expiry at which the token is renewed.
        """
        self._app = app
        self._cache = cache
        self._token = token
        self._refresh_margin = refresh_margin
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OAuthAuth({self._app!r}, cache={self._cache!r})"

    def valid_token(self) -> Token:
        """A token good for at least ``refresh_margin`` seconds, obtained or renewed if needed.

        Raises:
            AuthError: the server refused the client.
        """
        with self._lock:
            if self._token is None:
                self._token = self._cached()
            token = self._token
            if token is None:
                token = self._authorize()
            elif token.expires_within(self._refresh_margin, self._app.clock()):
                token = self._renew(token)
            self._keep(token)
            return token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request`` with a bearer token; renew it once if the server refuses it."""
        token = self.valid_token()
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code != _UNAUTHORIZED:
            return
        token = self._renew_rejected(token)
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code == _UNAUTHORIZED:
            raise AuthError(
                f"{request.method} {request.url.path} answered 401 even with a renewed token",
                status_code=_UNAUTHORIZED,
            )

    def _renew_rejected(self, rejected: Token) -> Token:
        with self._lock:
            current = self._token
            if current is not None and current.access_token != rejected.access_token:
                return current  # another thread renewed it meanwhile
            token = self._renew(rejected)
            self._keep(token)
            return token

    def _renew(self, old: Token) -> Token:
        newer = self._cached()
        if (
            newer is not None
            and newer.access_token != old.access_token
            and not newer.expires_within(self._refresh_margin, self._app.clock())
        ):
            return newer  # another process renewed it
        if old.refresh_token is None:
            return self._authorize()
        try:
            token = self._app.refresh(old.refresh_token)
        except AuthError as exc:
            logger.warning("the OAuth refresh was refused (%s); authorizing again", exc)
            return self._authorize()
        logger.info("refreshed the OAuth token of client %s", self._app.client_id)
        return token

    def _authorize(self) -> Token:
        token = self._app.obtain_token()
        logger.info("obtained an OAuth token for client %s", self._app.client_id)
        return token

    def _cached(self) -> Token | None:
        if self._cache is None:
            return None
        return self._cache.load(self._app.base_url, self._app.client_id)

    def _keep(self, token: Token) -> None:
        if token is self._token:
            return
        self._token = token
        if self._cache is None:
            return
        try:
            self._cache.save(self._app.base_url, self._app.client_id, token)
        except OSError as exc:
            # The token still works for this process; only the next one will need a new one.
            logger.warning("could not write the token cache %s: %s", self._cache.path, exc)
