"""Authentication of the AHEAD sandbox: OAuth 2 (authorization code with refresh) and HMAC.

:class:`SandboxAuth` serves ``GET /oauth/authorize`` and ``POST /oauth/token`` and checks the
credentials of every ``/v2`` request, either ``Authorization: Bearer <token>`` or the older HMAC
scheme (``MBX-Auth: <token>:<signature>`` with ``X-Date``, see :mod:`connector.api.signing`).

Grants and tokens live in memory only: restarting the sandbox logs every OAuth client out
(they start again at ``/oauth/authorize``). HMAC credentials come from the configuration and
survive restarts.

Decisions where the reference is silent (also in ``docs/api-decisions.md``):

- OAuth errors are RFC 6749 JSON, ``{"error": ..., "error_description": ...}``, not the API's
  error envelope: 401 ``invalid_client`` for an unknown ``client_id`` (description
  ``Invalid client_id``, the reference's words) or a wrong ``client_secret``; 400 for the rest
  (``invalid_request``, ``invalid_grant``, ``unsupported_grant_type``,
  ``unsupported_response_type``).
- ``/oauth/token`` takes its parameters form-encoded in the body, client credentials included
  (HTTP Basic client authentication is not supported).
- Grant codes are single-use and expire 600 s (sandbox clock) after they are issued.
- Refresh tokens do not expire; each is single-use and the answer carries a new one. The access
  token issued before a refresh stays valid until its own expiry.
- ``/oauth/authorize`` accepts an optional ``redirect_uri`` only if it equals the client's
  registered one, and echoes an optional ``state`` back on the redirect.
- A request carrying both a bearer token and an HMAC signature is judged by its bearer token.
- The HMAC signature covers the body exactly as received; a request whose body is empty is
  signed over the empty body (clients send ``{}``, see :data:`~connector.api.signing.EMPTY_BODY`).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from connector.api import signing
from connector.api.endpoints import OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH
from connector.api.models import TokenResponse
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import OAuthClientConfig, SandboxConfig
from connector.sandbox.errors import SandboxHTTPError

#: How long a grant code from ``/oauth/authorize`` can be exchanged, in sandbox seconds.
GRANT_CODE_TTL_SECONDS = 600

_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# RFC 6749 5.1: token answers must not be cached.
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class _OAuthErrorCode(enum.StrEnum):
    INVALID_REQUEST = "invalid_request"
    INVALID_CLIENT = "invalid_client"
    INVALID_GRANT = "invalid_grant"
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
    UNSUPPORTED_RESPONSE_TYPE = "unsupported_response_type"


class _GrantType(enum.StrEnum):
    AUTHORIZATION_CODE = "authorization_code"
    REFRESH_TOKEN = "refresh_token"


class _BearerState(enum.Enum):
    VALID = enum.auto()
    UNKNOWN = enum.auto()
    EXPIRED = enum.auto()


class _OAuthError(Exception):
    """An OAuth endpoint refuses the request; turned into an RFC 6749 error answer."""

    def __init__(self, code: _OAuthErrorCode, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    @property
    def status(self) -> int:
        return 401 if self.code is _OAuthErrorCode.INVALID_CLIENT else 400

    def response(self) -> JSONResponse:
        body = {"error": self.code.value, "error_description": self.description}
        return JSONResponse(body, status_code=self.status, headers=_NO_STORE)


@dataclass(frozen=True)
class _Grant:
    client_id: str
    expires_at: datetime


@dataclass(frozen=True)
class _AccessToken:
    client_id: str
    expires_at: datetime


class _TokenStore:
    """Grant codes, access tokens and refresh tokens, in memory, safe across threads.

    The values themselves are dictionary keys only, so no repr of the store's records shows
    a token.
    """

    def __init__(self, clock: SandboxClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._grants: dict[str, _Grant] = {}
        self._access: dict[str, _AccessToken] = {}
        self._refresh: dict[str, str] = {}

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"<_TokenStore grants={len(self._grants)} access_tokens={len(self._access)} "
                f"refresh_tokens={len(self._refresh)}>"
            )

    def issue_grant(self, client_id: str) -> str:
        code = secrets.token_urlsafe(16)
        now = self._clock.now()
        with self._lock:
            self._prune(now)
            expires_at = now + timedelta(seconds=GRANT_CODE_TTL_SECONDS)
            self._grants[code] = _Grant(client_id, expires_at)
        return code

    def redeem_grant(self, code: str, client_id: str, ttl: int) -> TokenResponse:
        now = self._clock.now()
        with self._lock:
            grant = self._grants.pop(code, None)
            if grant is None:
                raise _OAuthError(
                    _OAuthErrorCode.INVALID_GRANT,
                    "unknown code, or already used (a code can be exchanged once)",
                )
            if grant.client_id != client_id:
                raise _OAuthError(
                    _OAuthErrorCode.INVALID_GRANT, "the code was issued to another client_id"
                )
            if now >= grant.expires_at:
                raise _OAuthError(
                    _OAuthErrorCode.INVALID_GRANT,
                    f"the code expired (codes are valid for {GRANT_CODE_TTL_SECONDS} s); "
                    f"ask {OAUTH_AUTHORIZE_PATH} for a new one",
                )
            return self._issue_tokens(client_id, now, ttl)

    def refresh(self, refresh_token: str, client_id: str, ttl: int) -> TokenResponse:
        now = self._clock.now()
        with self._lock:
            owner = self._refresh.get(refresh_token)
            if owner is None:
                raise _OAuthError(
                    _OAuthErrorCode.INVALID_GRANT,
                    "unknown refresh_token, or already used (each refresh answers a new one)",
                )
            if owner != client_id:
                raise _OAuthError(
                    _OAuthErrorCode.INVALID_GRANT,
                    "the refresh_token was issued to another client_id",
                )
            del self._refresh[refresh_token]
            return self._issue_tokens(client_id, now, ttl)

    def bearer_state(self, access_token: str) -> _BearerState:
        now = self._clock.now()
        with self._lock:
            token = self._access.get(access_token)
        if token is None:
            return _BearerState.UNKNOWN
        return _BearerState.VALID if now < token.expires_at else _BearerState.EXPIRED

    def _issue_tokens(self, client_id: str, now: datetime, ttl: int) -> TokenResponse:
        # Called with the lock held.
        self._prune(now)
        access_token = secrets.token_urlsafe(16)
        refresh_token = secrets.token_urlsafe(16)
        self._access[access_token] = _AccessToken(client_id, now + timedelta(seconds=ttl))
        self._refresh[refresh_token] = client_id
        return TokenResponse(
            access_token=access_token,
            token_type="bearer",
            expires_in=ttl,
            refresh_token=refresh_token,
        )

    def _prune(self, now: datetime) -> None:
        # Expired access tokens are kept a while longer so that a late request still hears
        # "expired" rather than "unknown".
        keep_after = now - timedelta(days=1)
        for code in [c for c, g in self._grants.items() if g.expires_at <= now]:
            del self._grants[code]
        for token in [t for t, a in self._access.items() if a.expires_at <= keep_after]:
            del self._access[token]


class SandboxAuth:
    """The sandbox's OAuth 2 endpoints and the credential check of every API request.

    Grant codes and tokens are kept in memory, safe across threads; a restarted sandbox has
    forgotten them, so its OAuth clients must authorize again.

    Args:
        config: the sandbox configuration (OAuth clients, HMAC credentials, token lifetime,
            whether authentication is required at all).
        clock: the sandbox clock; expiry of codes and tokens follows it.
    """

    def __init__(self, config: SandboxConfig, clock: SandboxClock) -> None:
        self._config = config
        self._clock = clock
        self._tokens = _TokenStore(clock)

    def __repr__(self) -> str:
        return f"<SandboxAuth organization={self._config.organization_name!r}>"

    def router(self) -> APIRouter:
        """The OAuth routes, ``GET /oauth/authorize`` and ``POST /oauth/token``.

        ``/oauth/authorize?response_type=code&client_id=...`` answers 302 with
        ``Location: <the client's redirect_uri>?code=<grant code>``. ``/oauth/token`` takes a
        form-encoded body, ``grant_type=authorization_code`` with ``code``, or
        ``grant_type=refresh_token`` with ``refresh_token``, both with ``client_id`` and
        ``client_secret``, and answers a :class:`~connector.api.models.TokenResponse`.
        Errors are RFC 6749 JSON (see the module docstring).
        """
        router = APIRouter(tags=["oauth"])
        router.add_api_route(OAUTH_AUTHORIZE_PATH, self._authorize, methods=["GET"])
        router.add_api_route(OAUTH_TOKEN_PATH, self._token, methods=["POST"])
        return router

    async def dependency(self, request: Request) -> str:
        """Check a request's credentials; use as ``Depends(auth.dependency)``.

        Args:
            request: the incoming request.

        Returns:
            The name of the organization the credentials belong to.

        Raises:
            SandboxHTTPError: 401 with a ``WWW-Authenticate: Bearer`` header and a message
                that says exactly what was wrong with the credentials.
        """
        if not self._config.require_auth:
            return self._config.organization_name
        authorization = request.headers.get("authorization")
        if authorization is not None:
            self._check_bearer(authorization)
        elif signing.HMAC_AUTH_HEADER in request.headers:
            await self._check_hmac(request)
        else:
            raise _unauthorized(
                "missing credentials: send 'Authorization: Bearer <token>', or "
                f"'{signing.HMAC_AUTH_HEADER}: <token>:<signature>' with "
                f"'{signing.HMAC_DATE_HEADER}'",
                invalid_token=False,
            )
        return self._config.organization_name

    # ---------------------------------------------------------------------------------------
    # OAuth endpoints
    # ---------------------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        try:
            location = self._grant_redirect(request.query_params.multi_items())
        except _OAuthError as failure:
            return failure.response()
        return RedirectResponse(location, status_code=302)

    def _grant_redirect(self, params: list[tuple[str, str]]) -> str:
        query = _single_valued(params)
        client_id = _required(query, "client_id")
        client = self._client(client_id)
        response_type = _required(query, "response_type")
        if response_type != "code":
            raise _OAuthError(
                _OAuthErrorCode.UNSUPPORTED_RESPONSE_TYPE,
                f"response_type must be 'code', not {response_type!r}",
            )
        redirect_uri = query.get("redirect_uri")
        if redirect_uri is not None and redirect_uri != client.redirect_uri:
            raise _OAuthError(
                _OAuthErrorCode.INVALID_REQUEST,
                "redirect_uri does not match the one registered for this client_id",
            )
        answer = {"code": self._tokens.issue_grant(client_id)}
        if "state" in query:
            answer["state"] = query["state"]
        return _with_query(client.redirect_uri, answer)

    async def _token(self, request: Request) -> Response:
        try:
            form = _single_valued(await _form(request))
            answer = self._exchange(form)
        except _OAuthError as failure:
            return failure.response()
        return JSONResponse(answer.model_dump(mode="json"), headers=_NO_STORE)

    def _exchange(self, form: dict[str, str]) -> TokenResponse:
        raw_grant_type = _required(form, "grant_type")
        try:
            grant_type = _GrantType(raw_grant_type)
        except ValueError:
            supported = ", ".join(g.value for g in _GrantType)
            raise _OAuthError(
                _OAuthErrorCode.UNSUPPORTED_GRANT_TYPE,
                f"grant_type {raw_grant_type!r} is not supported; use one of: {supported}",
            ) from None
        client_id = _required(form, "client_id")
        client_secret = _required(form, "client_secret")
        client = self._client(client_id)
        if not hmac.compare_digest(client_secret.encode(), client.client_secret.encode()):
            raise _OAuthError(
                _OAuthErrorCode.INVALID_CLIENT, "client_secret does not match client_id"
            )
        ttl = self._config.token_ttl
        if grant_type is _GrantType.AUTHORIZATION_CODE:
            return self._tokens.redeem_grant(_required(form, "code"), client_id, ttl)
        return self._tokens.refresh(_required(form, "refresh_token"), client_id, ttl)

    def _client(self, client_id: str) -> OAuthClientConfig:
        for client in self._config.oauth_clients:
            if hmac.compare_digest(client.client_id.encode(), client_id.encode()):
                return client
        raise _OAuthError(_OAuthErrorCode.INVALID_CLIENT, "Invalid client_id")

    # ---------------------------------------------------------------------------------------
    # Credential checks
    # ---------------------------------------------------------------------------------------

    def _check_bearer(self, authorization: str) -> None:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized(
                "the Authorization header must be 'Bearer <token>'", invalid_token=False
            )
        state = self._tokens.bearer_state(token)
        if state is _BearerState.UNKNOWN:
            raise _unauthorized("unknown bearer token", invalid_token=True)
        if state is _BearerState.EXPIRED:
            raise _unauthorized(
                f"expired bearer token; get a new one from {OAUTH_TOKEN_PATH} "
                "with grant_type=refresh_token",
                invalid_token=True,
            )

    async def _check_hmac(self, request: Request) -> None:
        token, separator, signature = request.headers[signing.HMAC_AUTH_HEADER].partition(":")
        token, signature = token.strip(), signature.strip()
        if not separator or not token or not signature:
            raise _unauthorized(
                f"the {signing.HMAC_AUTH_HEADER} header must be '<token>:<signature>'",
                invalid_token=False,
            )
        date = request.headers.get(signing.HMAC_DATE_HEADER)
        if date is None:
            raise _unauthorized(
                f"missing {signing.HMAC_DATE_HEADER} header (required with "
                f"{signing.HMAC_AUTH_HEADER})",
                invalid_token=False,
            )
        secret = self._hmac_secret(token)
        if secret is None:
            raise _unauthorized("unknown HMAC token", invalid_token=True)
        body = await request.body()
        path = _signed_path(request)
        expected = signing.hmac_signature(secret, request.method, body, date, path)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            body_md5 = hashlib.md5(body).hexdigest()
            raise _unauthorized(
                "bad signature: it must be the Base64 HMAC-SHA1, keyed with the token's "
                f"secret, of {request.method!r} + '\\n' + {body_md5!r} (MD5 of the body as "
                f"sent) + '\\n' + {date!r} ({signing.HMAC_DATE_HEADER} as sent) + '\\n' + "
                f"{path!r} (the path with its query string)",
                invalid_token=True,
            )
        self._check_date(date)

    def _check_date(self, date: str) -> None:
        try:
            sent_at = datetime.fromisoformat(date)
        except ValueError:
            raise _unauthorized(
                f"{signing.HMAC_DATE_HEADER} {date!r} is not an ISO 8601 date",
                invalid_token=True,
            ) from None
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=UTC)
        now = self._clock.now()
        skew = abs((now - sent_at).total_seconds())
        if skew > signing.HMAC_CLOCK_SKEW_SECONDS:
            raise _unauthorized(
                f"stale {signing.HMAC_DATE_HEADER}: {date!r} is {skew:.0f} s away from the "
                f"server's clock ({now.isoformat()}); at most "
                f"{signing.HMAC_CLOCK_SKEW_SECONDS} s are allowed (a date without a time "
                "zone is taken as UTC)",
                invalid_token=True,
            )

    def _hmac_secret(self, token: str) -> str | None:
        for credential in self._config.hmac_credentials:
            if hmac.compare_digest(credential.token.encode(), token.encode()):
                return credential.secret
        return None


def _unauthorized(message: str, *, invalid_token: bool) -> SandboxHTTPError:
    # RFC 6750 3.1: a presented but unusable credential gets error="invalid_token".
    challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"
    return SandboxHTTPError(401, message, headers={"WWW-Authenticate": challenge})


def _signed_path(request: Request) -> str:
    scope = request.scope
    raw_path: bytes | None = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path is not None else request.url.path
    query: bytes = scope.get("query_string", b"")
    if signing.SIGN_QUERY_STRING and query:
        return f"{path}?{query.decode('latin-1')}"
    return path


async def _form(request: Request) -> list[tuple[str, str]]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != _FORM_CONTENT_TYPE:
        raise _OAuthError(
            _OAuthErrorCode.INVALID_REQUEST,
            f"the body must be {_FORM_CONTENT_TYPE}, not {content_type or 'empty'!r}",
        )
    body = await request.body()
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise _OAuthError(_OAuthErrorCode.INVALID_REQUEST, "the body is not UTF-8") from None


def _single_valued(params: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in params:
        if name in values:
            raise _OAuthError(
                _OAuthErrorCode.INVALID_REQUEST, f"parameter {name!r} is given more than once"
            )
        values[name] = value
    return values


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise _OAuthError(_OAuthErrorCode.INVALID_REQUEST, f"missing parameter {name!r}")
    return value


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))
