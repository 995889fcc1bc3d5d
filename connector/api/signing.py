"""Signatures shared by the client, the sandbox and the webhook receiver.

- The AHEAD HMAC request scheme (``MBX-Auth: <token>:<signature>``, ``X-Date``): Base64
  HMAC-SHA1 over ``METHOD\\n<md5 hex of body>\\n<date>\\n<path>``.
- Webhook signatures: hex HMAC-SHA256 over the raw body (the format is undocumented; see
  ``docs/api-decisions.md``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

HMAC_AUTH_HEADER = "MBX-Auth"
HMAC_DATE_HEADER = "X-Date"

#: Decision: a request without a JSON body is sent and signed with the body ``{}``, as the
#: reference's examples do for GET.
EMPTY_BODY = b"{}"

#: Decision: the signed path includes the query string exactly as sent (``/v2/items?q=...``).
SIGN_QUERY_STRING = True

#: Decision: how far the ``X-Date`` of a signed request may be from the server's clock.
HMAC_CLOCK_SKEW_SECONDS = 900

WEBHOOK_SIGNATURE_HEADER = "X-AHEAD-Signature"
WEBHOOK_EVENT_HEADER = "X-AHEAD-Event"
WEBHOOK_DELIVERY_HEADER = "X-AHEAD-Delivery"
WEBHOOK_SIGNATURE_PREFIX = "sha256="
#: Decision: a webhook whose ``created_at`` is older than this is stale and dropped.
WEBHOOK_TOLERANCE_SECONDS = 300


def _text(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def hmac_signature(secret: str, method: str, body: str | bytes, date: str, path: str) -> str:
    """The AHEAD HMAC signature of one request.

    Args:
        secret: the API secret issued with the token.
        method: the HTTP verb as sent (``GET``).
        body: the request body as sent.
        date: the ``X-Date`` header value, signed verbatim.
        path: the request path (with the query string, see :data:`SIGN_QUERY_STRING`).

    Returns:
        The Base64 HMAC-SHA1 signature.
    """
    body_md5 = hashlib.md5(_text(body)).hexdigest()
    message = f"{method}\n{body_md5}\n{date}\n{path}".encode()
    digest = hmac.new(_text(secret), message, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_headers(token: str, signature: str, date: str) -> dict[str, str]:
    """The headers that carry an HMAC signature."""
    return {
        HMAC_AUTH_HEADER: f"{token}:{signature}",
        HMAC_DATE_HEADER: date,
        "Content-Type": "application/json",
    }


def webhook_signature(secret: str, body: bytes) -> str:
    """The value of :data:`WEBHOOK_SIGNATURE_HEADER` for a webhook body."""
    digest = hmac.new(_text(secret), body, hashlib.sha256).hexdigest()
    return f"{WEBHOOK_SIGNATURE_PREFIX}{digest}"


def webhook_signature_valid(secret: str, body: bytes, header_value: str | None) -> bool:
    """Whether a webhook's signature header matches its body (compared in constant time)."""
    if not header_value:
        return False
    return hmac.compare_digest(webhook_signature(secret, body), header_value.strip())
