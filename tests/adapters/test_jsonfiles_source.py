"""JsonFileSource on real folders: which files count, keys, cursors, and where files go."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from adapter_support import age, assert_matches_snapshot, order_payload, write_file

from adapters.base import AdapterContext, Record
from adapters.jsonfiles import JsonFileSource
from adapters.registry import AdapterSettingsError, Role, build_adapter


def make_source(deployment: Path, **settings: Any) -> JsonFileSource:
    options = {"inbox": "inbox", "key_field": "customer_order", "settle_seconds": 0, **settings}
    source = build_adapter(Role.SOURCE, "jsonfiles", options, AdapterContext("in", deployment))
    assert isinstance(source, JsonFileSource)
    return source


@pytest.fixture
def source(tmp_path: Path) -> JsonFileSource:
    return make_source(tmp_path)


def drop(source: JsonFileSource, name: str, content: Any, **kwargs: Any) -> Path:
    text = content if isinstance(content, str | bytes) else json.dumps(content, indent=2)
    return write_file(source.inbox / name, text, **kwargs)


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_missing_folders_are_made_beside_the_inbox(tmp_path: Path) -> None:
    source = make_source(tmp_path)
    assert (source.inbox, source.archive, source.error) == (
        tmp_path / "inbox",
        tmp_path / "archive",
        tmp_path / "error",
    )
    assert all(folder.is_dir() for folder in (source.inbox, source.archive, source.error))


def test_files_still_being_written_or_hidden_are_not_read(source: JsonFileSource) -> None:
    for name in ("po-1.json.tmp", "po-2.json.part", "po-3.json.partial", ".po-4.json"):
        (source.inbox / name).write_text(json.dumps(order_payload(name)))
    (source.inbox / "po-5.txt").write_text(json.dumps(order_payload("po-5")))
    (source.inbox / "folder.json").mkdir()
    assert list(source.read(None)) == []
    assert len(names(source.inbox)) == 6, "nothing was moved or removed"


def test_file_renamed_in_after_writing_is_picked_up(source: JsonFileSource) -> None:
    temporary = source.inbox / "po-1.json.tmp"
    temporary.write_text(json.dumps(order_payload("PO-1")))
    assert list(source.read(None)) == []
    temporary.rename(source.inbox / "po-1.json")
    records = list(source.read(None))
    assert [(record.key, record.origin) for record in records] == [("PO-1", "inbox/po-1.json")]
    assert records[0].payload == order_payload("PO-1")


def test_key_comes_from_the_dotted_key_field_with_the_prefix(tmp_path: Path) -> None:
    source = make_source(tmp_path, key_field="header.numbers.1", key_prefix="ACME:")
    drop(source, "a.json", {"header": {"numbers": ["x", 4711]}})
    assert [record.key for record in source.read(None)] == ["ACME:4711"]


def test_unreadable_json_is_moved_to_error_with_a_report_naming_line_and_column(
    source: JsonFileSource,
) -> None:
    drop(source, "po-1.json", '{\n  "customer_order": "PO-1",\n  "lines": [1 2]\n}\n')
    drop(source, "po-2.json", order_payload("PO-2"))
    assert [record.key for record in source.read(None)] == ["PO-2"]
    assert names(source.error) == ["po-1.json", "po-1.json.error.txt"]
    assert names(source.inbox) == ["po-2.json"]
    report = (source.error / "po-1.json.error.txt").read_text()
    assert "line 3, column 15" in report
    assert_matches_snapshot(report, "jsonfiles_bad_json_report.txt")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b'{"customer_order": "caf\xe9"}', "byte 0xe9 at line 1, column 24 cannot be decoded"),
        (b"[]", "the array is empty"),
        (b"42", "the file holds a number, not an object"),
        (b'[{"customer_order": "A"}, "B"]', "element 1 of the array is a string"),
        (b'{"po": "A"}', "there is no value at 'customer_order' (the key_field)"),
        (b'{"customer_order": true}', "is a boolean; a key must be non-empty text"),
        (b'{"customer_order": "  "}', "is an empty string"),
        (
            b'[{"customer_order": "A"}, {"customer_order": "B"}, {"customer_order": "A"}]',
            "elements 0 and 2 have the same key 'A'",
        ),
    ],
)
def test_input_that_makes_no_records_is_set_aside_with_the_reason(
    source: JsonFileSource, content: bytes, problem: str
) -> None:
    drop(source, "bad.json", content)
    drop(source, "good.json", order_payload("GOOD"))
    assert [record.key for record in source.read(None)] == ["GOOD"]
    assert (source.error / "bad.json").read_bytes() == content
    report = (source.error / "bad.json.error.txt").read_text()
    assert "File:      inbox/bad.json" in report
    assert problem in report
    assert "Expected:  UTF-8 JSON text: one object, or an array of objects" in report


def test_young_unreadable_file_is_left_for_a_later_read(tmp_path: Path) -> None:
    source = make_source(tmp_path, settle_seconds=60)
    half = drop(source, "po-1.json", '{"customer_order": "PO-')
    assert list(source.read(None)) == []
    assert half.exists()
    assert names(source.error) == []
    age(half, seconds=120)
    assert list(source.read(None)) == []
    assert names(source.error) == ["po-1.json", "po-1.json.error.txt"]


def test_young_readable_file_is_taken_at_once(tmp_path: Path) -> None:
    source = make_source(tmp_path, settle_seconds=3600)
    drop(source, "po-1.json", order_payload("PO-1"))
    assert [record.key for record in source.read(None)] == ["PO-1"]


def test_acknowledged_success_moves_the_file_to_archive(source: JsonFileSource) -> None:
    drop(source, "po-1.json", order_payload("PO-1"))
    drop(source, "po-2.json", order_payload("PO-2"))
    first, second = source.read(None)
    source.acknowledge(first, succeeded=True)
    assert names(source.archive) == [Path(first.origin or "").name]
    assert names(source.inbox) == [Path(second.origin or "").name]
    assert names(source.error) == []


def test_acknowledged_failure_moves_the_file_to_error_with_a_report(
    source: JsonFileSource,
) -> None:
    drop(source, "po-1.json", order_payload("PO-1"))
    (record,) = source.read(None)
    detail = "AHEAD rejected the order (422 Unprocessable Entity): recipient.country: unknown"
    source.acknowledge(record, succeeded=False, detail=detail)
    assert names(source.inbox) == []
    assert names(source.error) == ["po-1.json", "po-1.json.error.txt"]
    report = (source.error / "po-1.json.error.txt").read_text()
    assert_matches_snapshot(report, "jsonfiles_failed_record_report.txt")


def test_name_taken_in_archive_gets_a_number_and_nothing_is_replaced(
    source: JsonFileSource,
) -> None:
    (source.archive / "po-1.json").write_text("earlier file\n")
    (source.archive / "po-1.1.json").write_text("another earlier file\n")
    drop(source, "po-1.json", order_payload("PO-1"))
    (record,) = source.read(None)
    source.acknowledge(record, succeeded=True)
    assert names(source.archive) == ["po-1.1.json", "po-1.2.json", "po-1.json"]
    assert (source.archive / "po-1.json").read_text() == "earlier file\n"
    assert json.loads((source.archive / "po-1.2.json").read_text()) == order_payload("PO-1")


def test_name_taken_in_error_numbers_the_file_and_its_report_together(
    source: JsonFileSource,
) -> None:
    (source.error / "po-1.json.error.txt").write_text("a report of an earlier file\n")
    drop(source, "po-1.json", "not json")
    assert list(source.read(None)) == []
    assert names(source.error) == ["po-1.1.json", "po-1.1.json.error.txt", "po-1.json.error.txt"]
    assert "Kept as:   error/po-1.1.json" in (source.error / "po-1.1.json.error.txt").read_text()


def test_move_cut_off_between_link_and_unlink_is_finished_not_repeated(
    source: JsonFileSource,
) -> None:
    # A process killed between the two steps of a move leaves the file in the inbox and,
    # under the same inode, in archive/; the next run reads it again and acknowledges it again.
    dropped = drop(source, "po-1.json", order_payload("PO-1"))
    os.link(dropped, source.archive / "po-1.json")
    (record,) = source.read(None)
    source.acknowledge(record, succeeded=True)
    assert names(source.archive) == ["po-1.json"]
    assert names(source.inbox) == []
    assert json.loads((source.archive / "po-1.json").read_text()) == order_payload("PO-1")


def test_move_to_error_cut_off_after_the_link_keeps_one_file_and_its_report(
    source: JsonFileSource,
) -> None:
    dropped = drop(source, "po-1.json", order_payload("PO-1"))
    (source.error / "po-1.json.error.txt").write_text("the report written before the link\n")
    os.link(dropped, source.error / "po-1.json")
    (record,) = source.read(None)
    source.acknowledge(record, succeeded=False, detail="rejected")
    assert names(source.error) == ["po-1.json", "po-1.json.error.txt"]
    assert names(source.inbox) == []


def test_file_with_another_link_outside_the_archive_is_moved_as_usual(
    source: JsonFileSource, tmp_path: Path
) -> None:
    dropped = drop(source, "po-1.json", order_payload("PO-1"))
    (source.archive / "po-1.json").write_text("earlier file\n")
    os.link(dropped, tmp_path / "kept-elsewhere.json")
    (record,) = source.read(None)
    source.acknowledge(record, succeeded=True)
    assert names(source.archive) == ["po-1.1.json", "po-1.json"]
    assert (source.archive / "po-1.json").read_text() == "earlier file\n"
    assert names(source.inbox) == []


def test_files_are_moved_without_hard_links_where_the_filesystem_has_none(
    source: JsonFileSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "hard links are not supported here")

    monkeypatch.setattr(os, "link", no_links)
    (source.archive / "po-1.json").write_text("earlier file\n")
    drop(source, "po-1.json", order_payload("PO-1"))
    (record,) = source.read(None)
    source.acknowledge(record, succeeded=True)
    assert names(source.archive) == ["po-1.1.json", "po-1.json"]
    assert (source.archive / "po-1.json").read_text() == "earlier file\n"
    assert names(source.inbox) == []


def test_array_file_moves_once_every_record_of_it_is_acknowledged(
    source: JsonFileSource,
) -> None:
    drop(source, "batch.json", [order_payload("PO-1"), order_payload("PO-2")])
    first, second = source.read(None)
    assert (first.key, second.key) == ("PO-1", "PO-2")
    assert first.origin == second.origin == "inbox/batch.json"
    source.acknowledge(first, succeeded=True)
    assert names(source.inbox) == ["batch.json"]
    source.acknowledge(second, succeeded=True)
    assert names(source.inbox) == []
    assert names(source.archive) == ["batch.json"]


def test_array_file_with_a_failed_record_goes_to_error_listing_every_record(
    source: JsonFileSource,
) -> None:
    orders = [order_payload("PO-1"), order_payload("PO-2"), order_payload("PO-3")]
    drop(source, "batch.json", orders)
    first, second, third = source.read(None)
    source.acknowledge(first, succeeded=True)
    source.acknowledge(second, succeeded=False, detail="lines.0.product_code: unknown product")
    source.acknowledge(third, succeeded=True)
    assert names(source.error) == ["batch.json", "batch.json.error.txt"]
    report = (source.error / "batch.json.error.txt").read_text()
    assert_matches_snapshot(report, "jsonfiles_failed_batch_report.txt")


def test_acknowledgements_survive_a_second_read_of_an_unchanged_file(
    source: JsonFileSource,
) -> None:
    drop(source, "batch.json", [order_payload("PO-1"), order_payload("PO-2")])
    first, _ = source.read(None)
    source.acknowledge(first, succeeded=True)
    _, second = source.read(None)
    source.acknowledge(second, succeeded=True)
    assert names(source.archive) == ["batch.json"]


def test_file_changed_after_it_was_read_stays_in_the_inbox(source: JsonFileSource) -> None:
    path = drop(source, "po-1.json", order_payload("PO-1"))
    (record,) = source.read(None)
    write_file(path, json.dumps(order_payload("PO-1", revision=2)))
    source.acknowledge(record, succeeded=True)
    assert names(source.inbox) == ["po-1.json"]
    assert names(source.archive) == []
    (again,) = source.read(None)
    assert again.content_hash != record.content_hash


def test_acknowledging_a_record_this_source_did_not_read_moves_nothing(
    source: JsonFileSource, caplog: pytest.LogCaptureFixture
) -> None:
    drop(source, "po-1.json", order_payload("PO-1"))
    stranger = Record.of("PO-1", order_payload("PO-1"), origin="inbox/po-1.json")
    with caplog.at_level(logging.WARNING):
        source.acknowledge(stranger, succeeded=True)
    assert names(source.inbox) == ["po-1.json"]
    assert "no such record waiting" in caplog.text


def test_file_dropped_twice_is_read_again_with_the_same_key_and_hash(
    source: JsonFileSource,
) -> None:
    drop(source, "po-1.json", order_payload("PO-1"))
    (first,) = source.read(None)
    source.acknowledge(first, succeeded=True)
    drop(source, "po-1.json", order_payload("PO-1"))
    (second,) = source.read(first.cursor)
    assert (second.key, second.content_hash) == (first.key, first.content_hash)
    source.acknowledge(second, succeeded=True)
    assert names(source.archive) == ["po-1.1.json", "po-1.json"]


def test_files_come_oldest_first_and_cursors_never_go_back(source: JsonFileSource) -> None:
    base = 1_700_000_000 * 10**9
    drop(source, "b.json", order_payload("B"), mtime_ns=base + 2)
    drop(source, "a.json", order_payload("A"), mtime_ns=base + 2)
    drop(source, "c.json", order_payload("C"), mtime_ns=base + 1)
    records = list(source.read(None))
    assert [record.key for record in records] == ["C", "A", "B"]
    assert [record.cursor for record in records] == [
        f"{base + 1:020d}:c.json",
        f"{base + 2:020d}:a.json",
        f"{base + 2:020d}:b.json",
    ]
    for record in records:
        source.acknowledge(record, succeeded=True)
    # A file copied in later with an older mtime than the cursor is still read, at the cursor.
    drop(source, "old.json", order_payload("OLD"), mtime_ns=base)
    (late,) = source.read(records[-1].cursor)
    assert (late.key, late.cursor) == ("OLD", records[-1].cursor)


def test_quarantine_moves_the_named_inbox_file_to_error_with_the_problem(
    source: JsonFileSource,
) -> None:
    drop(source, "po-1.json", order_payload("PO-1"))
    (record,) = source.read(None)
    source.quarantine(record.origin or "", "the mapping needs 'ship_to', which is missing")
    assert names(source.error) == ["po-1.json", "po-1.json.error.txt"]
    report = (source.error / "po-1.json.error.txt").read_text()
    assert "Problem:   the mapping needs 'ship_to', which is missing" in report
    source.acknowledge(record, succeeded=False, detail="late")
    assert names(source.error) == ["po-1.json", "po-1.json.error.txt"]


def test_quarantine_of_a_file_outside_the_inbox_moves_nothing(
    source: JsonFileSource, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "connector.yaml"
    elsewhere.write_text("flows: {}\n")
    source.quarantine("connector.yaml", "not ours")
    source.quarantine("inbox/../connector.yaml", "not ours either")
    assert elsewhere.exists()
    assert names(source.error) == []


def test_archive_that_is_the_inbox_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterSettingsError) as caught:
        make_source(tmp_path, archive="inbox/")
    assert [problem.field for problem in caught.value.problems] == ["archive"]
    assert "is the inbox" in str(caught.value)


@pytest.fixture
def other_filesystem(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem (/dev/shm) to put a folder on")
    folder = Path(tempfile.mkdtemp(dir=shm))
    yield folder
    shutil.rmtree(folder)


def test_error_folder_on_another_filesystem_is_a_settings_error(
    tmp_path: Path, other_filesystem: Path
) -> None:
    with pytest.raises(AdapterSettingsError) as caught:
        make_source(tmp_path, error=str(other_filesystem / "error"))
    assert [problem.field for problem in caught.value.problems] == ["error"]
    assert "another filesystem" in str(caught.value)
