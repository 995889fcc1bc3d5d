"""Searches over loopback: a saved search plus lastModifiedDate on or after a moment, paged
with searchMoreWithId until the last page, in date-modified order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from netsuite_support import WaitRecorder, sales_order, settings_for
from pydantic import ValidationError

from adapters.netsuite import NetSuiteClient, NetSuiteRecordError, RecordType
from adapters.netsuite.simulator import DEFAULT_SAVED_SEARCH_ID, SimulatorConfig, SimulatorServer

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _seed_orders(server: SimulatorServer, count: int) -> list[str]:
    """``count`` sales orders last modified an hour apart from START, newest seeded first."""
    ids = []
    for number in reversed(range(count)):
        modified = START + timedelta(hours=number)
        ids.append(
            server.simulator.seed(
                RecordType.SALES_ORDER,
                sales_order(f"SO-{number:02d}", ("301", 1), lastModifiedDate=modified),
            )
        )
    return ids


def test_a_search_is_read_page_by_page_with_search_more_with_id(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    _seed_orders(server, 12)

    pages = list(client.search_pages(saved_search_id=DEFAULT_SAVED_SEARCH_ID, page_size=5))

    assert [(page.page_index, page.total_pages) for page in pages] == [(1, 3), (2, 3), (3, 3)]
    assert [len(page.records) for page in pages] == [5, 5, 2]
    assert {page.total_records for page in pages} == {12}
    assert len({page.search_id for page in pages}) == 1
    assert server.simulator.requests["search"] == 1
    assert server.simulator.requests["searchMoreWithId"] == 2


def test_records_come_in_date_modified_order_and_only_from_the_given_moment(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    _seed_orders(server, 12)

    records = list(
        client.search(
            saved_search_id=DEFAULT_SAVED_SEARCH_ID,
            modified_since=START + timedelta(hours=4),
            page_size=5,
        )
    )

    assert [record.externalId for record in records] == [f"SO-{n:02d}" for n in range(4, 12)]
    dates = [record.lastModifiedDate for record in records]
    assert dates == sorted(dates)
    assert dates[0] == START + timedelta(hours=4)


def test_the_saved_search_returns_only_its_record_types(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    _seed_orders(server, 2)
    server.simulator.seed(
        RecordType.RETURN_AUTHORIZATION,
        {"@externalId": "RMA-1", "entity": {"@internalId": "201"}},
    )

    saved = list(client.search(saved_search_id=DEFAULT_SAVED_SEARCH_ID))
    returns = list(client.search(record_types=[RecordType.RETURN_AUTHORIZATION]))

    assert {record.externalId for record in saved} == {"SO-00", "SO-01"}
    assert [record.externalId for record in returns] == ["RMA-1"]


def test_line_items_come_unless_body_fields_only_is_asked(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    _seed_orders(server, 1)

    (with_lines,) = client.search(saved_search_id=DEFAULT_SAVED_SEARCH_ID)
    (body_only,) = client.search(saved_search_id=DEFAULT_SAVED_SEARCH_ID, body_fields_only=True)

    assert with_lines.itemList.item[0].item.internalId == "301"
    assert body_only.itemList is None
    assert body_only.otherRefNum == "PO-SO-00"


def test_a_search_without_hits_is_one_empty_page(client: NetSuiteClient) -> None:
    pages = list(client.search_pages(saved_search_id=DEFAULT_SAVED_SEARCH_ID))

    assert [(page.total_records, page.records) for page in pages] == [(0, [])]


def test_an_unknown_saved_search_is_a_record_error_with_netsuites_code(
    client: NetSuiteClient,
) -> None:
    with pytest.raises(NetSuiteRecordError) as refused:
        list(client.search(saved_search_script_id="customsearch_nothing"))

    assert refused.value.code == "INVALID_SRCH"
    assert "customsearch_nothing" in refused.value.message


def test_a_search_id_that_expired_fails_the_next_page() -> None:
    with SimulatorServer(SimulatorConfig(search_lifetime=0.0)) as server:
        _seed_orders(server, 6)
        with NetSuiteClient(settings_for(server), retry=WaitRecorder().policy()) as client:
            pages = client.search_pages(saved_search_id=DEFAULT_SAVED_SEARCH_ID, page_size=5)
            first = next(pages)
            with pytest.raises(NetSuiteRecordError) as refused:
                next(pages)

    assert len(first.records) == 5
    assert refused.value.code == "INVALID_SEARCH_MORE"


def test_a_moment_without_time_zone_is_refused_before_anything_is_sent(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    with pytest.raises(ValueError, match="time zone"):
        list(client.search(modified_since=datetime(2024, 1, 1)))

    assert server.simulator.requests["search"] == 0


def test_a_page_size_netsuite_does_not_allow_is_refused_by_the_settings() -> None:
    with SimulatorServer() as server, pytest.raises(ValidationError, match="page_size"):
        settings_for(server, page_size=2)


def test_an_order_edited_later_moves_to_the_end_and_into_a_later_window(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    ids = _seed_orders(server, 3)
    oldest = ids[-1]
    server.simulator.touch(RecordType.SALES_ORDER, oldest, START + timedelta(days=1))

    everything = [
        record.internalId for record in client.search(saved_search_id=DEFAULT_SAVED_SEARCH_ID)
    ]
    since_yesterday = [
        record.internalId
        for record in client.search(
            saved_search_id=DEFAULT_SAVED_SEARCH_ID, modified_since=START + timedelta(hours=12)
        )
    ]

    assert everything[-1] == oldest
    assert since_yesterday == [oldest]
