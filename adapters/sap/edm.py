"""The shape of an OData v2 service, read from its ``$metadata`` (EDMX).

:func:`read_metadata` turns an EDMX document into a :class:`ServiceMetadata`: entity types with
their keys, properties and navigation properties, associations, complex types, entity sets,
association sets and function imports, with the SAP annotations the adapter relies on
(``sap:creatable``, ``sap:updatable``, ``sap:deletable``, ``sap:display-format``,
``sap:action-for``). The simulator serves and checks data by it; the conformance test compares
our trimmed metadata with SAP's by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lxml import etree

from adapters.sap.xmlsafe import XmlError, parse_xml

__all__ = [
    "EDMX_NAMESPACE",
    "EDM_NAMESPACE",
    "METADATA_NAMESPACE",
    "SAP_NAMESPACE",
    "EdmAssociation",
    "EdmAssociationEnd",
    "EdmAssociationSet",
    "EdmComplexType",
    "EdmEntitySet",
    "EdmEntityType",
    "EdmFunctionImport",
    "EdmNavigation",
    "EdmParameter",
    "EdmProperty",
    "EdmType",
    "MetadataError",
    "Multiplicity",
    "ServiceMetadata",
    "read_metadata",
]

EDMX_NAMESPACE = "http://schemas.microsoft.com/ado/2007/06/edmx"
EDM_NAMESPACE = "http://schemas.microsoft.com/ado/2008/09/edm"
METADATA_NAMESPACE = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
SAP_NAMESPACE = "http://www.sap.com/Protocols/SAPData"

_EDM = f"{{{EDM_NAMESPACE}}}"
_M = f"{{{METADATA_NAMESPACE}}}"
_SAP = f"{{{SAP_NAMESPACE}}}"


class MetadataError(ValueError):
    """An EDMX document that cannot be read as OData v2 metadata."""


class EdmType(StrEnum):
    """The EDM primitive types SAP's OData v2 services use."""

    STRING = "Edm.String"
    BOOLEAN = "Edm.Boolean"
    DECIMAL = "Edm.Decimal"
    DOUBLE = "Edm.Double"
    BYTE = "Edm.Byte"
    INT16 = "Edm.Int16"
    INT32 = "Edm.Int32"
    INT64 = "Edm.Int64"
    DATETIME = "Edm.DateTime"
    DATETIMEOFFSET = "Edm.DateTimeOffset"
    TIME = "Edm.Time"
    GUID = "Edm.Guid"
    BINARY = "Edm.Binary"


class Multiplicity(StrEnum):
    """How many entities sit at one end of an association."""

    ONE = "1"
    ZERO_OR_ONE = "0..1"
    MANY = "*"


@dataclass(frozen=True)
class EdmProperty:
    """A property of an entity or complex type.

    Attributes:
        name: the property's name.
        type: its EDM type.
        nullable: whether it may be null (``Nullable``, default true).
        max_length: ``MaxLength``, if given.
        precision: ``Precision``, if given.
        scale: ``Scale``, if given.
        concurrency: whether it takes part in optimistic concurrency (``ConcurrencyMode="Fixed"``:
            its value makes the entity's ETag).
        creatable: ``sap:creatable`` (default true).
        updatable: ``sap:updatable`` (default true).
        display_format: ``sap:display-format`` (``Date``, ``UpperCase``, ``NonNegative``), if any.
    """

    name: str
    type: EdmType
    nullable: bool = True
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    concurrency: bool = False
    creatable: bool = True
    updatable: bool = True
    display_format: str | None = None


@dataclass(frozen=True)
class EdmNavigation:
    """A navigation property: an entity's way to related entities through an association."""

    name: str
    relationship: str
    from_role: str
    to_role: str


@dataclass(frozen=True)
class EdmEntityType:
    """An entity type.

    Attributes:
        name: the type's name without namespace (``A_SalesOrderType``).
        keys: the key properties' names, in order.
        properties: the properties by name, in document order.
        navigations: the navigation properties by name, in document order.
    """

    name: str
    keys: tuple[str, ...]
    properties: Mapping[str, EdmProperty]
    navigations: Mapping[str, EdmNavigation]


