"""Our trimmed SuiteTalk 2023_2 WSDL and XSDs are a true subset of NetSuite's.

NetSuite's files are reference data outside the repository
(``<repo>/../shared/reference/netsuite-2023_2/``, or ``$AHEAD_NETSUITE_REFERENCE_DIR``); where
they are absent, the comparisons are skipped with the reason. ``netsuite_conformance_support``
says what "true subset" means.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import zeep
from netsuite_conformance_support import (
    REFERENCE_DIRECTORY,
    closure_problems,
    conformance_problems,
)

from adapters.netsuite import PACKAGED_WSDL
from adapters.netsuite.schema import WsdlShape, load_wsdl

needs_reference = pytest.mark.skipif(
    not (REFERENCE_DIRECTORY / "netsuite.wsdl").is_file(),
    reason=f"NetSuite's 2023_2 WSDL is not at {REFERENCE_DIRECTORY} (set "
    "AHEAD_NETSUITE_REFERENCE_DIR); conformance not checked",
)

OPERATIONS = {
    "get",
    "getList",
    "search",
    "searchMoreWithId",
    "add",
    "update",
    "upsert",
    "initialize",
}


@pytest.fixture(scope="module")
def netsuites() -> WsdlShape:
    return load_wsdl(REFERENCE_DIRECTORY / "netsuite.wsdl")


def _report(problems: list[str]) -> str:
    return "\n".join(problems)


@needs_reference
def test_every_part_of_our_trimmed_wsdl_is_netsuites_with_the_same_shape(
    netsuites: WsdlShape,
) -> None:
    problems = conformance_problems(load_wsdl(PACKAGED_WSDL), netsuites)

    assert problems == [], _report(problems)


def test_our_trimmed_wsdl_declares_everything_it_names() -> None:
    problems = closure_problems(load_wsdl(PACKAGED_WSDL))

    assert problems == [], _report(problems)


def test_our_trimmed_wsdl_has_the_operations_and_records_the_connector_uses() -> None:
    ours = load_wsdl(PACKAGED_WSDL)
    type_names = {name.name for name in ours.schemas.complex_types}

    assert set(ours.port_types["NetSuitePortType"]) == OPERATIONS
    assert set(ours.bindings["NetSuiteBinding"].operations) == OPERATIONS
    assert {
        "SalesOrder",
        "ItemFulfillment",
        "ItemFulfillmentPackageList",
        "VendorBill",
        "ReturnAuthorization",
        "InventoryItem",
        "InventoryDetail",
        "TransactionSearchAdvanced",
        "TokenPassport",
    } <= type_names


def test_zeep_reads_our_trimmed_wsdl_and_offers_every_operation() -> None:
    client = zeep.Client(str(PACKAGED_WSDL))
    service = client.bind("NetSuiteService", "NetSuitePort")

    for operation in OPERATIONS:
        assert callable(getattr(service, operation))


# Each change makes our files claim something NetSuite's do not say; the comparison must
# notice it and name the place.
DOCTORED = [
    pytest.param(
        "transactions.sales.xsd",
        '<element name="tranId" type="xsd:string" minOccurs="0"/>',
        '<element name="tranId" type="xsd:int" minOccurs="0"/>',
        "complex type SalesOrder (urn:sales_2023_2.transactions.webservices.netsuite.com): "
        "element 'tranId' is type={http://www.w3.org/2001/XMLSchema}int",
        id="wrong-element-type",
    ),
    pytest.param(
        "platform.core.xsd",
        '<element name="nonce" type="xsd:string"/>',
        '<element name="nonce" type="xsd:string" minOccurs="0"/>',
        "complex type TokenPassport (urn:core_2023_2.platform.webservices.netsuite.com): "
        "element 'nonce' is type={http://www.w3.org/2001/XMLSchema}string, min_occurs=0",
        id="wrong-min-occurs",
    ),
    pytest.param(
        "platform.core.xsd",
        '<element name="customField" type="platformCore:CustomFieldRef" minOccurs="0" '
        'maxOccurs="unbounded"/>',
        '<element name="customField" type="platformCore:CustomFieldRef" minOccurs="0"/>',
        "complex type CustomFieldList (urn:core_2023_2.platform.webservices.netsuite.com): "
        "element 'customField' is",
        id="wrong-max-occurs",
    ),
    pytest.param(
        "transactions.sales.xsd",
        '<element name="memo" type="xsd:string" minOccurs="0"/>',
        '<element name="memo" type="xsd:string" minOccurs="0" nillable="true"/>',
        "complex type SalesOrder (urn:sales_2023_2.transactions.webservices.netsuite.com): "
        "element 'memo' is",
        id="wrong-nillable",
    ),
    pytest.param(
        "platform.core.xsd",
        '<element name="nonce" type="xsd:string"/>\n',
        "",
        "element 'nonce' is required by NetSuite but left out",
        id="required-element-left-out",
    ),
    pytest.param(
        "transactions.sales.xsd",
        '<element name="packageWeight" type="xsd:double" minOccurs="0"/>\n'
        '      <element name="packageDescr" type="xsd:string" minOccurs="0"/>',
        '<element name="packageDescr" type="xsd:string" minOccurs="0"/>\n'
        '      <element name="packageWeight" type="xsd:double" minOccurs="0"/>',
        "element 'packageWeight' comes after an element NetSuite puts after it",
        id="elements-out-of-order",
    ),
    pytest.param(
        "transactions.sales.xsd",
        '<element name="packageTrackingNumber" type="xsd:string" minOccurs="0"/>',
        '<element name="trackingNumber" type="xsd:string" minOccurs="0"/>',
        "complex type ItemFulfillmentPackage (urn:sales_2023_2.transactions.webservices."
        "netsuite.com): element 'trackingNumber' is not in NetSuite's type",
        id="invented-element",
    ),
    pytest.param(
        "transactions.sales.xsd",
        '<attribute name="replaceAll" type="xsd:boolean" default="true"/>',
        '<attribute name="replaceAll" type="xsd:boolean" default="false"/>',
        "complex type SalesOrderItemList (urn:sales_2023_2.transactions.webservices.netsuite."
        "com): attribute 'replaceAll' is",
        id="wrong-attribute-default",
    ),
    pytest.param(
        "transactions.saleTypes.xsd",
        '<enumeration value="_shipped"/>',
        '<enumeration value="_shipped"/>\n      <enumeration value="_delivered"/>',
        "values ['_delivered'] are not NetSuite's",
        id="invented-enumeration-value",
    ),
    pytest.param(
        "netsuite.wsdl",
        '<soap:operation soapAction="upsert"/>',
        '<soap:operation soapAction="upsertRecord"/>',
        "binding NetSuiteBinding operation upsert: soapAction 'upsertRecord', NetSuite's 'upsert'",
        id="wrong-soap-action",
    ),
    pytest.param(
        "platform.messages.xsd",
        '<element name="add" type="platformMsgs:AddRequest"/>',
        '<element name="add" type="platformMsgs:UpdateRequest"/>',
        "global element {urn:messages_2023_2.platform.webservices.netsuite.com}add",
        id="wrong-global-element-type",
    ),
]


@needs_reference
@pytest.mark.parametrize(("file_name", "original", "replacement", "expected"), DOCTORED)
def test_a_trimmed_file_that_says_something_netsuites_does_not_is_caught(
    netsuites: WsdlShape,
    tmp_path: Path,
    file_name: str,
    original: str,
    replacement: str,
    expected: str,
) -> None:
    copy = tmp_path / "wsdl"
    shutil.copytree(PACKAGED_WSDL.parent, copy)
    doctored = copy / file_name if file_name.endswith(".wsdl") else copy / "xsd" / file_name
    text = doctored.read_text(encoding="utf-8")
    assert original in text, f"{file_name} no longer holds {original!r}; update this test"
    doctored.write_text(text.replace(original, replacement, 1), encoding="utf-8")

    problems = conformance_problems(load_wsdl(copy / "netsuite.wsdl"), netsuites)

    assert any(expected in problem for problem in problems), _report(problems)
