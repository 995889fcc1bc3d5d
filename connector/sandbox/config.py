"""Typed configuration of the AHEAD sandbox, with defaults that need no setup."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

#: Credentials the sandbox accepts out of the box (documented in the README; not secrets).
DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"
DEFAULT_REDIRECT_URI = "http://127.0.0.1/oauth/callback"
DEFAULT_HMAC_TOKEN = "sandbox-token"
DEFAULT_HMAC_SECRET = "sandbox-secret"
DEFAULT_ORGANIZATION_ID = 1234
DEFAULT_ORGANIZATION_NAME = "Sandbox Organization"

#: Seconds of sandbox clock after submission at which an order is Released, then Shipped.
DEFAULT_RELEASE_AFTER = 60.0
DEFAULT_SHIP_AFTER = 300.0


class OAuthClientConfig(BaseModel):
    """An OAuth client the sandbox knows."""

    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    redirect_uri: str = DEFAULT_REDIRECT_URI


class HmacCredentialConfig(BaseModel):
    """An HMAC token and secret pair the sandbox accepts."""

    token: str = DEFAULT_HMAC_TOKEN
    secret: str = DEFAULT_HMAC_SECRET


class LifecycleConfig(BaseModel):
    """When orders move on by themselves, in seconds of sandbox clock after submission.

    ``None`` turns that step off: the order then moves only by the control endpoint
    ``POST /sandbox/orders/{id}/advance``.
    """

    release_after: float | None = DEFAULT_RELEASE_AFTER
    ship_after: float | None = DEFAULT_SHIP_AFTER


class FaultRule(BaseModel):
    """Faults injected on requests whose method and path match.

    ``path`` is a prefix (``/v2/customer_order_submissions``); ``method`` ``*`` matches any.
    Rates are probabilities in [0, 1], drawn independently per request.
    """

    method: str = "*"
    path: str = "/v2/"
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_status: int = 503
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1)
    retry_after: float = 1.0
    latency: float = Field(default=0.0, ge=0)
    drop_after_commit_rate: float = Field(default=0.0, ge=0, le=1)


class WebhookDeliveryConfig(BaseModel):
    """How the sandbox retries webhook deliveries."""

    max_attempts: int = 6
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    timeout: float = 5.0


class SandboxConfig(BaseModel):
    """Everything the sandbox can be told.

    ``data_path`` ``None`` keeps the state in memory; a path keeps it in that SQLite file.
    ``seed`` fills an empty store with reference data (countries, ship methods, items...).
    ``random_seed`` makes fault injection and generated numbers repeatable.
    """

    data_path: Path | None = None
    seed: bool = True
    random_seed: int | None = None
    organization_id: int = DEFAULT_ORGANIZATION_ID
    organization_name: str = DEFAULT_ORGANIZATION_NAME
    oauth_clients: list[OAuthClientConfig] = Field(default_factory=lambda: [OAuthClientConfig()])
    hmac_credentials: list[HmacCredentialConfig] = Field(
        default_factory=lambda: [HmacCredentialConfig()]
    )
    require_auth: bool = True
    token_ttl: int = 10800
    lifecycle: LifecycleConfig = Field(default_factory=LifecycleConfig)
    faults: list[FaultRule] = Field(default_factory=list)
    webhooks: WebhookDeliveryConfig = Field(default_factory=WebhookDeliveryConfig)
