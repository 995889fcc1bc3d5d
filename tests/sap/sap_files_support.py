"""Helpers of the SAP file adapter tests: a store, ORDERS05 files, DESADV and INVOIC documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.base import STORE_SERVICE, AdapterContext
from connector.store import CheckpointStore

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parents[2] / "examples" / "sap"


def open_store(folder: Path) -> CheckpointStore:
    """A SQLite store in ``folder``."""
    return CheckpointStore.open(f"sqlite:///{folder / 'state.db'}")


def context(deployment: Path, store: CheckpointStore, name: str) -> AdapterContext:
    """The context of an adapter in ``deployment`` with the store."""
    return AdapterContext(name, deployment, services={STORE_SERVICE: store})


def orders05(po_number: str, *, quantity: str = "2.000", sku: str = "ACME-SB2000") -> str:
    """An ORDERS05 file of one IDoc: ``quantity`` of ``sku`` for purchase order ``po_number``,
    shipped to Acme Robotics Receiving in Boulder."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ORDERS05>
  <IDOC BEGIN="1">
    <EDI_DC40 SEGMENT="1">
      <TABNAM>EDI_DC40</TABNAM>
      <DOCNUM>{po_number[-6:]:0>16}</DOCNUM>
      <IDOCTYP>ORDERS05</IDOCTYP>
      <MESTYP>ORDERS</MESTYP>
      <SNDPOR>ACMEPORT</SNDPOR>
      <SNDPRT>KU</SNDPRT>
      <SNDPRN>0000100001</SNDPRN>
      <RCVPOR>AHEADPORT</RCVPOR>
      <RCVPRT>LS</RCVPRT>
      <RCVPRN>AHEADMFG</RCVPRN>
    </EDI_DC40>
    <E1EDK01 SEGMENT="1">
      <CURCY>USD</CURCY>
      <BELNR>{po_number}</BELNR>
    </E1EDK01>
    <E1EDKA1 SEGMENT="1">
      <PARVW>WE</PARVW>
      <NAME1>Acme Robotics Receiving</NAME1>
      <STRAS>4501 Cascade Ave</STRAS>
      <ORT01>Boulder</ORT01>
      <PSTLZ>80301</PSTLZ>
      <REGIO>CO</REGIO>
      <LAND1>US</LAND1>
    </E1EDKA1>
    <E1EDP01 SEGMENT="1">
      <POSEX>000010</POSEX>
      <MENGE>{quantity}</MENGE>
      <MENEE>EA</MENEE>
      <E1EDP19 SEGMENT="1">
        <QUALF>001</QUALF>
        <IDTNR>{sku}</IDTNR>
      </E1EDP19>
    </E1EDP01>
  </IDOC>
</ORDERS05>
"""


def desadv_document(number: int, revision: int = 0) -> dict[str, Any]:
    """A ``sap.desadv`` document for AHEAD order ``5000 + number``."""
    return {
        "delivery": str(5000 + number),
        "customer_order": f"ACME-45000{number:05d}",
        "purchase_order": f"45000{number:05d}",
        "bill_of_lading": f"1Z999AA1{number:010d}",
        "ship_method": "FedEx Ground",
        "ship_to": {
            "name": "Acme Robotics & Sons <Receiving>",
            "street": "4501 Cascade Ave",
            "city": "Boulder",
            "postal_code": "80301",
            "region": "CO",
            "country": "US",
        },
        "items": [
            {"product_code": "StockBox 2000", "quantity": Decimal(1 + revision), "unit": "EA"},
            {"product_code": "Power Cord C13", "quantity": Decimal("4"), "unit": "EA"},
        ],
        "packages": [{"tracking_number": f"1Z999AA1{number:010d}", "weight": Decimal("18.5")}],
    }


def invoic_document(number: int) -> dict[str, Any]:
    """A ``sap.invoic`` document for AHEAD invoice ``7000 + number``."""
    return {
        "invoice_number": str(7000 + number),
        "billed_on": "2025-01-20",
        "currency": "USD",
        "total": Decimal("5029.00"),
        "purchase_order": f"45000{number:05d}",
        "customer_order": f"ACME-45000{number:05d}",
        "ship_to": {"name": "Acme Robotics", "city": "Boulder", "country": "US"},
        "items": [
            {
                "product_code": "StockBox 2000",
                "customer_sku": "ACME-SB2000",
                "quantity": Decimal(1),
                "unit": "EA",
                "unit_price": Decimal("4999.00"),
                "net_amount": Decimal("4999.00"),
            },
            {"product_code": "Power Cord C13", "quantity": Decimal(4), "unit": "EA"},
        ],
    }
