"""A plain model of a SuiteTalk WSDL and its XSDs: types, elements, messages and operations.

Read from local files with a safe parser (no DTDs, no entities, no network). The simulator uses
it to read and write records in schema order; the conformance test compares our trimmed files
with NetSuite's through it. It understands the XSD constructs SuiteTalk uses (sequences,
extensions, simple content, enumerations) and refuses any other, so that nothing in a schema is
silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"

#: ``maxOccurs="unbounded"``.
UNBOUNDED = -1


class SchemaError(Exception):
    """A WSDL or XSD file that cannot be read, or a construct this model does not know."""


class QName(NamedTuple):
    """A name in a namespace."""

    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{{{self.namespace}}}{self.name}" if self.namespace else self.name


class Derivation(StrEnum):
    """How a complex type derives from its base."""

    EXTENSION = "extension"
    RESTRICTION = "restriction"


@dataclass(frozen=True)
class ElementShape:
    """An element declaration, global or inside a type's sequence.

    Attributes:
        name: the element's qualified name (for a ``ref``, the referenced element's).
        type: its type; ``None`` for a ``ref`` (the global element has it).
        min_occurs: ``minOccurs``.
        max_occurs: ``maxOccurs``, :data:`UNBOUNDED` for ``unbounded``.
        nillable: ``nillable``.
        default: the default value, if any.
        is_ref: whether it is declared as ``<element ref="..."/>``.
    """

    name: QName
    type: QName | None
    min_occurs: int = 1
    max_occurs: int = 1
    nillable: bool = False
    default: str | None = None
    is_ref: bool = False

    @property
    def repeats(self) -> bool:
        """Whether the element may occur more than once."""
        return self.max_occurs == UNBOUNDED or self.max_occurs > 1


@dataclass(frozen=True)
class AttributeShape:
    """An attribute declaration.

    Attributes:
        name: the attribute's (unqualified) name.
        type: its type.
        required: ``use="required"``.
        default: the default value, if any.
    """

    name: str
    type: QName
    required: bool = False
    default: str | None = None


@dataclass(frozen=True)
class ComplexTypeShape:
    """A complex type with what it declares itself (inherited parts are on its base).

    Attributes:
        name: the type's qualified name.
        abstract: ``abstract="true"``.
        base: the base type of an extension or restriction.
        derivation: how it derives from ``base``.
        simple_content: whether it is text with attributes (``simpleContent``).
        elements: the elements of its own sequence, in order.
        attributes: its own attributes.
    """

    name: QName
    abstract: bool = False
    base: QName | None = None
    derivation: Derivation | None = None
    simple_content: bool = False
    elements: tuple[ElementShape, ...] = ()
    attributes: tuple[AttributeShape, ...] = ()


@dataclass(frozen=True)
class SimpleTypeShape:
    """A simple type restricting a built-in type, with its enumeration if it has one."""

    name: QName
    base: QName
    enumerations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SchemaImport:
    """An ``import`` of a schema document: its namespace and where it is."""

    namespace: str
    location: str


@dataclass
class SchemaSet:
    """All types and global elements of a set of schema documents.

    Attributes:
        documents: target namespace of each document, by file name.
        imports: the imports of each document, by file name.
        complex_types: complex types by name.
        simple_types: simple types by name.
        elements: global elements by name.
    """

    documents: dict[str, str] = field(default_factory=dict)
    imports: dict[str, tuple[SchemaImport, ...]] = field(default_factory=dict)
    complex_types: dict[QName, ComplexTypeShape] = field(default_factory=dict)
    simple_types: dict[QName, SimpleTypeShape] = field(default_factory=dict)
    elements: dict[QName, ElementShape] = field(default_factory=dict)

    def complex_type(self, name: QName) -> ComplexTypeShape:
        """The complex type called ``name``.

        Raises:
            SchemaError: there is none.
        """
        try:
            return self.complex_types[name]
        except KeyError:
            raise SchemaError(f"no complex type {name} in the schema") from None

    def lineage(self, name: QName) -> list[ComplexTypeShape]:
        """``name`` and its bases among the complex types, the most basic first."""
        chain: list[ComplexTypeShape] = []
        current: QName | None = name
        while current is not None and current in self.complex_types:
            shape = self.complex_types[current]
            chain.append(shape)
            current = shape.base
        return list(reversed(chain))

    def content(self, name: QName) -> list[ElementShape]:
        """All elements of a complex type in document order, inherited ones first."""
        return [element for shape in self.lineage(name) for element in shape.elements]

    def all_attributes(self, name: QName) -> list[AttributeShape]:
        """All attributes of a complex type, inherited ones first."""
        return [attribute for shape in self.lineage(name) for attribute in shape.attributes]

    def element_type(self, element: ElementShape) -> QName:
        """The type of an element declaration, following a ``ref`` to its global element.

        Raises:
            SchemaError: the referenced element is not declared.
        """
        if element.type is not None:
            return element.type
        target = self.elements.get(element.name)
        if target is None or target.type is None:
            raise SchemaError(f"the element {element.name} is referenced but not declared")
        return target.type

    def derives_from(self, name: QName, base: QName) -> bool:
        """Whether complex type ``name`` is ``base`` or derives from it."""
        return any(shape.name == base for shape in self.lineage(name))

    def subtypes(self, base: QName) -> Iterator[ComplexTypeShape]:
        """The complex types that are ``base`` or derive from it."""
        for shape in self.complex_types.values():
            if self.derives_from(shape.name, base):
                yield shape


@dataclass(frozen=True)
class MessageShape:
    """A WSDL message: its parts as (part name, element)."""

    name: str
    parts: tuple[tuple[str, QName], ...]


@dataclass(frozen=True)
class OperationShape:
    """An operation of a port type.

    Attributes:
        name: the operation's name.
        input: the input message's name.
        output: the output message's name.
        faults: (fault name, message name) pairs.
    """

    name: str
    input: str
    output: str
    faults: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class HeaderShape:
    """A ``soap:header`` of a binding operation."""

    message: str
    part: str
    use: str


@dataclass(frozen=True)
class BindingOperationShape:
    """An operation of a SOAP binding.

    Attributes:
        name: the operation's name.
        soap_action: its ``soapAction``.
        input_headers: headers of the request.
        output_headers: headers of the response.
        body_use: ``use`` of the request and response bodies.
        faults: (fault name, use) pairs.
    """

    name: str
    soap_action: str
    input_headers: frozenset[HeaderShape]
    output_headers: frozenset[HeaderShape]
    body_use: tuple[str, str]
    faults: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class BindingShape:
    """A SOAP binding: its port type, style, transport and operations."""

    name: str
    port_type: str
    style: str
    transport: str
    operations: dict[str, BindingOperationShape]


@dataclass(frozen=True)
class PortShape:
    """A port of a service: its binding and SOAP address."""

    name: str
    binding: str
    address: str


@dataclass
class WsdlShape:
    """A WSDL document with the schemas it imports.

    Attributes:
        target_namespace: the WSDL's target namespace.
        schema_imports: the schema documents its ``types`` import.
        messages: messages by name.
        port_types: operations by name, per port type.
        bindings: bindings by name.
        services: ports by name, per service.
        schemas: every type and element of the imported schemas.
    """

    target_namespace: str
    schema_imports: tuple[SchemaImport, ...] = ()
    messages: dict[str, MessageShape] = field(default_factory=dict)
    port_types: dict[str, dict[str, OperationShape]] = field(default_factory=dict)
    bindings: dict[str, BindingShape] = field(default_factory=dict)
    services: dict[str, dict[str, PortShape]] = field(default_factory=dict)
    schemas: SchemaSet = field(default_factory=SchemaSet)


def safe_parser() -> etree.XMLParser:
    """A parser that loads no DTD, expands no entity and fetches nothing.

    A new one per document: lxml parsers must not be shared between threads.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )


