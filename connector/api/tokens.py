"""OAuth tokens and their cache on disk.

The cache is one JSON file holding a token per (base URL, client id), so one deployment can
talk to the sandbox and to production without the tokens mixing. It is written atomically
(a temporary file renamed over the old one) and readable by its owner only.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connector.api.models import TokenResponse

#: A source of the current time as an aware UTC datetime (injected by tests).
Clock = Callable[[], datetime]

#: The environment variable naming the connector's home directory.
HOME_ENV = "AHEAD_CONNECTOR_HOME"
TOKEN_FILE_NAME = "tokens.json"
_FILE_MODE = 0o600
_DIR_MODE = 0o700
_FORMAT_VERSION = 1

logger = logging.getLogger("connector.api")


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def default_token_cache_path() -> Path:
    """``$AHEAD_CONNECTOR_HOME/tokens.json``, else ``~/.config/ahead-connector/tokens.json``."""
    home = os.environ.get(HOME_ENV)
    base = Path(home) if home else Path.home() / ".config" / "ahead-connector"
    return base / TOKEN_FILE_NAME


@dataclass(frozen=True)
class Token:
    """An OAuth bearer token and what is needed to renew it.

    The token values are left out of ``repr`` and ``str`` so they never reach a log.

    Attributes:
        access_token: the bearer token sent with each request.
        refresh_token: the token that buys a new access token, if the server gave one.
        expires_at: when the access token stops working (aware, UTC).
        token_type: ``bearer``.
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    token_type: str = "bearer"

    @classmethod
    def from_response(
        cls,
        response: TokenResponse,
        issued_at: datetime,
        previous_refresh_token: str | None = None,
    ) -> Token:
        """The token of a ``POST /oauth/token`` answer.

        Args:
            response: the answer.
            issued_at: when the request was sent; the lifetime counts from there, so the
                token is taken to expire a little early rather than late.
            previous_refresh_token: kept when the answer brings no new refresh token; a new
                one replaces it (refresh tokens may rotate).
        """
        return cls(
            access_token=response.access_token,
            refresh_token=response.refresh_token or previous_refresh_token,
            expires_at=issued_at + timedelta(seconds=response.expires_in),
            token_type=response.token_type,
        )

    def expires_within(self, seconds: float, now: datetime) -> bool:
        """Whether the access token expires less than ``seconds`` after ``now``."""
        return self.expires_at - now < timedelta(seconds=seconds)

    def to_json(self) -> dict[str, Any]:
        """The token as a JSON object (for the cache file only)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat(),
            "token_type": self.token_type,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Token:
        """The token written by :meth:`to_json`.

        Raises:
            ValueError: a key is missing or has the wrong type.
        """
        try:
            expires_at = datetime.fromisoformat(data["expires_at"])
            access_token = data["access_token"]
            refresh_token = data.get("refresh_token")
            token_type = data.get("token_type", "bearer")
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a cached token: {exc!s}") from None
        if not isinstance(access_token, str) or not isinstance(refresh_token, str | None):
            raise ValueError("not a cached token: the tokens are not text")
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        return cls(access_token, refresh_token, expires_at, str(token_type))


class TokenCache:
    """OAuth tokens kept in a JSON file, one per (base URL, client id).

    The file is created with mode 0600 and tightened to 0600 if it was readable by others.
    Writes go to a temporary file beside it that replaces the old file in one step, so a crash
    never leaves half a file. Threads of one process take turns; two processes writing at once
    may lose one write, which costs only a new authorization later.

    A file that cannot be read (corrupt, wrong shape) is treated as empty and replaced on the
    next save: a token cache holds nothing that cannot be obtained again.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        """Use the cache file at ``path`` (default: :func:`default_token_cache_path`)."""
        self.path = Path(path) if path is not None else default_token_cache_path()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenCache({str(self.path)!r})"

    def load(self, base_url: str, client_id: str) -> Token | None:
        """The cached token for this API and client, or ``None``."""
        with self._lock:
            entry = self._read().get(_key(base_url, client_id))
        if entry is None:
            return None
        try:
            return Token.from_json(entry)
        except ValueError as exc:
            logger.warning("ignoring the unreadable cached token in %s: %s", self.path, exc)
            return None

    def save(self, base_url: str, client_id: str, token: Token) -> None:
        """Store ``token`` for this API and client, replacing the one before."""
        with self._lock:
            entries = self._read()
            entries[_key(base_url, client_id)] = token.to_json()
            self._write(entries)

    def delete(self, base_url: str, client_id: str) -> None:
        """Forget the token for this API and client (e.g. on logout)."""
        with self._lock:
            entries = self._read()
            if entries.pop(_key(base_url, client_id), None) is not None:
                self._write(entries)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            if self.path.stat().st_mode & 0o777 != _FILE_MODE:
                os.chmod(self.path, _FILE_MODE)
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            logger.warning("ignoring the unreadable token cache %s: %s", self.path, exc.msg)
            return {}
        tokens = document.get("tokens") if isinstance(document, dict) else None
        if not isinstance(tokens, dict):
            logger.warning("ignoring the token cache %s: it has no 'tokens' object", self.path)
            return {}
        return {key: value for key, value in tokens.items() if isinstance(value, dict)}

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        directory = self.path.parent
        directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        text = json.dumps({"version": _FORMAT_VERSION, "tokens": entries}, indent=2)
        temporary = directory / f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _FILE_MODE)
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                # os.open's mode passes through the umask, and a leftover file keeps its own.
                os.fchmod(stream.fileno(), _FILE_MODE)
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def _key(base_url: str, client_id: str) -> str:
    return f"{base_url.rstrip('/')} {client_id}"
