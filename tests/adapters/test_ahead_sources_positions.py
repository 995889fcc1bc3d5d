"""The cursor of the AHEAD sources as pure logic: positions, their text, and how they move."""

from __future__ import annotations

import pytest

from adapters.ahead.positions import CursorError, ListOrderError, ListPosition, SettledPrefix

ORDERS = "customer_order_submissions"


def walk(start: ListPosition, visits: list[tuple[int, bool]]) -> SettledPrefix:
    prefix = SettledPrefix(start)
    for place, (record_id, settled) in enumerate(visits, start=start.settled):
        prefix.visit(place, record_id, settled=settled)
    return prefix


def test_position_survives_its_cursor_text() -> None:
    position = ListPosition(ORDERS, 12, 5013)
    assert ListPosition.decode(position.encode(), ORDERS) == position


def test_no_cursor_is_the_start_of_the_list() -> None:
    assert ListPosition.decode(None, ORDERS) == ListPosition(ORDERS, 0, None)


def test_position_moves_over_records_while_each_settles() -> None:
    prefix = walk(ListPosition.start(ORDERS), [(5001, True), (5002, True), (5004, True)])
    assert prefix.position == ListPosition(ORDERS, 3, 5004)
    assert prefix.held_at is None


def test_first_record_not_settled_holds_the_position_for_the_rest_of_the_walk() -> None:
    prefix = walk(
        ListPosition(ORDERS, 2, 5002), [(5003, True), (5004, False), (5005, True), (5006, True)]
    )
    assert prefix.position == ListPosition(ORDERS, 3, 5003)
    assert prefix.held_at == 3


def test_record_without_an_id_holds_the_position_even_when_settled() -> None:
    prefix = walk(ListPosition.start(ORDERS), [(None, True), (5002, True)])
    assert prefix.position == ListPosition.start(ORDERS)
    assert prefix.held_at == 0


def test_ids_that_do_not_increase_are_refused() -> None:
    prefix = SettledPrefix(ListPosition(ORDERS, 4, 5010))
    with pytest.raises(ListOrderError, match="id 5009, not more than the id before it \\(5010\\)"):
        prefix.visit(4, 5009, settled=True)


def test_ids_are_checked_after_the_position_is_held() -> None:
    prefix = walk(ListPosition.start(ORDERS), [(5001, False), (5003, True)])
    with pytest.raises(ListOrderError):
        prefix.visit(2, 5002, settled=True)


def test_a_visit_out_of_place_is_refused() -> None:
    prefix = SettledPrefix(ListPosition(ORDERS, 4, 5010))
    with pytest.raises(ValueError, match="expected the record at place 4, not at 5"):
        prefix.visit(5, 5011, settled=True)


@pytest.mark.parametrize(
    ("cursor", "words"),
    [
        ("00000000001700000000:po-1.json", "stored by another kind of source"),
        ('{"v":2,"list":"customer_order_submissions","settled":1,"last_id":1}', "another kind"),
        ("[1, 2]", "another kind of source"),
        ('{"v":1,"list":"invoices","settled":1,"last_id":1}', "list 'invoices', not in"),
        ('{"v":1,"list":"customer_order_submissions","settled":"1","last_id":1}', "is not a"),
        ('{"v":1,"list":"customer_order_submissions","settled":true,"last_id":1}', "is not a"),
        ('{"v":1,"list":"customer_order_submissions","settled":2,"last_id":null}', "last_id is"),
        ('{"v":1,"list":"customer_order_submissions","settled":-1,"last_id":1}', "negative"),
    ],
)
def test_foreign_or_damaged_cursor_is_refused_with_what_to_do(cursor: str, words: str) -> None:
    with pytest.raises(CursorError) as refused:
        ListPosition.decode(cursor, ORDERS)
    assert words in str(refused.value)
    assert cursor in str(refused.value)


def test_refusals_say_how_to_recover() -> None:
    with pytest.raises(
        CursorError, match="Clear the flow's cursor to read the list from the start"
    ):
        ListPosition.decode("not json", ORDERS)
