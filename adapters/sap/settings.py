"""How to reach an SAP system: its address, client, and credentials (typed, secrets hidden)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from adapters.sap.services import SapService
from connector.api.retry import RetryPolicy
from connector.config import Secret

__all__ = ["SapBasicAuth", "SapClientCredentials", "SapConnectionSettings"]


class SapBasicAuth(BaseModel):
    """Basic authentication with an SAP communication user.

    Attributes:
        user: the user name.
        password: the password (``${VARIABLE}`` or ``{file: …}`` in ``connector.yaml``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["basic"] = "basic"
    user: str = Field(min_length=1)
    password: Secret


class SapClientCredentials(BaseModel):
    """OAuth 2.0 client credentials (SAP BTP or an S/4HANA Cloud communication arrangement).

    Attributes:
        token_url: the token endpoint, e.g. ``https://…/oauth/token``.
        client_id: the OAuth client id.
        client_secret: its secret (``${VARIABLE}`` or ``{file: …}``).
        scope: the scope to ask for, if the system wants one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["oauth-client-credentials"] = "oauth-client-credentials"
    token_url: str
    client_id: str = Field(min_length=1)
    client_secret: Secret
    scope: str | None = None

    @field_validator("token_url")
    @classmethod
    def _token_url_is_http(cls, value: str) -> str:
        return _http_url(value)


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.rstrip("/")


class SapConnectionSettings(BaseModel):
    """An SAP system's OData endpoint.

    Attributes:
        base_url: scheme, host and port, e.g. ``https://my300000-api.s4hana.cloud.sap``; the
            services are under ``/sap/opu/odata/sap/``.
        client: the SAP client (``sap-client``), three digits, if the system needs it.
        language: the logon language (``sap-language``) for SAP's messages, e.g. ``EN``.
        auth: Basic auth or OAuth client credentials.
        timeout_seconds: how long to wait for an answer.
        max_attempts: attempts per request in all, the first included (``1``: no retries);
            only requests that are safe to repeat are repeated (see ``adapters.sap.odata``).
        page_size: entities asked for per request (``$top``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str
    client: str | None = Field(default=None, pattern=r"^\d{3}$")
    language: str | None = Field(default=None, min_length=1, max_length=2)
    auth: Annotated[SapBasicAuth | SapClientCredentials, Field(discriminator="kind")]
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=RetryPolicy.max_attempts, ge=1, le=20)
    page_size: int = Field(default=100, ge=1, le=5000)

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        return _http_url(value)

    def service_url(self, service: SapService) -> str:
        """The root URL of ``service`` on this system."""
        return f"{self.base_url}{service.path}"