def parse_file(path: Path) -> etree._Element:
    """The root element of an XML file, parsed safely.

    Raises:
        SchemaError: the file cannot be read, is not well-formed, or has a DOCTYPE.
    """
    try:
        tree = etree.parse(str(path), safe_parser())
    except (OSError, etree.XMLSyntaxError) as exc:
        raise SchemaError(f"{path}: cannot read it as XML: {exc}") from None
    if tree.docinfo.doctype:
        raise SchemaError(f"{path}: a DOCTYPE is not allowed")
    return tree.getroot()


def load_wsdl(path: Path) -> WsdlShape:
    """Read a WSDL file and every schema document it imports (relative to the file).

    Raises:
        SchemaError: a file is missing or malformed, or uses a construct this model lacks.
    """
    root = parse_file(path)
    if root.tag != f"{{{WSDL}}}definitions":
        raise SchemaError(f"{path}: the root element is not wsdl:definitions")
    wsdl = WsdlShape(target_namespace=root.get("targetNamespace", ""))
    imports: list[SchemaImport] = []
    for schema in root.iterfind(f"{{{WSDL}}}types/{{{XSD}}}schema"):
        for child in schema:
            if child.tag != f"{{{XSD}}}import":
                raise SchemaError(f"{path}: line {child.sourceline}: only imports are supported")
            imports.append(_schema_import(child, path))
    wsdl.schema_imports = tuple(imports)
    for item in imports:
        load_schema(path.parent / item.location, wsdl.schemas)
    for message in root.iterfind(f"{{{WSDL}}}message"):
        parts = tuple(
            (part.get("name", ""), _qname(part, part.get("element", "")))
            for part in message.iterfind(f"{{{WSDL}}}part")
        )
        wsdl.messages[message.get("name", "")] = MessageShape(message.get("name", ""), parts)
    for port_type in root.iterfind(f"{{{WSDL}}}portType"):
        wsdl.port_types[port_type.get("name", "")] = {
            operation.name: operation
            for operation in map(_operation, port_type.iterfind(f"{{{WSDL}}}operation"))
        }
    for binding in root.iterfind(f"{{{WSDL}}}binding"):
        shape = _binding(binding)
        wsdl.bindings[shape.name] = shape
    for service in root.iterfind(f"{{{WSDL}}}service"):
        wsdl.services[service.get("name", "")] = {
            port.name: port for port in map(_port, service.iterfind(f"{{{WSDL}}}port"))
        }
    return wsdl


