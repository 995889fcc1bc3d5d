"""The ORDERS05 inbox source: one record per IDoc, bad files to error/ with a report naming
segment and field, good files archived once their records settle; the source contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sap_files_support import DATA, context, open_store, orders05

from adapters.base import Record
from adapters.contract import SourceContract, SourceHarness
from adapters.sap import SapIdocInboxSettings, SapIdocInboxSource
from connector.store import CheckpointStore


class InboxHarness(SourceHarness):
    def __init__(self, deployment: Path) -> None:
        self.deployment = deployment
        self.store = open_store(deployment)

    def make_source(self) -> SapIdocInboxSource:
        settings = SapIdocInboxSettings(key_prefix="ACME-")
        return SapIdocInboxSource(settings, context(self.deployment, self.store, "idoc-in"))

    def put(self, number: int, revision: int = 0) -> str:
        po_number = f"45000{number:05d}"
        inbox = self.deployment / "inbox"
        inbox.mkdir(exist_ok=True)
        text = orders05(po_number, quantity=f"{revision + 1}.000")
        (inbox / f"po-{po_number}.xml").write_text(text, encoding="utf-8")
        return f"ACME-{po_number}"

    def put_bad(self) -> str:
        inbox = self.deployment / "inbox"
        inbox.mkdir(exist_ok=True)
        (inbox / "broken.xml").write_text("<ORDERS05><IDOC BEGIN='1'>", encoding="utf-8")
        return "inbox/broken.xml"

    def was_quarantined(self, origin: str) -> bool:
        return (self.deployment / "error" / Path(origin).name).exists()

    def close(self) -> None:
        self.store.close()


class TestSapIdocInboxContract(SourceContract):
    @pytest.fixture
    def source_harness(self, tmp_path: Path) -> Iterator[InboxHarness]:
        harness = InboxHarness(tmp_path)
        yield harness
        harness.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckpointStore]:
    with open_store(tmp_path) as opened:
        yield opened


def _source(deployment: Path, store: CheckpointStore) -> SapIdocInboxSource:
    return SapIdocInboxSource(
        SapIdocInboxSettings(key_prefix="ACME-"), context(deployment, store, "idoc-in")
    )


def _settle(source: SapIdocInboxSource, records: list[Record]) -> None:
    for record in records:
        source.acknowledge(record, succeeded=True)


def test_each_idoc_becomes_a_record_keyed_by_the_purchase_order_with_an_envelope(
    tmp_path: Path, store: CheckpointStore
) -> None:
    source = _source(tmp_path, store)
    (tmp_path / "inbox" / "po.xml").write_bytes((DATA / "idoc-orders05-good.xml").read_bytes())

    [record] = list(source.read(None))

    assert record.key == "ACME-4500012345"
    assert record.origin == "inbox/po.xml"
    assert record.payload["envelope"] == {
        "customer_order": "ACME-4500012345",
        "purchase_order": "4500012345",
        "sender": "0000100001",
        "message_type": "ORDERS",
    }
    assert record.payload["E1EDKA1"][1]["PARVW"] == "WE"
    assert "DOCNUM" not in record.payload["EDI_DC40"]
    assert "CREDAT" not in record.payload["EDI_DC40"]


def test_the_same_order_sent_again_in_a_new_idoc_has_the_same_hash(
    tmp_path: Path, store: CheckpointStore
) -> None:
    source = _source(tmp_path, store)
    first = orders05("4500000001")
    again = first.replace(
        "<DOCNUM>0000000000000001</DOCNUM>",
        "<DOCNUM>0000000000000099</DOCNUM><CREDAT>20250116</CREDAT>",
    )
    (tmp_path / "inbox" / "a.xml").write_text(first, encoding="utf-8")
    (tmp_path / "inbox" / "b.xml").write_text(again, encoding="utf-8")

    records = list(source.read(None))

    assert [record.key for record in records] == ["ACME-4500000001"] * 2
    assert records[0].content_hash == records[1].content_hash


def test_a_settled_file_is_archived_and_a_duplicate_drop_is_archived_unread(
    tmp_path: Path, store: CheckpointStore
) -> None:
    source = _source(tmp_path, store)
    text = orders05("4500000002")
    (tmp_path / "inbox" / "po.xml").write_text(text, encoding="utf-8")
    _settle(source, list(source.read(None)))
    (tmp_path / "inbox" / "po-again.xml").write_text(text, encoding="utf-8")

    again = list(source.read(None))

    assert again == []
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == ["po-again.xml", "po.xml"]
    assert list((tmp_path / "inbox").iterdir()) == []


def test_a_file_breaking_the_definition_goes_to_error_with_a_report_naming_segment_and_field(
    tmp_path: Path, store: CheckpointStore
) -> None:
    source = _source(tmp_path, store)
    (tmp_path / "inbox" / "bad.xml").write_bytes((DATA / "idoc-orders05-bad.xml").read_bytes())

    records = list(source.read(None))

    report = (tmp_path / "error" / "bad.xml.error.txt").read_text(encoding="utf-8")
    assert records == []
    assert (tmp_path / "error" / "bad.xml").exists()
    assert "File:      inbox/bad.xml" in report
    assert "segment E1EDP01 #1 (segment number 4), field MENGE" in report
    assert "ORDERS05 IDoc XML" in report


def test_an_idoc_without_a_purchase_order_number_is_rejected_alone(
    tmp_path: Path, store: CheckpointStore
) -> None:
    source = _source(tmp_path, store)
    good = orders05("4500000003")
    unkeyed = orders05("4500000004").replace("<BELNR>4500000004</BELNR>", "")
    idoc = unkeyed[unkeyed.index("  <IDOC") : unkeyed.index("</ORDERS05>")]
    both = good.replace("</ORDERS05>", idoc + "</ORDERS05>")
    (tmp_path / "inbox" / "two.xml").write_text(both, encoding="utf-8")

    records = list(source.read(None))
    _settle(source, records)

    report = (tmp_path / "error" / "two.xml.error.txt").read_text(encoding="utf-8")
    assert [record.key for record in records] == ["ACME-4500000003"]
    assert "IDoc 2, segment E1EDK01, field BELNR" in report
    assert "ACME-4500000003  delivered" in report


def test_a_refused_order_sends_its_file_to_error_naming_the_refusal(
    tmp_path: Path, store: CheckpointStore
) -> None:
    source = _source(tmp_path, store)
    (tmp_path / "inbox" / "po.xml").write_text(orders05("4500000005"), encoding="utf-8")
    [record] = list(source.read(None))

    source.acknowledge(record, succeeded=False, detail="unknown product 'ACME-XX'")

    report = (tmp_path / "error" / "po.xml.error.txt").read_text(encoding="utf-8")
    assert "failed: unknown product 'ACME-XX'" in report
    assert "1 of the 1 orders were not delivered" in report
