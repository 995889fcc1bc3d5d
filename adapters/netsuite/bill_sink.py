"""A sink that records AHEAD's invoices as NetSuite vendor bills.

Record: an AHEAD invoice (``ahead-invoices``), key ``invoice:<id>``. The bill's external id is
``ahead-invoice-<id>`` by default, and the bill is written with ``upsert``: NetSuite finds it
by external id and updates it, or creates it, so a repeated write (after a lost answer, or a
changed invoice) never makes a second bill.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from pydantic import Field

from adapters.base import AdapterSettings, Record
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.records import RecordType
from adapters.netsuite.sink_base import (
    NetSuiteSink,
    NetSuiteSinkSettings,
    outcome_of,
    validated,
)
from adapters.netsuite.targets import VendorBillDocument


class NetSuiteVendorBillSinkSettings(NetSuiteSinkSettings):
    """The settings of :class:`NetSuiteVendorBillSink`.

    Attributes:
        key_prefix: left out of the key to make the external id (``invoice:``).
        external_id_prefix: put before the rest (``ahead-invoice-``).
    """

    key_prefix: str = "invoice:"
    external_id_prefix: str = Field(default="ahead-invoice-", min_length=1)


class NetSuiteVendorBillSink(NetSuiteSink):
    """Upserts a vendor bill by external id for each invoice (see the module).

    Settings: :class:`NetSuiteVendorBillSinkSettings`. A second write, or :meth:`update`,
    replaces the bill's fields and lines.
    """

    kind = "netsuite-vendor-bills"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteVendorBillSinkSettings
    record_type = RecordType.VENDOR_BILL

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Upsert the bill; the reference is its internal id.

        Raises:
            SinkRejectedError: the document is not a valid bill, or NetSuite refused it (its
                code and message).
            SinkUnavailableError: NetSuite was not reached or its limits refused the request
                after the client's retries.
            SinkOutcomeUnknownError: an answer that could not be read.
        """
        bill = validated(VendorBillDocument, document)
        external_id = self.external_id(record)
        return outcome_of(
            f"the upsert of vendor bill {external_id}",
            lambda: str(self.client.upsert(self._record(external_id, bill)).internal_id),
        )

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Upsert the changed bill: the same record, its fields and lines replaced."""
        return self.write(record, document)

    def _record(self, external_id: str, bill: VendorBillDocument) -> Any:
        client = self.client
        return client.record(
            RecordType.VENDOR_BILL,
            externalId=external_id,
            entity=client.value(Namespace.CORE, "RecordRef", internalId=bill.vendor),
            tranId=bill.reference,
            tranDate=_moment(bill.bill_date),
            dueDate=_moment(bill.due_date),
            userTotal=float(bill.total) if bill.total is not None else None,
            memo=bill.memo,
            itemList=client.value(
                Namespace.PURCHASES,
                "VendorBillItemList",
                item=[
                    client.value(
                        Namespace.PURCHASES,
                        "VendorBillItem",
                        item=client.value(
                            Namespace.CORE,
                            "RecordRef",
                            internalId=line.item_internal_id,
                            externalId=line.item_external_id,
                        ),
                        quantity=float(line.quantity),
                        rate=str(line.rate) if line.rate is not None else None,
                        description=line.description,
                    )
                    for line in bill.lines
                ],
            ),
        )


def _moment(day: date | None) -> datetime | None:
    # NetSuite's transaction dates are dateTime fields; a day is its midnight, in UTC.
    return datetime.combine(day, time(), tzinfo=UTC) if day is not None else None
