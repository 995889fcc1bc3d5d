"""Token-based authentication: the token passport sent with every SuiteTalk request.

The signature is Base64(HMAC-SHA256(key, base)) with the base string
``account&consumerKey&token&nonce&timestamp`` and the key ``consumerSecret&tokenSecret``, nothing
percent-encoded. A passport is good for one request: its nonce must not be used again and its
timestamp must be close to the server's clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

#: The signature algorithm we send (NetSuite ended HMAC-SHA1 with 2023.1).
SIGNATURE_ALGORITHM = "HMAC-SHA256"

_NONCE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_NONCE_LENGTH = 32


def new_nonce() -> str:
    """A random alphanumeric nonce of 32 characters (NetSuite accepts 6 to 64)."""
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(_NONCE_LENGTH))


@dataclass(frozen=True)
class TokenPassport:
    """The fields of a token passport.

    Attributes:
        account: the account id (``1234567_SB1``).
        consumer_key: the integration record's consumer key.
        token: the access token's id.
        nonce: a random alphanumeric string used once.
        timestamp: seconds since the epoch when the request was made.
        signature: Base64 HMAC-SHA256 over :meth:`base_string`.
        algorithm: the signature algorithm.
    """

    account: str
    consumer_key: str
    token: str
    nonce: str
    timestamp: int
    signature: str
    algorithm: str = SIGNATURE_ALGORITHM

    @classmethod
    def signed(
        cls,
        *,
        account: str,
        consumer_key: str,
        consumer_secret: str,
        token: str,
        token_secret: str,
        nonce: str,
        timestamp: int,
    ) -> TokenPassport:
        """A passport with its signature computed from the two secrets."""
        base = passport_base_string(account, consumer_key, token, nonce, timestamp)
        return cls(
            account,
            consumer_key,
            token,
            nonce,
            timestamp,
            passport_signature(base, consumer_secret, token_secret),
        )

    def base_string(self) -> str:
        """``account&consumerKey&token&nonce&timestamp``."""
        return passport_base_string(
            self.account, self.consumer_key, self.token, self.nonce, self.timestamp
        )


def passport_base_string(
    account: str, consumer_key: str, token: str, nonce: str, timestamp: int
) -> str:
    """The text a passport signs: ``account&consumerKey&token&nonce&timestamp``."""
    return "&".join((account, consumer_key, token, nonce, str(timestamp)))


def passport_signature(base_string: str, consumer_secret: str, token_secret: str) -> str:
    """Base64 HMAC-SHA256 of ``base_string`` with the key ``consumerSecret&tokenSecret``."""
    key = f"{consumer_secret}&{token_secret}".encode()
    digest = hmac.new(key, base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
