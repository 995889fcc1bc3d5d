"""What "our trimmed WSDL is a true subset of NetSuite's" means, as a list of problems.

A document valid against our files must be valid against NetSuite's, and everything we declare
must mean what NetSuite means by it:

- the WSDL: every schema import, message (parts), port type operation (input, output, faults),
  binding operation (soapAction, headers, body use, faults) and service port (binding, address)
  of ours is in NetSuite's, the same; headers and faults may be fewer;
- each XSD document of ours has NetSuite's file name and target namespace, and imports only
  what NetSuite's imports;
- every global element is declared the same (type, occurrence, nillable, default);
- every complex type has the same abstractness, base and derivation; its elements are a
  subsequence of NetSuite's (same names, types, minOccurs, maxOccurs, nillable and default, in
  the same order), and what we leave out is optional there; its attributes are NetSuite's,
  the same, and what we leave out is not required there;
- every simple type has the same base, and its enumeration is a subset of NetSuite's;
- our files are closed: whatever they name is declared in them (or is a built-in type).
"""

from __future__ import annotations

import os
from pathlib import Path

from adapters.netsuite.schema import (
    XSD,
    ComplexTypeShape,
    QName,
    SchemaSet,
    WsdlShape,
)

REPOSITORY = Path(__file__).resolve().parents[2]
#: Overrides where NetSuite's 2023_2 WSDL and XSDs are.
REFERENCE_VARIABLE = "AHEAD_NETSUITE_REFERENCE_DIR"
REFERENCE_DIRECTORY = Path(
    os.environ.get(
        REFERENCE_VARIABLE,
        REPOSITORY.parent / "shared" / "reference" / "netsuite-2023_2",
    )
)


def conformance_problems(ours: WsdlShape, theirs: WsdlShape) -> list[str]:
    """Every way in which ``ours`` is not a true subset of ``theirs``; empty when it is."""
    problems: list[str] = []
    problems += _wsdl_problems(ours, theirs)
    problems += _document_problems(ours.schemas, theirs.schemas)
    problems += _element_problems(ours.schemas, theirs.schemas)
    for name, shape in ours.schemas.complex_types.items():
        if name not in theirs.schemas.complex_types:
            problems.append(f"complex type {name}: NetSuite has no such type")
        else:
            problems += _complex_type_problems(shape, theirs.schemas.complex_types[name])
    problems += _simple_type_problems(ours.schemas, theirs.schemas)
    problems += closure_problems(ours)
    return problems


def _wsdl_problems(ours: WsdlShape, theirs: WsdlShape) -> list[str]:
    problems: list[str] = []
    if ours.target_namespace != theirs.target_namespace:
        problems.append(
            f"WSDL target namespace {ours.target_namespace!r}: NetSuite's is "
            f"{theirs.target_namespace!r}"
        )
    for item in ours.schema_imports:
        if item not in theirs.schema_imports:
            problems.append(f"WSDL schema import {item}: not among NetSuite's")
    # Operations carry a message whole; the header message is only ever used a part at a time.
    carried = {
        message
        for operations in ours.port_types.values()
        for operation in operations.values()
        for message in (operation.input, operation.output, *(m for _, m in operation.faults))
    }
    for name, message in ours.messages.items():
        if name not in theirs.messages:
            problems.append(f"message {name}: NetSuite has no such message")
            continue
        their_parts = theirs.messages[name].parts
        for part, element in message.parts:
            if (part, element) not in their_parts:
                problems.append(f"message {name}: part {part} ({element}) is not NetSuite's")
        if name in carried and set(message.parts) != set(their_parts):
            problems.append(f"message {name}: NetSuite's has the parts {_parts(their_parts)}")
    for port_type, operations in ours.port_types.items():
        their_operations = theirs.port_types.get(port_type)
        if their_operations is None:
            problems.append(f"port type {port_type}: NetSuite has no such port type")
            continue
        for name, operation in operations.items():
            theirs_op = their_operations.get(name)
            if theirs_op is None:
                problems.append(f"operation {name}: not in NetSuite's port type {port_type}")
                continue
            if (operation.input, operation.output) != (theirs_op.input, theirs_op.output):
                problems.append(
                    f"operation {name}: messages {operation.input}/{operation.output}, "
                    f"NetSuite's {theirs_op.input}/{theirs_op.output}"
                )
            for fault in sorted(operation.faults - theirs_op.faults):
                problems.append(f"operation {name}: fault {fault} is not NetSuite's")
    for name, binding in ours.bindings.items():
        theirs_binding = theirs.bindings.get(name)
        if theirs_binding is None:
            problems.append(f"binding {name}: NetSuite has no such binding")
            continue
        mine = (binding.port_type, binding.style, binding.transport)
        their = (theirs_binding.port_type, theirs_binding.style, theirs_binding.transport)
        if mine != their:
            problems.append(f"binding {name}: {mine}, NetSuite's {their}")
        for op_name, operation in binding.operations.items():
            theirs_op = theirs_binding.operations.get(op_name)
            where = f"binding {name} operation {op_name}"
            if theirs_op is None:
                problems.append(f"{where}: NetSuite's binding has no such operation")
                continue
            if operation.soap_action != theirs_op.soap_action:
                problems.append(
                    f"{where}: soapAction {operation.soap_action!r}, NetSuite's "
                    f"{theirs_op.soap_action!r}"
                )
            if operation.body_use != theirs_op.body_use:
                problems.append(f"{where}: body use {operation.body_use}, NetSuite's ...")
            for header in sorted(operation.input_headers - theirs_op.input_headers, key=str):
                problems.append(f"{where}: request header {header} is not NetSuite's")
            for header in sorted(operation.output_headers - theirs_op.output_headers, key=str):
                problems.append(f"{where}: response header {header} is not NetSuite's")
            for fault in sorted(operation.faults - theirs_op.faults):
                problems.append(f"{where}: fault {fault} is not NetSuite's")
    for service, ports in ours.services.items():
        for port_name, port in ports.items():
            theirs_port = theirs.services.get(service, {}).get(port_name)
            if theirs_port != port:
                problems.append(
                    f"service {service} port {port_name}: {port}, NetSuite's {theirs_port}"
                )
    return problems


def _document_problems(ours: SchemaSet, theirs: SchemaSet) -> list[str]:
    problems: list[str] = []
    for document, namespace in ours.documents.items():
        if document not in theirs.documents:
            problems.append(f"schema document {document}: NetSuite has no such file")
            continue
        if namespace != theirs.documents[document]:
            problems.append(
                f"schema document {document}: target namespace {namespace!r}, NetSuite's "
                f"{theirs.documents[document]!r}"
            )
        for item in ours.imports.get(document, ()):
            if item not in theirs.imports.get(document, ()):
                problems.append(f"schema document {document}: import {item} is not NetSuite's")
    return problems


def _element_problems(ours: SchemaSet, theirs: SchemaSet) -> list[str]:
    problems: list[str] = []
    for name, element in ours.elements.items():
        if name not in theirs.elements:
            problems.append(f"global element {name}: NetSuite has no such element")
        elif element != theirs.elements[name]:
            problems.append(f"global element {name}: {element}, NetSuite's {theirs.elements[name]}")
    return problems


