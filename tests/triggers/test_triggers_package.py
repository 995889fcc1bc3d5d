"""The public names of ``connector.triggers`` are exactly the intended ones."""

from __future__ import annotations

import connector.triggers


def test_the_package_exports_exactly_its_public_api() -> None:
    assert sorted(connector.triggers.__all__) == [
        "Admission",
        "BackgroundServer",
        "FlowRunner",
        "FlowScheduler",
        "InboxWatcher",
        "RunFlow",
        "StopSignals",
        "Trigger",
        "TriggerOptions",
        "TriggerService",
        "WebhookAnswer",
        "WebhookOutcome",
        "WebhookReceiver",
    ]
    for name in connector.triggers.__all__:
        assert hasattr(connector.triggers, name)