@dataclass(frozen=True)
class EdmComplexType:
    """A complex type (a function import's result, for example)."""

    name: str
    properties: Mapping[str, EdmProperty]


@dataclass(frozen=True)
class EdmAssociationEnd:
    """One end of an association: the entity type (qualified) and how many of it."""

    role: str
    type: str
    multiplicity: Multiplicity


@dataclass(frozen=True)
class EdmAssociation:
    """An association between two entity types, with its two ends by role."""

    name: str
    ends: Mapping[str, EdmAssociationEnd]


@dataclass(frozen=True)
class EdmEntitySet:
    """An entity set of the container, with what SAP allows on it.

    Attributes:
        name: the set's name (``A_SalesOrder``), the first segment of its URLs.
        entity_type: the qualified name of its entity type.
        creatable: ``sap:creatable`` (default true).
        updatable: ``sap:updatable`` (default true).
        deletable: ``sap:deletable`` (default true).
    """

    name: str
    entity_type: str
    creatable: bool = True
    updatable: bool = True
    deletable: bool = True


@dataclass(frozen=True)
class EdmAssociationSet:
    """An association set: which entity set plays which role of an association."""

    name: str
    association: str
    ends: Mapping[str, str]


@dataclass(frozen=True)
class EdmParameter:
    """A function import's parameter."""

    name: str
    type: EdmType
    mode: str
    max_length: int | None = None
    nullable: bool = True


@dataclass(frozen=True)
class EdmFunctionImport:
    """A function import (an operation called by URL).

    Attributes:
        name: the function's name, its URL segment.
        return_type: ``Collection(ns.Type)``, ``ns.Type`` or ``None``.
        entity_set: the entity set of returned entities, if any.
        http_method: ``m:HttpMethod`` (``GET`` or ``POST``).
        action_for: ``sap:action-for``: the entity type the operation acts on, if any.
        parameters: the parameters, by name in document order.
    """

    name: str
    return_type: str | None
    entity_set: str | None
    http_method: str
    action_for: str | None
    parameters: Mapping[str, EdmParameter]


@dataclass(frozen=True)
class ServiceMetadata:
    """An OData v2 service's metadata: one schema and its entity container.

    Attributes:
        namespace: the schema namespace (``API_SALES_ORDER_SRV``).
        container: the entity container's name.
        entity_types: by unqualified name.
        complex_types: by unqualified name.
        associations: by unqualified name.
        entity_sets: by name.
        association_sets: by name.
        function_imports: by name.
    """

    namespace: str
    container: str
    entity_types: Mapping[str, EdmEntityType]
    complex_types: Mapping[str, EdmComplexType]
    associations: Mapping[str, EdmAssociation]
    entity_sets: Mapping[str, EdmEntitySet]
    association_sets: Mapping[str, EdmAssociationSet]
    function_imports: Mapping[str, EdmFunctionImport]

    def unqualified(self, name: str) -> str:
        """``name`` without this schema's namespace (``ns.A_SalesOrderType`` → the type name)."""
        prefix = f"{self.namespace}."
        return name[len(prefix) :] if name.startswith(prefix) else name

    def entity_type_of(self, entity_set: str) -> EdmEntityType:
        """The entity type behind an entity set.

        Raises:
            KeyError: no such entity set, or its type is not in the schema.
        """
        return self.entity_types[self.unqualified(self.entity_sets[entity_set].entity_type)]

    def navigation_target(self, entity_type: str, navigation: str) -> tuple[str, Multiplicity]:
        """Where a navigation property leads: the target entity set and its multiplicity.

        Raises:
            KeyError: the navigation property, its association or a set for its target is
                missing.
        """
        nav = self.entity_types[entity_type].navigations[navigation]
        association = self.associations[self.unqualified(nav.relationship)]
        end = association.ends[nav.to_role]
        target_type = end.type
        for association_set in self.association_sets.values():
            if self.unqualified(association_set.association) == association.name:
                return association_set.ends[nav.to_role], end.multiplicity
        for entity_set in self.entity_sets.values():
            if entity_set.entity_type == target_type:
                return entity_set.name, end.multiplicity
        raise KeyError(f"no entity set holds {target_type}")

    def entity_set_of_type(self, entity_type: str) -> str:
        """The (first) entity set whose type is ``entity_type`` (unqualified).

        Raises:
            KeyError: no entity set has that type.
        """
        qualified = f"{self.namespace}.{entity_type}"
        for entity_set in self.entity_sets.values():
            if entity_set.entity_type == qualified:
                return entity_set.name
        raise KeyError(f"no entity set holds {qualified}")


