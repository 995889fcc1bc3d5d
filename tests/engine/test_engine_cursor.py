"""The low watermark that decides how far the cursor may move (pure logic)."""

from __future__ import annotations

import pytest

from connector.engine.cursor import CursorMove, LowWatermark


def added(watermark: LowWatermark, *cursors: str | None) -> list[int]:
    return [watermark.add(f"K{n}", cursor) for n, cursor in enumerate(cursors)]


def test_records_settled_in_order_move_the_cursor_to_the_last_one() -> None:
    watermark = LowWatermark()
    for sequence in added(watermark, "c1", "c2", "c3"):
        watermark.settle(sequence)

    assert watermark.advance() == CursorMove(cursor="c3", key="K2", passed=3)
    assert watermark.unsettled == 0


def test_cursor_never_passes_a_record_still_in_flight() -> None:
    watermark = LowWatermark()
    first, second, third, fourth = added(watermark, "c1", "c2", "c3", "c4")
    watermark.settle(first)
    watermark.settle(third)
    watermark.settle(fourth)

    assert watermark.advance() == CursorMove(cursor="c1", key="K0", passed=1)
    assert watermark.advance() is None
    assert watermark.unsettled == 1

    watermark.settle(second)

    assert watermark.advance() == CursorMove(cursor="c4", key="K3", passed=3)


def test_nothing_moves_while_the_first_record_is_in_flight() -> None:
    watermark = LowWatermark()
    _in_flight, *rest = added(watermark, "c1", "c2", "c3")
    for sequence in rest:
        watermark.settle(sequence)

    assert watermark.advance() is None


def test_records_without_a_cursor_hold_their_place_but_give_no_position() -> None:
    watermark = LowWatermark()
    first, second, third = added(watermark, "c1", None, "c3")
    watermark.settle(first)
    watermark.settle(second)

    assert watermark.advance() == CursorMove(cursor="c1", key="K0", passed=1)

    watermark.settle(third)

    assert watermark.advance() == CursorMove(cursor="c3", key="K2", passed=2)


def test_small_moves_wait_until_enough_records_passed() -> None:
    watermark = LowWatermark()
    sequences = added(watermark, "c1", "c2", "c3", "c4")
    for sequence in sequences[:3]:
        watermark.settle(sequence)

    assert watermark.advance(at_least=4) is None

    watermark.settle(sequences[3])

    assert watermark.advance(at_least=4) == CursorMove(cursor="c4", key="K3", passed=4)


def test_a_record_cannot_settle_twice() -> None:
    watermark = LowWatermark()
    [sequence] = added(watermark, "c1")
    watermark.settle(sequence)

    with pytest.raises(ValueError, match="not waiting to settle"):
        watermark.settle(sequence)


def test_an_unknown_record_cannot_settle() -> None:
    with pytest.raises(ValueError, match="not waiting to settle"):
        LowWatermark().settle(0)
