"""The change cursor and the read plan, alone (pure logic, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.sap.changes import ChangeCursor, ChangeCursorError, ChangeScan, ScanRequest

T0 = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
OVERLAP = timedelta(minutes=10)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_new_cursor_reads_from_the_start() -> None:
    cursor = ChangeCursor()

    assert cursor.lower_bound(OVERLAP) is None
    assert not cursor.is_taken("1", T0)


def test_taking_moves_the_watermark_and_remembers_the_version() -> None:
    cursor = ChangeCursor().take("1", at(5), OVERLAP).take("2", at(3), OVERLAP)

    assert cursor.watermark == at(5)
    assert cursor.lower_bound(OVERLAP) == at(-5)
    assert cursor.is_taken("1", at(5))
    assert cursor.is_taken("2", at(2))
    assert not cursor.is_taken("2", at(4))


def test_a_newer_change_of_a_taken_document_is_not_taken_yet() -> None:
    cursor = ChangeCursor().take("1", at(0), OVERLAP)

    assert not cursor.is_taken("1", at(0) + timedelta(milliseconds=1))


def test_documents_older_than_the_window_are_forgotten() -> None:
    cursor = ChangeCursor().take("old", at(0), OVERLAP).take("new", at(10), OVERLAP)

    later = cursor.take("newest", at(10) + timedelta(seconds=1), OVERLAP)

    assert set(cursor.taken) == {"old", "new"}
    assert set(later.taken) == {"new", "newest"}


def test_a_cursor_survives_its_text() -> None:
    cursor = (
        ChangeCursor()
        .take("1", at(1), OVERLAP)
        .take("2", at(2) + timedelta(microseconds=5), OVERLAP)
    )

    again = ChangeCursor.decode(cursor.encode())

    assert again == cursor
    assert ChangeCursor.decode(None) == ChangeCursor()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "is not JSON"),
        ('{"v": 2}', "not a version 1 change cursor"),
        ('{"v": 1, "watermark": "yesterday"}', "is not an ISO 8601 time"),
        ('{"v": 1, "watermark": "2025-01-15T10:00:00"}', "has no time zone"),
        ('{"v": 1, "watermark": null, "taken": []}', "taken is not an object"),
        ('{"v": 1, "watermark": null, "taken": {"1": 5}}', "taken[1]"),
    ],
)
def test_a_cursor_that_is_not_one_is_refused_saying_why(text: str, reason: str) -> None:
    with pytest.raises(ChangeCursorError, match=reason.replace("[", r"\[")):
        ChangeCursor.decode(text)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        ChangeCursor().take("1", datetime(2025, 1, 1), OVERLAP)


def test_the_first_request_starts_an_overlap_before_the_watermark() -> None:
    scan = ChangeScan(ChangeCursor(watermark=at(30)), OVERLAP, page_size=3)

    assert scan.first() == ScanRequest(at(20))


def test_a_short_page_ends_the_read() -> None:
    scan = ChangeScan(ChangeCursor(), OVERLAP, page_size=3)

    assert scan.after(ScanRequest(None), [at(1), at(2)], held_back=False) is None
    assert scan.after(ScanRequest(None), [], held_back=False) is None


def test_a_full_page_continues_at_the_last_change_time_not_at_a_position() -> None:
    scan = ChangeScan(ChangeCursor(), OVERLAP, page_size=3)

    assert scan.after(ScanRequest(at(0)), [at(1), at(2), at(2)], held_back=False) == ScanRequest(
        at(2)
    )


def test_a_page_sap_held_back_continues_even_when_short() -> None:
    scan = ChangeScan(ChangeCursor(), OVERLAP, page_size=3)

    assert scan.after(ScanRequest(None), [at(1)], held_back=True) == ScanRequest(at(1))


def test_a_page_all_at_the_bound_skips_within_that_time_to_make_progress() -> None:
    scan = ChangeScan(ChangeCursor(), OVERLAP, page_size=3)
    ties = [at(2)] * 3

    second = scan.after(ScanRequest(at(2)), ties, held_back=False)
    third = scan.after(second, ties, held_back=False) if second else None
    out = scan.after(ScanRequest(at(2), 6), [at(2), at(3), at(4)], held_back=False)

    assert second == ScanRequest(at(2), 3)
    assert third == ScanRequest(at(2), 6)
    assert out == ScanRequest(at(4))


@pytest.mark.parametrize(("overlap", "size"), [(timedelta(-1), 3), (OVERLAP, 0)])
def test_a_scan_refuses_a_negative_overlap_or_an_empty_page(overlap: timedelta, size: int) -> None:
    with pytest.raises(ValueError, match=r"overlap|page_size"):
        ChangeScan(ChangeCursor(), overlap, size)
