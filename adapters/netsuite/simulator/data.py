"""Records as plain data, read from and written to SuiteTalk XML by the schema.

The simulator keeps records, and its control API shows them, as *record data*: nested
dictionaries with

- an element's value under its local name: text for simple types, a dictionary for complex
  types, and a list of those for elements that may repeat (always a list, even of one);
- attributes under ``@name`` (``@internalId``), the derived type of a polymorphic element under
  ``@xsi:type`` (``SalesOrder``, ``StringCustomFieldRef``), and the text of a simple-content type
  under ``#text``.

Reading checks every element and attribute against the schema and writing puts elements in
schema order in their namespaces, so what the simulator answers is valid against our WSDL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from adapters.netsuite.schema import XSD, ElementShape, QName, SchemaSet

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSI_TYPE = f"{{{XSI}}}type"
TYPE_KEY = "@xsi:type"
TEXT_KEY = "#text"

RecordData = dict[str, Any]


class RecordDataError(ValueError):
    """XML or data that does not fit the schema; the message says where and what."""


class RecordCodec:
    """Reads and writes record data against a schema set.

    Args:
        schemas: the types and elements of our WSDL.
        prefixes: the prefix declared for each namespace at the root of every answer, so that
            ``xsi:type`` values can name types of any namespace.
    """

    def __init__(self, schemas: SchemaSet, prefixes: Mapping[str, str]) -> None:
        self.schemas = schemas
        self._prefixes = dict(prefixes)

    @property
    def nsmap(self) -> dict[str | None, str]:
        """The prefixes to declare on an ancestor of what :meth:`write` writes."""
        return {"xsi": XSI, **{prefix: uri for uri, prefix in self._prefixes.items()}}

    # Reading.

    def read(self, element: etree._Element, declared: QName, where: str) -> Any:
        """The data of ``element``, whose declared type is ``declared``.

        Raises:
            RecordDataError: an element, attribute or type the schema does not allow there.
        """
        if declared.namespace == XSD or declared in self.schemas.simple_types:
            if len(element):
                raise RecordDataError(f"{where}: expected text, found child elements")
            return element.text or ""
        actual = self._actual_type(element, declared, where)
        data: RecordData = {}
        if actual != declared:
            data[TYPE_KEY] = actual.name
        known_attributes = {shape.name for shape in self.schemas.all_attributes(actual)}
        for name, value in element.attrib.items():
            if name == XSI_TYPE:
                continue
            if name not in known_attributes:
                raise RecordDataError(f"{where}: {actual.name} has no attribute {name!r}")
            data[f"@{name}"] = value
        lineage = self.schemas.lineage(actual)
        if lineage and lineage[-1].simple_content:
            data[TEXT_KEY] = element.text or ""
            return data
        content = {shape.name: shape for shape in self.schemas.content(actual)}
        for child in element:
            if not isinstance(child.tag, str):
                continue  # a comment or processing instruction
            name = QName(*_split(child.tag))
            shape = content.get(name)
            if shape is None:
                raise RecordDataError(
                    f"{where}: {actual.name} has no element {name.name!r} in {name.namespace!r}"
                )
            value = self.read(child, self.schemas.element_type(shape), f"{where}/{name.name}")
            if shape.repeats:
                data.setdefault(name.name, []).append(value)
            elif name.name in data:
                raise RecordDataError(f"{where}: {name.name!r} may occur only once")
            else:
                data[name.name] = value
        return data

    def _actual_type(self, element: etree._Element, declared: QName, where: str) -> QName:
        written = element.get(XSI_TYPE)
        if written is None:
            shape = self.schemas.complex_type(declared)
            if shape.abstract:
                raise RecordDataError(f"{where}: {declared.name} is abstract: give an xsi:type")
            return declared
        prefix, _, local = written.rpartition(":")
        namespace = element.nsmap.get(prefix or None)
        if namespace is None:
            raise RecordDataError(f"{where}: the prefix of xsi:type {written!r} is not declared")
        actual = QName(namespace, local)
        if actual not in self.schemas.complex_types or not self.schemas.derives_from(
            actual, declared
        ):
            raise RecordDataError(f"{where}: xsi:type {written!r} is not a kind of {declared.name}")
        return actual

    # Writing.

    def write(
        self, parent: etree._Element, name: QName, declared: QName, value: Any, where: str
    ) -> etree._Element:
        """Append element ``name`` holding ``value`` to ``parent``; returns the new element.

        Raises:
            RecordDataError: data the schema does not allow there.
        """
        element = etree.SubElement(parent, str(name))
        if declared.namespace == XSD or declared in self.schemas.simple_types:
            element.text = _text(value, where)
            return element
        if not isinstance(value, Mapping):
            raise RecordDataError(f"{where}: expected an object for {declared.name}")
        actual = self._type_named(value.get(TYPE_KEY), declared, where)
        if actual != declared:
            element.set(XSI_TYPE, f"{self._prefixes[actual.namespace]}:{actual.name}")
        attributes = {shape.name for shape in self.schemas.all_attributes(actual)}
        content = self.schemas.content(actual)
        known = {shape.name.name for shape in content} | {TYPE_KEY, TEXT_KEY}
        for key, item in value.items():
            if key.startswith("@") and key != TYPE_KEY:
                if key[1:] not in attributes:
                    raise RecordDataError(f"{where}: {actual.name} has no attribute {key[1:]!r}")
                if item is not None:
                    element.set(key[1:], _text(item, f"{where}/{key}"))
            elif key not in known:
                raise RecordDataError(f"{where}: {actual.name} has no element {key!r}")
        if TEXT_KEY in value:
            element.text = _text(value[TEXT_KEY], where)
        for shape in content:
            self._write_child(element, shape, value.get(shape.name.name), where)
        return element

    def _write_child(
        self, element: etree._Element, shape: ElementShape, value: Any, where: str
    ) -> None:
        if value is None:
            return
        here = f"{where}/{shape.name.name}"
        child_type = self.schemas.element_type(shape)
        if shape.repeats:
            if not isinstance(value, list):
                raise RecordDataError(f"{here}: expected a list")
            for index, item in enumerate(value):
                self.write(element, shape.name, child_type, item, f"{here}[{index}]")
        elif isinstance(value, list):
            raise RecordDataError(f"{here}: expected one value, not a list")
        else:
            self.write(element, shape.name, child_type, value, here)

    def _type_named(self, name: Any, declared: QName, where: str) -> QName:
        if name is None:
            if self.schemas.complex_type(declared).abstract:
                raise RecordDataError(f"{where}: {declared.name} is abstract: give {TYPE_KEY}")
            return declared
        matches = [
            shape.name for shape in self.schemas.subtypes(declared) if shape.name.name == name
        ]
        if len(matches) != 1:
            raise RecordDataError(f"{where}: {name!r} is not a kind of {declared.name}")
        return matches[0]


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, str | int | float):
        return str(value)
    raise RecordDataError(f"{where}: expected text, a number or a boolean, not {value!r}")
