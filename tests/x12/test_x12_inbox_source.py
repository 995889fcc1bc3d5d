"""The X12 inbox source: 850 files in a real folder become orders, each set on its own; every
interchange is acknowledged once; files end in archive/ or in error/ with a report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from x12_adapter_support import (
    InboxHarness,
    drop,
    inbox_source,
    order_set,
    orders_file,
)

from adapters.contract import SourceContract
from adapters.registry import AdapterSettingsError
from adapters.x12.inbox import X12InboxSettings, X12InboxSource
from connector.store import CheckpointStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CheckpointStore]:
    opened = CheckpointStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    yield opened
    opened.close()


def _acknowledge_all(source: X12InboxSource) -> list[str]:
    keys = []
    for record in source.read(None):
        source.acknowledge(record, succeeded=True)
        keys.append(record.key)
    return keys


def _outbox(deployment: Path) -> list[str]:
    return sorted(path.name for path in (deployment / "outbox").iterdir())


class TestX12InboxSourceContract(SourceContract):
    @pytest.fixture
    def source_harness(self, tmp_path: Path) -> Iterator[InboxHarness]:
        harness = InboxHarness(tmp_path)
        yield harness
        harness.close()


def test_each_purchase_order_becomes_a_record_keyed_by_the_partner_prefix_and_beg03(
    tmp_path: Path, store: CheckpointStore
) -> None:
    text = orders_file(101, [order_set(1, "4500012345"), order_set(2, "4500012346")])
    drop(tmp_path / "inbox", "po.x12", text)

    records = list(inbox_source(tmp_path, store).read(None))

    assert [record.key for record in records] == ["ACME-4500012345", "ACME-4500012346"]
    first = records[0].payload
    assert first["BEG"]["BEG03"] == "4500012345"
    assert first["envelope"]["customer_order"] == "ACME-4500012345"
    assert first["envelope"]["partner"] == "acme"
    assert first["envelope"]["interchange"]["sender_id"] == "ACMEBUYER"
    assert first["envelope"]["group"]["version"] == "004010"
    assert first["envelope"]["transaction_set"] == {"id": "850"}
    assert [line["PO1"]["PO107"] for line in first["PO1_loop"]] == ["ACME-SB2000", "ACME-PC-C13"]
    assert {record.origin for record in records} == {"inbox/po.x12"}


def test_the_same_order_in_a_new_interchange_is_the_same_record(
    tmp_path: Path, store: CheckpointStore
) -> None:
    drop(tmp_path / "inbox", "a.x12", orders_file(101, [order_set(1, "4500012345")]))
    drop(tmp_path / "inbox", "b.x12", orders_file(102, [order_set(7, "4500012345")], group=9))

    records = list(inbox_source(tmp_path, store).read(None))

    assert [record.key for record in records] == ["ACME-4500012345", "ACME-4500012345"]
    assert records[0].payload == records[1].payload, "control numbers are not in the payload"
    assert records[0].content_hash == records[1].content_hash


def test_a_good_file_is_acknowledged_with_a_997_and_archived_once_its_orders_are_done(
    tmp_path: Path, store: CheckpointStore
) -> None:
    drop(tmp_path / "inbox", "po.x12", orders_file(101, [order_set(1, "4500012345")]))
    source = inbox_source(tmp_path, store)

    records = list(source.read(None))
    assert (tmp_path / "inbox" / "po.x12").exists(), "the file waits for its orders' outcomes"
    [acknowledgment] = _outbox(tmp_path)
    source.acknowledge(records[0], succeeded=True)

    assert acknowledgment.startswith("997-acme-000000101-")
    text = (tmp_path / "outbox" / acknowledgment).read_text()
    assert "AK1*PO*101~" in text
    assert "AK2*850*0001~" in text
    assert "AK9*A*1*1*1~" in text
    assert "*ZZ*AHEADMFG       *ZZ*ACMEBUYER      *" in text, "sender and receiver swapped"
    assert (tmp_path / "archive" / "po.x12").exists()
    assert not (tmp_path / "inbox" / "po.x12").exists()


def test_a_bad_set_is_rejected_alone_and_reported_while_the_good_one_goes_on(
    tmp_path: Path, store: CheckpointStore
) -> None:
    bad = order_set(2, "4500012346", quantity="", purpose="09")
    drop(tmp_path / "inbox", "po.x12", orders_file(101, [order_set(1, "4500012345"), bad]))
    source = inbox_source(tmp_path, store)

    records = list(source.read(None))
    for record in records:
        source.acknowledge(record, succeeded=True)

    assert [record.key for record in records] == ["ACME-4500012345"]
    [acknowledgment] = _outbox(tmp_path)
    text = (tmp_path / "outbox" / acknowledgment).read_text()
    assert "AK2*850*0002~\nAK3*BEG*2**8~\nAK4*1*353*7*09~" in text
    assert "AK3*PO1*7*PO1*8~\nAK4*2*330*1~\nAK5*R*5~" in text
    assert "AK9*P*2*2*1~" in text
    report = (tmp_path / "error" / "po.x12.error.txt").read_text()
    assert "transaction set 0002" in report
    assert "BEG01 (Transaction Set Purpose Code, data element 353) is '09'" in report
    assert "PO102 (Quantity Ordered, data element 330) is mandatory and missing" in report
    assert "orders delivered: 1 of 1" in report
    assert (tmp_path / "error" / "po.x12").exists()


def test_a_005010_interchange_is_answered_with_a_999(
    tmp_path: Path, store: CheckpointStore
) -> None:
    text = orders_file(
        102, [order_set(1, "4500012347")], version="00501", element="|", component=":"
    )
    drop(tmp_path / "inbox", "po.x12", text)

    assert _acknowledge_all(inbox_source(tmp_path, store)) == ["ACME-4500012347"]

    [acknowledgment] = _outbox(tmp_path)
    assert acknowledgment.startswith("999-acme-000000102-")
    written = (tmp_path / "outbox" / acknowledgment).read_text()
    assert written.startswith("ISA|")
    assert "ST|999|0001|005010X231A1~" in written
    assert "AK9|A|1|1|1~" in written


def test_a_file_dropped_again_after_it_was_processed_is_archived_and_not_read_again(
    tmp_path: Path, store: CheckpointStore
) -> None:
    text = orders_file(101, [order_set(1, "4500012345")])
    drop(tmp_path / "inbox", "po.x12", text)
    assert _acknowledge_all(inbox_source(tmp_path, store)) == ["ACME-4500012345"]

    drop(tmp_path / "inbox", "po-again.x12", text)
    again = list(inbox_source(tmp_path, store).read(None))

    assert again == []
    assert (tmp_path / "archive" / "po-again.x12").exists()
    assert len(_outbox(tmp_path)) == 1, "no second acknowledgment"


def test_a_file_read_again_after_a_crash_is_acknowledged_only_once(
    tmp_path: Path, store: CheckpointStore
) -> None:
    drop(tmp_path / "inbox", "po.x12", orders_file(101, [order_set(1, "4500012345")]))
    first = list(inbox_source(tmp_path, store).read(None))

    # The process dies before the order's outcome is recorded; a new one reads the file again.
    restarted = inbox_source(tmp_path, store)
    again = list(restarted.read(None))
    restarted.acknowledge(again[0], succeeded=True)

    assert [record.key for record in again] == [record.key for record in first]
    assert len(_outbox(tmp_path)) == 1
    assert (tmp_path / "archive" / "po.x12").exists()


@pytest.mark.parametrize(
    ("policy", "taken"),
    [("reject", []), ("warn", ["ACME-4500099999"]), ("accept", ["ACME-4500099999"])],
)
def test_a_reused_interchange_control_number_follows_the_partner_policy(
    tmp_path: Path, store: CheckpointStore, policy: str, taken: list[str]
) -> None:
    drop(tmp_path / "inbox", "first.x12", orders_file(101, [order_set(1, "4500012345")]))
    assert _acknowledge_all(inbox_source(tmp_path, store, repeated_interchange=policy))

    drop(tmp_path / "inbox", "second.x12", orders_file(101, [order_set(1, "4500099999")]))
    keys = _acknowledge_all(inbox_source(tmp_path, store, repeated_interchange=policy))

    assert keys == taken
    if policy == "reject":
        report = (tmp_path / "error" / "second.x12.error.txt").read_text()
        assert "already sent interchange control number 000000101 (ISA13)" in report
        assert "inbox/first.x12" in report
        assert len(_outbox(tmp_path)) == 1, "a refused interchange gets no acknowledgment"
    else:
        assert (tmp_path / "archive" / "second.x12").exists()


def test_an_interchange_from_another_sender_is_refused_with_the_expected_one_named(
    tmp_path: Path, store: CheckpointStore
) -> None:
    text = orders_file(101, [order_set(1, "4500012345")]).replace(
        "ACMEBUYER      ", "GLOBEX         "
    )
    drop(tmp_path / "inbox", "po.x12", text)

    assert list(inbox_source(tmp_path, store).read(None)) == []

    report = (tmp_path / "error" / "po.x12.error.txt").read_text()
    assert "was sent by ZZ/GLOBEX (ISA05/ISA06)" in report
    assert "sent by ZZ/ACMEBUYER" in report


def test_a_truncated_interchange_keeps_the_sets_read_before_the_cut(
    tmp_path: Path, store: CheckpointStore
) -> None:
    whole = orders_file(101, [order_set(1, "4500012345"), order_set(2, "4500012346")])
    cut = whole[: whole.index("ST*850*0002")]
    drop(tmp_path / "inbox", "po.x12", cut)

    keys = _acknowledge_all(inbox_source(tmp_path, store))

    assert keys == ["ACME-4500012345"]
    report = (tmp_path / "error" / "po.x12.error.txt").read_text()
    assert "GE" in report or "IEA" in report
    [acknowledgment] = _outbox(tmp_path)
    assert "AK5*A~" in (tmp_path / "outbox" / acknowledgment).read_text()


def test_a_set_that_is_not_a_purchase_order_is_rejected_as_not_supported(
    tmp_path: Path, store: CheckpointStore
) -> None:
    text = orders_file(101, [order_set(1, "4500012345")]).replace("ST*850*0001", "ST*856*0001")
    drop(tmp_path / "inbox", "po.x12", text)

    assert list(inbox_source(tmp_path, store).read(None)) == []

    report = (tmp_path / "error" / "po.x12.error.txt").read_text()
    assert "856" in report


def test_a_file_that_is_not_x12_is_set_aside_with_a_report(
    tmp_path: Path, store: CheckpointStore
) -> None:
    drop(tmp_path / "inbox", "notes.x12", "Dear supplier, please ship.\n")
    drop(tmp_path / "inbox", "po.x12", orders_file(101, [order_set(1, "4500012345")]))

    keys = _acknowledge_all(inbox_source(tmp_path, store))

    assert keys == ["ACME-4500012345"]
    report = (tmp_path / "error" / "notes.x12.error.txt").read_text()
    assert "ISA" in report
    assert (tmp_path / "archive" / "po.x12").exists()


def test_an_order_the_destination_refuses_sends_the_file_to_error_with_its_reason(
    tmp_path: Path, store: CheckpointStore
) -> None:
    drop(tmp_path / "inbox", "po.x12", orders_file(101, [order_set(1, "4500012345")]))
    source = inbox_source(tmp_path, store)

    [record] = list(source.read(None))
    source.acknowledge(record, succeeded=False, detail="unknown customer SKU 'ACME-SB2000'")

    report = (tmp_path / "error" / "po.x12.error.txt").read_text()
    assert "ACME-4500012345  failed: unknown customer SKU 'ACME-SB2000'" in report


def test_a_partner_the_deployment_does_not_know_is_named_in_the_error(
    tmp_path: Path, store: CheckpointStore
) -> None:
    context = inbox_source(tmp_path, store).context

    with pytest.raises(AdapterSettingsError, match=r"no trading partner 'globex'.*known: acme"):
        X12InboxSource(X12InboxSettings(partner="globex"), context)


def _without(segments: list[str], tag: str) -> list[str]:
    kept = [segment for segment in segments if not segment.startswith(f"{tag}*")]
    control = kept[0].split("*")[2]
    return [*kept[:-1], f"SE*{len(kept)}*{control}"]


@pytest.mark.parametrize(
    ("name", "bad_set", "acknowledged", "reported"),
    [
        (
            "missing mandatory segment",
            _without(order_set(2, "4500012346"), "BEG"),
            "AK3*BEG*2**3~",
            "BEG",
        ),
        (
            "wrong segment count",
            [*order_set(2, "4500012346")[:-1], "SE*99*0002"],
            "AK5*R*4~",
            "SE01",
        ),
        (
            "bad code",
            order_set(2, "4500012346", purpose="99"),
            "AK4*1*353*7*99~",
            "BEG01",
        ),
        (
            "wrong control number in SE",
            [*order_set(2, "4500012346")[:-1], "SE*10*9999"],
            "AK5*R*3~",
            "SE02",
        ),
    ],
)
def test_an_invalid_set_gets_its_997_codes_and_a_report_and_the_good_set_still_goes_on(
    tmp_path: Path,
    store: CheckpointStore,
    name: str,
    bad_set: list[str],
    acknowledged: str,
    reported: str,
) -> None:
    text = orders_file(101, [order_set(1, "4500012345"), bad_set])
    drop(tmp_path / "inbox", "po.x12", text)

    keys = _acknowledge_all(inbox_source(tmp_path, store))

    assert keys == ["ACME-4500012345"], name
    [acknowledgment] = _outbox(tmp_path)
    written = (tmp_path / "outbox" / acknowledgment).read_text()
    assert "AK2*850*0001~\nAK5*A~" in written
    assert acknowledged in written, written
    assert "AK9*P*2*2*1~" in written
    report = (tmp_path / "error" / "po.x12.error.txt").read_text()
    assert reported in report
    assert "orders delivered: 1 of 1" in report


def test_an_order_repeated_in_a_file_is_taken_once_and_a_different_one_under_its_key_is_reported(
    tmp_path: Path, store: CheckpointStore
) -> None:
    same = [order_set(1, "4500012345"), order_set(2, "4500012345")]
    drop(tmp_path / "inbox", "same.x12", orders_file(101, same))
    changed = [order_set(1, "4500012346"), order_set(2, "4500012346", quantity="9")]
    drop(tmp_path / "inbox", "changed.x12", orders_file(102, changed))

    keys = _acknowledge_all(inbox_source(tmp_path, store))

    assert sorted(keys) == ["ACME-4500012345", "ACME-4500012346"]
    assert (tmp_path / "archive" / "same.x12").exists()
    report = (tmp_path / "error" / "changed.x12.error.txt").read_text()
    assert "order ACME-4500012346 appears twice in the file with different content" in report
