"""Checks that span sections: every flow names adapters that exist and have the right role, and
every flow a webhook event runs exists.

They run on the data as read (before the model validates it), so that they are reported in the
same run as every other mistake, even when some section does not validate yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adapters.registry import Role
from connector.config.documents import ConfigPath

_FLOW_ENDS = (("source", Role.SOURCE), ("sink", Role.SINK))
_ROLES = {role.value for role in Role}


def reference_problems(data: dict[str, Any]) -> Iterator[tuple[ConfigPath, str]]:
    """The flows' references to adapters that do not exist or have the wrong role.

    Args:
        data: the whole configuration as plain data; parts of the wrong shape are skipped
            (validating the model reports them).

    Yields:
        The path of each faulty reference and what is wrong with it.
    """
    adapters = _mapping(data.get("adapters"))
    roles = {name: _mapping(entry).get("role") for name, entry in adapters.items()}
    for flow_name, flow in _mapping(data.get("flows")).items():
        for field, role in _FLOW_ENDS:
            name = _mapping(flow).get(field)
            if not isinstance(name, str) or not name:
                continue
            path: ConfigPath = ("flows", flow_name, field)
            if name not in adapters:
                yield path, f"no adapter named {name!r} ({_listing('adapters', adapters)})"
            elif roles[name] in _ROLES and roles[name] != role.value:
                same_role = [n for n, r in roles.items() if r == role.value]
                yield (
                    path,
                    f"adapter {name!r} is a {roles[name]}, and a flow's {field} must be a "
                    f"{role.value} ({_listing(f'{role.value}s', same_role)})",
                )


def webhook_route_problems(data: dict[str, Any]) -> Iterator[tuple[ConfigPath, str]]:
    """The flows named by ``webhooks.events`` that the configuration does not define.

    Args:
        data: the whole configuration as plain data.

    Yields:
        The path of each faulty flow name and what is wrong with it.
    """
    flows = _mapping(data.get("flows"))
    events = _mapping(_mapping(data.get("webhooks")).get("events"))
    for event, names in events.items():
        if not isinstance(names, list):
            continue
        for index, name in enumerate(names):
            if isinstance(name, str) and name not in flows:
                path: ConfigPath = ("webhooks", "events", event, index)
                yield path, f"no flow named {name!r} ({_listing('flows', flows)})"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _listing(what: str, names: Any) -> str:
    names = sorted(names)
    return f"{what}: {', '.join(names)}" if names else f"there are no {what}"
