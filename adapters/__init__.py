"""Adapters: the sources and sinks that connect external systems to the connector.

The interfaces are in :mod:`adapters.base`, loading and building adapters by kind in
:mod:`adapters.registry`, and the contract test suites every adapter runs in
:mod:`adapters.contract` (imported on its own: it needs pytest). Each adapter is a package of
its own (``adapters.jsonfiles``, ``adapters.ahead``), found through entry points.
"""

from adapters.base import (
    PARTNERS_SERVICE,
    STORE_SERVICE,
    Adapter,
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkError,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
    Source,
    UpdateNotSupportedError,
    content_hash,
)
from adapters.registry import (
    AdapterError,
    AdapterSettingsError,
    InvalidAdapterError,
    Role,
    SettingsProblem,
    UnknownAdapterError,
    available_adapters,
    build_adapter,
    known_kinds,
    load_adapter_class,
)

__all__ = [
    "PARTNERS_SERVICE",
    "STORE_SERVICE",
    "Adapter",
    "AdapterContext",
    "AdapterError",
    "AdapterSettings",
    "AdapterSettingsError",
    "InvalidAdapterError",
    "Record",
    "Role",
    "SettingsProblem",
    "Sink",
    "SinkError",
    "SinkOutcomeUnknownError",
    "SinkRejectedError",
    "SinkUnavailableError",
    "Source",
    "UnknownAdapterError",
    "UpdateNotSupportedError",
    "available_adapters",
    "build_adapter",
    "content_hash",
    "known_kinds",
    "load_adapter_class",
]
