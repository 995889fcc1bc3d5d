"""Which flows a webhook event runs: configured under ``webhooks.events``, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_support import MINIMAL, MINIMAL_ENV, write

from connector.api.models import WebhookEventName
from connector.config import ConfigError, load_deployment

WEBHOOKS = """\
webhooks:
  secret: ${HOOK_SECRET}
"""
ENV = {**MINIMAL_ENV, "HOOK_SECRET": "a-webhook-secret-of-length"}


def test_shipped_and_invoiced_events_run_the_shipments_flow_by_default(
    deployment_dir: Path,
) -> None:
    write(deployment_dir, MINIMAL + WEBHOOKS)

    webhooks = load_deployment(deployment_dir, environ=ENV).config.webhooks

    assert webhooks is not None
    assert webhooks.events == {
        WebhookEventName.ORDER_SHIPPED: ["shipments"],
        WebhookEventName.ORDER_INVOICED: ["shipments"],
    }


def test_an_event_routed_to_a_flow_that_does_not_exist_is_reported_at_its_line(
    deployment_dir: Path,
) -> None:
    write(
        deployment_dir,
        MINIMAL + WEBHOOKS + "  events:\n    order.shipped: [orders, shipmentz]\n",
    )

    with pytest.raises(ConfigError) as caught:
        load_deployment(deployment_dir, environ=ENV)

    described = [p.describe(deployment_dir) for p in caught.value.problems]
    assert described == [
        "connector.yaml:21:29 webhooks.events.order.shipped[1]: "
        "no flow named 'shipmentz' (flows: orders)"
    ]


def test_an_unknown_event_name_is_a_problem(deployment_dir: Path) -> None:
    write(deployment_dir, MINIMAL + WEBHOOKS + "  events:\n    order.lost: [orders]\n")

    with pytest.raises(ConfigError) as caught:
        load_deployment(deployment_dir, environ=ENV)

    assert [p.path for p in caught.value.problems] == ["webhooks.events.order.lost"]
