"""The X12 outbox sink: one checked, enveloped interchange per document, written once even when
the process dies between writing the file and recording it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from x12_adapter_support import OutboxHarness, outbox_sink, shipment_document

from adapters.base import Record, SinkRejectedError
from adapters.contract import SinkContract
from adapters.x12.envelope import InterchangeEnd, TransactionSet, read_envelopes
from connector.store import CheckpointStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckpointStore]:
    opened = CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    yield opened
    opened.close()


class TestX12OutboxSinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, tmp_path: Path) -> Iterator[OutboxHarness]:
        harness = OutboxHarness(tmp_path)
        yield harness
        harness.close()


def _record(number: int) -> Record:
    return Record.of(f"ACME-{number}", {"order": number})


def test_a_ship_notice_is_enveloped_for_the_partner_and_reads_back_clean(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = outbox_sink(tmp_path, store)

    name = sink.write(_record(1), shipment_document(1))

    path = tmp_path / "outbox" / name
    assert name == "856-acme-ACME-1.x12"
    events = list(read_envelopes(path))
    [shipment] = [event for event in events if isinstance(event, TransactionSet)]
    [end] = [event for event in events if isinstance(event, InterchangeEnd)]
    assert shipment.problems == ()
    assert end.problems == ()
    assert (shipment.interchange.sender_id, shipment.interchange.receiver_id) == (
        "AHEADMFG",
        "ACMEBUYER",
    )
    assert shipment.group.functional_id == "SH"
    tags = [segment.tag for segment in shipment.segments]
    assert tags == ["ST", "BSN", "HL", "REF", "HL", "PRF", "HL", "LIN", "SN1", "CTT", "SE"]
    bsn = shipment.segments[1]
    assert len(bsn.element(3)) == 8, "BSN03 is stamped with the date of writing"
    hl_numbers = [
        (s.element(1), s.element(2), s.element(3)) for s in shipment.segments[2:9] if s.tag == "HL"
    ]
    assert hl_numbers == [("1", "", "S"), ("2", "1", "O"), ("3", "2", "I")]


def test_control_numbers_count_up_per_partner_across_documents_and_restarts(
    tmp_path: Path, store: CheckpointStore
) -> None:
    outbox = tmp_path / "outbox"
    outbox_sink(tmp_path, store).write(_record(1), shipment_document(1))
    outbox_sink(tmp_path, store).write(_record(2), shipment_document(2))

    controls = []
    for name in ("856-acme-ACME-1.x12", "856-acme-ACME-2.x12"):
        [shipment] = [
            event for event in read_envelopes(outbox / name) if isinstance(event, TransactionSet)
        ]
        controls.append((shipment.interchange.control_number, shipment.control_number))
    assert controls == [("000000001", "0001"), ("000000002", "0002")]


def test_a_document_the_map_refuses_is_rejected_naming_every_problem(
    tmp_path: Path, store: CheckpointStore
) -> None:
    document = shipment_document(1)
    document["BSN"] = {"BSN01": "00", "BSN02": "ACME-1", "BSN05": "0004", "BSN99": "x"}
    document["XYZ"] = {"XYZ01": "?"}

    with pytest.raises(SinkRejectedError) as rejected:
        outbox_sink(tmp_path, store).write(_record(1), document)

    assert "'XYZ'" in rejected.value.detail
    assert "BSN99" in rejected.value.detail
    assert list((tmp_path / "outbox").iterdir()) == []


def test_a_file_written_but_not_recorded_before_a_crash_is_written_again_once(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = outbox_sink(tmp_path, store)
    record = _record(1)
    # The process died after writing the hidden file, before the ledger had it.
    leftover = tmp_path / "outbox" / f".{sink.file_name(record)}.part"
    leftover.write_text("half a file")

    assert sink.lookup(record) is None
    assert not leftover.exists()
    name = sink.write(record, shipment_document(1))

    assert sorted(path.name for path in (tmp_path / "outbox").iterdir()) == [name]


def test_a_file_recorded_but_not_yet_renamed_before_a_crash_is_finished_by_lookup(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = outbox_sink(tmp_path, store)
    record = _record(1)
    name = sink.write(record, shipment_document(1))
    final = tmp_path / "outbox" / name
    # As if the process had died between the ledger entry and the rename.
    hidden = tmp_path / "outbox" / f".{name}.part"
    final.rename(hidden)

    restarted = outbox_sink(tmp_path, store)
    assert restarted.lookup(record) == name

    assert final.exists()
    assert not hidden.exists()


def test_a_file_already_collected_from_the_outbox_is_still_found_by_lookup(
    tmp_path: Path, store: CheckpointStore
) -> None:
    sink = outbox_sink(tmp_path, store)
    record = _record(1)
    name = sink.write(record, shipment_document(1))
    (tmp_path / "outbox" / name).unlink()

    assert outbox_sink(tmp_path, store).lookup(record) == name
