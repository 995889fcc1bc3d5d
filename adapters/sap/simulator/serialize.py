"""Entities as OData v2 JSON, the way SAP Gateway writes them.

Every entity has ``__metadata`` (``id``, ``uri``, ``type`` and, when its type has a concurrency
property, ``etag``); a navigation property is ``{"__deferred": {"uri": …}}`` unless it was
expanded, then ``{"results": […]}`` (to many) or the entity itself (to one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.sap.edm import EdmEntityType, Multiplicity
from adapters.sap.simulator.entities import ServiceStore, key_predicate, literal, write_value
from adapters.sap.simulator.errors import ErrorDetail, SimulatorError

__all__ = ["ExpandTree", "entity_json", "etag", "expand_tree"]

ExpandTree = dict[str, "ExpandTree"]


def etag(entity_type: EdmEntityType, row: Mapping[str, Any]) -> str | None:
    """The entity's ETag: ``W/"<literal>"`` of its concurrency properties (``None`` if none)."""
    parts = [
        literal(prop, row[prop.name])
        for prop in entity_type.properties.values()
        if prop.concurrency and row.get(prop.name) is not None
    ]
    if not parts:
        return None
    return 'W/"' + ",".join(parts) + '"'


def expand_tree(store: ServiceStore, set_name: str, paths: Sequence[Sequence[str]]) -> ExpandTree:
    """The ``$expand`` paths as a tree, each step checked to be a navigation property.

    Raises:
        SimulatorError: (400) a step that is not a navigation property of its entity type.
    """
    tree: ExpandTree = {}
    for path in paths:
        node, current_set = tree, set_name
        for step in path:
            entity_type = store.sets[current_set].entity_type
            if step not in entity_type.navigations:
                message = f"$expand: {entity_type.name} has no navigation property {step}"
                raise SimulatorError(400, "ZSIM/022", message, [ErrorDetail("ZSIM/022", message)])
            current_set, _ = store.metadata.navigation_target(entity_type.name, step)
            node = node.setdefault(step, {})
    return tree


def entity_json(
    store: ServiceStore,
    set_name: str,
    row: Mapping[str, Any],
    base_url: str,
    expand: ExpandTree,
    select: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One entity as v2 JSON, with the navigation properties in ``expand`` expanded."""
    entity_type = store.sets[set_name].entity_type
    uri = f"{base_url}/{set_name}{key_predicate(entity_type, row)}"
    metadata: dict[str, Any] = {
        "id": uri,
        "uri": uri,
        "type": f"{store.metadata.namespace}.{entity_type.name}",
    }
    tag = etag(entity_type, row)
    if tag is not None:
        metadata["etag"] = tag
    document: dict[str, Any] = {"__metadata": metadata}
    for name, prop in entity_type.properties.items():
        if select is None or name in select:
            document[name] = write_value(prop, row.get(name))
    for navigation in entity_type.navigations:
        if navigation not in expand:
            if select is None:
                document[navigation] = {"__deferred": {"uri": f"{uri}/{navigation}"}}
            continue
        target_set, multiplicity, rows = store.related(set_name, row, navigation)
        inner = [
            entity_json(store, target_set, related, base_url, expand[navigation])
            for related in rows
        ]
        if multiplicity is Multiplicity.MANY:
            document[navigation] = {"results": inner}
        else:
            document[navigation] = inner[0] if inner else None
    return document
