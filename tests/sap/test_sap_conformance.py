"""Our trimmed SAP metadata is a true subset of SAP's real metadata.

SAP's metadata is reference data outside the repository (``<repo>/../shared/reference/sap/``);
where that folder is absent these tests are skipped with the reason. ``sap_conformance_support``
says what is compared, and what the billing document's CDS file cannot tell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sap_conformance_support import (
    REFERENCE_DIRECTORY,
    compare_with_cds,
    compare_with_edmx,
    read_cds,
)

from adapters.sap.edm import ServiceMetadata, read_metadata
from adapters.sap.services import SapService

pytestmark = pytest.mark.skipif(
    not REFERENCE_DIRECTORY.is_dir(),
    reason=f"SAP's reference metadata is not at {REFERENCE_DIRECTORY}; conformance not checked",
)

EDMX_REFERENCES = {
    SapService.SALES_ORDER: "API_SALES_ORDER_SRV.edmx",
    SapService.OUTBOUND_DELIVERY: "API_OUTBOUND_DELIVERY_SRV_0002.edmx",
}
BILLING_REFERENCE = "API_BILLING_DOCUMENT_SRV.cds"


def _theirs(service: SapService) -> ServiceMetadata:
    return read_metadata(REFERENCE_DIRECTORY / EDMX_REFERENCES[service])


def _doctored(
    service: SapService, tmp_path: Path, *replacements: tuple[str, str]
) -> ServiceMetadata:
    text = service.metadata_bytes().decode()
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} must occur once in our metadata"
        text = text.replace(old, new)
    path = tmp_path / service.metadata_file
    path.write_text(text, encoding="utf-8")
    return read_metadata(path)


@pytest.mark.parametrize("service", list(EDMX_REFERENCES), ids=str)
def test_our_metadata_is_a_true_subset_of_sap_s(service: SapService) -> None:
    assert compare_with_edmx(service.metadata(), _theirs(service)) == []


def test_our_billing_metadata_matches_sap_s_service_as_imported_into_cds() -> None:
    theirs = read_cds(REFERENCE_DIRECTORY / BILLING_REFERENCE)

    assert compare_with_cds(SapService.BILLING_DOCUMENT.metadata(), theirs) == []


def test_the_cds_reader_sees_sap_s_billing_service_whole() -> None:
    theirs = read_cds(REFERENCE_DIRECTORY / BILLING_REFERENCE)

    header = theirs.entities["A_BillingDocument"]
    assert theirs.name == "API_BILLING_DOCUMENT_SRV"
    assert header.annotations["sap.creatable"] == "false"
    assert [name for name, element in header.elements.items() if element.key] == ["BillingDocument"]
    assert header.elements["LastChangeDateTime"].type == "Timestamp"
    assert header.elements["LastChangeDateTime"].annotations["odata.Precision"] == 7
    assert header.elements["TotalGrossAmount"].arguments == (17, 3)
    assert header.associations["to_Item"].target == "A_BillingDocumentItem"
    assert header.associations["to_Item"].many
    assert set(header.operations) == {"Cancel", "GetPDF"}


def test_a_property_that_differs_from_sap_s_is_caught(tmp_path: Path) -> None:
    ours = _doctored(
        SapService.SALES_ORDER,
        tmp_path,
        (
            '<Property Name="PurchaseOrderByShipToParty" Type="Edm.String" MaxLength="35"/>',
            '<Property Name="PurchaseOrderByShipToParty" Type="Edm.String" MaxLength="40"/>',
        ),
        (
            '<Property Name="RequestedQuantity" Type="Edm.Decimal" Precision="15" Scale="3"/>',
            '<Property Name="RequestedQuantity" Type="Edm.Decimal" Precision="15" Scale="2"/>'
            '<Property Name="RequestedShoeSize" Type="Edm.String" MaxLength="3"/>',
        ),
    )

    problems = compare_with_edmx(ours, _theirs(SapService.SALES_ORDER))

    assert problems == [
        "A_SalesOrderType.PurchaseOrderByShipToParty: max_length is 40 here, 35 in SAP's metadata",
        "A_SalesOrderItemType.RequestedQuantity: scale is 2 here, 3 in SAP's metadata",
        "A_SalesOrderItemType: SAP has no property RequestedShoeSize",
    ]


def test_a_key_navigation_or_function_import_that_differs_is_caught(tmp_path: Path) -> None:
    ours = _doctored(
        SapService.OUTBOUND_DELIVERY,
        tmp_path,
        (
            '<Property Name="Batch" Type="Edm.String" MaxLength="10" sap:creatable="false"/>',
            '<Property Name="Batch" Type="Edm.String" MaxLength="10"/>',
        ),
        (
            '<Parameter Name="DeliveryDocument" Type="Edm.String" Mode="In" MaxLength="10"/>',
            '<Parameter Name="DeliveryDocument" Type="Edm.String" Mode="In" MaxLength="12"/>',
        ),
        (
            '<NavigationProperty Name="to_DeliveryDocumentItem"',
            '<NavigationProperty Name="to_Items"',
        ),
    )

    problems = compare_with_edmx(ours, _theirs(SapService.OUTBOUND_DELIVERY))

    assert (
        "A_OutbDeliveryItemType.Batch: creatable is True here, False in SAP's metadata" in problems
    )
    assert "A_OutbDeliveryHeaderType: SAP has no navigation property to_Items" in problems
    assert any(problem.startswith("function import PostGoodsIssue:") for problem in problems)
    assert len(problems) == 3


def test_a_billing_property_that_differs_from_sap_s_cds_is_caught(tmp_path: Path) -> None:
    ours = _doctored(
        SapService.BILLING_DOCUMENT,
        tmp_path,
        (
            '<Property Name="TotalNetAmount" Type="Edm.Decimal" Precision="16" Scale="3"/>',
            '<Property Name="TotalNetAmount" Type="Edm.Decimal" Precision="15" Scale="2"/>',
        ),
        (
            '<Property Name="BillingDocumentItem" Type="Edm.String" Nullable="false"',
            '<Property Name="BillingDocumentItem" Type="Edm.String"',
        ),
        (
            '<Property Name="BillingDocumentDate" Type="Edm.DateTime" sap:display-format="Date"/>',
            '<Property Name="BillingDocumentDate" Type="Edm.DateTimeOffset"/>',
        ),
    )

    problems = compare_with_cds(ours, read_cds(REFERENCE_DIRECTORY / BILLING_REFERENCE))

    assert problems == [
        "A_BillingDocument.BillingDocumentDate: Edm.DateTimeOffset would be ('Timestamp', ()), "
        "SAP has Date",
        "A_BillingDocument.BillingDocumentDate: SAP's element is not an Edm.DateTimeOffset",
        "A_BillingDocument.BillingDocumentDate: display format None is 'Date' in SAP's",
        "A_BillingDocument.TotalNetAmount: Edm.Decimal would be ('Decimal', (15, 2)), "
        "SAP has Decimal(16, 3)",
        "A_BillingDocumentItem.BillingDocumentItem: Nullable is True here, not null in SAP's",
    ]
