"""A sink that matches AHEAD invoices with the sales order's billing documents in SAP and
reports each match as a file.

``A_BillingDocument`` is read-only: SAP bills its own customer, and the connector cannot write
AHEAD's invoice into SAP through OData. What it can do is tell accounting whether SAP billed
what AHEAD invoiced. "Reported" means: for each ``sap.invoice_match`` document
(:class:`~adapters.sap.documents.InvoiceMatchDocument`) one JSON file in the ``reports``
folder, ``invoice-<key>.json``, with the invoice, the sales order's billing documents that
are not cancelled (number, date, net amount, currency) and a verdict
(:class:`MatchVerdict`): ``matched`` (one billing document has the invoice's total),
``amount-differs`` (billed, but no billing document has that total) or ``not-billed`` (SAP
has no billing document for the sales order yet). A verdict other than ``matched`` is logged
as a warning. A report is written once, through the store's ledger like every file sink; the
file is the remote reference.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pydantic

from adapters.base import (
    STORE_SERVICE,
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.filedrop import prepare_folder
from adapters.registry import AdapterSettingsError, SettingsProblem
from adapters.sap.documents import InvoiceMatchDocument
from adapters.sap.errors import SapError
from adapters.sap.odata import ODataClient
from adapters.sap.published import PublishedFiles
from adapters.sap.services import SapService
from adapters.sap.settings import SapConnectionSettings
from adapters.sap.values import decode_entity, quote_string
from connector.store import CheckpointStore

__all__ = ["MatchVerdict", "SapInvoiceMatchSettings", "SapInvoiceMatchSink"]

logger = logging.getLogger(__name__)


class MatchVerdict(enum.Enum):
    """How an AHEAD invoice compares with SAP's billing documents of its sales order."""

    MATCHED = "matched"
    AMOUNT_DIFFERS = "amount-differs"
    NOT_BILLED = "not-billed"


class SapInvoiceMatchSettings(AdapterSettings):
    """The settings of :class:`SapInvoiceMatchSink`.

    Attributes:
        connection: the SAP system.
        reports: where the match reports are written.
    """

    connection: SapConnectionSettings
    reports: Path = Path("reports")


class SapInvoiceMatchSink(Sink):
    """Reports how each AHEAD invoice matches SAP's billing documents (kind
    ``sap-invoice-matches``); see the module docs."""

    kind: ClassVar[str] = "sap-invoice-matches"
    settings_model: ClassVar[type[AdapterSettings]] = SapInvoiceMatchSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink, its reports folder and its OData client (no request is sent yet).

        Raises:
            TypeError: ``settings`` is not :class:`SapInvoiceMatchSettings`.
            AdapterSettingsError: the store is not provided or the folder cannot be made.
        """
        if not isinstance(settings, SapInvoiceMatchSettings):
            raise TypeError(f"SapInvoiceMatchSink takes SapInvoiceMatchSettings, not {settings!r}")
        super().__init__(settings, context)
        try:
            store = context.service(STORE_SERVICE, CheckpointStore)
        except LookupError as exc:
            raise AdapterSettingsError.for_adapter(
                context, type(self), SettingsProblem(None, str(exc))
            ) from None
        folder = prepare_folder(context, type(self), "reports", settings.reports)
        self.files = PublishedFiles(
            store, context.name, folder, "invoice", ".json", "sap-invoice-match"
        )
        self._billing = ODataClient.for_service(settings.connection, SapService.BILLING_DOCUMENT)

    def close(self) -> None:
        """Close the connection to SAP."""
        self._billing.close()

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Match the invoice and write its report; the report's file name is returned.

        Raises:
            SinkRejectedError: the document does not fit.
            SinkUnavailableError: SAP could not be read, or the report could not be written.
        """
        try:
            invoice = InvoiceMatchDocument.model_validate(document)
        except pydantic.ValidationError as exc:
            raise SinkRejectedError(
                f"the invoice match for {record.key} does not fit: {exc}"
            ) from None
        report = self.match(invoice)
        if report["verdict"] != MatchVerdict.MATCHED.value:
            logger.warning(
                "AHEAD invoice %s (sales order %s, total %s): %s",
                invoice.invoice,
                invoice.sales_order,
                invoice.total,
                report["verdict"],
            )
        data = (json.dumps(report, indent=2, sort_keys=True) + "\n").encode()
        return self.files.publish(record.key, data)

    def lookup(self, record: Record) -> str | None:
        """The report written for ``record.key``, or ``None``."""
        return self.files.find(record.key)

    def match(self, invoice: InvoiceMatchDocument) -> dict[str, Any]:
        """The report of one invoice: the invoice, the billing documents and the verdict.

        Raises:
            SinkUnavailableError: SAP could not be read.
        """
        try:
            numbers = sorted(
                {
                    str(item["BillingDocument"])
                    for item in self._billing.iter_entities(
                        "A_BillingDocumentItem",
                        filter=f"SalesDocument eq {quote_string(invoice.sales_order)}",
                        select=["BillingDocument"],
                    )
                }
            )
            documents = [
                decode_entity(self._billing.get(f"A_BillingDocument({quote_string(number)})"))
                for number in numbers
            ]
        except SapError as exc:
            raise SinkUnavailableError(
                f"the billing documents of sales order {invoice.sales_order} could not be "
                f"read: {exc}"
            ) from None
        billed = [
            {
                "billing_document": str(document["BillingDocument"]),
                "date": document.get("BillingDocumentDate"),
                "net_amount": str(document.get("TotalNetAmount")),
                "currency": document.get("TransactionCurrency"),
            }
            for document in documents
            if not document.get("BillingDocumentIsCancelled")
        ]
        if not billed:
            verdict = MatchVerdict.NOT_BILLED
        elif any(Decimal(str(entry["net_amount"])) == invoice.total for entry in billed):
            verdict = MatchVerdict.MATCHED
        else:
            verdict = MatchVerdict.AMOUNT_DIFFERS
        return {
            "invoice": invoice.model_dump(mode="json"),
            "billing_documents": billed,
            "verdict": verdict.value,
        }
