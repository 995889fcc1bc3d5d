"""The CSRF token a client sends with every change to SAP Gateway.

SAP hands out the token in the ``x-csrf-token`` header of a safe request that asks for one
(``x-csrf-token: Fetch``), together with session cookies the token belongs to; the client must
send the token and those cookies with every ``POST``, ``PUT``, ``PATCH``, ``MERGE`` and
``DELETE``. When the session expires, SAP refuses a change with 403 and
``x-csrf-token: Required``; the client then fetches a new token once and sends the change again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["CSRF_HEADER", "FETCH", "REQUIRED", "CsrfToken", "asks_for_token"]

FETCH = "Fetch"
REQUIRED = "required"
CSRF_HEADER = "x-csrf-token"


def asks_for_token(status_code: int, header: str | None) -> bool:
    """Whether an answer is SAP refusing a change for want of a (valid) CSRF token."""
    return status_code == 403 and (header or "").strip().lower() == REQUIRED


class CsrfToken:
    """The current token, fetched on first use and again after :meth:`invalidate`.

    Safe to share between threads: one fetch at a time, and a token fetched by one thread is
    used by the others.

    Args:
        fetch: makes the safe request and returns the token SAP gave.
    """

    def __init__(self, fetch: Callable[[], str]) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._token: str | None = None

    def get(self) -> str:
        """The token, fetching one if there is none."""
        with self._lock:
            if self._token is None:
                self._token = self._fetch()
            return self._token

    def invalidate(self, token: str) -> None:
        """Drop ``token`` (SAP refused it), unless another thread has already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None
