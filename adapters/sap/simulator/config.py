"""How the SAP simulator behaves: its users and OAuth clients, paging and prices."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "SapSimulatorConfig",
]

DEFAULT_USER = "CONNECTOR"
DEFAULT_PASSWORD = "simulator-password"
DEFAULT_CLIENT_ID = "connector-client"
DEFAULT_CLIENT_SECRET = "simulator-secret"


class SapSimulatorConfig(BaseModel):
    """The simulator's settings; the defaults need no setup.

    Attributes:
        system_id: the SAP system id, part of the session cookie names (``sap-XSRF_SIM_100``).
        client: the SAP client, the other part of those names.
        users: Basic-auth users and their passwords.
        oauth_clients: OAuth client ids and secrets for the client-credentials grant.
        token_seconds: how long an OAuth access token lasts.
        require_auth: refuse requests without valid credentials.
        csrf_protection: require the CSRF token (and its session cookie) on every change.
        page_limit: the most entities one answer holds; more are offered through ``__next``
            (server-driven paging). ``None``: no limit, as when SAP pages only on request.
        prices: the net price of one unit of a material (default ``default_price``).
        default_price: the price of a material not in ``prices``.
        currency: the currency of sales orders that name none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    system_id: str = Field(default="SIM", pattern=r"^[A-Z][A-Z0-9]{2}$")
    client: str = Field(default="100", pattern=r"^\d{3}$")
    users: dict[str, str] = Field(default_factory=lambda: {DEFAULT_USER: DEFAULT_PASSWORD})
    oauth_clients: dict[str, str] = Field(
        default_factory=lambda: {DEFAULT_CLIENT_ID: DEFAULT_CLIENT_SECRET}
    )
    token_seconds: int = Field(default=3600, gt=0)
    require_auth: bool = True
    csrf_protection: bool = True
    page_limit: int | None = Field(default=None, gt=0)
    prices: dict[str, Decimal] = Field(default_factory=dict)
    default_price: Decimal = Decimal("10.00")
    currency: str = "USD"

    @property
    def csrf_cookie(self) -> str:
        """The name of the cookie that carries the CSRF session."""
        return f"sap-XSRF_{self.system_id}_{self.client}"

    @property
    def session_cookie(self) -> str:
        """The name of the logon session cookie."""
        return f"SAP_SESSIONID_{self.system_id}_{self.client}"
