"""The public surface of connector.sandbox."""

from __future__ import annotations

import connector.sandbox


def test_the_package_exports_exactly_its_public_names() -> None:
    assert sorted(connector.sandbox.__all__) == [
        "FaultRule",
        "LifecycleConfig",
        "Sandbox",
        "SandboxClock",
        "SandboxConfig",
        "SandboxServer",
        "create_app",
        "serve",
    ]
    for name in connector.sandbox.__all__:
        assert getattr(connector.sandbox, name) is not None
