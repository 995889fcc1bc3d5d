"""The IDoc outbox sink: DESADV and INVOIC02 rendered from the stock templates (or a
deployment's), escaped, checked against our definitions before anything is written, and
published once through the ledger; the sink contract."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sap_files_support import context, desadv_document, invoic_document, open_store

from adapters.base import Record, SinkRejectedError
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.registry import AdapterSettingsError
from adapters.sap import SapIdocOutboxSettings, SapIdocOutboxSink
from adapters.sap.idoc import IdocBasicType, read_idocs
from adapters.sap.templates import stock_templates_folder
from connector.store import CheckpointStore

PARTIES = {
    "sender": {"port": "AHEADPORT", "partner": "AHEADMFG"},
    "receiver": {"port": "SAPS4H", "partner_type": "KU", "partner": "0000100001"},
}


def _sink(deployment: Path, store: CheckpointStore, idoc: str = "desadv", **more: Any):
    settings = SapIdocOutboxSettings.model_validate({"idoc": idoc, **PARTIES, **more})
    return SapIdocOutboxSink(settings, context(deployment, store, f"{idoc}-out"))


def _record(key: str, document: Mapping[str, Any]) -> Record:
    return Record.of(key, {"customer_order": key, "document": str(document)})


class OutboxHarness(SinkHarness):
    def __init__(self, deployment: Path) -> None:
        self.deployment = deployment
        self.store = open_store(deployment)

    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.REPLACES

    def make_sink(self) -> SapIdocOutboxSink:
        return _sink(self.deployment, self.store)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        document = desadv_document(number, revision)
        return _record(f"ACME-{number}", document), document

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        document = {**desadv_document(number), "items": []}
        return _record(f"ACME-{number}", document), document

    def make_unavailable_sink(self) -> SapIdocOutboxSink | None:
        sink = _sink(self.deployment / "gone", self.store)
        # The outbox disappears and a plain file takes its name: nothing can be written there.
        sink.outbox.rmdir()
        sink.outbox.write_text("not a folder")
        return sink

    def close(self) -> None:
        self.store.close()


class TestSapIdocOutboxContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, tmp_path: Path) -> Iterator[OutboxHarness]:
        harness = OutboxHarness(tmp_path)
        yield harness
        harness.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckpointStore]:
    with open_store(tmp_path) as opened:
        yield opened


def test_a_desadv_is_written_as_delvry07_that_reads_back_with_every_value_escaped(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = _sink(tmp_path, store)

    name = sink.write(_record("ACME-1", desadv_document(1)), desadv_document(1))

    data = (tmp_path / "outbox" / name).read_bytes()
    [idoc] = read_idocs(data, IdocBasicType.DELVRY07, source=name)
    header = idoc.tree["E1EDL20"]
    assert name == "desadv-ACME-1.xml"
    assert idoc.message_type == "DESADV"
    assert idoc.control["RCVPRN"] == "0000100001"
    assert idoc.control["DOCNUM"] == "0000000000000001"
    assert header["VBELN"] == "5001"
    assert header["E1ADRM1"][0]["NAME1"] == "Acme Robotics & Sons <Receiving>"
    assert b"Acme Robotics &amp; Sons &lt;Receiving&gt;" in data
    assert [(i["POSNR"], i["MATNR_EXTERNAL"], i["LFIMG"]) for i in header["E1EDL24"]] == [
        ("000010", "StockBox 2000", "1"),
        ("000020", "Power Cord C13", "4"),
    ]
    assert header["E1EDL37"][0]["EXIDV"] == "1Z999AA10000000001"


def test_an_invoic_is_written_as_invoic02_with_its_references_and_summary(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = _sink(tmp_path, store, "invoic")

    name = sink.write(_record("invoice:7002", invoic_document(2)), invoic_document(2))

    data = (tmp_path / "outbox" / name).read_bytes()
    [idoc] = read_idocs(data, IdocBasicType.INVOIC02, source=name)
    tree = idoc.tree
    assert name == "invoic-invoice_7002.xml"
    assert tree["E1EDK01"] == {"CURCY": "USD", "BELNR": "7002"}
    assert [(r["QUALF"], r["BELNR"]) for r in tree["E1EDK02"]] == [
        ("009", "7002"),
        ("001", "4500000002"),
    ]
    assert tree["E1EDK03"] == [{"IDDAT": "026", "DATUM": "20250120"}]
    assert [p["E1EDP19"][0]["IDTNR"] for p in tree["E1EDP01"]] == ["ACME-SB2000", "Power Cord C13"]
    assert [(s["SUMID"], s["SUMME"]) for s in tree["E1EDS01"]] == [("001", "2"), ("011", "5029.00")]


def test_a_value_too_long_for_its_idoc_field_is_rejected_and_nothing_is_written(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = _sink(tmp_path, store)
    document = {**desadv_document(3), "delivery": "12345678901"}

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(_record("ACME-3", document), document)

    assert "delivery" in rejected.value.detail
    assert "at most 10 characters" in rejected.value.detail
    assert list((tmp_path / "outbox").iterdir()) == []


def test_a_deployment_template_overrides_the_stock_one_and_is_checked_before_writing(
    tmp_path: Path, store: CheckpointStore
) -> None:
    override = tmp_path / "templates" / "sap" / "desadv-delvry07.xml.j2"
    override.parent.mkdir(parents=True)
    stock = (stock_templates_folder() / "sap" / "desadv-delvry07.xml.j2").read_text()
    override.write_text(stock.replace("<LIFEX>", "<COLOUR>blue</COLOUR><LIFEX>"))
    sink = _sink(tmp_path, store)

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(_record("ACME-4", desadv_document(4)), desadv_document(4))

    assert "rendered by sap/desadv-delvry07.xml.j2 breaks our DELVRY07 definition" in (
        rejected.value.detail
    )
    assert "segment E1EDL20 #1 (segment number 1), field COLOUR" in rejected.value.detail
    assert list((tmp_path / "outbox").iterdir()) == []


def test_a_template_found_nowhere_is_a_settings_error_naming_it(
    tmp_path: Path, store: CheckpointStore
) -> None:
    with pytest.raises(AdapterSettingsError) as refused:
        _sink(tmp_path, store, template="sap/missing.xml.j2")

    assert "template 'sap/missing.xml.j2' not found" in str(refused.value)


def test_a_publication_cut_short_by_a_crash_is_finished_by_lookup(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = _sink(tmp_path, store)
    record = _record("ACME-5", desadv_document(5))
    name = sink.write(record, desadv_document(5))
    final = tmp_path / "outbox" / name
    final.rename(tmp_path / "outbox" / f".{name}.part")

    found = _sink(tmp_path, store).lookup(record)

    assert found == name
    assert final.exists()
