"""The sandbox's state: one SQLite database, one table of JSON documents per resource.

``path=None`` keeps the database in memory; a path keeps it in that file, so a restarted sandbox
still has its orders. One connection is shared by every thread (uvicorn runs synchronous
handlers in a thread pool) and guarded by a re-entrant lock; :meth:`Store.transaction` holds
that lock across several statements so a read-modify-write cannot interleave with another.
"""

from __future__ import annotations

import enum
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Document = dict[str, Any]

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Fields looked up often enough to be indexed: order lookups by the customer's order number
#: (reconciliation), the lifecycle's search for due orders, and invoices by order.
_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "customer_order_submissions": (("customer_order",), ("status", "created_at")),
    "invoices": (("order_id",),),
}


class Table(enum.StrEnum):
    """Every table of the sandbox store."""

    AUTOMATION_QUEUES = "automation_queues"
    AUTOMATION_TASK_TYPES = "automation_task_types"
    AUTOMATION_TASKS = "automation_tasks"
    COUNTRIES = "countries"
    CUSTOMER_CATALOG_ITEMS = "customer_catalog_items"
    CUSTOMER_ORDER_SUBMISSIONS = "customer_order_submissions"
    INVENTORIES = "inventories"
    INVOICES = "invoices"
    ITEM_CATEGORIES = "item_categories"
    ITEMS = "items"
    RMA_COMMENTS = "rma_comments"
    RMAS = "rmas"
    SERIAL_DATA = "serial_data"
    SERIAL_DATA_TYPES = "serial_data_types"
    SERIALS = "serials"
    SHIPPING_METHODS = "shipping_methods"
    WEBHOOKS = "webhooks"
    WORK_ORDERS = "work_orders"


