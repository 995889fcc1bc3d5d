"""Compare our trimmed SAP metadata with SAP's own, which lives outside the repository.

Two kinds of reference sit in ``<repo>/../shared/reference/sap/``:

- ``API_SALES_ORDER_SRV.edmx`` and ``API_OUTBOUND_DELIVERY_SRV_0002.edmx``: SAP's ``$metadata``
  itself. :func:`compare_with_edmx` checks that ours is a true subset of it: every entity type,
  property (type, nullability, MaxLength, Precision, Scale, concurrency, ``sap:creatable``,
  ``sap:updatable``, ``sap:display-format``), key, navigation property, association, complex
  type, entity set, association set and function import of ours exists in SAP's with the same
  shape.
- ``API_BILLING_DOCUMENT_SRV.cds``: not EDMX but SAP's service *as imported into CDS* by SAP
  CAP (``cds import``): one ``entity`` per entity set, its elements with CDS types, ``key`` and
  ``not null``, the ``sap:`` annotations as ``@sap.…``, associations, bound actions and
  functions. :func:`read_cds` reads that file and :func:`compare_with_cds` checks ours against
  it through the import's type mapping (``Edm.String`` with ``MaxLength`` n is ``String(n)``,
  ``Edm.DateTime`` shown as a date is ``Date``, ``Edm.DateTimeOffset`` is ``Timestamp`` with
  ``@odata.Type``/``@odata.Precision``, ``Edm.Decimal`` is ``Decimal(p, s)``, …). The import
  drops three things, which therefore cannot be checked and which our billing metadata leaves
  out or names itself: the entity *type* names (CDS knows entity sets), association and role
  names, and the precision of ``Edm.DateTime``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from adapters.sap.edm import EdmProperty, EdmType, Multiplicity, ServiceMetadata

REPOSITORY = Path(__file__).resolve().parents[2]
REFERENCE_DIRECTORY = REPOSITORY.parent / "shared" / "reference" / "sap"

_SHAPE_FIELDS = (
    "type",
    "nullable",
    "max_length",
    "precision",
    "scale",
    "concurrency",
    "creatable",
    "updatable",
    "display_format",
)


def _property_problems(where: str, ours: EdmProperty, theirs: EdmProperty | None) -> list[str]:
    if theirs is None:
        return [f"{where}: SAP has no property {ours.name}"]
    return [
        f"{where}.{ours.name}: {name} is {getattr(ours, name)!r} here, "
        f"{getattr(theirs, name)!r} in SAP's metadata"
        for name in _SHAPE_FIELDS
        if getattr(ours, name) != getattr(theirs, name)
    ]


def compare_with_edmx(ours: ServiceMetadata, theirs: ServiceMetadata) -> list[str]:
    """What in ``ours`` is missing from ``theirs`` or differs in shape; empty when conformant."""
    problems: list[str] = []
    if ours.namespace != theirs.namespace:
        problems.append(f"namespace {ours.namespace} is {theirs.namespace} in SAP's metadata")
    if ours.container != theirs.container:
        problems.append(f"container {ours.container} is {theirs.container} in SAP's metadata")
    for name, entity_type in ours.entity_types.items():
        real = theirs.entity_types.get(name)
        if real is None:
            problems.append(f"SAP has no entity type {name}")
            continue
        if entity_type.keys != real.keys:
            problems.append(f"{name}: key {entity_type.keys} is {real.keys} in SAP's metadata")
        for prop in entity_type.properties.values():
            problems += _property_problems(name, prop, real.properties.get(prop.name))
        for nav in entity_type.navigations.values():
            real_nav = real.navigations.get(nav.name)
            if real_nav is None:
                problems.append(f"{name}: SAP has no navigation property {nav.name}")
            elif real_nav != nav:
                problems.append(f"{name}.{nav.name}: {nav} is {real_nav} in SAP's metadata")
    for name, complex_type in ours.complex_types.items():
        real_complex = theirs.complex_types.get(name)
        if real_complex is None:
            problems.append(f"SAP has no complex type {name}")
            continue
        for prop in complex_type.properties.values():
            problems += _property_problems(name, prop, real_complex.properties.get(prop.name))
    for name, association in ours.associations.items():
        real_association = theirs.associations.get(name)
        if real_association is None:
            problems.append(f"SAP has no association {name}")
        elif dict(real_association.ends) != dict(association.ends):
            problems.append(f"association {name}: ends differ from SAP's")
    for name, entity_set in ours.entity_sets.items():
        real_set = theirs.entity_sets.get(name)
        if real_set is None:
            problems.append(f"SAP has no entity set {name}")
        elif real_set != entity_set:
            problems.append(f"entity set {name}: {entity_set} is {real_set} in SAP's metadata")
    for name, association_set in ours.association_sets.items():
        real_association_set = theirs.association_sets.get(name)
        if real_association_set is None:
            problems.append(f"SAP has no association set {name}")
        elif real_association_set != association_set:
            problems.append(f"association set {name} differs from SAP's")
    for name, function in ours.function_imports.items():
        real_function = theirs.function_imports.get(name)
        if real_function is None:
            problems.append(f"SAP has no function import {name}")
        elif real_function != function:
            problems.append(f"function import {name}: {function} is {real_function} in SAP's")
    problems += _navigation_problems(ours)
    return problems


def _navigation_problems(ours: ServiceMetadata) -> list[str]:
    problems = []
    for entity_type in ours.entity_types.values():
        for nav in entity_type.navigations:
            try:
                ours.navigation_target(entity_type.name, nav)
            except KeyError as exc:
                problems.append(f"{entity_type.name}.{nav} leads nowhere in our metadata: {exc}")
    return problems


# --- CDS -----------------------------------------------------------------------------------


class CdsSyntaxError(ValueError):
    """A line of the CDS file this reader does not understand."""


@dataclass
class CdsElement:
    name: str
    type: str
    arguments: tuple[int, ...]
    key: bool
    not_null: bool
    annotations: dict[str, object]


@dataclass
class CdsAssociation:
    name: str
    target: str
    many: bool


@dataclass
class CdsOperation:
    name: str
    kind: str  # "action" or "function"
    returns: str
    many: bool


@dataclass
class CdsEntity:
    name: str
    kind: str  # "entity" or "type"
    annotations: dict[str, object]
    elements: dict[str, CdsElement] = field(default_factory=dict)
    associations: dict[str, CdsAssociation] = field(default_factory=dict)
    operations: dict[str, CdsOperation] = field(default_factory=dict)


@dataclass
class CdsService:
    name: str
    entities: dict[str, CdsEntity]


_ANNOTATION = re.compile(r"^@(?P<name>[\w.]+)\s*:\s*(?P<value>.+?)\s*;?$")
_SERVICE = re.compile(r"^service\s+(?P<name>\w+)\s*\{$")
_BLOCK = re.compile(r"^(?P<kind>entity|type)\s+(?P<name>\w+)\s*\{$")
_ELEMENT = re.compile(
    r"^(?P<key>key\s+)?(?P<name>\w+)\s*:\s*(?P<type>[\w.]+)"
    r"(?:\((?P<arguments>[\d,\s]+)\))?(?P<not_null>\s+not\s+null)?\s*;$"
)
_ASSOCIATION = re.compile(
    r"^(?P<name>\w+)\s*:\s*(?:Association|Composition)\s+(?:to|of)\s+(?P<many>many\s+)?"
    r"(?P<target>\w+)\b.*;$"
)
_OPERATION = re.compile(
    r"^(?P<kind>action|function)\s+(?P<name>\w+)\s*\(.*\)\s*returns\s+(?P<many>many\s+)?"
    r"(?P<returns>\w+)\s*;$"
)


def _annotation_value(text: str, line: int) -> object:
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    if text in {"true", "false"}:
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CdsSyntaxError(f"line {line}: annotation value {text!r} is not understood")


def read_cds(path: Path) -> CdsService:
    """Read a CDS file made by ``cds import`` from an OData v2 ``$metadata``."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    service: str | None = None
    entities: dict[str, CdsEntity] = {}
    pending: dict[str, object] = {}
    current: CdsEntity | None = None
    in_actions = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if match := _ANNOTATION.match(line):
            pending[match["name"]] = _annotation_value(match["value"], number)
            continue
        if current is None:
            if match := _SERVICE.match(line):
                service, pending = match["name"], {}
            elif match := _BLOCK.match(line):
                current = CdsEntity(match["name"], match["kind"], pending)
                entities[current.name] = current
                pending, in_actions = {}, False
            elif line in {"}", "};"}:
                continue
            else:
                raise CdsSyntaxError(f"line {number}: {line!r} is not understood")
            continue
        if line in {"}", "};"}:
            current, in_actions = None, False
        elif line == "} actions {":
            in_actions = True
        elif in_actions and (match := _OPERATION.match(line)):
            current.operations[match["name"]] = CdsOperation(
                match["name"], match["kind"], match["returns"], bool(match["many"])
            )
        elif match := _ASSOCIATION.match(line):
            current.associations[match["name"]] = CdsAssociation(
                match["name"], match["target"], bool(match["many"])
            )
        elif match := _ELEMENT.match(line):
            arguments = tuple(
                int(part) for part in (match["arguments"] or "").split(",") if part.strip()
            )
            current.elements[match["name"]] = CdsElement(
                match["name"],
                match["type"],
                arguments,
                bool(match["key"]),
                bool(match["not_null"]),
                pending,
            )
        else:
            raise CdsSyntaxError(f"line {number}: {line!r} is not understood")
        pending = {}
    if service is None:
        raise CdsSyntaxError(f"{path}: no service")
    return CdsService(service, entities)


