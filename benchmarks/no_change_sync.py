"""A sync with no changes must cost the same over a store of 10,000 or 1,000,000 records.

For each store size a SQLite checkpoint store is filled with that many delivered (``done``)
records of one flow, then the engine runs the flow twice:

- *cursor at the end*: the source has nothing after the stored cursor (the usual case);
- *1,000 unchanged re-read*: the source yields 1,000 records the store already holds as done
  with the same content (a source that re-reads a window); each must be skipped.

The sink counts calls; any call is an error (nothing changed). The figure of merit is the ratio
of the 1M time to the 10k time for each case: about 1 means the cost does not grow with the
store. The store is filled with bulk inserts into its tables (a benchmark-only shortcut: through
the public API a million deliveries would take most of an hour).
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from adapters.base import AdapterContext, AdapterSettings, Record, Sink, Source, content_hash
from connector.engine import Engine, Flow
from connector.store import CheckpointStore, RecordState
from connector.store.tables import RecordRow

FLOW = "orders"
REREAD = 1000


def payload(n: int) -> dict[str, Any]:
    """The source document of record ``n``."""
    return {"customer_order": f"K{n:07d}", "lines": [{"product_code": "P", "quantity": 1}]}


class WindowSource(Source):
    """Yields records ``first .. first + count - 1``; the cursor is the record number."""

    kind = "bench-window"

    def __init__(self, first: int, count: int) -> None:
        self._first, self._count = first, count

    def read(self, cursor: str | None) -> Iterator[Record]:
        start = self._first if cursor is None else max(self._first, int(cursor) + 1)
        for n in range(start, self._first + self._count):
            yield Record.of(f"K{n:07d}", payload(n), cursor=str(n))


class CountingSink(Sink):
    """A sink that must not be called: nothing changed."""

    kind = "bench-counting"

    def __init__(self) -> None:
        super().__init__(AdapterSettings(), AdapterContext("sink", Path(".")))
        self.calls = 0

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        self.calls += 1
        return record.key

    def lookup(self, record: Record) -> str | None:
        self.calls += 1
        return None


def _fill(store: CheckpointStore, size: int) -> None:
    now = datetime.now(UTC)
    rows = (
        {
            "flow": FLOW,
            "key": f"K{n:07d}",
            "state": RecordState.DONE,
            "content_hash": content_hash(payload(n)),
            "attempts": 1,
            "remote_ref": str(n),
            "lease_version": 0,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(size)
    )
    engine = store._engine  # benchmark-only shortcut, see the module docstring
    with engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000:
                connection.execute(insert(RecordRow), batch)
                batch = []
        if batch:
            connection.execute(insert(RecordRow), batch)
    with engine.connect() as connection:
        # Fold the bulk fill into the database now, not during the first timed runs.
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.set_cursor(FLOW, str(size - 1))


def _time_runs(engine: Engine, flow: Flow, repeats: int) -> float:
    engine.run(flow)  # warm the database pages and the engine's first-run work
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        report = engine.run(flow)
        times.append(time.perf_counter() - start)
        if report.counts.submitted or report.counts.failed:
            raise RuntimeError(f"a run with no changes did work: {report.summary}")
    return statistics.median(times)


def _measure(size: int, workdir: Path, repeats: int) -> tuple[float, float]:
    with CheckpointStore.open(f"sqlite:///{workdir / f'store-{size}.db'}") as store:
        fill_start = time.perf_counter()
        _fill(store, size)
        print(
            f"  filled a store with {size:,} done records"
            f" in {time.perf_counter() - fill_start:.1f} s"
        )
        engine = Engine(store)
        sink = CountingSink()
        at_end = _time_runs(engine, Flow(FLOW, WindowSource(size, 0), sink), repeats)
        # Re-read the last REREAD records from the start of that window (cursor ignored).
        window = WindowSource(size - REREAD, REREAD)
        reread = _time_runs(engine, Flow(f"{FLOW}", _Uncursored(window), sink), repeats)
        if sink.calls:
            raise RuntimeError(f"the sink was called {sink.calls} times with nothing changed")
    return at_end, reread


class _Uncursored(Source):
    """Reads its inner source from the start whatever the cursor (a window re-read)."""

    kind = "bench-uncursored"

    def __init__(self, inner: Source) -> None:
        self._inner = inner

    def read(self, cursor: str | None) -> Iterator[Record]:
        return self._inner.read(None)


def main(
    *, requests: int = 0, rounds: int = 5, sizes: tuple[int, ...] = (10_000, 1_000_000)
) -> None:
    """Print the no-change sync times for each store size and their ratio."""
    del requests  # the sizes set the work here
    print(f"no-change sync: SQLite store of {' and '.join(f'{s:,}' for s in sizes)} done records")
    results: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            results[size] = _measure(size, Path(tmp), rounds)
    small, large = sizes[0], sizes[-1]
    for index, label in enumerate(("cursor at the end", f"{REREAD:,} unchanged re-read")):
        low, high = results[small][index], results[large][index]
        print(
            f"  {label:<24} {small:>9,}: {low * 1000:8.1f} ms   {large:>9,}: {high * 1000:8.1f} ms"
            f"   ratio {high / low:5.2f}"
        )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the process: {peak_mib:.0f} MiB")
