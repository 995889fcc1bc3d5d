"""A deployment's configuration: the typed model of ``connector.yaml`` and how it is loaded.

:func:`load_deployment` reads a deployment folder and returns a :class:`Deployment`, or raises a
:class:`ConfigError` listing every :class:`ConfigProblem` with its file, line and column. Secrets
are written only as references (see :mod:`connector.config.references`) and held as
:class:`~pydantic.SecretStr`.
"""

from connector.config.deployment import CONFIG_FILENAME, Deployment
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