def read_metadata(data: bytes | Path, *, source: str | None = None) -> ServiceMetadata:
    """Read an EDMX document (OData v2) into a :class:`ServiceMetadata`.

    Args:
        data: the document, or the path of a file holding it.
        source: a name for messages (default: the path, or ``$metadata``).

    Raises:
        MetadataError: the document is not safe, well-formed EDMX with one schema and one
            entity container.
    """
    if isinstance(data, Path):
        source = source or str(data)
        data = data.read_bytes()
    source = source or "$metadata"
    try:
        tree = parse_xml(data, source=source)
    except XmlError as exc:
        raise MetadataError(str(exc)) from None
    schemas = tree.getroot().findall(f".//{_EDM}Schema")
    if len(schemas) != 1:
        raise MetadataError(f"{source}: expected one EDM schema, found {len(schemas)}")
    schema = schemas[0]
    namespace = _required(schema, "Namespace", source)
    containers = schema.findall(f"{_EDM}EntityContainer")
    if len(containers) != 1:
        raise MetadataError(f"{source}: expected one entity container, found {len(containers)}")
    container = containers[0]
    return ServiceMetadata(
        namespace=namespace,
        container=_required(container, "Name", source),
        entity_types={
            entity_type.name: entity_type
            for entity_type in (
                _entity_type(element, source) for element in schema.findall(f"{_EDM}EntityType")
            )
        },
        complex_types={
            complex_type.name: complex_type
            for complex_type in (
                EdmComplexType(_required(element, "Name", source), _properties(element, source))
                for element in schema.findall(f"{_EDM}ComplexType")
            )
        },
        associations={
            association.name: association
            for association in (
                _association(element, source) for element in schema.findall(f"{_EDM}Association")
            )
        },
        entity_sets={
            entity_set.name: entity_set
            for entity_set in (
                EdmEntitySet(
                    name=_required(element, "Name", source),
                    entity_type=_required(element, "EntityType", source),
                    creatable=_flag(element, f"{_SAP}creatable"),
                    updatable=_flag(element, f"{_SAP}updatable"),
                    deletable=_flag(element, f"{_SAP}deletable"),
                )
                for element in container.findall(f"{_EDM}EntitySet")
            )
        },
        association_sets={
            association_set.name: association_set
            for association_set in (
                EdmAssociationSet(
                    name=_required(element, "Name", source),
                    association=_required(element, "Association", source),
                    ends={
                        _required(end, "Role", source): _required(end, "EntitySet", source)
                        for end in element.findall(f"{_EDM}End")
                    },
                )
                for element in container.findall(f"{_EDM}AssociationSet")
            )
        },
        function_imports={
            function.name: function
            for function in (
                _function_import(element, source)
                for element in container.findall(f"{_EDM}FunctionImport")
            )
        },
    )


def _required(element: etree._Element, attribute: str, source: str) -> str:
    value = element.get(attribute)
    if value is None or not value:
        name = etree.QName(element).localname
        raise MetadataError(
            f"{source}, line {element.sourceline}: {name} has no {attribute} attribute"
        )
    return str(value)


