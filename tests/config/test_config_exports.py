"""The public names of ``connector.config`` are exactly the intended ones."""

from __future__ import annotations

import connector.config


def test_the_package_exports_exactly_its_public_api() -> None:
    assert set(connector.config.__all__) == {
        "CONFIG_FILENAME",
        "AdapterConfig",
        "AheadConfig",
        "AuthConfig",
        "ConfigError",
        "ConfigProblem",
        "ConnectorConfig",
        "Deployment",
        "FlowConfig",
        "HmacConfig",
        "OAuthConfig",
        "PartnerConfig",
        "RepeatedInterchangePolicy",
        "RetryConfig",
        "ScheduleConfig",
        "Secret",
        "StoreConfig",
        "WebhookConfig",
        "X12Acknowledgment",
        "X12DelimitersConfig",
        "X12PartnerConfig",
        "X12Party",
        "X12Version",
        "load_deployment",
    }
    assert all(hasattr(connector.config, name) for name in connector.config.__all__)
