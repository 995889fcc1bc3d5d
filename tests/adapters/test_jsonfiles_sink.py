"""JsonFileSink on real folders: the files it writes, the names it refuses, what lookup sees."""

from __future__ import annotations

import datetime
import enum
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from adapter_support import assert_matches_snapshot, order_payload

from adapters.base import (
    AdapterContext,
    Record,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.jsonfiles import JsonFileSink
from adapters.registry import AdapterSettingsError, Role, build_adapter


class Priority(enum.Enum):
    RUSH = "rush"


def make_sink(deployment: Path, **settings: Any) -> JsonFileSink:
    options = {"outbox": "outbox", **settings}
    sink = build_adapter(Role.SINK, "jsonfiles", options, AdapterContext("out", deployment))
    assert isinstance(sink, JsonFileSink)
    return sink


@pytest.fixture
def sink(tmp_path: Path) -> JsonFileSink:
    return make_sink(tmp_path)


def record(key: str = "ACME:PO-1") -> Record:
    return Record.of(key, {"customer_order": key})


def test_written_file_holds_the_document_as_indented_json(sink: JsonFileSink) -> None:
    document = {
        "customer_order": "PO-1",
        "priority": Priority.RUSH,
        "ordered_at": datetime.datetime(2024, 5, 1, 9, 30, tzinfo=datetime.UTC),
        "ship_by": datetime.date(2024, 5, 3),
        "lines": (
            {"sku": "SB-2000", "quantity": 2, "price": Decimal("123.40")},
            {"sku": "GP-1", "quantity": Decimal("1"), "price": 7.5, "note": "crème"},
        ),
        "gift": None,
        "paid": True,
    }
    reference = sink.write(record("PO-1"), document)
    assert reference == "PO-1.json"
    assert_matches_snapshot((sink.outbox / reference).read_text(), "jsonfiles_sink_output.json")


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"weight": float("inf")}, "document.weight is inf, which JSON cannot hold"),
        ({"lines": [{"price": Decimal("NaN")}]}, "document.lines.0.price is NaN"),
        (
            {"price": Decimal("0.12345678901234567890")},
            "document.price is 0.12345678901234567890, which a JSON reader would round",
        ),
        ({"tags": {"a", "b"}}, "document.tags is a set, which has no JSON form"),
        ({"totals": {1: "one"}}, "document.totals has the field name 1, which is not text"),
    ],
)
def test_document_without_an_exact_json_form_is_rejected_naming_where(
    sink: JsonFileSink, document: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record(), document)
    assert complaint in rejected.value.detail
    assert "ACME:PO-1" in rejected.value.detail
    assert list(sink.outbox.iterdir()) == []


@pytest.mark.parametrize("key", ["../escape", "a/b", ".hidden", "", "x" * 300])
def test_key_that_makes_no_plain_file_name_is_rejected(
    sink: JsonFileSink, tmp_path: Path, key: str
) -> None:
    with pytest.raises(SinkRejectedError, match="gives the file name"):
        sink.write(record(key), {"customer_order": key})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["outbox"]
    assert list(sink.outbox.iterdir()) == []
    assert sink.lookup(record(key)) is None


def test_name_template_puts_the_key_into_the_name(tmp_path: Path) -> None:
    sink = make_sink(tmp_path, name_template="order-{key}.850.json")
    assert sink.write(record("PO-7"), {"customer_order": "PO-7"}) == "order-PO-7.850.json"
    assert (sink.outbox / "order-PO-7.850.json").is_file()


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        ("{customer_order}.json", "must use {key} and nothing else (found: {customer_order})"),
        ("orders.json", "must use {key} and nothing else (found: none)"),
        ("{key!r}.json", "takes no format or conversion"),
        ("out/{key}.json", "must be a file name, without folders"),
        ("{key.json", "is not a valid template"),
    ],
)
def test_name_template_other_than_the_key_is_a_settings_error(
    tmp_path: Path, template: str, complaint: str
) -> None:
    with pytest.raises(AdapterSettingsError) as caught:
        make_sink(tmp_path, name_template=template)
    assert [problem.field for problem in caught.value.problems] == ["name_template"]
    assert complaint in str(caught.value)


def test_failed_write_leaves_no_temporary_file_behind(sink: JsonFileSink) -> None:
    (sink.outbox / "ACME:PO-1.json").mkdir()
    with pytest.raises(SinkUnavailableError, match="cannot write"):
        sink.write(record(), order_payload("ACME:PO-1"))
    assert [path.name for path in sink.outbox.iterdir()] == ["ACME:PO-1.json"]


def test_written_file_is_never_seen_half_written_by_a_reader_of_the_outbox(
    sink: JsonFileSink,
) -> None:
    sink.write(record(), order_payload("ACME:PO-1"))
    assert [path.name for path in sink.outbox.iterdir()] == ["ACME:PO-1.json"]
    assert json.loads((sink.outbox / "ACME:PO-1.json").read_text()) == order_payload("ACME:PO-1")


def test_lookup_finds_a_file_the_consumer_moved_to_the_sent_folder(tmp_path: Path) -> None:
    (tmp_path / "sent").mkdir()
    sink = make_sink(tmp_path, sent="sent")
    reference = sink.write(record(), order_payload("ACME:PO-1"))
    (sink.outbox / reference).rename(tmp_path / "sent" / reference)
    assert sink.lookup(record()) == reference


def test_file_moved_elsewhere_by_the_consumer_is_no_longer_found(sink: JsonFileSink) -> None:
    reference = sink.write(record(), order_payload("ACME:PO-1"))
    (sink.outbox / reference).unlink()
    assert sink.lookup(record()) is None


def test_sent_folder_that_does_not_exist_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterSettingsError) as caught:
        make_sink(tmp_path, sent="taken")
    assert [problem.field for problem in caught.value.problems] == ["sent"]


def test_sent_folder_removed_later_makes_lookup_unavailable(tmp_path: Path) -> None:
    (tmp_path / "sent").mkdir()
    sink = make_sink(tmp_path, sent="sent")
    (tmp_path / "sent").rmdir()
    with pytest.raises(SinkUnavailableError, match="is not a folder"):
        sink.lookup(record())


def test_written_files_are_read_back_by_a_json_file_source(tmp_path: Path) -> None:
    sink = make_sink(tmp_path, outbox="exchange")
    for number in (1, 2):
        sink.write(record(f"PO-{number}"), order_payload(f"PO-{number}"))
    settings = {"inbox": "exchange", "key_field": "customer_order"}
    source = build_adapter(Role.SOURCE, "jsonfiles", settings, AdapterContext("in", tmp_path))
    records = list(source.read(None))
    assert sorted(record.key for record in records) == ["PO-1", "PO-2"]
    assert all(record.payload == order_payload(record.key) for record in records)


def test_longest_allowed_name_leaves_room_for_the_temporary_name(sink: JsonFileSink) -> None:
    key = "x" * 225
    assert sink.write(record(key), {"customer_order": key}) == f"{key}.json"
    with pytest.raises(SinkRejectedError, match="longer than 230 bytes"):
        sink.write(record(key + "y"), {"customer_order": key})