def _flag(element: etree._Element, attribute: str, default: bool = True) -> bool:
    value = element.get(attribute)
    return default if value is None else value.strip().lower() == "true"


def _number(element: etree._Element, attribute: str, source: str) -> int | None:
    value = element.get(attribute)
    if value is None or value.lower() == "max":
        return None
    try:
        return int(value)
    except ValueError:
        raise MetadataError(
            f"{source}, line {element.sourceline}: {attribute}={value!r} is not a number"
        ) from None


def _edm_type(element: etree._Element, source: str) -> EdmType:
    value = _required(element, "Type", source)
    try:
        return EdmType(value)
    except ValueError:
        raise MetadataError(
            f"{source}, line {element.sourceline}: {value!r} is not an EDM type this adapter "
            f"knows ({', '.join(t.value for t in EdmType)})"
        ) from None


def _properties(element: etree._Element, source: str) -> dict[str, EdmProperty]:
    properties: dict[str, EdmProperty] = {}
    for item in element.findall(f"{_EDM}Property"):
        prop = EdmProperty(
            name=_required(item, "Name", source),
            type=_edm_type(item, source),
            nullable=_flag(item, "Nullable"),
            max_length=_number(item, "MaxLength", source),
            precision=_number(item, "Precision", source),
            scale=_number(item, "Scale", source),
            concurrency=item.get("ConcurrencyMode") == "Fixed",
            creatable=_flag(item, f"{_SAP}creatable"),
            updatable=_flag(item, f"{_SAP}updatable"),
            display_format=item.get(f"{_SAP}display-format"),
        )
        properties[prop.name] = prop
    return properties


def _entity_type(element: etree._Element, source: str) -> EdmEntityType:
    name = _required(element, "Name", source)
    properties = _properties(element, source)
    keys = tuple(
        _required(ref, "Name", source) for ref in element.findall(f"{_EDM}Key/{_EDM}PropertyRef")
    )
    if not keys:
        raise MetadataError(f"{source}, line {element.sourceline}: {name} has no key")
    for key in keys:
        if key not in properties:
            raise MetadataError(
                f"{source}, line {element.sourceline}: key {key} of {name} is not a property"
            )
    navigations = {
        nav.name: nav
        for nav in (
            EdmNavigation(
                name=_required(item, "Name", source),
                relationship=_required(item, "Relationship", source),
                from_role=_required(item, "FromRole", source),
                to_role=_required(item, "ToRole", source),
            )
            for item in element.findall(f"{_EDM}NavigationProperty")
        )
    }
    return EdmEntityType(name, keys, properties, navigations)


def _association(element: etree._Element, source: str) -> EdmAssociation:
    ends: dict[str, EdmAssociationEnd] = {}
    for end in element.findall(f"{_EDM}End"):
        multiplicity = _required(end, "Multiplicity", source)
        try:
            parsed = Multiplicity(multiplicity)
        except ValueError:
            raise MetadataError(
                f"{source}, line {end.sourceline}: {multiplicity!r} is not a multiplicity"
            ) from None
        role = _required(end, "Role", source)
        ends[role] = EdmAssociationEnd(role, _required(end, "Type", source), parsed)
    return EdmAssociation(_required(element, "Name", source), ends)


def _function_import(element: etree._Element, source: str) -> EdmFunctionImport:
    parameters = {
        parameter.name: parameter
        for parameter in (
            EdmParameter(
                name=_required(item, "Name", source),
                type=_edm_type(item, source),
                mode=item.get("Mode", "In"),
                max_length=_number(item, "MaxLength", source),
                nullable=_flag(item, "Nullable"),
            )
            for item in element.findall(f"{_EDM}Parameter")
        )
    }
    return EdmFunctionImport(
        name=_required(element, "Name", source),
        return_type=element.get("ReturnType"),
        entity_set=element.get("EntitySet"),
        http_method=element.get(f"{_M}HttpMethod", "GET"),
        action_for=element.get(f"{_SAP}action-for"),
        parameters=parameters,
    )
