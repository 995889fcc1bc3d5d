"""Lookups that the connector makes on every reconciliation, and the lifecycle on every
request, are answered from indexes rather than by reading every order."""

from __future__ import annotations

from connector.sandbox.store import Store, Table


def plan(store: Store, sql: str, params: tuple[object, ...]) -> str:
    rows = store._connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(str(row[-1]) for row in rows)


def test_order_lookup_by_customer_order_uses_an_index() -> None:
    store = Store()
    store.insert(Table.CUSTOMER_ORDER_SUBMISSIONS, {"customer_order": "A", "status": "Pending"})
    detail = plan(
        store,
        "SELECT id FROM customer_order_submissions WHERE json_extract(doc, '$.customer_order') = ?",
        ("A",),
    )
    assert "USING INDEX customer_order_submissions_customer_order" in detail


def test_due_order_search_uses_the_status_and_time_index() -> None:
    store = Store()
    detail = plan(
        store,
        "SELECT id FROM customer_order_submissions WHERE json_extract(doc, '$.status') = ? "
        "AND json_extract(doc, '$.created_at') <= ?",
        ("Pending", "2026-01-01T00:00:00Z"),
    )
    assert "USING INDEX customer_order_submissions_status_created_at" in detail


def test_at_most_keeps_only_documents_up_to_the_bound() -> None:
    store = Store()
    for stamp in ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"):
        store.insert(Table.CUSTOMER_ORDER_SUBMISSIONS, {"status": "Pending", "created_at": stamp})
    rows, total = store.query(
        Table.CUSTOMER_ORDER_SUBMISSIONS,
        {"status": "Pending"},
        at_most={"created_at": "2026-01-02T00:00:00Z"},
    )
    assert total == 2
    assert [r["created_at"] for r in rows] == ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"]
