"""Helpers of the X12 memory tests: a large interchange, and what a piece of work allocates."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from x12_samples_support import interchange, purchase_order_sets

from adapters.x12.envelope import InterchangeEnd, read_envelopes

SETS = 5_000
Result = TypeVar("Result")


def write_many_sets(path: Path) -> Path:
    """One interchange of one group of :data:`SETS` small 850s (004010), at ``path``."""
    segments = [
        "GS*PO*ACMEBUYER*AHEADMFG*20250115*1530*1*X*004010",
        *purchase_order_sets(SETS, lines=1),
        f"GE*{SETS}*1",
        "IEA*1*000000001",
    ]
    path.write_text(interchange(segments, after="\n"), encoding="ascii", newline="")
    return path


def interchange_end(path: Path) -> InterchangeEnd:
    """The end of the file's (only) interchange; every set event is dropped as it comes."""
    found = [event for event in read_envelopes(path) if isinstance(event, InterchangeEnd)]
    assert len(found) == 1
    return found[0]


def held_by(work: Callable[[], Result]) -> tuple[Result, int]:
    """What ``work`` returns, and the memory it allocated that is still held afterwards."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, held


def peak_of(work: Callable[[], Result]) -> tuple[Result, int]:
    """What ``work`` returns, and the peak of the memory it allocated on the way."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak
