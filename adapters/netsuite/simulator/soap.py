"""SOAP 1.1 envelopes as the simulator reads and writes them.

Requests are parsed with a safe parser (no DTD, no entities, no network) and refused if they
carry a DOCTYPE. Answers declare every SuiteTalk namespace at the envelope, with NetSuite's own
prefixes, so that ``xsi:type`` values anywhere in the body can name any type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from adapters.netsuite.endpoints import PACKAGED_VERSION
from adapters.netsuite.faults import FaultType
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.schema import QName, safe_parser
from adapters.netsuite.simulator.data import XSI, RecordCodec

SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"

#: NetSuite's prefixes for its namespaces.
PREFIXES = {
    Namespace.CORE: "platformCore",
    Namespace.CORE_TYPES: "platformCoreTyp",
    Namespace.COMMON: "platformCommon",
    Namespace.COMMON_TYPES: "platformCommonTyp",
    Namespace.MESSAGES: "platformMsgs",
    Namespace.FAULTS: "platformFaults",
    Namespace.FAULT_TYPES: "platformFaultTyp",
    Namespace.SALES: "tranSales",
    Namespace.SALES_TYPES: "tranSalesTyp",
    Namespace.PURCHASES: "tranPurch",
    Namespace.CUSTOMERS: "tranCust",
    Namespace.CUSTOMERS_TYPES: "tranCustTyp",
    Namespace.ACCOUNTING: "listAcct",
}


def namespace_prefixes(version: str = PACKAGED_VERSION) -> dict[str, str]:
    """The prefix of each SuiteTalk namespace URI of ``version``."""
    return {namespace.uri(version): prefix for namespace, prefix in PREFIXES.items()}


class SoapRequestError(ValueError):
    """A request that is not a SOAP envelope the simulator can read; answered as a Client fault."""


@dataclass(frozen=True)
class SoapRequest:
    """A parsed request.

    Attributes:
        operation: the local name of the body's element (``get``, ``search``).
        body: that element.
        headers: the header elements by local name (``tokenPassport``).
    """

    operation: str
    body: etree._Element
    headers: Mapping[str, etree._Element]


def parse_request(content: bytes) -> SoapRequest:
    """Read a SOAP 1.1 request.

    Raises:
        SoapRequestError: not well-formed XML, a DOCTYPE, or not a SOAP envelope with a body.
    """
    try:
        root = etree.fromstring(content, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SoapRequestError(f"the request is not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise SoapRequestError("the request carries a DOCTYPE, which is not allowed")
    if root.tag != f"{{{SOAP_ENVELOPE}}}Envelope":
        raise SoapRequestError("the request is not a SOAP 1.1 envelope")
    body = root.find(f"{{{SOAP_ENVELOPE}}}Body")
    elements = [child for child in body if isinstance(child.tag, str)] if body is not None else []
    if len(elements) != 1:
        raise SoapRequestError("the SOAP body must hold exactly one operation element")
    header = root.find(f"{{{SOAP_ENVELOPE}}}Header")
    headers = {
        etree.QName(child).localname: child
        for child in (header if header is not None else [])
        if isinstance(child.tag, str)
    }
    return SoapRequest(etree.QName(elements[0]).localname, elements[0], headers)


class EnvelopeWriter:
    """Writes answers: a body from response data, or a fault.

    Args:
        codec: reads and writes record data against our schema.
        version: the SuiteTalk version of the namespaces.
    """

    def __init__(self, codec: RecordCodec, version: str = PACKAGED_VERSION) -> None:
        self._codec = codec
        self._version = version
        self._nsmap: dict[str | None, str] = {
            "soapenv": SOAP_ENVELOPE,
            "xsd": "http://www.w3.org/2001/XMLSchema",
            "xsi": XSI,
        }
        self._nsmap.update({prefix: uri for uri, prefix in namespace_prefixes(version).items()})

    def answer(self, operation: str, data: Mapping[str, Any], document_id: str) -> bytes:
        """The envelope answering ``operation`` with ``data`` as the content of its response
        element (``<getResponse>``), and a ``documentInfo`` header."""
        envelope, body = self._envelope()
        header = etree.Element(f"{{{SOAP_ENVELOPE}}}Header")
        envelope.insert(0, header)
        messages = Namespace.MESSAGES.uri(self._version)
        info = etree.SubElement(header, f"{{{messages}}}documentInfo")
        etree.SubElement(info, f"{{{messages}}}nsId").text = document_id
        element = self._codec.schemas.elements[QName(messages, f"{operation}Response")]
        self._codec.write(body, element.name, self._codec.schemas.element_type(element), data, "")
        return _serialize(envelope)

    def fault(self, fault_type: FaultType, code: str, message: str) -> bytes:
        """A NetSuite fault: ``Server.userException`` with the fault's detail element."""
        envelope, body = self._envelope()
        fault = self._fault(body, "soapenv:Server.userException", message)
        faults = Namespace.FAULTS.uri(self._version)
        detail = etree.SubElement(etree.SubElement(fault, "detail"), f"{{{faults}}}{fault_type}")
        etree.SubElement(detail, f"{{{faults}}}code").text = code
        etree.SubElement(detail, f"{{{faults}}}message").text = message
        return _serialize(envelope)

    def client_fault(self, message: str) -> bytes:
        """A fault for a request the simulator cannot read at all."""
        envelope, body = self._envelope()
        self._fault(body, "soapenv:Client", message)
        return _serialize(envelope)

    def _envelope(self) -> tuple[etree._Element, etree._Element]:
        envelope = etree.Element(f"{{{SOAP_ENVELOPE}}}Envelope", nsmap=self._nsmap)
        return envelope, etree.SubElement(envelope, f"{{{SOAP_ENVELOPE}}}Body")

    @staticmethod
    def _fault(body: etree._Element, code: str, message: str) -> etree._Element:
        fault = etree.SubElement(body, f"{{{SOAP_ENVELOPE}}}Fault")
        etree.SubElement(fault, "faultcode").text = code
        etree.SubElement(fault, "faultstring").text = message
        return fault


def _serialize(envelope: etree._Element) -> bytes:
    data: bytes = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    return data
