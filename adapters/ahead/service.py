"""The AHEAD client that the engine gives every AHEAD adapter, as ``context.services["ahead"]``."""

from __future__ import annotations

from adapters.base import Adapter, AdapterContext
from adapters.registry import AdapterSettingsError, SettingsProblem
from connector.api import AheadClient

#: The name under which the engine puts the AHEAD client into ``AdapterContext.services``.
AHEAD_SERVICE = "ahead"


def ahead_client_of(context: AdapterContext, adapter: type[Adapter]) -> AheadClient:
    """The AHEAD client in ``context``'s services, for an adapter of the class ``adapter``.

    Raises:
        AdapterSettingsError: the context holds no AHEAD client (the error names the adapter).
    """
    client = context.services.get(AHEAD_SERVICE)
    if not isinstance(client, AheadClient):
        raise AdapterSettingsError.for_adapter(
            context,
            adapter,
            SettingsProblem(
                None,
                f"needs the AHEAD client as services[{AHEAD_SERVICE!r}], found "
                f"{type(client).__name__}; configure the deployment's AHEAD connection",
            ),
        )
    return client