_CDS_TYPES = {
    EdmType.BOOLEAN: "Boolean",
    EdmType.DOUBLE: "Double",
    EdmType.TIME: "Time",
    EdmType.GUID: "UUID",
    EdmType.BYTE: "UInt8",
    EdmType.INT16: "Int16",
    EdmType.INT32: "Integer",
    EdmType.INT64: "Integer64",
    EdmType.BINARY: "LargeBinary",
}


def expected_cds_type(prop: EdmProperty) -> tuple[str, tuple[int, ...]]:
    """The CDS type ``cds import`` makes of an EDM property."""
    if prop.type is EdmType.STRING:
        return "String", (prop.max_length,) if prop.max_length else ()
    if prop.type is EdmType.DECIMAL:
        if prop.precision is None:
            return "Decimal", ()
        return "Decimal", (prop.precision, prop.scale or 0)
    if prop.type is EdmType.DATETIME:
        return ("Date" if prop.display_format == "Date" else "DateTime"), ()
    if prop.type is EdmType.DATETIMEOFFSET:
        return "Timestamp", ()
    return _CDS_TYPES[prop.type], ()


def _flag(annotations: dict[str, object], name: str) -> bool:
    return annotations.get(name, "true") != "false"


def _cds_property_problems(where: str, prop: EdmProperty, element: CdsElement | None) -> list[str]:
    if element is None:
        return [f"{where}: SAP has no element {prop.name}"]
    problems = []
    cds_type = expected_cds_type(prop)
    if (element.type, element.arguments) != cds_type:
        shown = f"{element.type}{element.arguments if element.arguments else ''}"
        problems.append(f"{where}.{prop.name}: {prop.type} would be {cds_type}, SAP has {shown}")
    if prop.type is EdmType.DATETIMEOFFSET:
        if element.annotations.get("odata.Type") != "Edm.DateTimeOffset":
            problems.append(f"{where}.{prop.name}: SAP's element is not an Edm.DateTimeOffset")
        if prop.precision is not None and element.annotations.get("odata.Precision") != (
            prop.precision
        ):
            problems.append(f"{where}.{prop.name}: precision differs from SAP's")
    if prop.nullable == element.not_null:
        problems.append(
            f"{where}.{prop.name}: Nullable is {prop.nullable} here, "
            f"{'not null' if element.not_null else 'nullable'} in SAP's"
        )
    if prop.display_format != element.annotations.get("sap.display.format"):
        problems.append(
            f"{where}.{prop.name}: display format {prop.display_format!r} is "
            f"{element.annotations.get('sap.display.format')!r} in SAP's"
        )
    for name in ("creatable", "updatable"):
        if getattr(prop, name) != _flag(element.annotations, f"sap.{name}"):
            problems.append(f"{where}.{prop.name}: sap:{name} differs from SAP's")
    return problems


