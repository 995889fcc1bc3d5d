"""Running ``ahead-connector`` in the test process, with the connection options in front."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from connector.cli import app
from connector.sandbox.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
)

ORDER: dict[str, Any] = {
    "purchase_order": "PO-9001",
    "customer_order": "CLI-9001",
    "ship_method_id": 12,
    "recipient": {
        "name": "Dana Smith",
        "address_1": "100 Industrial Way",
        "city": "Austin",
        "state": "TX",
        "zip": "78701",
        "country": "US",
    },
    "lines": [{"product_code": "StockBox 2000", "quantity": 1}],
}


@dataclass(frozen=True)
class Cli:
    """``ahead-connector`` with fixed global options, invoked through Typer's test runner."""

    options: tuple[str, ...]

    @classmethod
    def hmac(cls, base_url: str) -> Cli:
        return cls(
            (
                "--base-url",
                base_url,
                "--hmac-token",
                DEFAULT_HMAC_TOKEN,
                "--hmac-secret",
                DEFAULT_HMAC_SECRET,
            )
        )

    @classmethod
    def oauth(cls, base_url: str, token_cache: str, secret: str = DEFAULT_CLIENT_SECRET) -> Cli:
        return cls(
            (
                "--base-url",
                base_url,
                "--client-id",
                DEFAULT_CLIENT_ID,
                "--client-secret",
                secret,
                "--token-cache",
                token_cache,
            )
        )

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(app, [*self.options, *args], input=input)

    def json(self, *args: str) -> Any:
        """The JSON a successful command printed."""
        result = self(*args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)