def load_schema(path: Path, into: SchemaSet | None = None) -> SchemaSet:
    """Read a schema document and, transitively, those it imports (relative to it).

    Args:
        path: the XSD file.
        into: a set to add to (documents already in it are not read again).

    Raises:
        SchemaError: a file is missing or malformed, or uses a construct this model lacks.
    """
    schemas = into if into is not None else SchemaSet()
    if path.name in schemas.documents:
        return schemas
    root = parse_file(path)
    if root.tag != f"{{{XSD}}}schema":
        raise SchemaError(f"{path}: the root element is not xsd:schema")
    target = root.get("targetNamespace", "")
    qualified = root.get("elementFormDefault") == "qualified"
    schemas.documents[path.name] = target
    imports: list[SchemaImport] = []
    for child in root:
        local = etree.QName(child).localname
        where = f"{path.name}: line {child.sourceline}"
        if local == "import":
            imports.append(_schema_import(child, path))
        elif local == "complexType":
            shape = _complex_type(child, target, qualified, where)
            schemas.complex_types[shape.name] = shape
        elif local == "simpleType":
            simple = _simple_type(child, target, where)
            schemas.simple_types[simple.name] = simple
        elif local == "element":
            element = _element(child, target, qualified=True, where=where)
            schemas.elements[element.name] = element
        else:
            raise SchemaError(f"{where}: xsd:{local} at the top level is not supported")
    schemas.imports[path.name] = tuple(imports)
    for item in imports:
        load_schema(path.parent / item.location, schemas)
    return schemas


def _schema_import(node: etree._Element, path: Path) -> SchemaImport:
    location = node.get("schemaLocation")
    if not location:
        raise SchemaError(f"{path.name}: line {node.sourceline}: an import without a location")
    return SchemaImport(node.get("namespace", ""), location)


def _qname(node: etree._Element, text: str) -> QName:
    prefix, _, local = text.rpartition(":")
    namespace = node.nsmap.get(prefix or None)
    if namespace is None:
        raise SchemaError(f"line {node.sourceline}: the prefix of {text!r} is not declared")
    return QName(namespace, local)


def _occurs(value: str | None, default: int) -> int:
    if value is None:
        return default
    return UNBOUNDED if value == "unbounded" else int(value)


def _element(node: etree._Element, target: str, *, qualified: bool, where: str) -> ElementShape:
    for child in node:
        raise SchemaError(
            f"{where}: the element {node.get('name') or node.get('ref')} has an anonymous "
            f"type (xsd:{etree.QName(child).localname}), which is not supported"
        )
    min_occurs = _occurs(node.get("minOccurs"), 1)
    max_occurs = _occurs(node.get("maxOccurs"), 1)
    nillable = node.get("nillable") == "true"
    default = node.get("default")
    ref = node.get("ref")
    if ref is not None:
        return ElementShape(
            _qname(node, ref), None, min_occurs, max_occurs, nillable, default, is_ref=True
        )
    form = node.get("form")
    namespace = target if (form == "qualified" or (form is None and qualified)) else ""
    type_name = node.get("type")
    if type_name is None:
        raise SchemaError(f"{where}: the element {node.get('name')} has no type")
    return ElementShape(
        QName(namespace, node.get("name", "")),
        _qname(node, type_name),
        min_occurs,
        max_occurs,
        nillable,
        default,
    )


def _attribute(node: etree._Element, where: str) -> AttributeShape:
    type_name = node.get("type")
    if type_name is None or len(node):
        raise SchemaError(f"{where}: the attribute {node.get('name')} needs a named type")
    return AttributeShape(
        node.get("name", ""),
        _qname(node, type_name),
        required=node.get("use") == "required",
        default=node.get("default"),
    )


