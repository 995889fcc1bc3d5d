"""Who may call the simulator, and the CSRF token flow of SAP Gateway.

- Basic authentication against the configured users, or a bearer token from the OAuth 2.0
  client-credentials grant (``POST /oauth/token``).
- CSRF: a ``GET``/``HEAD`` with ``x-csrf-token: fetch`` answers with a token in the
  ``x-csrf-token`` header and sets a session cookie (``sap-XSRF_<SID>_<client>``) the token
  belongs to. A change (``POST``, ``PUT``, ``PATCH``, ``MERGE``, ``DELETE``) must send that token
  back with the cookie and the same user, or it gets 403 with ``x-csrf-token: Required``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.sap.simulator.config import SapSimulatorConfig

__all__ = ["AccessTokens", "CsrfSessions", "Principal", "authenticate_basic"]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (Basic) or an OAuth client (bearer token)."""

    name: str
    kind: str


def authenticate_basic(config: SapSimulatorConfig, header: str) -> Principal | None:
    """The user of a ``Basic`` ``Authorization`` header, if its password is right."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    expected = config.users.get(user)
    if expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
        return None
    return Principal(user, "user")


class AccessTokens:
    """Bearer tokens issued by the client-credentials grant, with their expiry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[Principal, datetime]] = {}

    def issue(self, client_id: str, now: datetime, lifetime: timedelta) -> str:
        """A new token for ``client_id``, valid for ``lifetime``."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (Principal(client_id, "client"), now + lifetime)
        return token

    def principal(self, token: str, now: datetime) -> Principal | None:
        """Whose token this is, if it is known and not expired."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found[1] <= now:
            return None
        return found[0]

    def revoke_all(self) -> None:
        """Forget every token (a test of token expiry)."""
        with self._lock:
            self._tokens.clear()


class CsrfSessions:
    """CSRF tokens by session cookie, each bound to the principal that fetched it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, tuple[str, Principal]] = {}

    def fetch(self, session: str | None, principal: Principal) -> tuple[str, str]:
        """The session and token for a fetch: the session's own token if it has a valid one."""
        with self._lock:
            if session is not None and session in self._sessions:
                token, owner = self._sessions[session]
                if owner == principal:
                    return session, token
            session = secrets.token_urlsafe(16)
            token = secrets.token_urlsafe(18)
            self._sessions[session] = (token, principal)
            return session, token

    def valid(self, session: str | None, token: str | None, principal: Principal) -> bool:
        """Whether a change carries the token of its session, fetched by the same principal."""
        if session is None or token is None:
            return False
        with self._lock:
            found = self._sessions.get(session)
        if found is None:
            return False
        expected, owner = found
        return owner == principal and hmac.compare_digest(expected.encode(), token.encode())

    def expire_all(self) -> None:
        """Forget every token, as SAP does when a session times out."""
        with self._lock:
            self._sessions.clear()
