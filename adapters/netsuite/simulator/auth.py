"""The simulator's check of a request's token passport.

It accepts a passport when the account, consumer key and token are the configured ones, the
nonce is 6 to 64 alphanumerics not seen within the tolerance window, the timestamp is within
the tolerance of the simulator's clock, the algorithm is HMAC-SHA256 and the signature matches.
NetSuite answers every failure with the same "Invalid login attempt."; the simulator adds why,
to help whoever sets up a connection.
"""

from __future__ import annotations

import hmac
import re
import threading
from collections.abc import Mapping
from typing import Any

from adapters.netsuite.passport import passport_base_string, passport_signature
from adapters.netsuite.simulator.config import SimulatorConfig

_NONCE = re.compile(r"[A-Za-z0-9]{6,64}")
# NetSuite's documentation writes HMAC-SHA256; some clients send HMAC_SHA256.
_ALGORITHMS = frozenset({"HMAC-SHA256", "HMAC_SHA256"})


class PassportRefusedError(Exception):
    """The passport does not authenticate the request; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PassportChecker:
    """Checks passports and remembers the nonces of the tolerance window.

    Args:
        config: the credentials and the timestamp tolerance.
    """

    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}

    def check(self, passport: Mapping[str, Any] | None, now: float) -> None:
        """Accept ``passport`` (record data of a ``tokenPassport`` header) at time ``now``.

        Raises:
            PassportRefusedError: it is missing or does not authenticate the request.
        """
        if passport is None:
            raise PassportRefusedError("the request has no tokenPassport header")
        credentials = self._config.credentials
        account = str(passport.get("account", ""))
        consumer_key = str(passport.get("consumerKey", ""))
        token = str(passport.get("token", ""))
        nonce = str(passport.get("nonce", ""))
        signature = passport.get("signature")
        if not isinstance(signature, Mapping):
            raise PassportRefusedError("the passport has no signature")
        if account != credentials.account:
            raise PassportRefusedError(f"the account {account!r} is not this account")
        if consumer_key != credentials.consumer_key:
            raise PassportRefusedError("the consumer key is not known")
        if token != credentials.token_id:
            raise PassportRefusedError("the token is not known")
        if not _NONCE.fullmatch(nonce):
            raise PassportRefusedError("the nonce must be 6 to 64 letters and digits")
        try:
            timestamp = int(str(passport.get("timestamp", "")))
        except ValueError:
            raise PassportRefusedError("the timestamp is not a whole number") from None
        tolerance = self._config.timestamp_tolerance
        if abs(now - timestamp) > tolerance:
            raise PassportRefusedError(
                f"the timestamp {timestamp} is more than {tolerance:g} s off the server's clock "
                f"({int(now)})"
            )
        algorithm = str(signature.get("@algorithm", ""))
        if algorithm not in _ALGORITHMS:
            raise PassportRefusedError(f"the signature algorithm {algorithm!r} is not HMAC-SHA256")
        expected = passport_signature(
            passport_base_string(account, consumer_key, token, nonce, timestamp),
            credentials.consumer_secret.get_secret_value(),
            credentials.token_secret.get_secret_value(),
        )
        if not hmac.compare_digest(expected, str(signature.get("#text", ""))):
            raise PassportRefusedError("the signature does not match")
        with self._lock:
            self._seen = {
                seen: when for seen, when in self._seen.items() if now - when <= tolerance
            }
            if nonce in self._seen:
                raise PassportRefusedError("the nonce was used before")
            self._seen[nonce] = now