def _particles(
    node: etree._Element, target: str, qualified: bool, where: str
) -> tuple[tuple[ElementShape, ...], tuple[AttributeShape, ...]]:
    elements: list[ElementShape] = []
    attributes: list[AttributeShape] = []
    for child in node:
        local = etree.QName(child).localname
        if local == "sequence":
            for item in child:
                if etree.QName(item).localname != "element":
                    raise SchemaError(
                        f"{where}: xsd:{etree.QName(item).localname} in a sequence is not supported"
                    )
                elements.append(_element(item, target, qualified=qualified, where=where))
        elif local == "attribute":
            attributes.append(_attribute(child, where))
        else:
            raise SchemaError(f"{where}: xsd:{local} in a complex type is not supported")
    return tuple(elements), tuple(attributes)


def _complex_type(
    node: etree._Element, target: str, qualified: bool, where: str
) -> ComplexTypeShape:
    name = QName(target, node.get("name", ""))
    abstract = node.get("abstract") == "true"
    content = [child for child in node if etree.QName(child).localname.endswith("Content")]
    if not content:
        elements, attributes = _particles(node, target, qualified, where)
        return ComplexTypeShape(name, abstract, elements=elements, attributes=attributes)
    if len(content) != 1 or len(node) != 1:
        raise SchemaError(f"{where}: the complex type {name.name} mixes content models")
    (wrapper,) = content
    derivations = list(wrapper)
    if len(derivations) != 1:
        raise SchemaError(f"{where}: the complex type {name.name} needs one derivation")
    (derived,) = derivations
    derivation = Derivation(etree.QName(derived).localname)
    elements, attributes = _particles(derived, target, qualified, where)
    return ComplexTypeShape(
        name,
        abstract,
        base=_qname(derived, derived.get("base", "")),
        derivation=derivation,
        simple_content=etree.QName(wrapper).localname == "simpleContent",
        elements=elements,
        attributes=attributes,
    )


def _simple_type(node: etree._Element, target: str, where: str) -> SimpleTypeShape:
    name = QName(target, node.get("name", ""))
    restrictions = list(node)
    if len(restrictions) != 1 or etree.QName(restrictions[0]).localname != "restriction":
        raise SchemaError(f"{where}: the simple type {name.name} must be one restriction")
    (restriction,) = restrictions
    values: list[str] = []
    for facet in restriction:
        if etree.QName(facet).localname != "enumeration":
            raise SchemaError(
                f"{where}: the facet xsd:{etree.QName(facet).localname} is not supported"
            )
        values.append(facet.get("value", ""))
    return SimpleTypeShape(name, _qname(restriction, restriction.get("base", "")), tuple(values))


def _operation(node: etree._Element) -> OperationShape:
    def message(tag: str) -> str:
        found = node.find(f"{{{WSDL}}}{tag}")
        return _qname(found, found.get("message", "")).name if found is not None else ""

    faults = frozenset(
        (fault.get("name", ""), _qname(fault, fault.get("message", "")).name)
        for fault in node.iterfind(f"{{{WSDL}}}fault")
    )
    return OperationShape(node.get("name", ""), message("input"), message("output"), faults)


def _headers(node: etree._Element | None) -> frozenset[HeaderShape]:
    if node is None:
        return frozenset()
    return frozenset(
        HeaderShape(
            _qname(header, header.get("message", "")).name,
            header.get("part", ""),
            header.get("use", ""),
        )
        for header in node.iterfind(f"{{{WSDL_SOAP}}}header")
    )


def _body_use(node: etree._Element | None) -> str:
    body = node.find(f"{{{WSDL_SOAP}}}body") if node is not None else None
    return body.get("use", "") if body is not None else ""


def _binding(node: etree._Element) -> BindingShape:
    soap = node.find(f"{{{WSDL_SOAP}}}binding")
    operations: dict[str, BindingOperationShape] = {}
    for operation in node.iterfind(f"{{{WSDL}}}operation"):
        action = operation.find(f"{{{WSDL_SOAP}}}operation")
        request = operation.find(f"{{{WSDL}}}input")
        response = operation.find(f"{{{WSDL}}}output")
        faults = frozenset(
            (soap_fault.get("name", ""), soap_fault.get("use", ""))
            for soap_fault in operation.iterfind(f"{{{WSDL}}}fault/{{{WSDL_SOAP}}}fault")
        )
        shape = BindingOperationShape(
            name=operation.get("name", ""),
            soap_action=action.get("soapAction", "") if action is not None else "",
            input_headers=_headers(request),
            output_headers=_headers(response),
            body_use=(_body_use(request), _body_use(response)),
            faults=faults,
        )
        operations[shape.name] = shape
    return BindingShape(
        name=node.get("name", ""),
        port_type=_qname(node, node.get("type", "")).name,
        style=soap.get("style", "") if soap is not None else "",
        transport=soap.get("transport", "") if soap is not None else "",
        operations=operations,
    )


def _port(node: etree._Element) -> PortShape:
    address = node.find(f"{{{WSDL_SOAP}}}address")
    return PortShape(
        node.get("name", ""),
        _qname(node, node.get("binding", "")).name,
        address.get("location", "") if address is not None else "",
    )
