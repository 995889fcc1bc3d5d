"""The sandbox store: JSON documents with integer ids in SQLite, in memory or in a file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.sandbox.store import Store, Table


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store()
    yield store
    store.close()


def test_insert_assigns_increasing_ids_and_get_returns_the_document(store: Store) -> None:
    first = store.insert(Table.ITEMS, {"name": "a"})
    second = store.insert("items", {"name": "b", "id": 999})

    assert (first["id"], second["id"]) == (1, 2)
    assert store.get(Table.ITEMS, 2) == {"id": 2, "name": "b"}
    assert store.get(Table.ITEMS, 3) is None


def test_explicit_ids_are_kept_and_later_ids_follow_them(store: Store) -> None:
    store.insert(Table.SHIPPING_METHODS, {"name": "FedEx Ground"}, id=12)

    assert store.insert(Table.SHIPPING_METHODS, {"name": "next"})["id"] == 13


def test_deleted_ids_are_never_handed_out_again(store: Store) -> None:
    doc = store.insert(Table.WEBHOOKS, {"url": "http://a"})
    assert store.delete(Table.WEBHOOKS, doc["id"])
    assert not store.delete(Table.WEBHOOKS, doc["id"])

    assert store.insert(Table.WEBHOOKS, {"url": "http://b"})["id"] == doc["id"] + 1


def test_update_replaces_the_document_and_reports_unknown_ids(store: Store) -> None:
    doc = store.insert(Table.ITEMS, {"name": "a", "weight": 1})

    assert store.update(Table.ITEMS, doc["id"], {"name": "b"}) == {"id": doc["id"], "name": "b"}
    assert store.get(Table.ITEMS, doc["id"]) == {"id": doc["id"], "name": "b"}
    assert store.update(Table.ITEMS, 404, {"name": "c"}) is None


def test_query_filters_by_equality_and_pages_with_the_total(store: Store) -> None:
    for index in range(10):
        store.insert(Table.ITEMS, {"name": f"item {index}", "even": index % 2 == 0})

    rows, total = store.query(Table.ITEMS, {"even": True}, limit=2, offset=1)

    assert total == 5
    assert [row["name"] for row in rows] == ["item 2", "item 4"]


def test_query_tells_booleans_numbers_and_strings_apart(store: Store) -> None:
    store.insert(Table.ITEMS, {"value": True})
    store.insert(Table.ITEMS, {"value": 1})
    store.insert(Table.ITEMS, {"value": "1"})

    assert [r["id"] for r in store.all(Table.ITEMS, {"value": True})] == [1]
    assert [r["id"] for r in store.all(Table.ITEMS, {"value": 1})] == [2]
    assert [r["id"] for r in store.all(Table.ITEMS, {"value": "1"})] == [3]


def test_query_none_matches_null_and_missing_and_not_null_excludes_them(store: Store) -> None:
    store.insert(Table.RMAS, {"closed_date": None})
    store.insert(Table.RMAS, {})
    store.insert(Table.RMAS, {"closed_date": "2024-01-01"})

    assert [r["id"] for r in store.all(Table.RMAS, {"closed_date": None})] == [1, 2]
    rows, total = store.query(Table.RMAS, not_null=["closed_date"])
    assert ([r["id"] for r in rows], total) == ([3], 1)


def test_query_filters_on_id(store: Store) -> None:
    store.insert(Table.ITEMS, {"name": "a"})
    store.insert(Table.ITEMS, {"name": "b"})

    assert store.all(Table.ITEMS, {"id": 2}) == [{"id": 2, "name": "b"}]


def test_query_rejects_field_names_that_are_not_identifiers(store: Store) -> None:
    with pytest.raises(ValueError, match="not a field name"):
        store.query(Table.ITEMS, {"name') OR 1=1 --": "x"})


def test_unknown_tables_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="sqlite_master"):
        store.count("sqlite_master")


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    def fail_halfway() -> None:
        with store.transaction():
            store.insert(Table.ITEMS, {"name": "a"})
            store.insert(Table.INVOICES, {"total": 1})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_halfway()

    assert store.counts()["items"] == 0
    assert store.counts()["invoices"] == 0


def test_clear_empties_every_table_and_restarts_ids(store: Store) -> None:
    store.insert(Table.ITEMS, {"name": "a"})
    store.insert(Table.INVOICES, {"total": 1})
    assert not store.is_empty()

    store.clear()

    assert store.is_empty()
    assert store.insert(Table.ITEMS, {"name": "b"})["id"] == 1


def test_concurrent_inserts_from_many_threads_lose_nothing(store: Store) -> None:
    def insert_many(worker: int) -> None:
        for index in range(50):
            store.insert(Table.CUSTOMER_ORDER_SUBMISSIONS, {"worker": worker, "n": index})

    threads = [threading.Thread(target=insert_many, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.count(Table.CUSTOMER_ORDER_SUBMISSIONS) == 400
    ids = [r["id"] for r in store.all(Table.CUSTOMER_ORDER_SUBMISSIONS)]
    assert len(set(ids)) == 400


def test_a_file_store_keeps_its_documents_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "sandbox.db"
    first = Store(path)
    first.insert(Table.CUSTOMER_ORDER_SUBMISSIONS, {"customer_order": "CO-1"})
    first.close()

    again = Store(path)
    try:
        assert again.all(Table.CUSTOMER_ORDER_SUBMISSIONS) == [{"id": 1, "customer_order": "CO-1"}]
    finally:
        again.close()