class Store:
    """JSON documents with integer ids, in SQLite.

    Documents are stored without their ``id``; every read returns ``{"id": id, **document}``.

    Args:
        path: the SQLite file, created with its parent folders if missing; ``None`` for memory.
    """

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._connection = sqlite3.connect(
            ":memory:" if path is None else str(path),
            check_same_thread=False,
            isolation_level=None,
        )
        self._depth = 0
        with self.transaction():
            for table in Table:
                # AUTOINCREMENT: an id once handed out (a deleted webhook) is never reused.
                self._connection.execute(
                    f'CREATE TABLE IF NOT EXISTS "{table.value}" '
                    "(id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL)"
                )
            for table_name, indexes in _INDEXES.items():
                for fields in indexes:
                    columns = ", ".join(_extract(field) for field in fields)
                    self._connection.execute(
                        f'CREATE INDEX IF NOT EXISTS "{table_name}_{"_".join(fields)}" '
                        f'ON "{table_name}" ({columns})'
                    )

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._connection.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the enclosed calls atomically, and alone; nested uses join the outer one."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._connection.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._connection.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._connection.execute("COMMIT")

    def insert(
        self, table: Table | str, doc: Mapping[str, Any], *, id: int | None = None
    ) -> Document:
        """Add a document and return it with its id.

        Args:
            table: where.
            doc: the document; an ``id`` key in it is ignored.
            id: use this id instead of the next free one (seeded reference data).
        """
        body = _dumps(doc)
        with self.transaction():
            cursor = self._connection.execute(
                f'INSERT INTO "{_table(table)}" (id, doc) VALUES (?, ?)', (id, body)
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        return _document(new_id, body)

    def get(self, table: Table | str, id: int) -> Document | None:
        """The document with this id, or ``None``."""
        with self._lock:
            row = self._connection.execute(
                f'SELECT id, doc FROM "{_table(table)}" WHERE id = ?', (id,)
            ).fetchone()
        return None if row is None else _document(row[0], row[1])

    def update(self, table: Table | str, id: int, doc: Mapping[str, Any]) -> Document | None:
        """Replace the document with this id; ``None`` when there is none."""
        body = _dumps(doc)
        with self.transaction():
            cursor = self._connection.execute(
                f'UPDATE "{_table(table)}" SET doc = ? WHERE id = ?', (body, id)
            )
        return _document(id, body) if cursor.rowcount else None

    def delete(self, table: Table | str, id: int) -> bool:
        """Remove the document with this id; whether there was one."""
        with self.transaction():
            cursor = self._connection.execute(f'DELETE FROM "{_table(table)}" WHERE id = ?', (id,))
        return cursor.rowcount > 0

    def query(
        self,
        table: Table | str,
        filters: Mapping[str, Any] | None = None,
        *,
        not_null: Iterable[str] = (),
        at_most: Mapping[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[Document], int]:
        """Documents whose top-level fields equal ``filters``, in id order.

        Args:
            table: where.
            filters: field name to a JSON scalar (``None`` matches null or a missing field).
            not_null: fields that must be present and not null.
            at_most: field name to a text value the field must not exceed (ISO timestamps
                compare as text).
            limit: at most this many documents; ``None`` for all.
            offset: skip this many first.

        Returns:
            The page of documents and the number of all matching documents.

        Raises:
            ValueError: a field name is not an identifier or a value is not a JSON scalar.
        """
        clauses: list[str] = []
        params: list[Any] = []
        for name, value in (filters or {}).items():
            if name == "id":
                clauses.append("id IS ?")
                params.append(value)
                continue
            extract, kind = _extract(name), _extract(name, "json_type")
            if value is None:
                clauses.append(f"{extract} IS NULL")
            elif isinstance(value, bool):
                # JSON tells booleans from numbers; json_extract alone would give true as 1.
                clauses.append(f"{kind} = ?")
                params.append("true" if value else "false")
            elif isinstance(value, int | float):
                clauses.append(f"{kind} IN ('integer', 'real') AND {extract} = ?")
                params.append(value)
            elif isinstance(value, str):
                clauses.append(f"{kind} = 'text' AND {extract} = ?")
                params.append(value)
            else:
                raise ValueError(f"filter on {name!r} must be a string, number, boolean or null")
        for name in not_null:
            clauses.append(f"{_extract(name)} IS NOT NULL")
        for name, bound in (at_most or {}).items():
            clauses.append(f"{_extract(name)} <= ?")
            params.append(bound)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        name = _table(table)
        with self._lock:
            total = self._connection.execute(
                f'SELECT COUNT(*) FROM "{name}"{where}', params
            ).fetchone()[0]
            rows = self._connection.execute(
                f'SELECT id, doc FROM "{name}"{where} ORDER BY id LIMIT ? OFFSET ?',
                [*params, -1 if limit is None else limit, offset],
            ).fetchall()
        return [_document(row_id, body) for row_id, body in rows], int(total)

    def all(self, table: Table | str, filters: Mapping[str, Any] | None = None) -> list[Document]:
        """Every document matching ``filters``, in id order."""
        return self.query(table, filters)[0]

    def first(self, table: Table | str, filters: Mapping[str, Any]) -> Document | None:
        """The first document (lowest id) matching ``filters``, or ``None``."""
        rows, _ = self.query(table, filters, limit=1)
        return rows[0] if rows else None

    def count(self, table: Table | str) -> int:
        """How many documents the table holds."""
        with self._lock:
            row = self._connection.execute(f'SELECT COUNT(*) FROM "{_table(table)}"').fetchone()
        return int(row[0])

    def counts(self) -> dict[str, int]:
        """The number of documents of every table."""
        with self._lock:
            return {table.value: self.count(table) for table in Table}

    def is_empty(self) -> bool:
        """Whether no table holds any document."""
        return not any(self.counts().values())

    def clear(self) -> None:
        """Remove every document and restart every id sequence."""
        with self.transaction():
            for table in Table:
                self._connection.execute(f'DELETE FROM "{table.value}"')
            self._connection.execute("DELETE FROM sqlite_sequence")


def _table(table: Table | str) -> str:
    # Table names reach SQL text, so only the known ones pass.
    return Table(table).value


def _extract(field: str, function: str = "json_extract") -> str:
    # The path is written into the SQL text (not bound) so that SQLite can use the expression
    # indexes above; the name check keeps that safe.
    if not _FIELD_NAME.match(field):
        raise ValueError(f"{field!r} is not a field name")
    return f"{function}(doc, '$.{field}')"


def _dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps({k: v for k, v in doc.items() if k != "id"}, separators=(",", ":"))


def _document(id: int, body: str) -> Document:
    return {"id": id, **json.loads(body)}
