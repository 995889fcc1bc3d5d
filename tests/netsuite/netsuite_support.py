"""Helpers of the NetSuite tests: settings for a simulator, sample records, a retry policy
that records its waits instead of sleeping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from adapters.netsuite import PACKAGED_WSDL, NetSuiteSettings
from adapters.netsuite.simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_CONSUMER_SECRET,
    DEFAULT_TOKEN_ID,
    DEFAULT_TOKEN_SECRET,
    SimulatorServer,
)
from connector.api.retry import RetryPolicy


def settings_for(server: SimulatorServer, **changes: Any) -> NetSuiteSettings:
    """Settings that reach ``server`` with the simulator's credentials and our packaged WSDL."""
    values: dict[str, Any] = {
        "account": DEFAULT_ACCOUNT,
        "consumer_key": SecretStr(DEFAULT_CONSUMER_KEY),
        "consumer_secret": SecretStr(DEFAULT_CONSUMER_SECRET),
        "token_id": SecretStr(DEFAULT_TOKEN_ID),
        "token_secret": SecretStr(DEFAULT_TOKEN_SECRET),
        "endpoint": server.base_url,
        "wsdl": str(PACKAGED_WSDL),
    }
    values.update(changes)
    return NetSuiteSettings(**values)


@dataclass
class WaitRecorder:
    """A retry policy's ``sleep`` that records the waits instead of sleeping."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    def policy(self, max_attempts: int = 4) -> RetryPolicy:
        """A retry policy with ``max_attempts`` that waits through this recorder."""
        return RetryPolicy(max_attempts=max_attempts, base_delay=0.5, max_delay=4.0, sleep=self)


def sales_order(external_id: str, *lines: tuple[str, float], **fields: Any) -> dict[str, Any]:
    """A sales order's record data: a customer and ``lines`` of (item id, quantity)."""
    return {
        "@externalId": external_id,
        "entity": {"@internalId": "201", "name": "Acme Robotics"},
        "otherRefNum": f"PO-{external_id}",
        "shippingAddress": {"country": "_unitedStates", "addressee": "Acme", "city": "Boston"},
        "itemList": {
            "item": [
                {
                    "item": {"@internalId": item_id, "name": f"PART-{item_id}"},
                    "quantity": quantity,
                    "rate": "10.00",
                }
                for item_id, quantity in lines
            ]
        },
        **fields,
    }