def compare_with_cds(ours: ServiceMetadata, theirs: CdsService) -> list[str]:
    """What in ``ours`` is missing from the CDS import of SAP's service, or differs."""
    problems: list[str] = []
    if ours.namespace != theirs.name:
        problems.append(f"namespace {ours.namespace} is {theirs.name} in SAP's CDS")
    for set_name, entity_set in ours.entity_sets.items():
        entity = theirs.entities.get(set_name)
        if entity is None or entity.kind != "entity":
            problems.append(f"SAP has no entity set {set_name}")
            continue
        for name in ("creatable", "updatable", "deletable"):
            if getattr(entity_set, name) != _flag(entity.annotations, f"sap.{name}"):
                problems.append(f"entity set {set_name}: sap:{name} differs from SAP's")
        entity_type = ours.entity_type_of(set_name)
        keys = tuple(name for name, element in entity.elements.items() if element.key)
        if entity_type.keys != keys:
            problems.append(f"{set_name}: key {entity_type.keys} is {keys} in SAP's CDS")
        for prop in entity_type.properties.values():
            problems += _cds_property_problems(set_name, prop, entity.elements.get(prop.name))
        for nav in entity_type.navigations:
            association = entity.associations.get(nav)
            if association is None:
                problems.append(f"{set_name}: SAP has no navigation property {nav}")
                continue
            try:
                target, multiplicity = ours.navigation_target(entity_type.name, nav)
            except KeyError as exc:
                problems.append(f"{set_name}.{nav} leads nowhere in our metadata: {exc}")
                continue
            if association.target != target:
                problems.append(
                    f"{set_name}.{nav}: leads to {target}, SAP's to {association.target}"
                )
            if association.many != (multiplicity is Multiplicity.MANY):
                problems.append(f"{set_name}.{nav}: multiplicity differs from SAP's")
    for name, function in ours.function_imports.items():
        owner = ours.unqualified(function.action_for or "")
        entity = theirs.entities.get(ours.entity_set_of_type(owner)) if owner else None
        operation = entity.operations.get(name) if entity else None
        if operation is None:
            problems.append(f"SAP has no operation {name} bound to {owner or 'nothing'}")
            continue
        kind = "action" if function.http_method == "POST" else "function"
        returns = function.return_type or ""
        many = returns.startswith("Collection(")
        returned = ours.unqualified(returns.removeprefix("Collection(").removesuffix(")"))
        if (operation.kind, operation.many, operation.returns) != (kind, many, returned):
            problems.append(f"operation {name}: shape differs from SAP's")
    return problems