def _complex_type_problems(mine: ComplexTypeShape, theirs: ComplexTypeShape) -> list[str]:
    where = f"complex type {mine.name.name} ({mine.name.namespace})"
    problems: list[str] = []
    for aspect in ("abstract", "base", "derivation", "simple_content"):
        if getattr(mine, aspect) != getattr(theirs, aspect):
            problems.append(
                f"{where}: {aspect} {getattr(mine, aspect)!r}, NetSuite's "
                f"{getattr(theirs, aspect)!r}"
            )
    their_elements = {element.name: element for element in theirs.elements}
    position = 0
    kept: set[QName] = set()
    their_order = [element.name for element in theirs.elements]
    for element in mine.elements:
        theirs_element = their_elements.get(element.name)
        if theirs_element is None:
            problems.append(f"{where}: element {element.name.name!r} is not in NetSuite's type")
            continue
        kept.add(element.name)
        if element != theirs_element:
            problems.append(
                f"{where}: element {element.name.name!r} is {_shape(element)}, NetSuite's is "
                f"{_shape(theirs_element)}"
            )
        index = their_order.index(element.name)
        if index < position:
            problems.append(
                f"{where}: element {element.name.name!r} comes after an element NetSuite puts "
                "after it"
            )
        position = max(position, index)
    for element in theirs.elements:
        if element.name not in kept and element.min_occurs > 0:
            problems.append(
                f"{where}: element {element.name.name!r} is required by NetSuite but left out"
            )
    their_attributes = {attribute.name: attribute for attribute in theirs.attributes}
    for attribute in mine.attributes:
        theirs_attribute = their_attributes.get(attribute.name)
        if theirs_attribute is None:
            problems.append(f"{where}: attribute {attribute.name!r} is not in NetSuite's type")
        elif attribute != theirs_attribute:
            problems.append(
                f"{where}: attribute {attribute.name!r} is {attribute}, NetSuite's is "
                f"{theirs_attribute}"
            )
    mine_names = {attribute.name for attribute in mine.attributes}
    for attribute in theirs.attributes:
        if attribute.required and attribute.name not in mine_names:
            problems.append(
                f"{where}: attribute {attribute.name!r} is required by NetSuite but left out"
            )
    return problems


def _parts(parts: tuple[tuple[str, QName], ...]) -> str:
    return ", ".join(f"{part} ({element})" for part, element in parts)


def _shape(element: object) -> str:
    fields = ("type", "min_occurs", "max_occurs", "nillable", "default", "is_ref")
    return ", ".join(f"{name}={getattr(element, name)!s}" for name in fields)


def _simple_type_problems(ours: SchemaSet, theirs: SchemaSet) -> list[str]:
    problems: list[str] = []
    for name, simple in ours.simple_types.items():
        theirs_simple = theirs.simple_types.get(name)
        if theirs_simple is None:
            problems.append(f"simple type {name}: NetSuite has no such type")
            continue
        if simple.base != theirs_simple.base:
            problems.append(
                f"simple type {name}: base {simple.base}, NetSuite's {theirs_simple.base}"
            )
        extra = sorted(set(simple.enumerations) - set(theirs_simple.enumerations))
        if extra:
            problems.append(f"simple type {name}: values {extra} are not NetSuite's")
        if theirs_simple.enumerations and not simple.enumerations:
            problems.append(f"simple type {name}: NetSuite's is an enumeration, ours is not")
    return problems


def closure_problems(wsdl: WsdlShape) -> list[str]:
    """Names used in ``wsdl`` and its schemas that are declared nowhere in them."""
    schemas = wsdl.schemas
    problems: list[str] = []

    def need_type(name: QName | None, where: str) -> None:
        if name is None or name.namespace == XSD:
            return
        if name not in schemas.complex_types and name not in schemas.simple_types:
            problems.append(f"{where}: the type {name} is not declared")

    for name, element in schemas.elements.items():
        need_type(element.type, f"global element {name}")
    for name, shape in schemas.complex_types.items():
        need_type(shape.base, f"complex type {name}")
        for element in shape.elements:
            if element.is_ref and element.name not in schemas.elements:
                problems.append(f"complex type {name}: the element {element.name} is not declared")
            need_type(element.type, f"complex type {name} element {element.name.name}")
        for attribute in shape.attributes:
            need_type(attribute.type, f"complex type {name} attribute {attribute.name}")
    for name, simple in schemas.simple_types.items():
        need_type(simple.base, f"simple type {name}")
    for message in wsdl.messages.values():
        for part, element in message.parts:
            if element not in schemas.elements:
                problems.append(f"message {message.name} part {part}: {element} is not declared")
    for operations in wsdl.port_types.values():
        for operation in operations.values():
            used = {operation.input, operation.output} | {m for _, m in operation.faults}
            for message_name in sorted(used - set(wsdl.messages)):
                problems.append(f"operation {operation.name}: message {message_name} is missing")
    return problems
