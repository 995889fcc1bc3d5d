"""A deployment's configuration: the typed model of ``connector.yaml`` and how it is loaded.

:func:`load_deployment` reads a deployment folder and returns a :class:`Deployment`, or raises a
:class:`ConfigError` listing every :class:`ConfigProblem` with its file, line and column. Secrets
are written only as references (see :mod:`connector.config.references`) and held as
:class:`~pydantic.SecretStr`.

Each name is imported from its module on first use, so that the light modules (the errors, the
scaffold and its :data:`CONFIG_FILENAME`) import without the HTTP, database and scheduling
libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connector.config.deployment import Deployment
    from connector.config.errors import ConfigError, ConfigProblem
    from connector.config.loader import load_deployment
    from connector.config.model import (
        AdapterConfig,
        AheadConfig,
        AuthConfig,
        ConnectorConfig,
        FlowConfig,
        HmacConfig,
        OAuthConfig,
        PartnerConfig,
        RepeatedInterchangePolicy,
        RetryConfig,
        ScheduleConfig,
        StoreConfig,
        WebhookConfig,
        X12Acknowledgment,
        X12DelimitersConfig,
        X12PartnerConfig,
        X12Party,
        X12Version,
    )
    from connector.config.references import Secret
    from connector.config.scaffold import CONFIG_FILENAME

#: The module that defines each exported name.
_MODULES = {
    "AdapterConfig": "connector.config.model",
    "AheadConfig": "connector.config.model",
    "AuthConfig": "connector.config.model",
    "CONFIG_FILENAME": "connector.config.scaffold",
    "ConfigError": "connector.config.errors",
    "ConfigProblem": "connector.config.errors",
    "ConnectorConfig": "connector.config.model",
    "Deployment": "connector.config.deployment",
    "FlowConfig": "connector.config.model",
    "HmacConfig": "connector.config.model",
    "OAuthConfig": "connector.config.model",
    "PartnerConfig": "connector.config.model",
    "RepeatedInterchangePolicy": "connector.config.model",
    "RetryConfig": "connector.config.model",
    "ScheduleConfig": "connector.config.model",
    "Secret": "connector.config.references",
    "StoreConfig": "connector.config.model",
    "WebhookConfig": "connector.config.model",
    "X12Acknowledgment": "connector.config.model",
    "X12DelimitersConfig": "connector.config.model",
    "X12PartnerConfig": "connector.config.model",
    "X12Party": "connector.config.model",
    "X12Version": "connector.config.model",
    "load_deployment": "connector.config.loader",
}

if not TYPE_CHECKING:
    # Hidden from the type checker, which would otherwise take any misspelt name for a valid one.
    __getattr__, __dir__ = lazy_exports(__name__, _MODULES)

__all__ = [
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
]
